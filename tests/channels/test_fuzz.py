"""Fuzzing every channel of one running assistant (REST, the web chat page, Slack and Teams with valid
signatures), bounded in count and seeded: malformed JSON, wrong types, sizes, control characters, lone
surrogates, NUL, deep nesting, slash-command injection and bodies of unexpected shape.

Asserted over all of them: no 5xx, no stack trace in any body, the server answers afterwards, and no
identifier typed in a payload is in the conversation database or the logs."""
from __future__ import annotations

import json
import random
import sqlite3
import time
import urllib.parse
from typing import Callable, List, Tuple

import pytest
import urllib.error
import urllib.request

from fakes import DIRECT, KEY_ID, SLACK_SECRET, post, slack_headers
from test_slack import event as slack_event
from test_teams import activity, claims

SEED = 20261202
COUNTS = {"rest": 520, "page": 40, "slack": 300, "teams": 260}  # 1,120 payloads
# Identifiers typed in the fuzz messages: none may be stored or logged.
DETAILS = "my pupil Zofia Kowalczyk, DOB 17/09/2014, lives at 4 Evington Road LE2 7QX, mum's phone 07700 900461"
IDENTIFIERS = ("Kowalczyk", "17/09/2014", "Evington Road", "LE2 7QX", "07700 900461", "zofia.k@example.org")
STACK_TRACE = ("Traceback", 'File "/', "Exception:", "site-packages")

ODD_STRINGS = ["", " ", "\x00", "a\x00b", "\ud800", "\udfff x", "\x07\x1b[31m", "\u202e", "\ufeff", "😀" * 300,
               "/restart", "/session_start", '/ask_referral{"topic": "../../etc/passwd"}', "//greet",
               "<script>alert(1)</script>", "' OR 1=1 --", "%s%s%n", "{{7*7}}", "x" * 6000, DETAILS,
               f"{DETAILS}. What must a referral include?", "what is early help?"]
ODD_VALUES = [None, True, 0, -1, 1e308, [], {}, ["a"], {"a": "b"}, [[[]]], "text", 12345678901234567890]


def _get(url: str) -> Tuple[int, str]:
    try:
        with DIRECT.open(urllib.request.Request(url), timeout=30) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


def _deep(depth: int) -> str:
    return "[" * depth + "]" * depth


def _rest_bodies(rng: random.Random) -> List[bytes]:
    makers: List[Callable[[], bytes]] = [
        lambda: json.dumps({"sender": f"fuzz-{rng.randrange(10**6)}", "message": rng.choice(ODD_STRINGS)}).encode(),
        lambda: json.dumps({"sender": rng.choice(ODD_STRINGS + ODD_VALUES), "message": DETAILS}).encode(),
        lambda: json.dumps({"sender": "zofia.k@example.org", "message": rng.choice(ODD_STRINGS)}).encode(),
        lambda: json.dumps({"sender": f"f{rng.randrange(10**6)}", "message": rng.choice(ODD_VALUES)}).encode(),
        lambda: json.dumps({"sender": f"f{rng.randrange(10**6)}", "message": "hi", "button": rng.choice(ODD_VALUES),
                            "metadata": {"child": DETAILS, DETAILS: rng.choice(ODD_VALUES)}}).encode(),
        lambda: json.dumps(rng.choice(ODD_VALUES)).encode(),
        lambda: _deep(rng.choice([50, 1000, 100_000])).encode(),
        lambda: bytes(rng.randrange(256) for _ in range(rng.randrange(1, 300))),
        lambda: b'{"sender": "s", "message": "' + rng.choice([b"\\ud800", b"\\u0000", b"\\udfff\\ud800"]) + b'"}',
        lambda: b'{"sender": "s", "message": ' + rng.choice([b"", b'"unterminated', b"NaN", b"1e99999"]),
        lambda: json.dumps({"sender": "s" * rng.choice([199, 200, 201, 5000]), "message": "hi"}).encode(),
    ]
    return [rng.choice(makers)() for _ in range(COUNTS["rest"])]


