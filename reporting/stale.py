"""Entries and contacts past their review or check date, ranked by how many answers in the period
cited them (issue: owners see what is stale first where it matters most).

An entry is stale when its review_date has passed; a contact also when it was last checked more than
max_age_days ago (knowledge/local_settings.yml), the age at which the assistant warns about it.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Dict, List, Optional

from kb import KnowledgeBase
from reporting.titles import entry_title


@dataclass
class Stale:
    id: str
    title: str
    kind: str                      # the entry's kind: checklist, finding, contact, ...
    why: str                       # "review date 25 Nov 2027 has passed", "last checked ..."
    due: dt.date                   # when it became stale
    cited: int                     # answers in the period that gave it
    source: Optional[str] = None   # a contact's source page, to check it against
    file: str = ""                 # where it is written: knowledge/<file>

    def as_dict(self) -> Dict:
        return {**self.__dict__, "due": self.due.isoformat()}


def day(date: dt.date) -> str:
    return f"{date.day} {date:%b %Y}"


def reasons(kb: KnowledgeBase, entry_id: str, today: dt.date) -> List[tuple]:
    """(due date, why) for each way the entry is past its date."""
    entry, found = kb.entry(entry_id), []
    review = getattr(entry, "review_date", None)
    if review and review < today:
        found.append((review, f"review date {day(review)} has passed"))
    if kb.kind_of(entry_id) == "contact" and kb.contact_check_overdue(entry, today):
        due = entry.last_checked + dt.timedelta(days=kb.max_age_days)
        found.append((due, f"last checked {day(entry.last_checked)}, more than {kb.max_age_days} days ago"))
    return found


def stale_entries(kb: KnowledgeBase, cited: Dict[str, int], today: Optional[dt.date] = None) -> List[Stale]:
    """Every stale entry and contact: the most cited first, then the longest overdue, then by id."""
    today = today or dt.date.today()
    found = []
    for entry_id in kb.all_ids():
        why = reasons(kb, entry_id, today)
        if why:
            entry = kb.entry(entry_id)
            source = getattr(entry, "source_url", None) if kb.kind_of(entry_id) == "contact" else None
            found.append(Stale(entry_id, entry_title(kb, entry_id), kb.kind_of(entry_id) or "entry",
                               "; ".join(w for _, w in why), min(d for d, _ in why), cited.get(entry_id, 0), source,
                               f"knowledge/{kb.files.get(entry_id, '')}"))
    return sorted(found, key=lambda s: (-s.cited, s.due, s.id))
