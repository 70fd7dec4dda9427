"""Tracker stores that redact personal identifiers before anything is written.

endpoints:  tracker_store:
              type: production.tracker_store.RedactingSQLTrackerStore   (PostgreSQL; production)
              type: production.tracker_store.RedactingInMemoryTrackerStore (one process; `make run`)

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
import contextlib
import copy
import logging
import time
from typing import Any, Awaitable, Callable, Iterator, List, Optional, TypeVar

import sqlalchemy as sa
from rasa.core import agent
from rasa.core.tracker_store import (FailSafeTrackerStore, InMemoryTrackerStore, SQLTrackerStore,
                                     create_engine_kwargs, ensure_schema_exists)
from rasa.shared.core.events import Event
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


def redacted(events: List[Event]) -> List[Event]:
    """The same events (count, order, types) with identifiers redacted."""
    return [Event.from_parameters(data) for data in redact_events([e.as_dict() for e in events])]


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
            self.engine = sa.create_engine(url, pool_pre_ping=True, **create_engine_kwargs(url))
            self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        except (sa.exc.DatabaseError, AttributeError, ImportError) as error:
            raise StoreError(damaged_database(str(kwargs.get("db") or "rasa.db"), error)) from None

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
    """The embedded store, holding only redacted conversations."""

    def __init__(self, domain: Any = None, event_broker: Any = None, host: Any = None, **kwargs: Any) -> None:
        super().__init__(domain, event_broker, **kwargs)

    async def save(self, tracker: DialogueStateTracker) -> None:
        events = redacted(list(tracker.events))
        slots = self.domain.slots if self.domain else []
        stored = DialogueStateTracker.from_events(stored_id(tracker.sender_id), events, slots,
                                                  sender_source=tracker.sender_source)
        await super().save(stored)

    async def retrieve(self, sender_id: str) -> Optional[DialogueStateTracker]:
        return _as_asked(await super().retrieve(stored_id(sender_id)), sender_id)

    async def retrieve_full_tracker(self, sender_id: str) -> Optional[DialogueStateTracker]:
        return _as_asked(await super().retrieve_full_tracker(stored_id(sender_id)), sender_id)


action_fallback.install()
speedups.install()
_install_no_fallback()
