"""'Was this helpful?': the rating and an optional comment, kept with the answer's knowledge ids.

They are stored as slot events in the conversation (which the tracker store redacts), where
`make report` reads them: feedback = {"rating", "entries", "topic"}; feedback_comment = the text.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import slots as slot
from actions.conversation import Turn, latest_user_key
from actions.knowledge import knowledge
from actions.out_of_context import answer_if_question
from actions.replies import payload, utter
from actions.safety_net import safety_messages
from kb.names import known_phrases
from privacy import redact

SKIPPED = "(skipped)"


class ActionFeedback(Action):
    """rate_helpful / rate_unhelpful: record the rating for the last answer's entries."""

    def name(self) -> Text:
        return "action_feedback"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[str, Any]]:
        helpful = (tracker.latest_message.get("intent") or {}).get("name") == "rate_helpful"
        entries = list(tracker.get_slot(slot.LAST_ENTRIES) or [])
        kb = knowledge()
        messages = kb.messages
        for text in safety_messages(kb, tracker.latest_message.get("text") or "",  # "thanks, but he hit her again"
                                    slots=tracker.slots, user_key=latest_user_key(tracker)):
            utter(dispatcher, text)
        if helpful and not entries:  # "cheers, really useful" with no answer to rate: just thanks
            utter(dispatcher, messages["thanks"])
            return []
        feedback = {"rating": "helpful" if helpful else "not_helpful", "entries": entries,
                    "topic": tracker.get_slot(slot.LAST_TOPIC)}
        if helpful:
            utter(dispatcher, messages["feedback_thanks"])
        return [SlotSet(slot.FEEDBACK, feedback), SlotSet(slot.FEEDBACK_COMMENT, None)]


class ActionAskFeedbackComment(Action):
    """The feedback form's question: what was missing (optional)."""

    def name(self) -> Text:
        return "action_ask_feedback_comment"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[str, Any]]:
        utter(dispatcher, knowledge().messages["feedback_ask_comment"], [{"title": "Skip", "payload": payload("skip")}])
        return []


class ActionFeedbackComment(Action):
    """After the comment (or Skip): thank the user; keep the comment, redacted once more."""

    def name(self) -> Text:
        return "action_feedback_comment"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[str, Any]]:
        comment = tracker.get_slot(slot.FEEDBACK_COMMENT)
        kb = knowledge()
        for text in safety_messages(kb, str(comment or ""), slots=tracker.slots,  # a comment is a message too
                                    user_key=latest_user_key(tracker)):
            utter(dispatcher, text)
        if not comment or comment == SKIPPED or str(comment).startswith("/"):
            utter(dispatcher, kb.messages["feedback_thanks"])
            return [SlotSet(slot.FEEDBACK_COMMENT, None)]
        utter(dispatcher, kb.messages["feedback_comment_thanks"])
        events = [SlotSet(slot.FEEDBACK_COMMENT, redact(str(comment), allowed_phrases=known_phrases(kb)))]
        answer = answer_if_question(kb, Turn.from_tracker(tracker))
        return events + (answer.send(dispatcher) if answer else [])

