"""The self-check: a Rasa form that walks through a checklist point by point (yes / no / not sure),
then lists what is missing with the reason from the audit for each gap.

"check my referral" checks the referral checklist; "check my plan" the plans checklist, and so on.
Slots: check_list (the checklist id), check_answers (one answer per point so far) and check_reply
(the form's requested slot, filled from the affirm / deny / not_sure intents).
"""
from __future__ import annotations

import re
from typing import Any, Dict, List, Mapping, Optional, Text, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions import slots as slot
from actions import formatting
from actions import kinds
from actions.base import KnowledgeAction
from actions.conversation import Turn, latest_user_key
from actions.knowledge import knowledge
from actions.replies import Reply, payload, utter
from actions.safety_net import assess_risk, safety_messages
from kb import KnowledgeBase
from kb import records as r
from kb.parts import Answer, detail, numbered, paragraph

FORM = "self_check_form"
RESTART = re.compile(r"\b(restart|start (it )?(again|over)|from the (start|beginning)|new check|afresh)\b", re.I)
ANSWER_WORDS = {"yes": "Yes", "no": "No", "unsure": "Not sure"}
ANSWER_BUTTONS = [{"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"},
                  {"title": "Not sure", "payload": "/not_sure"}, {"title": "Stop", "payload": "/stop"}]


def checklist_to_check(kb: KnowledgeBase, turn: Turn, current: Optional[str]) -> r.Checklist:
    """The checklist the message names (by a theme), else the one in progress, else the referral's."""
    for topic in turn.mentioned_topics(kb):
        if topic.checklists:
            return kb.checklists[topic.checklists[0]]
    if turn.requested_entry(kb, ("checklist",)):
        return turn.requested_entry(kb, ("checklist",))
    return kb.checklists.get(current or "") or kb.default_checklist


def progress(slots: Mapping[str, Any]) -> Tuple[Optional[r.Checklist], List[str]]:
    """(checklist or None, answers so far) of the check in this conversation's slots."""
    checklist = knowledge().checklists.get(slots.get(slot.CHECK_LIST) or "")
    return checklist, list(slots.get(slot.CHECK_ANSWERS) or [])


def is_paused(checklist: Optional[r.Checklist], answers: List[str]) -> bool:
    """Started and not finished."""
    return checklist is not None and 0 < len(answers) < len(checklist.items)


def question_text(kb: KnowledgeBase, checklist: r.Checklist, answered: int) -> str:
    item = checklist.items[min(answered, len(checklist.items) - 1)]
    return kb.messages["check_question"].format(number=answered + 1, total=len(checklist.items), text=item.text)


class ActionStartCheck(KnowledgeAction):
    """Starts a check, resumes a paused one, or restarts it ("restart the check"); the form asks."""

    action_name = "action_start_check"
    in_flow = True

    def answer(self, kb: KnowledgeBase, turn: Turn) -> Reply:
        current, answers = progress(turn.slots)
        wanted = checklist_to_check(kb, turn, current.id if current else None)
        restart = turn.intent == "restart_self_check" or RESTART.search(turn.text)
        keep = turn.last_entries  # the last answer's entries stay for "where does that come from?"
        if is_paused(current, answers) and current.id == wanted.id and not restart:
            return Reply([kb.messages["check_resumed"]], entries=keep,
                         events=[SlotSet(slot.ACTIVITY, "check"), SlotSet(slot.CHECK_REPLY, None)])
        return Reply([kb.messages["check_intro"].format(title=wanted.title)], topic=wanted.topic, entries=keep,
                     events=[SlotSet(slot.ACTIVITY, "check"), SlotSet(slot.CHECK_LIST, wanted.id),
                             SlotSet(slot.CHECK_ANSWERS, []), SlotSet(slot.CHECK_REPLY, None)])


