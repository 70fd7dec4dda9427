"""Week by week: conversations, questions, urgent messages and honest declines per week (Monday to
Sunday, UTC), every week of the period shown, with zeros where nothing happened."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Dict, Iterable, List, Optional

SERIES = ("conversations", "questions", "urgent", "declines")


@dataclass
class Week:
    start: dt.date                 # the Monday
    conversations: int = 0
    questions: int = 0
    urgent: int = 0
    declines: int = 0

    def as_dict(self) -> Dict:
        return {"start": self.start.isoformat(), **{name: getattr(self, name) for name in SERIES}}


def monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def day_of(timestamp: float) -> dt.date:
    return dt.datetime.fromtimestamp(timestamp, tz=dt.timezone.utc).date()


def weeks(turns: Iterable, since: Optional[dt.date] = None, until: Optional[dt.date] = None) -> List[Week]:
    """One Week per week from `since` (else the first question) to `until` (else the last question)."""
    turns = list(turns)
    days = [day_of(t.timestamp) for t in turns]
    first, last = since or (min(days) if days else None), until or (max(days) if days else None)
    if first is None or last is None or first > last:
        return []
    table = {}
    start = monday(first)
    while start <= last:
        table[start] = Week(start)
        start += dt.timedelta(days=7)
    senders: Dict[dt.date, set] = {}
    for turn, day in zip(turns, days):
        week = table.get(monday(day))
        if week is None:
            continue
        week.questions += 1
        week.urgent += bool(turn.urgent)
        week.declines += turn.kind == "not_covered"
        senders.setdefault(week.start, set()).add(turn.sender)
    for start, who in senders.items():
        table[start].conversations = len(who)
    return list(table.values())
