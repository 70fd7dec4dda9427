"""'Was this helpful?': the rating and an optional comment, kept with the answer's knowledge ids.

They are stored as slot events in the conversation (which the tracker store redacts), where
`make report` reads them: feedback = {"rating", "entries", "topic"}; feedback_comment = the text.
"""
from __future__ import annotations

import re
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.knowledge import knowledge
from actions.replies import payload
from actions.safety_net import known_phrases, safety_messages
from privacy import redact

FEEDBACK_BUTTONS = [{"title": "Helpful", "payload": payload("rate_helpful")},
                    {"title": "Not helpful", "payload": payload("rate_unhelpful")}]
SKIPPED = "(skipped)"


class ActionFeedback(Action):
    """rate_helpful / rate_unhelpful: record the rating for the last answer's entries."""

    def name(self) -> Text:
        return "action_feedback"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[str, Any]]:
        helpful = (tracker.latest_message.get("intent") or {}).get("name") == "rate_helpful"
        entries = list(tracker.get_slot("last_entries") or [])
        if helpful and not entries:  # "cheers, really useful" with no answer to rate: just thanks
            dispatcher.utter_message(text=knowledge().messages["thanks"])
            return []
        feedback = {"rating": "helpful" if helpful else "not_helpful", "entries": entries,
                    "topic": tracker.get_slot("last_topic")}
        if helpful:
            dispatcher.utter_message(text=knowledge().messages["feedback_thanks"])
        return [SlotSet("feedback", feedback), SlotSet("feedback_comment", None)]


class ActionAskFeedbackComment(Action):
    """The feedback form's question: what was missing (optional)."""

    def name(self) -> Text:
        return "action_ask_feedback_comment"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[str, Any]]:
        dispatcher.utter_message(text=knowledge().messages["feedback_ask_comment"],
                                 buttons=[{"title": "Skip", "payload": payload("skip")}])
        return []


class ActionFeedbackComment(Action):
    """After the comment (or Skip): thank the user; keep the comment, redacted once more."""

    def name(self) -> Text:
        return "action_feedback_comment"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[str, Any]]:
        comment = tracker.get_slot("feedback_comment")
        kb = knowledge()
        for text in safety_messages(kb, str(comment or "")):  # a comment is a message too
            dispatcher.utter_message(text=text)
        if not comment or comment == SKIPPED or str(comment).startswith("/"):
            dispatcher.utter_message(text=kb.messages["feedback_thanks"])
            return [SlotSet("feedback_comment", None)]
        dispatcher.utter_message(text=kb.messages["feedback_comment_thanks"])
        events = [SlotSet("feedback_comment", redact(str(comment), allowed_phrases=known_phrases(kb)))]
        return events + answer_if_question(kb, tracker, dispatcher)


QUESTION_START = re.compile(r"^\s*(what|when|where|who|whom|why|how|which|should|shall|can|could|do|does|"
                            r"is|are|must|may|would|will)\b", re.I)
SURE_QUESTION = 0.6


def answer_if_question(kb, tracker: Tracker, dispatcher: CollectingDispatcher) -> List[Dict[str, Any]]:
    """A question typed where a comment was asked for ("what about GPs?") is answered as well."""
    from actions.conversation import Turn
    from actions.out_of_context import question_action
    from actions.small_talk import ActionSmallTalk
    turn = Turn.from_tracker(tracker)
    action = question_action(kb, turn.intent)
    confidence = dict(turn.ranking).get(turn.intent, 0.0)
    looks_like_question = turn.text.rstrip().endswith("?") or bool(QUESTION_START.match(turn.text))
    if not action or action is ActionSmallTalk or confidence < SURE_QUESTION or not looks_like_question:
        return []
    return action().answer(kb, turn).send(dispatcher)
