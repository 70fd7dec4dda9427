"""Tracker stores that redact personal identifiers before anything is written.

endpoints:  tracker_store:
              type: production.tracker_store.RedactingSQLTrackerStore   (PostgreSQL; production)
              type: production.tracker_store.EmbeddedTrackerStore       (a SQLite file, one process; `make run`)
              type: production.tracker_store.RedactingInMemoryTrackerStore (memory only, one process)

The two one-process stores keep each conversation's redacted events and append only the new ones,
redacted, on every save: no row counting, no re-reading or re-redacting the whole conversation.

The SQL store also survives a PostgreSQL restart: connections are checked before use
(`pool_pre_ping`) and a failed read or write is retried for a bounded time.

A store error fails that one message, never the process: Rasa's SQL store exits on any ValueError
(a NUL or lone surrogate in PostgreSQL or SQLite), and Rasa's fail-safe wrapper would keep the
conversation, unredacted, in an in-memory store. Neither happens here. Sender ids that look personal
are stored as a keyed hash (production.sender_ids).
Importing this module also installs the action-server-down reply (production.action_fallback):
the tracker store is the one production class Rasa loads from configuration in every deployment.
"""
from __future__ import annotations

import asyncio
import collections
import contextlib
import copy
import json
import logging
import time
from typing import Any, Awaitable, Callable, Dict, Iterator, List, NamedTuple, Optional, TypeVar

import sqlalchemy as sa
from rasa.core import agent
from rasa.core.tracker_store import (FailSafeTrackerStore, InMemoryTrackerStore, SQLTrackerStore,
                                     create_engine_kwargs, ensure_schema_exists)
from rasa.shared.core.constants import ACTION_SESSION_START_NAME as ACTION_SESSION_START
from rasa.shared.core.events import Event, SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import RasaException

from production import action_fallback, speedups
from production.redaction import redact_events
from production.sender_ids import stored_id

logger = logging.getLogger(__name__)

RETRY_SECONDS = 20.0  # how long a read or write waits for the database to come back
T = TypeVar("T")


class StoreError(RasaException):
    """A conversation could not be read or written; only the message being answered fails."""


class NoFallbackTrackerStore(FailSafeTrackerStore):
    """Rasa's fail-safe wrapper, without its fallback: a failed read or write fails the message.

    Rasa's version answers a failed read with a new, empty conversation and keeps a failed write
    in a plain in-memory store, which keeps identifiers.
    """

    async def retrieve(self, sender_id: str) -> Optional[DialogueStateTracker]:
        return await self._tracker_store.retrieve(sender_id)

    async def retrieve_full_tracker(self, sender_id: str) -> Optional[DialogueStateTracker]:
        return await self._tracker_store.retrieve_full_tracker(sender_id)

    async def save(self, tracker: DialogueStateTracker) -> None:
        await self._tracker_store.save(tracker)


def _install_no_fallback() -> None:
    """Rasa's Agent wraps every tracker store in FailSafeTrackerStore; use ours instead (idempotent)."""
    agent.FailSafeTrackerStore = NoFallbackTrackerStore


def _stored(tracker: DialogueStateTracker) -> DialogueStateTracker:
    """The tracker as stored: the same events under the stored sender id (the original is untouched)."""
    key = stored_id(tracker.sender_id)
    if key == tracker.sender_id:
        return tracker
    stored = copy.copy(tracker)
    stored.sender_id = key
    return stored


def _as_asked(tracker: Optional[DialogueStateTracker], sender_id: str) -> Optional[DialogueStateTracker]:
    """A stored tracker under the sender id the channel uses."""
    if tracker is not None:
        tracker.sender_id = sender_id
    return tracker


def damaged_database(database: str, error: Exception) -> str:
    return (f"The conversation database '{database}' cannot be opened ({type(error).__name__}: "
            f"{str(error).splitlines()[0] if str(error) else 'no details'}). If it is a SQLite file, it is damaged: "
            f"move it aside (mv {database} {database}.damaged) and start again; a new, empty one is created.")


def _redacted_dicts(events: List[Event]) -> List[Dict[str, Any]]:
    """The events as Rasa stores them (`as_dict`), identifiers redacted; same count and order."""
    return redact_events([event.as_dict() for event in events])


def redacted(events: List[Event]) -> List[Event]:
    """The same events (count, order, types) with identifiers redacted."""
    return [Event.from_parameters(data) for data in _redacted_dicts(events)]


async def _with_retry(operation: Callable[[], Awaitable[T]], what: str) -> T:
    deadline = time.monotonic() + RETRY_SECONDS
    delay = 0.2
    while True:
        try:
            return await operation()
        except (sa.exc.OperationalError, sa.exc.DisconnectionError, sa.exc.InterfaceError) as error:
            if time.monotonic() + delay > deadline:
                raise
            logger.warning("Database unavailable while trying to %s (%s); retrying.", what,
                           type(error).__name__)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 2.0)


