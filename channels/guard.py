"""What every request to the Rasa server meets, whichever way it is started (`make run`, production):

- a body limit of 256 kB, as nginx has (Sanic's default is 100 MB);
- GET / says the server is up, without Rasa's version;
- a rate limit per sender (a token bucket: a burst, then one message a second by default;
  SENDER_RATE_LIMIT="<burst> <per second>" changes it, "0" turns it off). A sender over the limit
  gets a short reply, which still says to call 999 if a child is in immediate danger.

`install(blueprint)` adds a start-up listener to a channel's blueprint; the REST channel, which
every deployment has, calls it.
"""
from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict
from typing import Any, Optional

from sanic import Blueprint, response

MAX_BODY_BYTES = 256 * 1024
MAX_SENDERS = 50_000  # buckets kept (the least recently used go first)
TOO_FAST = ("You are sending messages faster than I can answer them; please wait a few seconds. "
            "If a child is in immediate danger call 999.")


def _limit_setting() -> tuple:
    parts = (os.environ.get("SENDER_RATE_LIMIT") or "20 1").split()
    try:
        burst = float(parts[0])
        rate = float(parts[1]) if len(parts) > 1 else 1.0
    except ValueError:
        burst, rate = 20.0, 1.0
    return burst, rate


class SenderLimiter:
    """Token buckets per sender: `allow(sender)` is False once a sender has used its burst."""

    def __init__(self, burst: Optional[float] = None, per_second: Optional[float] = None) -> None:
        default_burst, default_rate = _limit_setting()
        self.burst = default_burst if burst is None else burst
        self.per_second = default_rate if per_second is None else per_second
        self._buckets: "OrderedDict[str, tuple]" = OrderedDict()
        self._lock = threading.Lock()

    def allow(self, sender: str, now: Optional[float] = None) -> bool:
        if self.burst <= 0:
            return True
        now = time.monotonic() if now is None else now
        with self._lock:
            tokens, then = self._buckets.pop(sender, (self.burst, now))
            tokens = min(self.burst, tokens + (now - then) * self.per_second)
            allowed = tokens >= 1
            self._buckets[sender] = (tokens - 1 if allowed else tokens, now)
            while len(self._buckets) > MAX_SENDERS:
                self._buckets.popitem(last=False)
        return allowed


async def _hello(_: Any) -> Any:
    return response.text("The assistant is running.")


def _harden(app: Any) -> None:
    app.config.REQUEST_MAX_SIZE = MAX_BODY_BYTES
    for route in app.router.routes:
        if route.path == "" and "GET" in route.methods and route.handler.__name__ == "hello":
            route.handler = _hello  # Rasa's says "Hello from Rasa: <version>"


def install(blueprint: Blueprint) -> None:
    @blueprint.listener("before_server_start")
    async def harden(app: Any, _loop: Any) -> None:
        _harden(app)
