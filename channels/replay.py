"""Replay protection shared by every replica: each id is accepted once within its time to live.

- Redis (production): `SET key 1 NX EX ttl`. The first replica to set a key handles the event; every
  other replica, and this one after a restart, finds the key set and drops the event.
- In this process (no Redis configured, e.g. `make run`): the ids this process has seen. Also the
  fallback while Redis cannot be reached: a Redis outage must not stop the answers.

Redis is the lock store's (deploy/endpoints.prod.yml): $REDIS_URL (redis://[:password@]host:port/db,
rediss:// for TLS), else $REDIS_HOST with $REDIS_PORT (6379), $REDIS_PASSWORD and $REDIS_DB (1), the
settings every replica gets from deploy/production.env. Neither set: in process only.

Keys are `llrassistant:replay:<what>:<id>`; callers pass ids that name no person (a Slack event id,
or a keyed hash), so nothing in Redis identifies a practitioner.
"""
from __future__ import annotations

import asyncio
import logging
import os
import time
from collections import OrderedDict
from typing import Mapping, Optional, Protocol

logger = logging.getLogger(__name__)

KEY_PREFIX = "llrassistant:replay:"
DEFAULT_TTL = 3600
REDIS_TIMEOUT = 1.0      # seconds per Redis call (2 at most in all): Slack wants its answer within 3 s
RETRY_REDIS_AFTER = 10.0  # seconds in process only after Redis failed, before Redis is tried again


class Replay(Protocol):
    async def claim(self, *ids: Optional[str]) -> bool:
        """True if no (non-empty) id was claimed in the last ttl seconds: the caller handles the event."""


class RecentIds:
    """Ids seen in the last `ttl` seconds, in this process only."""

    def __init__(self, ttl: float = DEFAULT_TTL, limit: int = 100_000) -> None:
        self.ttl, self.limit = ttl, limit
        self._seen: "OrderedDict[str, float]" = OrderedDict()

    def first_time(self, *ids: Optional[str]) -> bool:
        """True, and remember them, unless one of the (non-empty) ids was seen already."""
        now = time.monotonic()
        while self._seen and (next(iter(self._seen.values())) < now - self.ttl or len(self._seen) > self.limit):
            self._seen.popitem(last=False)
        ids = tuple(i for i in ids if i)
        if any(i in self._seen for i in ids):
            return False
        for i in ids:
            self._seen[i] = now
        return True

    async def claim(self, *ids: Optional[str]) -> bool:
        return self.first_time(*ids)


class RedisReplay:
    """Ids in Redis, shared by every replica and kept over restarts; in process while Redis is down."""

    def __init__(self, url: Optional[str] = None, ttl: int = DEFAULT_TTL, prefix: str = KEY_PREFIX,
                 client_options: Optional[dict] = None, **connection: object) -> None:
        self.url, self.connection, self.ttl, self.prefix = url, connection, int(ttl), prefix
        self.client_options = dict(socket_timeout=REDIS_TIMEOUT, socket_connect_timeout=REDIS_TIMEOUT,
                                   **(client_options or {}))
        self.local = RecentIds(ttl)
        self._client = None
        self._down_until = 0.0

    def _redis(self):
        """The client, made on first use (inside the server's event loop)."""
        if self._client is None:
            import redis.asyncio as redis
            self._client = (redis.Redis.from_url(self.url, **self.client_options) if self.url
                            else redis.Redis(**self.connection, **self.client_options))
        return self._client

    async def claim(self, *ids: Optional[str]) -> bool:
        ids = tuple(i for i in ids if i)
        new_here = self.local.first_time(*ids)  # also remembered here, for a Redis outage
        if not ids or time.monotonic() < self._down_until:
            return new_here
        try:
            async with self._redis().pipeline(transaction=True) as pipe:
                for i in ids:
                    pipe.set(self.prefix + i, 1, nx=True, ex=self.ttl)
                results = await asyncio.wait_for(pipe.execute(), REDIS_TIMEOUT * 2)
        except Exception as error:  # noqa: BLE001 - any Redis failure: carry on in process
            self._down_until = time.monotonic() + RETRY_REDIS_AFTER
            logger.warning("Replay store (Redis) unavailable, de-duplicating in this process only for "
                           "%.0f s: %s", RETRY_REDIS_AFTER, type(error).__name__)
            return new_here
        return all(bool(r) for r in results)

    async def close(self) -> None:
        if self._client is not None:
            await self._client.close()
            self._client = None


def from_environment(env: Mapping[str, str] = os.environ, ttl: int = DEFAULT_TTL) -> Replay:
    """Redis when $REDIS_URL or $REDIS_HOST is set (and not empty), else in process only."""
    if env.get("REDIS_URL"):
        return RedisReplay(env["REDIS_URL"], ttl=ttl)
    if env.get("REDIS_HOST"):
        return RedisReplay(ttl=ttl, host=env["REDIS_HOST"], port=int(env.get("REDIS_PORT") or 6379),
                           password=env.get("REDIS_PASSWORD") or None, db=int(env.get("REDIS_DB") or 1))
    return RecentIds(ttl)


def describe(replay: Replay) -> str:
    """Where the replay store is, for the start-up log (no password)."""
    if isinstance(replay, RedisReplay):
        where = replay.connection.get("host") if not replay.url else replay.url.split("@")[-1]
        return f"Redis ({where})"
    return "this process only (no REDIS_URL or REDIS_HOST)"