class RedactingSQLTrackerStore(SQLTrackerStore):
    """Rasa's SQL tracker store; new events are redacted just before they are written."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Any error here must not be an AttributeError or ImportError: Rasa would then quietly use
        # its in-memory store, which keeps identifiers.
        try:
            super().__init__(*args, **kwargs)
            url = self.engine.url
            self.engine.dispose()
            self.engine = self._new_engine(url)
            self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        except (sa.exc.DatabaseError, AttributeError, ImportError) as error:
            raise StoreError(damaged_database(str(kwargs.get("db") or "rasa.db"), error)) from None

    @staticmethod
    def _new_engine(url: Any) -> Any:
        return sa.create_engine(url, pool_pre_ping=True, **create_engine_kwargs(url))

    @contextlib.contextmanager
    def session_scope(self) -> Iterator[Any]:
        """Rasa's, except that an error is an error: Rasa exits the process on any ValueError."""
        session = self.sessionmaker()
        try:
            try:
                ensure_schema_exists(session)
            except ValueError as missing:
                raise StoreError(f"The PostgreSQL schema '{missing}' does not exist: create it, or unset "
                                 "POSTGRESQL_SCHEMA.") from None
            yield session
        except ValueError as error:  # a value the database refuses (NUL, lone surrogate)
            raise StoreError(f"The database refused a value ({type(error).__name__}).") from None
        finally:
            session.close()

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator:
        return iter(redacted(list(super()._additional_events(session, tracker))))

    async def save(self, tracker: DialogueStateTracker) -> None:
        stored = _stored(tracker)
        await _with_retry(lambda: super(RedactingSQLTrackerStore, self).save(stored), "save a conversation")

    async def retrieve(self, sender_id: str) -> Optional[DialogueStateTracker]:
        tracker = await _with_retry(lambda: super(RedactingSQLTrackerStore, self).retrieve(stored_id(sender_id)),
                                    "load a conversation")
        return _as_asked(tracker, sender_id)

    async def retrieve_full_tracker(self, sender_id: str) -> Optional[DialogueStateTracker]:
        tracker = await _with_retry(
            lambda: super(RedactingSQLTrackerStore, self).retrieve_full_tracker(stored_id(sender_id)),
            "load a conversation")
        return _as_asked(tracker, sender_id)


class RedactingInMemoryTrackerStore(InMemoryTrackerStore):
    """The store in memory only, holding only redacted conversations: each conversation's events as
    JSON, redacted once when they arrive (Rasa's re-serialises the whole conversation on every save)."""

    def __init__(self, domain: Any = None, event_broker: Any = None, host: Any = None, **kwargs: Any) -> None:
        super().__init__(domain, event_broker, **kwargs)
        self.store: Dict[str, List[str]] = {}  # stored sender id -> its events, redacted, as JSON

    async def save(self, tracker: DialogueStateTracker) -> None:
        key = stored_id(tracker.sender_id)
        stored = self.store.get(key, [])
        already = len(stored) - _session_start(stored)  # the events the tracker was loaded with
        if len(tracker.events) < already:  # not the conversation as loaded: it replaces the stored one
            stored, already = [], 0
        new = list(tracker.events)[already:]
        self.store[key] = stored + [json.dumps(event) for event in _redacted_dicts(new)]

    async def retrieve(self, sender_id: str) -> Optional[DialogueStateTracker]:
        stored = self.store.get(stored_id(sender_id))
        return self._tracker(sender_id, stored[_session_start(stored):]) if stored else None

    async def retrieve_full_tracker(self, sender_id: str) -> Optional[DialogueStateTracker]:
        stored = self.store.get(stored_id(sender_id))
        return self._tracker(sender_id, stored) if stored else None

    def _tracker(self, sender_id: str, events: List[str]) -> DialogueStateTracker:
        slots = self.domain.slots if self.domain else []
        return DialogueStateTracker.from_dict(sender_id, [json.loads(event) for event in events], slots)


def _session_start(events: List[str]) -> int:
    """Where the latest session starts among stored events, as Rasa's in-memory store splits them: at
    the last action_session_start."""
    marker = f'"name": "{ACTION_SESSION_START}"'
    for index in range(len(events) - 1, -1, -1):
        if marker in events[index] and json.loads(events[index]).get("name") == ACTION_SESSION_START:
            return index
    return 0