def _slack_bodies(rng: random.Random) -> List[bytes]:
    def shaped() -> dict:
        envelope = slack_event(rng.choice(ODD_STRINGS))
        where, key = rng.choice([(envelope, "event"), (envelope, "authorizations"), (envelope, "event_id"),
                                 (envelope["event"], "user"), (envelope["event"], "channel"),
                                 (envelope["event"], "ts"), (envelope["event"], "text"),
                                 (envelope["event"], "thread_ts"), (envelope, "authed_users")])
        if rng.random() < 0.8:
            where[key] = rng.choice(ODD_VALUES + ODD_STRINGS)
        return envelope

    makers: List[Callable[[], bytes]] = [
        lambda: json.dumps(shaped()).encode(),
        lambda: json.dumps(rng.choice(ODD_VALUES)).encode(),
        lambda: _deep(rng.choice([1000, 100_000])).encode(),
        lambda: b"payload=" + urllib.parse.quote(json.dumps(
            {"type": "block_actions", "actions": rng.choice(ODD_VALUES), "user": rng.choice(ODD_VALUES),
             "channel": rng.choice(ODD_VALUES), "message": rng.choice(ODD_VALUES)})).encode(),
        lambda: b"payload=" + urllib.parse.quote(rng.choice(ODD_STRINGS).encode("utf-8", "surrogatepass")).encode(),
    ]
    return [rng.choice(makers)() for _ in range(COUNTS["slack"])]


def _teams_bodies(rng: random.Random, service_url: str) -> List[bytes]:
    def shaped() -> dict:
        body = activity(service_url, rng.choice(ODD_STRINGS), rng.choice([None, {"payload": "/rate_helpful"}]))
        key = rng.choice(["from", "conversation", "recipient", "membersAdded", "text", "id", "value", "type",
                          "channelId"])
        if rng.random() < 0.8:
            body[key] = rng.choice(ODD_VALUES + ODD_STRINGS)
        return body

    makers: List[Callable[[], bytes]] = [
        lambda: json.dumps(shaped()).encode(),
        lambda: json.dumps(rng.choice(ODD_VALUES)).encode(),
        lambda: _deep(rng.choice([1000, 100_000])).encode(),
        lambda: bytes(rng.randrange(256) for _ in range(rng.randrange(1, 200))),
    ]
    return [rng.choice(makers)() for _ in range(COUNTS["teams"])]


def _page_paths(rng: random.Random) -> List[str]:
    odd = ["../../etc/passwd", "%2e%2e%2fcredentials.yml", "index.html%00.js", "app.js?x=" + "a" * 3000,
           "\u202e.html", "style.css/..", "?q=<script>", "nothing.png"]
    return [rng.choice(odd) for _ in range(COUNTS["page"])]


@pytest.fixture(scope="module")
def fuzzed(assistant, fake_microsoft) -> List[Tuple[str, int, str]]:
    rng = random.Random(SEED)
    results = []
    for body in _rest_bodies(rng):
        status, text = post(assistant.rasa_url + "/webhooks/rest/webhook", body, {"Content-Type": "application/json"})
        results.append(("rest", status, text))
    for path in _page_paths(rng):
        status, text = _get(assistant.rasa_url + "/webhooks/webchat/" + urllib.parse.quote(path, safe="/?=%"))
        results.append(("page", status, text))
    for body in _slack_bodies(rng):
        kind = "application/x-www-form-urlencoded" if body.startswith(b"payload=") else "application/json"
        status, text = post(assistant.rasa_url + "/webhooks/slack/webhook", body,
                            slack_headers(SLACK_SECRET, body, kind))
        results.append(("slack", status, text))
    for body in _teams_bodies(rng, fake_microsoft.service_url):
        headers = {"Content-Type": "application/json",
                   "Authorization": f"Bearer {fake_microsoft.sign(claims(fake_microsoft.service_url), KEY_ID)}"}
        status, text = post(assistant.rasa_url + "/webhooks/teams/webhook", body, headers)
        results.append(("teams", status, text))
    time.sleep(3)  # Slack and Teams answer in the background
    return results


def test_at_least_a_thousand_payloads_and_no_server_error(fuzzed):
    assert len(fuzzed) >= 1000
    errors = [(channel, status, text[:120]) for channel, status, text in fuzzed if status >= 500]
    assert not errors, errors[:5]


def test_no_stack_trace_in_any_body(fuzzed):
    leaks = [(channel, text[:200]) for channel, _, text in fuzzed if any(s in text for s in STACK_TRACE)]
    assert not leaks, leaks[:5]


def test_the_server_answers_afterwards(fuzzed, assistant):
    from harness.questions import cited_ids
    assert "checklist.referral" in cited_ids(assistant.ask("after-fuzz", "what must a referral include?"))


def test_no_identifier_is_stored_or_logged(fuzzed, assistant):
    with sqlite3.connect(assistant.database) as connection:
        stored = " ".join(str(row) for row in connection.execute("SELECT sender_id, data FROM events"))
    assert stored, "nothing was stored"
    logs = " ".join(path.read_text(errors="replace") for path in assistant.log_dir.glob("*.log"))
    for identifier in IDENTIFIERS:
        assert identifier not in stored, f"{identifier} stored"
        assert identifier not in logs, f"{identifier} logged"
