"""Which area the practitioner works in (Leicester, Leicestershire, Rutland), and which service a
contact question asks for.

The area is kept in the conversation's `area` slot. In Slack and Teams it is also remembered for the
person, across threads and chats: the channel sends a keyed hash of the user id in the message
metadata (`user_key`, made by production.sender_ids.keyed_hash; the raw id never reaches this
store), and this action server keeps `user_key -> area` in a small SQLite table:

    AREA_MEMORY_DB   the file (default var/practitioner_areas.db); empty: in this process only
    AREA_MEMORY_DAYS forget an area not confirmed for this many days (default 365)

Nothing else is stored: no user id, no message, no conversation id.
"""
from __future__ import annotations

import datetime as dt
import functools
import logging
import os
import re
import sqlite3
import threading
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from actions import slots as slot
from kb import KnowledgeBase
from kb import records as r

logger = logging.getLogger(__name__)

NOT_SURE = "not_sure"
USER_KEY = "user_key"            # the metadata key the Slack and Teams channels send
HASHED_KEY = re.compile(r"h-[0-9a-f]{40}")  # production.sender_ids.keyed_hash's shape: nothing else is kept
DEFAULT_DB = "var/practitioner_areas.db"

# What a contact question asks for, by its words. Checked in this order; a question may ask for several.
SERVICE_WORDS: Tuple[Tuple[str, re.Pattern], ...] = tuple((service, re.compile(words, re.I)) for service, words in (
    ("emergency", r"\b999\b|\bemergency services\b"),
    ("out_of_hours", r"\bout[\s-]*of[\s-]*(office[\s-]*)?hours\b|\booh\b|\bafter[\s-]*hours\b|\bevenings?\b|"
                     r"\bweekends?\b|\bovernight\b|\bat night\b|\bbank holidays?\b|\bemergency duty\b|\bedt\b|"
                     r"\b(offices?|they)\b.{0,20}\bclosed\b|\b24[\s/-]*(hours?|7|hr)\b|\bmiddle of the night\b"),
    ("lado", r"\blado\b|\bdesignated officer\b|\ballegations?\b|\bposition of trust\b|"
             r"\babout (a|my|our) (colleague|member of staff|teacher|staff member)\b"),
    ("police", r"\bpolice\b|\b101\b|\bnon[\s-]*emergency\b"),
    ("referral_form", r"\bforms?\b|\bmarf\b|\bonline referral\b|\bwritten referral\b|\breferral in writing\b"),
    ("domestic_abuse", r"\bdomestic\b|\buava\b|\bfreeva\b|\bviolence\b"),
    ("nspcc_helpline", r"\bnspcc\b"),
    ("childline", r"\bchild\s?line\b"),
    ("front_door", r"\bfront door\b|\bsocial care\b|\bsocial services\b|\bchildren'?s services\b|\bcsc\b|\bmash\b|"
                   r"\bduty\b|\brefer(ral|rals|ring|red)?\b|\breport (a|my|the)? ?(concern|worry)\b|"
                   r"\bfirst response\b|\bsocial workers?\b"),
))
# With no service named: the three a practitioner needs first.
DEFAULT_SERVICES = ("front_door", "out_of_hours", "lado")
AREA_SERVICES = ("front_door", "out_of_hours", "lado", "police", "referral_form")  # differ by area


def services_in(text: str) -> List[str]:
    """The services a contact question asks for, in SERVICES order; [] when none is clear."""
    found = [service for service, words in SERVICE_WORDS if words.search(text or "")]
    if "referral_form" in found and "front_door" in found and not re.search(
            r"\b(front door|social care|social services|children'?s services|csc|mash|duty|call|ring|phone|"
            r"number)\b", text or "", re.I):
        found.remove("front_door")  # "where's the referral form?" asks for the form only
    if "emergency" in found and "police" in found:
        found.remove("emergency")   # the area's police entry gives 999 and 101
    return [s for s in r.SERVICES if s in found]


