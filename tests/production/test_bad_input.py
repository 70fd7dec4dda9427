"""Bad input through nginx and straight to a replica: no 5xx, no stack trace, the servers stay up,
and a burst from one sender loses nothing. A property-based fuzz test posts generated payloads."""
from __future__ import annotations

import json
import os
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings as hypothesis_settings, strategies as st

from harness.servers import reply_text

WEBHOOK = "/webhooks/rest/webhook"
# One sender's conversation grows with every message and Rasa re-reads it each turn, so the burst's
# cost grows with its square: PROD_BURST=200 make test-prod for a quicker run.
BURST = int(os.environ.get("PROD_BURST", "1000"))
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
    _assert_safe(*endpoint.post(WEBHOOK, body, content_type))
    assert "term.uava" in reply_text(endpoint.ask(uuid.uuid4().hex, "who are UAVA?"))


def test_burst_of_messages_from_one_sender(topology, engine):
    sender = "burst-" + uuid.uuid4().hex
    body = lambda i: json.dumps({"sender": sender, "message": f"hello {i}"}).encode()  # noqa: E731

    def send(i):
        return topology.nginx.post(WEBHOOK, body(i), timeout=300)

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(send, range(BURST)))
    for status, text in results:
        _assert_safe(status, text)
    answered = sum(1 for status, _ in results if status == 200)
    assert answered >= BURST * 0.99, [s for s, _ in results if s != 200][:10]
    with engine.connect() as connection:
        stored = connection.execute(sa.text("SELECT count(*) FROM events WHERE sender_id = :s AND "
                                            "type_name = 'user'"), s=sender).scalar()
    assert stored == answered  # none lost, none twice
    assert "term.uava" in reply_text(topology.nginx.ask(sender, "who are UAVA?", timeout=120))


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
