"""A reply, the buttons that go with it, and what it leaves in the conversation's memory."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Optional, Sequence, Union

from rasa_sdk.events import SlotSet

from actions import slots as slot
from kb import KnowledgeBase
from kb import records as r
from kb.parts import Answer, as_answer

MAX_BUTTONS = 4


def utter(dispatcher: Any, message: Union[Answer, str], buttons: Sequence[Dict[str, str]] = ()) -> None:
    """Send one answer: its plain text, its parts in the `custom` payload, and its buttons."""
    answer = as_answer(message)
    dispatcher.utter_message(text=answer.text, buttons=list(buttons), json_message=answer.payload())


@dataclass
class Reply:
    texts: List[Union[Answer, str]]  # one message each; a str is a standing message (Answer.plain)
    buttons: List[Dict[str, str]] = field(default_factory=list)
    topic: Optional[str] = None
    kind: Optional[str] = None
    entries: List[str] = field(default_factory=list)
    term: Optional[str] = None
    events: List[Dict[str, Any]] = field(default_factory=list)  # more slots the action sets

    def send(self, dispatcher: Any, feedback_question: Optional[str] = None) -> List[Dict[str, Any]]:
        """Utter the texts, the buttons under the last one, then (if given) the feedback question with
        its own two buttons, apart from the topic buttons so that they are not tapped by mistake;
        return the slot events."""
        for index, text in enumerate(self.texts):
            last = index == len(self.texts) - 1
            utter(dispatcher, text, self.buttons if last else [])
        if feedback_question:
            utter(dispatcher, feedback_question, FEEDBACK_BUTTONS)
        return self.slot_events()

    def slot_events(self) -> List[Dict[str, Any]]:
        events = [SlotSet(slot.LAST_ENTRIES, self.entries or None)] + list(self.events)
        if self.topic:
            events.append(SlotSet(slot.LAST_TOPIC, self.topic))
        if self.kind:
            events.append(SlotSet(slot.LAST_KIND, self.kind))
        if self.term:
            events.append(SlotSet(slot.LAST_TERM, self.term))
        return events


def payload(intent: str, **entities: str) -> str:
    return f"/{intent}{json.dumps(entities, separators=(',', ':'))}" if entities else f"/{intent}"


FEEDBACK_BUTTONS = [{"title": "Helpful", "payload": payload("rate_helpful")},
                    {"title": "Not helpful", "payload": payload("rate_unhelpful")}]


def topic_button(topic: r.Topic) -> Dict[str, str]:
    if topic.intent and topic.checklists:
        return {"title": topic.title, "payload": payload(topic.intent)}
    if topic.intent:
        return {"title": topic.title, "payload": payload(topic.intent, topic=topic.id)}
    return {"title": topic.title, "payload": payload("ask_findings", topic=topic.id)}


def findings_button(topic: r.Topic) -> Dict[str, str]:
    return {"title": "What the audit found", "payload": payload("ask_findings", topic=topic.id)}


def entry_button(title: str, intent: str, entry_id: str) -> Dict[str, str]:
    return {"title": title, "payload": payload(intent, entry=entry_id)}


def related_buttons(kb: KnowledgeBase, topic_ids: Iterable[str], first: List[Dict[str, str]] = ()) -> List[Dict[str, str]]:
    buttons = list(first)
    for topic_id in topic_ids:
        if topic_id in kb.topics and len(buttons) < MAX_BUTTONS:
            buttons.append(topic_button(kb.topics[topic_id]))
    return buttons[:MAX_BUTTONS]