class ActionAskCheckReply(Action):
    """The form's question: the next point of the checklist, with Yes / No / Not sure / Stop."""

    def name(self) -> Text:
        return "action_ask_check_reply"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[str, Any]]:
        kb = knowledge()
        checklist, answers = progress(tracker.slots)
        checklist = checklist or kb.default_checklist
        utter(dispatcher, question_text(kb, checklist, len(answers)), ANSWER_BUTTONS)
        return []


class ValidateSelfCheckForm(FormValidationAction):
    """Records each answer; the form asks again until every point has one."""

    def name(self) -> Text:
        return f"validate_{FORM}"

    def validate_check_reply(self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: DomainDict) -> Dict[Text, Any]:
        kb = knowledge()
        text = (tracker.latest_message or {}).get("text") or ""
        risk = assess_risk(kb, text)
        for message in safety_messages(kb, text, risk=risk, slots=tracker.slots,  # "no - and she's in danger now"
                                       user_key=latest_user_key(tracker)):   # : safety first
            utter(dispatcher, message)
        checklist, answers = progress(tracker.slots)
        # a disclosure is not an answer to the point: the same point is asked again
        if checklist is None or slot_value not in ANSWER_WORDS or risk.urgent:
            return {slot.CHECK_REPLY: None}
        answers.append(slot_value)
        done = len(answers) >= len(checklist.items)
        return {slot.CHECK_ANSWERS: answers, slot.CHECK_REPLY: slot_value if done else None}


class ActionCheckSummary(Action):
    """After the last point: what is missing, why it matters, and the procedures link."""

    def name(self) -> Text:
        return "action_check_summary"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[str, Any]]:
        kb = knowledge()
        checklist, answers = progress(tracker.slots)
        if checklist is None:
            return []
        utter(dispatcher, summary_text(kb, checklist, answers))
        return [SlotSet(slot.ACTIVITY, None), SlotSet(slot.CHECK_REPLY, None), SlotSet(slot.LAST_TOPIC, checklist.topic),
                SlotSet(slot.LAST_KIND, kinds.CHECKLIST), SlotSet(slot.LAST_ENTRIES, [checklist.id])]


def summary_text(kb: KnowledgeBase, checklist: r.Checklist, answers: List[str]) -> Answer:
    gaps = [(item, answer) for item, answer in zip(checklist.items, answers) if answer != "yes"]
    if not gaps:
        return _summary(kb, checklist, [paragraph(kb.messages["check_complete"].format(title=checklist.title))])
    parts = [paragraph(kb.messages["check_gaps"].format(title=checklist.title))]
    parts += [numbered(n, f"{item.text} (you said: {ANSWER_WORDS[answer].lower()})", detail(item.why, "Why"))
              for n, (item, answer) in enumerate(gaps, start=1)]
    return _summary(kb, checklist, parts)


def _summary(kb: KnowledgeBase, checklist: r.Checklist, parts: List[dict]) -> Answer:
    return Answer.of(*parts, paragraph(f"LLR procedures: {kb.procedures_link.url}"),
                     formatting.source_part(kb, [checklist.source], [checklist.id]),
                     paragraph(kb.messages["disclaimer"]))


class ActionStopCheck(Action):
    """After the form is deactivated ("stop"): where the check stopped and how to go on."""

    def name(self) -> Text:
        return "action_stop_check"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[str, Any]]:
        kb = knowledge()
        for message in safety_messages(kb, (tracker.latest_message or {}).get("text") or "", slots=tracker.slots,
                                       user_key=latest_user_key(tracker)):
            utter(dispatcher, message)
        checklist, answers = progress(tracker.slots)
        if checklist is not None:
            text = kb.messages["check_stopped"].format(number=len(answers) + 1, total=len(checklist.items))
            utter(dispatcher, text, [
                {"title": "Continue the check", "payload": payload("start_self_check")},
                {"title": "Restart the check", "payload": payload("restart_self_check")}])
        return [SlotSet(slot.CHECK_REPLY, None)]
