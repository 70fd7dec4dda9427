"""What an action needs to know about the current turn, read once from the tracker."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

from rasa_sdk import Tracker

from actions import slots as slot
from kb import KnowledgeBase
from kb import records as r

FOLLOW_UP = re.compile(r"^\s*(and|what about|how about|same for|also|ok and|what of)\b", re.I)
FINDINGS_WORDS = re.compile(r"\b(found|findings|lessons? learn\w*|what worked|audit (say|said|show|showed|find))\b", re.I)
WHAT_IS = re.compile(r"^\W*(what\s+is|what's|whats|what\s+are|what\s+does\b.*\bmean|define|definition\s+of|"
                     r"who\s+(is|are)\b(?=(\W+\w+){1,4}\W*$)|"  # "who are UAVA?", "who is the LADO?": short ones only
                     r"meaning\s+of|explain\s+what|what\s+do\s+(we|you)\s+mean\s+by)\b", re.I)
PRACTICE = re.compile(r"^\W*(how|should|must|when|why|do|does|is\s+it|who\s+should|what\s+should)\b", re.I)
PRONOUN = re.compile(r"\b(them|they|it|that|this|those|there|he|she)\b", re.I)


def latest_user_key(tracker: Tracker) -> Optional[str]:
    """The `user_key` the Slack or Teams channel put in the latest message's metadata, if any."""
    for event in reversed(tracker.events or []):
        if event.get("event") == "user":
            key = (event.get("metadata") or {}).get("user_key")
            return key if isinstance(key, str) else None
    return None


@dataclass
class Turn:
    text: str
    intent: str
    entities: List[Tuple[str, str]]            # (label, value)
    last_topic: Optional[str] = None
    last_kind: Optional[str] = None
    last_entries: List[str] = field(default_factory=list)
    last_term: Optional[str] = None
    active_loop: Optional[str] = None   # a form in progress (the self-check, a feedback comment)
    slots: Dict[str, Any] = field(default_factory=dict)
    ranking: List[Tuple[str, float]] = field(default_factory=list)  # (intent, confidence), best first
    user_key: Optional[str] = None      # Slack, Teams: a keyed hash of the person's id (never the id)

    @classmethod
    def from_tracker(cls, tracker: Tracker) -> "Turn":
        message = tracker.latest_message or {}
        entities = [(e.get("entity"), str(e.get("value"))) for e in message.get("entities") or []
                    if e.get("entity") and e.get("value") is not None]
        return cls(
            text=message.get("text") or "",
            intent=(message.get("intent") or {}).get("name") or "",
            entities=entities,
            last_topic=tracker.get_slot(slot.LAST_TOPIC),
            last_kind=tracker.get_slot(slot.LAST_KIND),
            last_entries=list(tracker.get_slot(slot.LAST_ENTRIES) or []),
            last_term=tracker.get_slot(slot.LAST_TERM),
            active_loop=(tracker.active_loop or {}).get("name"),
            slots=dict(tracker.slots),
            ranking=[(i.get("name"), float(i.get("confidence") or 0.0))
                     for i in message.get("intent_ranking") or [] if i.get("name")],
            user_key=latest_user_key(tracker),
        )

    @property
    def typed(self) -> bool:
        """False for button payloads such as /ask_findings{"topic": "plans"}."""
        return bool(self.text) and not self.text.startswith("/")

    @property
    def is_follow_up(self) -> bool:
        return self.typed and bool(FOLLOW_UP.match(self.text))

    @property
    def asks_for_findings(self) -> bool:
        """'what was found about plans?' asks for findings even when the intent is the theme's."""
        return self.typed and bool(FINDINGS_WORDS.search(self.text))

    @property
    def asks_what_is(self) -> bool:
        """'what is a genogram?': a question about what something is, not what to do."""
        return self.typed and bool(WHAT_IS.match(self.text))

    @property
    def asks_what_to_do(self) -> bool:
        """'how should chronologies be kept?': a question about practice."""
        return self.typed and bool(PRACTICE.match(self.text))

    @property
    def has_pronoun(self) -> bool:
        return self.typed and bool(PRONOUN.search(self.text))

    def values(self, label: str) -> List[str]:
        return [value for lab, value in self.entities if lab == label]

    # -- what the message is about ------------------------------------------------------------
    def requested_entry(self, kb: KnowledgeBase, kinds: Tuple[str, ...]) -> Optional[object]:
        """An entry named by id, as buttons do: /ask_definition{"entry": "def.contact_abuse"}."""
        for value in self.values("entry"):
            if kb.kind_of(value) in kinds:
                return kb.entry(value)
        return None

    def mentioned_terms(self, kb: KnowledgeBase) -> List[r.Term]:
        found = [kb.find_term(v) for v in self.values("term")]
        found += [kb.terms[i] for _, label, i in kb.mentions(self.text) if label == "term"]
        return list(dict.fromkeys(t for t in found if t))

    def mentioned_topics(self, kb: KnowledgeBase, exclude: Tuple[str, ...] = ("audit",)) -> List[r.Topic]:
        found = [kb.find_topic(v) for v in self.values("topic")]
        if self.typed:
            found += [kb.topics[i] for _, label, i in kb.mentions(self.text) if label == "topic"]
            found += [kb.topics[t.topics[0]] for t in self.mentioned_terms(kb) if t.topics]
        return [t for t in dict.fromkeys(found) if t and t.id not in exclude]
