"""Run an action on a real rasa_sdk tracker and collect what it says."""
from __future__ import annotations

from typing import Dict, List, Optional, Sequence, Tuple

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from kb.parts import ids_of


def make_tracker(text: str, intent: str, entities: Sequence[Tuple[str, str]] = (),
                 slots: Optional[Dict] = None) -> Tracker:
    message = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.9},
        "entities": [{"entity": label, "value": value} for label, value in entities],
    }
    return Tracker(sender_id="test", slots=dict(slots or {}), latest_message=message, events=[],
                   paused=False, followup_action=None, active_loop={}, latest_action_name="action_listen")


def run_action(action, text: str, intent: str, entities=(), slots=None):
    """(messages, events): what the action said and the slots it set."""
    dispatcher = CollectingDispatcher()
    events = action.run(dispatcher, make_tracker(text, intent, entities, slots), {})
    return dispatcher.messages, events


def texts(messages: List[Dict]) -> str:
    return "\n\n".join(m.get("text") or "" for m in messages)


def cited(messages: List[Dict]) -> List[str]:
    """The knowledge ids the messages cite, from their answer parts (never from the text)."""
    return ids_of(messages)


def slot(events, name):
    return next((e["value"] for e in events if e.get("event") == "slot" and e.get("name") == name), None)


def answer_buttons(messages: List[Dict]) -> List[Dict]:
    """The buttons under the answer: the last message's, unless it is the feedback question."""
    answers = [m for m in messages if not any(b.get("payload", "").startswith("/rate_") for b in m.get("buttons") or [])]
    return (answers[-1].get("buttons") or []) if answers else []
