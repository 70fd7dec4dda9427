"""Bad input through nginx and straight to a replica: no 5xx, no stack trace, the servers stay up,
and a burst from one sender loses nothing. A property-based fuzz test posts generated payloads."""
from __future__ import annotations

import http.client
import json
import os
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings as hypothesis_settings, strategies as st

from harness.questions import cited_ids
from harness.servers import plain_sender
from prod_checks import WEBHOOK, ask_checked, log_tails

# One sender's conversation grows with every message and Rasa re-reads it each turn, so a burst's cost
# grows with its square. The replicas' per-sender limit (channels/guard.py: a burst of 20, then 1 a
# second) answers most of a burst with 429 anyway, so 200 requests exercise it and the lock store
# fully; PROD_BURST changes it (bounded at 1000).
BURST = max(1, min(int(os.environ.get("PROD_BURST", "200")), 1000))
BAD_BODIES = {
    "empty": (b"", "application/json"),
    "100kB": (json.dumps({"sender": "x", "message": "a" * 100_000}).encode(), "application/json"),
    "binary": (bytes(range(256)) * 40, "application/octet-stream"),
    "invalid-utf8": (b'{"sender": "x", "message": "\xff\xfe\xc3\x28"}', "application/json"),
    "malformed-json": (b'{"sender": "x", "message": ', "application/json"),
    "wrong-content-type": (b"sender=x&message=hello", "application/x-www-form-urlencoded"),
    "not-an-object": (b"[1, 2, 3]", "application/json"),
    "nested-junk": (json.dumps({"sender": {"a": 1}, "message": ["x"]}).encode(), "application/json"),
}


def _assert_safe(status: int, text: str):
    assert status < 500, (status, text[:300])
    assert "Traceback" not in text and 'File "' not in text


@pytest.mark.parametrize("name", sorted(BAD_BODIES))
@pytest.mark.parametrize("target", ["nginx", "replica"])
def test_bad_input_gets_no_server_error(topology, name, target):
    endpoint = topology.nginx if target == "nginx" else topology.replica(0)
    body, content_type = BAD_BODIES[name]
    start = time.monotonic()
    status, text = endpoint.post(WEBHOOK, body, content_type, timeout=120)
    assert status < 500, (f"{endpoint.rasa_url} answered {status} in {time.monotonic() - start:.1f} s: "
                          f"{text[:300]}\n{log_tails(topology)}")
    _assert_safe(status, text)
    ask_checked(endpoint, uuid.uuid4().hex, "who are UAVA?", "term.uava", topology)


def test_burst_of_messages_from_one_sender(topology, engine):
    sender = plain_sender("burst")
    body = lambda i: json.dumps({"sender": sender, "message": f"hello {i}"}).encode()  # noqa: E731

    def send(i):
        return topology.nginx.post(WEBHOOK, body(i), timeout=300)

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(send, range(BURST)))
    for status, text in results:
        _assert_safe(status, text)
    # Every request is answered (200) or told to slow down (429: the replica's reply says 999; nginx's
    # own limit_req page is HTML): nothing else, and nothing fails.
    assert {status for status, _ in results} <= {200, 429}, sorted({(s, t[:200]) for s, t in results})[:5]
    assert all("999" in text or "nginx" in text for status, text in results if status == 429)
    answered = sum(1 for status, _ in results if status == 200)
    assert answered >= min(BURST, 20), [s for s, _ in results][:20]
    with engine.connect() as connection:
        stored = connection.execute(sa.text("SELECT count(*) FROM events WHERE sender_id = :s AND "
                                            "type_name = 'user'"), s=sender).scalar()
    assert stored == answered  # none lost, none twice
    for _ in range(30):  # the sender's bucket refills at one message a second
        status, text = topology.nginx.post(WEBHOOK, json.dumps({"sender": sender, "message": "who are UAVA?"})
                                           .encode(), timeout=180)
        if status != 429:
            break
        time.sleep(1)
    assert status == 200 and "term.uava" in cited_ids(json.loads(text)), (status, text[:300])


# --- payloads that once took a server down (ADR: channels/rest.py refuses them with a 400) -----
KILLERS = {
    "lone-surrogate-sender": b'{"sender": "\\ud800", "message": "hi"}',
    "nul-in-sender": b'{"sender": "a\\u0000b", "message": "hi"}',
    "deep-nesting": b"[" * 100_000,
    "1MB-message": json.dumps({"sender": "x", "message": "a" * 1_000_000}).encode(),
}


def _post_raw(url: str, body: bytes) -> tuple:
    """(status, text) of a POST, even when the server answers and closes before the body is all sent."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
    try:
        try:
            connection.request("POST", WEBHOOK, body, {"Content-Type": "application/json"})
        except (BrokenPipeError, ConnectionResetError):
            pass  # answered early (413): the status is still there to read
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


@pytest.mark.parametrize("name", list(KILLERS))
def test_killer_payloads_get_4xx_and_every_replica_still_answers(topology, name):
    targets = [topology.nginx] + [topology.replica(i) for i in range(len(topology.ports))]
    for endpoint in targets:
        status, text = _post_raw(endpoint.rasa_url, KILLERS[name])
        assert 400 <= status < 500, (endpoint.rasa_url, status, text[:300], log_tails(topology))
        assert "Traceback" not in text
    for index in range(len(topology.ports)):  # each replica itself, not whichever nginx picks
        ask_checked(topology.replica(index), uuid.uuid4().hex, "who are UAVA?", "term.uava", topology)


json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) |
                           st.text(max_size=300), lambda children: st.lists(children, max_size=4) |
                           st.dictionaries(st.text(max_size=10), children, max_size=4), max_leaves=10)
payloads = st.one_of(
    st.binary(max_size=2000).map(lambda b: (b, "application/json")),
    st.fixed_dictionaries({"sender": st.one_of(st.text(max_size=250), st.integers(), json_values),
                           "message": st.one_of(st.text(max_size=6000), json_values)},
                          optional={"metadata": json_values})
      .map(lambda d: (json.dumps(d).encode(), "application/json")),
    st.tuples(st.text(max_size=500).map(str.encode), st.sampled_from(["text/plain", "application/xml", ""])),
)


@hypothesis_settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(payload=payloads)
def test_fuzzed_payloads_to_the_rest_webhook(topology, payload):
    body, content_type = payload
    _assert_safe(*topology.nginx.post(WEBHOOK, body, content_type or "application/json", timeout=120))
