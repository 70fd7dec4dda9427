"""Read conversations from Rasa's SQL tracker store (PostgreSQL in production, or SQLite)."""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Dict, Iterator, List, Optional

import sqlalchemy as sa

from kb.parts import about

EVENTS = sa.table("events", sa.column("id"), sa.column("sender_id"), sa.column("type_name"),
                  sa.column("timestamp"), sa.column("data"))


@dataclass
class Turn:
    """One typed question and what followed it, up to the next message."""
    sender: str
    timestamp: float
    text: str
    intent: str
    confidence: float
    ranking: List[str]
    kind: Optional[str] = None        # last_kind set by the answer: checklist, search, not_covered, ...
    topic: Optional[str] = None       # last_topic set by the answer
    entries: Optional[List[str]] = None
    urgent: bool = False              # the answer began with the emergency guidance


@dataclass
class Rating:
    sender: str
    timestamp: float
    rating: str
    entries: List[str]
    topic: Optional[str]
    comment: Optional[str] = None


@dataclass
class Citation:
    """One answer (to a typed question or a button) and the knowledge entries it gave."""
    sender: str
    timestamp: float
    entries: List[str]


@dataclass
class Conversations:
    turns: List[Turn] = field(default_factory=list)
    ratings: List[Rating] = field(default_factory=list)
    citations: List[Citation] = field(default_factory=list)


def _day_start(day: Optional[dt.date]) -> Optional[float]:
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.timezone.utc).timestamp() if day else None


def read_events(engine, since: Optional[dt.date] = None, until: Optional[dt.date] = None) -> Iterator[Dict]:
    """Every stored event (as Rasa's dict) in the date range, by conversation and in order.
    `until` is inclusive: the whole day counts."""
    query = sa.select([EVENTS.c.sender_id, EVENTS.c.data]).order_by(EVENTS.c.sender_id, EVENTS.c.id)
    if since:
        query = query.where(EVENTS.c.timestamp >= _day_start(since))
    if until:
        query = query.where(EVENTS.c.timestamp < _day_start(until + dt.timedelta(days=1)))
    with engine.connect() as connection:
        for sender, data in connection.execute(query):
            try:
                event = json.loads(data)
            except (TypeError, ValueError):
                continue  # a damaged row is skipped, not fatal
            event["sender_id"] = sender
            yield event


def turns_and_ratings(events) -> tuple:
    """(turns, ratings) from the events of many conversations."""
    found = read_conversations(events)
    return found.turns, found.ratings


def read_conversations(events, urgent_id: Optional[str] = None) -> Conversations:
    """Turns, ratings and citations from the events of many conversations, in order. A turn is urgent
    when a reply to it presents the emergency guidance (the entry `urgent_id`, kb/parts.py)."""
    found = Conversations()
    current: Dict[str, Turn] = {}
    waiting: Dict[str, Rating] = {}   # a "not helpful" rating waiting for its comment
    for event in events:
        sender, kind = event["sender_id"], event.get("event")
        if kind == "user":
            current.pop(sender, None)
            turn = _turn(event)
            if turn:
                found.turns.append(turn)
                current[sender] = turn
        elif kind == "bot" and urgent_id and sender in current:
            if about(event.get("data") or {}) == urgent_id:
                current[sender].urgent = True
        elif kind == "slot":
            _apply_slot(event, current.get(sender), found.ratings, waiting)
            _cite(event, found.citations)
    return found


def _turn(event: Dict) -> Optional[Turn]:
    """The typed question of a user event (None for a button's payload or an empty message)."""
    text = event.get("text") or ""
    if not text or text.startswith("/"):
        return None
    parse = event.get("parse_data") or {}
    intent = parse.get("intent") or {}
    ranking = [i.get("name") for i in parse.get("intent_ranking") or [] if i.get("name")]
    return Turn(event["sender_id"], event.get("timestamp") or 0.0, text, intent.get("name") or "",
                float(intent.get("confidence") or 0.0), ranking)


def _cite(event: Dict, citations: List[Citation]) -> None:
    value = event.get("value")
    if event.get("name") == "last_entries" and isinstance(value, list) and value:
        citations.append(Citation(event["sender_id"], event.get("timestamp") or 0.0, [str(v) for v in value]))


def _apply_slot(event: Dict, turn: Optional[Turn], ratings: List[Rating], waiting: Dict[str, Rating]) -> None:
    name, value, sender = event.get("name"), event.get("value"), event["sender_id"]
    if name == "feedback" and isinstance(value, dict):
        rating = Rating(sender, event.get("timestamp") or 0.0, str(value.get("rating")),
                        list(value.get("entries") or []), value.get("topic"))
        ratings.append(rating)
        waiting[sender] = rating
    elif name == "feedback_comment" and value and sender in waiting:
        waiting[sender].comment = str(value)
    elif turn is not None and name == "last_kind":
        turn.kind = value
    elif turn is not None and name == "last_topic":
        turn.topic = value
    elif turn is not None and name == "last_entries":
        turn.entries = value
