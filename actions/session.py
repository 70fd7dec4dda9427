"""A new session keeps the user's progress: a paused self-check and a learning path.

Rasa starts a new session after an hour of silence (domain.yml, session_config) and clears the
slots; this action carries the progress slots over so "continue learning" still works, and the
practitioner's area (Leicester, Leicestershire or Rutland) so that it is not asked again.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import slots as slot

PROGRESS_SLOTS = (slot.LEARNING, slot.CHECK_LIST, slot.CHECK_ANSWERS, slot.ACTIVITY, slot.AREA)  # area: the practitioner's


class ActionSessionStart(Action):
    def name(self) -> Text:
        return "action_session_start"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[str, Any]]:
        kept = [SlotSet(name, tracker.get_slot(name)) for name in PROGRESS_SLOTS
                if tracker.get_slot(name) is not None]
        return [SessionStarted()] + kept + [ActionExecuted("action_listen")]