class EmbeddedTrackerStore(RedactingSQLTrackerStore):
    """`make run`'s store: a SQLite file written by this one process, with its latest sessions kept
    in memory (write-through), redacted exactly as the SQL store redacts them.

    A save writes only the new events, redacted, in one transaction; a load of a conversation seen
    since start-up reads memory, not the file. What memory holds is what the file holds: events are
    added to memory only after their transaction commits. Only for one process: several writers to
    one file would each trust a stale copy (production uses RedactingSQLTrackerStore on PostgreSQL).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("dialect", "sqlite")
        if kwargs["dialect"] != "sqlite":
            raise StoreError("EmbeddedTrackerStore is for a SQLite file written by one process; "
                             "for PostgreSQL use production.tracker_store.RedactingSQLTrackerStore.")
        super().__init__(*args, **kwargs)
        self._latest: "collections.OrderedDict[str, List[_Stored]]" = collections.OrderedDict()
        self._last_used: Dict[str, float] = {}

    async def save(self, tracker: DialogueStateTracker) -> None:
        key = stored_id(tracker.sender_id)
        latest = self._in_memory(key)
        if latest is None or len(tracker.events) < len(latest):  # not loaded here: Rasa's way, by count
            self._forget(key)
            await super().save(tracker)
            return
        new = [_Stored.of(event) for event in _redacted_dicts(list(tracker.events)[len(latest):])]
        if new:
            await _with_retry(lambda: self._insert(key, new), "save a conversation")
            self._remember(key, _latest_session(latest + new))

    async def retrieve(self, sender_id: str) -> Optional[DialogueStateTracker]:
        key = stored_id(sender_id)
        latest = self._in_memory(key)
        if latest is None:
            tracker = await super().retrieve(sender_id)
            self._remember(key, [_Stored.of(event.as_dict()) for event in tracker.events] if tracker else [])
            return tracker
        self._remember(key, latest)
        if not latest:
            return None
        slots = self.domain.slots if self.domain else []
        return DialogueStateTracker.from_dict(sender_id, [json.loads(event.data) for event in latest], slots)

    @staticmethod
    def _new_engine(url: Any) -> Any:
        """One connection, kept open (SQLAlchemy 1.4 opens and closes a file's connection per session)."""
        engine = sa.create_engine(url, poolclass=sa.pool.SingletonThreadPool)
        sa.event.listen(engine, "connect", _write_ahead_log)
        return engine

    async def _insert(self, key: str, events: List["_Stored"]) -> None:
        """One multi-row INSERT in one transaction (the ORM's unit of work cost more than the write)."""
        rows = [{"sender_id": key, "type_name": event.type_name, "timestamp": event.timestamp,
                 "intent_name": event.intent, "action_name": event.action, "data": event.data} for event in events]
        with self.session_scope() as session:
            session.execute(self.SQLEvent.__table__.insert(), rows)
            session.commit()

    def _in_memory(self, key: str) -> Optional[List["_Stored"]]:
        """The conversation's latest session if memory has it and it was used lately; a conversation
        idle for longer is read from the file again (so that `production.retention` deletes it for good)."""
        if key in self._latest and time.monotonic() - self._last_used[key] > IDLE_SECONDS_IN_MEMORY:
            self._forget(key)
        return self._latest.get(key)

    def _remember(self, key: str, events: List["_Stored"]) -> None:
        self._latest[key], self._last_used[key] = events, time.monotonic()
        self._latest.move_to_end(key)
        while len(self._latest) > MAX_CONVERSATIONS_IN_MEMORY:
            self._forget(next(iter(self._latest)))

    def _forget(self, key: str) -> None:
        self._latest.pop(key, None)
        self._last_used.pop(key, None)


def _write_ahead_log(connection: Any, _record: Any) -> None:
    """SQLite's write-ahead log, synced at checkpoints: a commit survives the process stopping, at a
    fraction of the cost of syncing the file on every message (a power cut can lose the last ones)."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


MAX_CONVERSATIONS_IN_MEMORY = 2000  # least recently used first out; an evicted one is read from the file
IDLE_SECONDS_IN_MEMORY = 3600  # a conversation idle for longer is read from the file again


class _Stored(NamedTuple):
    """One stored event: the columns Rasa's SQL store writes, and the event as JSON."""
    type_name: str
    timestamp: Optional[float]
    intent: Optional[str]
    action: Optional[str]
    data: str

    @classmethod
    def of(cls, event: Dict[str, Any]) -> "_Stored":
        return cls(event.get("event"), event.get("timestamp"),
                   (event.get("parse_data") or {}).get("intent", {}).get("name"), event.get("name"),
                   json.dumps(event))


def _latest_session(events: List[_Stored]) -> List[_Stored]:
    """The events Rasa's SQL store would load: stamped at or after the last session_started, or all."""
    starts = [event.timestamp for event in events if event.type_name == SessionStarted.type_name]
    if not starts:
        return events
    start = max(starts)
    return [event for event in events if event.timestamp is not None and event.timestamp >= start]


action_fallback.install()
speedups.install()
_install_no_fallback()
