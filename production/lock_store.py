"""Rasa's Redis lock store, tuned for a busy conversation and for Redis restarts.

endpoints:  lock_store: {type: production.lock_store.RedisLockStore, url, port, password, db, key_prefix}

- A message waiting for its conversation's lock checks again every 50 ms (Rasa waits 1 s), so a
  burst from one sender is handled back to back instead of one message a second.
- Tickets are issued and returned atomically (Redis WATCH/MULTI). Rasa's own read-modify-write can
  give the same ticket to two replicas at once (RasaHQ/rasa#3933, #9213), and then both handle one
  conversation together and the SQL store loses events.
- A dropped connection (Redis restarted) is retried with backoff for a few seconds, so the first
  message after a restart is answered rather than failed.
"""
from __future__ import annotations

import json
from typing import Any, Callable, Optional, Tuple

from rasa.core.lock_store import LOCK_LIFETIME, RedisLockStore as RasaRedisLockStore
from redis.backoff import ExponentialBackoff
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LockError
from redis.exceptions import ConnectionError, TimeoutError, WatchError
from redis.retry import Retry

POLL_SECONDS = 0.05
MAX_CONFLICTS = 200
Change = Callable[[Optional[TicketLock]], Tuple[Optional[TicketLock], Any, bool]]  # -> (save, result, delete)


class RedisLockStore(RasaRedisLockStore):
    def __init__(self, endpoint_config: Any = None, **kwargs: Any) -> None:
        if endpoint_config is not None:
            kwargs = dict(endpoint_config.kwargs, host=endpoint_config.url or "localhost", **kwargs)
        super().__init__(**kwargs)
        pool = self.red.connection_pool
        pool.disconnect()
        pool.connection_kwargs.update(retry=Retry(ExponentialBackoff(cap=2, base=0.1), 6),
                                      retry_on_error=[ConnectionError, TimeoutError])

    def lock(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME,
             wait_time_in_seconds: float = POLL_SECONDS):
        return super().lock(conversation_id, lock_lifetime, min(wait_time_in_seconds, POLL_SECONDS))

    def _atomically(self, conversation_id: str, change: Change) -> Any:
        """Read the lock, apply `change`, write the result, all or nothing; retried on conflict."""
        key = self.key_prefix + conversation_id
        for _ in range(MAX_CONFLICTS):
            with self.red.pipeline() as pipe:
                try:
                    pipe.watch(key)
                    raw = pipe.get(key)
                    lock = TicketLock.from_dict(json.loads(raw)) if raw else None
                    to_save, result, delete = change(lock)
                    pipe.multi()
                    if delete:
                        pipe.delete(key)
                    elif to_save is not None:
                        pipe.set(key, to_save.dumps())
                    pipe.execute()
                    return result
                except WatchError:
                    continue
        raise LockError(f"Too many conflicting updates of the lock for '{conversation_id}'.")

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        def change(lock):
            lock = lock or TicketLock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime), False
        try:
            return self._atomically(conversation_id, change)
        except LockError:
            raise
        except Exception as error:  # noqa: BLE001 - Rasa expects a LockError
            raise LockError(f"Error while acquiring lock. Error:\n{error}")

    def update_lock(self, conversation_id: str) -> None:
        def change(lock):
            if lock:
                lock.remove_expired_tickets()
            return lock, None, False
        self._atomically(conversation_id, change)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        def change(lock):
            if lock:
                lock.remove_ticket_for(ticket_number)
            return lock, None, False
        self._atomically(conversation_id, change)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        def change(lock):
            if not lock:
                return None, None, False
            lock.remove_ticket_for(ticket_number)
            return lock, None, not lock.is_someone_waiting()
        self._atomically(conversation_id, change)
