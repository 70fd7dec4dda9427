"""Tracker stores that redact personal identifiers before anything is written.

endpoints:  tracker_store:
              type: production.tracker_store.RedactingSQLTrackerStore   (PostgreSQL; production)
              type: production.tracker_store.RedactingInMemoryTrackerStore (one process; `make run`)

The SQL store also survives a PostgreSQL restart: connections are checked before use
(`pool_pre_ping`) and a failed read or write is retried for a bounded time.
Importing this module also installs the action-server-down reply (production.action_fallback):
the tracker store is the one production class Rasa loads from configuration in every deployment.
"""
from __future__ import annotations

import asyncio
import logging
import time
from typing import Any, Awaitable, Callable, Iterator, List, Optional, TypeVar

import sqlalchemy as sa
from rasa.core.tracker_store import InMemoryTrackerStore, SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker

from production import action_fallback, speedups
from production.redaction import redact_events

logger = logging.getLogger(__name__)
action_fallback.install()
speedups.install()

RETRY_SECONDS = 20.0  # how long a read or write waits for the database to come back
T = TypeVar("T")


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
        super().__init__(*args, **kwargs)
        url = self.engine.url
        self.engine.dispose()
        self.engine = sa.create_engine(url, pool_pre_ping=True, **create_engine_kwargs(url))
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator:
        return iter(redacted(list(super()._additional_events(session, tracker))))

    async def save(self, tracker: DialogueStateTracker) -> None:
        await _with_retry(lambda: super(RedactingSQLTrackerStore, self).save(tracker), "save a conversation")

    async def retrieve(self, sender_id: str) -> Optional[DialogueStateTracker]:
        return await _with_retry(lambda: super(RedactingSQLTrackerStore, self).retrieve(sender_id),
                                 "load a conversation")


class RedactingInMemoryTrackerStore(InMemoryTrackerStore):
    """The embedded store, holding only redacted conversations."""

    def __init__(self, domain: Any = None, event_broker: Any = None, host: Any = None, **kwargs: Any) -> None:
        super().__init__(domain, event_broker, **kwargs)

    async def save(self, tracker: DialogueStateTracker) -> None:
        events = redacted(list(tracker.events))
        slots = self.domain.slots if self.domain else []
        copy = DialogueStateTracker.from_events(tracker.sender_id, events, slots,
                                                sender_source=tracker.sender_source)
        await super().save(copy)