def needs_area(services: List[str]) -> bool:
    """True if any of these services has a contact per area (else one LLR-wide or national contact does)."""
    return not services or any(s in AREA_SERVICES for s in services)


# --- remembered per person (Slack, Teams) -----------------------------------------------------
class AreaMemory:
    """user_key (a keyed hash) -> area, in SQLite (or a dict when no file is set)."""

    def __init__(self, path: Optional[str], keep_days: int = 365) -> None:
        self.path, self.keep_days = path, keep_days
        self._lock = threading.Lock()
        self._dict: Dict[str, Tuple[str, dt.date]] = {}
        self._db: Optional[sqlite3.Connection] = None
        if path:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
            self._db.execute("CREATE TABLE IF NOT EXISTS areas (user_key TEXT PRIMARY KEY, area TEXT NOT NULL, "
                             "updated TEXT NOT NULL)")
            try:
                os.chmod(path, 0o600)
            except OSError:
                pass

    def recall(self, user_key: Optional[str], today: Optional[dt.date] = None) -> Optional[str]:
        if not user_key or not HASHED_KEY.fullmatch(user_key):
            return None
        today = today or dt.date.today()
        with self._lock:
            if self._db is None:
                found = self._dict.get(user_key)
            else:
                row = self._db.execute("SELECT area, updated FROM areas WHERE user_key = ?", (user_key,)).fetchone()
                found = (row[0], dt.date.fromisoformat(row[1])) if row else None
        if not found or (today - found[1]).days > self.keep_days or found[0] not in r.LOCAL_AREAS:
            return None
        return found[0]

    def remember(self, user_key: Optional[str], area: Optional[str], today: Optional[dt.date] = None) -> None:
        if not user_key or not HASHED_KEY.fullmatch(user_key) or area not in r.LOCAL_AREAS:
            return  # only a keyed hash is ever stored, and only one of the three areas
        day = (today or dt.date.today()).isoformat()
        with self._lock:
            if self._db is None:
                self._dict[user_key] = (area, dt.date.fromisoformat(day))
            else:
                self._db.execute("INSERT INTO areas (user_key, area, updated) VALUES (?, ?, ?) ON CONFLICT(user_key) "
                                 "DO UPDATE SET area = excluded.area, updated = excluded.updated", (user_key, area, day))


@functools.lru_cache(maxsize=1)
def memory() -> AreaMemory:
    path = os.environ.get("AREA_MEMORY_DB", DEFAULT_DB)
    days = int(os.environ.get("AREA_MEMORY_DAYS") or 365)
    try:
        return AreaMemory(path or None, days)
    except (OSError, sqlite3.Error):
        logger.exception("Cannot open the area memory %s; areas are kept in this process only.", path)
        return AreaMemory(None, days)


def recall(user_key: Optional[str]) -> Optional[str]:
    """The person's remembered area, or None; never raises (the urgent guidance relies on it)."""
    if not user_key:
        return None  # REST and the web chat: the conversation's slot only
    try:
        return memory().recall(user_key)
    except Exception:  # noqa: BLE001 - a broken memory must not hold up an answer
        logger.exception("Could not read the area memory.")
        return None


def remember(user_key: Optional[str], area: Optional[str]) -> None:
    if not user_key or not area:
        return
    try:
        memory().remember(user_key, area)
    except Exception:  # noqa: BLE001
        logger.exception("Could not write the area memory.")


def known_area(slots: Dict, user_key: Optional[str]) -> Optional[str]:
    """The practitioner's area: this conversation's slot, else what the person said before (Slack, Teams)."""
    area = slots.get(slot.AREA)
    if area in r.LOCAL_AREAS:
        return area
    return recall(user_key)


def today() -> dt.date:
    """Today's date (a function, so that tests can fix it)."""
    return dt.date.today()


def area_title(kb: KnowledgeBase, area: str) -> str:
    record = kb.area(area)
    return record.name.split(" (")[0] if record else area.title()
