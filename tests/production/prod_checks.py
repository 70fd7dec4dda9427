"""Helpers for the production tests: an answer checked with what went wrong said on failure."""
from __future__ import annotations

import json
import time

import pytest

from harness.questions import cited_ids, reply_text

WEBHOOK = "/webhooks/rest/webhook"


def log_tails(topology, lines: int = 15) -> str:
    """The last warnings and errors of every part's log, to say why an answer failed."""
    if topology is None:
        return ""
    parts = []
    for path in sorted(topology.run_dir.glob("*.log")):
        text = path.read_text(errors="replace").splitlines()
        wanted = [line for line in text if any(word in line for word in ("ERROR", "WARNING", "error", "[warn]",
                                                                          "Traceback", "topology:"))]
        if wanted:
            parts.append(f"--- {path.name}:\n" + "\n".join(wanted[-lines:]))
    return "\n".join(parts)


def ask_checked(endpoint, sender: str, message: str, expected: str, topology=None, timeout: float = 180) -> str:
    """The reply text to `message`, whose answer must cite the knowledge id `expected`; on failure the assertion says what
    the server answered (status, body, seconds taken) or that it did not answer, with the logs' tails."""
    start = time.monotonic()
    body = json.dumps({"sender": sender, "message": message}).encode()
    try:
        status, text = endpoint.post(WEBHOOK, body, timeout=timeout)
    except Exception as error:  # noqa: BLE001 - a timeout or a reset: say so, with the logs
        pytest.fail(f"{endpoint.rasa_url} gave no answer in {time.monotonic() - start:.1f} s ({error!r})\n"
                    f"{log_tails(topology)}")
    elapsed = time.monotonic() - start
    replies = json.loads(text) if status == 200 else []
    replies = replies if isinstance(replies, list) else []
    answer = reply_text(replies)
    assert status == 200 and expected in cited_ids(replies), (
        f"{endpoint.rasa_url} answered {status} in {elapsed:.1f} s: {text[:500]}\n{log_tails(topology)}")
    return answer
