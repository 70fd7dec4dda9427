"""Two replicas share PostgreSQL (conversations) and Redis (locks): a conversation whose messages
alternate between them keeps its context, and every event is stored once."""
from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import sqlalchemy as sa

from harness.questions import cited_ids
from harness.servers import plain_sender, reply_text

TURNS = [("who are UAVA?", "term.uava"),
         ("when should I refer to them?", "checklist.refer_to_uava"),
         ("where does that come from?", "Key points: Equality and Diversity")]


def _converse(topology, index: int):
    sender = plain_sender(f"scale-{index}")
    replies_received = 0
    for turn, (question, expected) in enumerate(TURNS):
        replica = topology.replica((index + turn) % 2)  # alternate replicas every turn
        replies = replica.ask(sender, question, timeout=120)
        assert expected in reply_text(replies), (sender, turn, reply_text(replies)[:300])
        replies_received += len(replies)
    return sender, replies_received


def _stored(engine, sender: str, kind: str) -> int:
    with engine.connect() as connection:
        return connection.execute(sa.text("SELECT count(*) FROM events WHERE sender_id = :s AND type_name = :k"),
                                  s=sender, k=kind).scalar()


def test_twenty_concurrent_conversations_alternating_replicas(topology, engine):
    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(lambda i: _converse(topology, i), range(20)))
    for sender, replies_received in results:
        assert _stored(engine, sender, "user") == len(TURNS), sender
        assert _stored(engine, sender, "bot") == replies_received, sender
        assert _stored(engine, sender, "session_started") == 1, sender


def test_no_event_stored_twice(topology, engine):
    with engine.connect() as connection:
        duplicates = connection.execute(sa.text(
            "SELECT sender_id, data, count(*) FROM events GROUP BY sender_id, data HAVING count(*) > 1")).fetchall()
    assert duplicates == []


def test_nginx_spreads_requests_over_both_replicas(topology):
    sender = "nginx-" + uuid.uuid4().hex
    assert "term.uava" in cited_ids(topology.nginx.ask(sender, "who are UAVA?"))
    assert "checklist.refer_to_uava" in cited_ids(topology.nginx.ask(sender, "when should I refer to them?"))
