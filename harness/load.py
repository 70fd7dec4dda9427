"""Load a running assistant's REST channel with concurrent conversations (aiohttp, keep-alive).

    result = run_load(webhook, questions, kb, concurrency=10, requests=500, max_seconds=60)

Each of `concurrency` workers plays conversations: the questions' scripts in turn (each worker starts
at a different place), a new sender id every `turns_per_conversation` messages so trackers stay at a
realistic length. The run stops after `requests` messages in all or `max_seconds`, whichever is first.
Every reply is checked against its question; wrong answers and errors are counted, not raised.
"""
from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass, field
from typing import List, Optional

import aiohttp
from tqdm import tqdm

from harness.questions import Question, missing

REQUEST_TIMEOUT = 30.0


@dataclass
class LoadResult:
    concurrency: int
    latencies: List[float] = field(default_factory=list)  # seconds, one per answered message
    errors: int = 0       # non-200 answers, timeouts, refused connections
    wrong: int = 0        # scored messages whose reply lacked what the question expects
    scored: int = 0
    wall: float = 0.0     # seconds from the first request to the last answer
    first_error: str = ""


class _Budget:
    """Messages left to send and the deadline; shared by the workers (one event loop, no lock needed)."""

    def __init__(self, requests: int, max_seconds: float) -> None:
        self.left = requests
        self.deadline = time.monotonic() + max_seconds

    def take(self) -> bool:
        if self.left <= 0 or time.monotonic() >= self.deadline:
            return False
        self.left -= 1
        return True


async def _send(session: aiohttp.ClientSession, url: str, sender: str, text: str,
                result: LoadResult) -> Optional[str]:
    """The reply's text, or None on an error. Records the latency of answered messages."""
    started = time.perf_counter()
    try:
        async with session.post(url, json={"sender": sender, "message": text}) as response:
            body = await response.json(content_type=None) if response.status == 200 else await response.text()
            status = response.status
    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
        result.errors += 1
        result.first_error = result.first_error or repr(error)
        return None
    if status != 200:
        result.errors += 1
        result.first_error = result.first_error or f"HTTP {status}: {str(body)[:200]}"
        return None
    result.latencies.append(time.perf_counter() - started)
    return [m for m in body if isinstance(m, dict)] if isinstance(body, list) else []


async def _worker(index: int, session: aiohttp.ClientSession, url: str, questions: List[Question], kb,
                  budget: _Budget, result: LoadResult, bar: tqdm, turns_per_conversation: int) -> None:
    position = index * 7  # spread the workers over the mix
    sender, turns = uuid.uuid4().hex, 0
    while True:
        question = questions[position % len(questions)]
        position += 1
        if turns + len(question.script) > turns_per_conversation:
            sender, turns = uuid.uuid4().hex, 0
        for number, text in enumerate(question.script):
            if not budget.take():
                return
            reply = await _send(session, url, sender, text, result)
            turns += 1
            bar.update(1)
            if reply is not None and number == len(question.script) - 1:
                result.scored += 1
                result.wrong += bool(missing(question, reply, kb))


async def _load(url: str, questions: List[Question], kb, concurrency: int, requests: int, max_seconds: float,
                turns_per_conversation: int, label: str) -> LoadResult:
    result = LoadResult(concurrency)
    connector = aiohttp.TCPConnector(limit=concurrency, keepalive_timeout=30)
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT)
    with tqdm(total=requests, desc=label, unit="msg", leave=False, dynamic_ncols=True) as bar:
        async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
            budget = _Budget(requests, max_seconds)
            started = time.monotonic()
            await asyncio.gather(*(_worker(i, session, url, questions, kb, budget, result, bar,
                                           turns_per_conversation) for i in range(concurrency)))
            result.wall = time.monotonic() - started
    return result


def run_load(url: str, questions: List[Question], kb, concurrency: int, requests: int, max_seconds: float,
             turns_per_conversation: int = 12, label: str = "") -> LoadResult:
    if not questions:
        raise ValueError("no questions to send")
    return asyncio.run(_load(url, questions, kb, concurrency, requests, max_seconds, turns_per_conversation,
                             label or f"{concurrency} conversations"))
