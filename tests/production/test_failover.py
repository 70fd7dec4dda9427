"""One replica killed mid-run: the other serves the rest through nginx, with context kept."""
from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa

from harness.servers import reply_text


@pytest.mark.destructive
def test_replica_killed_mid_run(topology, engine):
    senders = [f"failover-{i}-{uuid.uuid4().hex[:8]}" for i in range(10)]

    def first(sender):
        assert "term.uava" in reply_text(topology.nginx.ask(sender, "who are UAVA?", timeout=120))

    def rest(sender):
        for _ in range(2):
            text = reply_text(topology.nginx.ask(sender, "when should I refer to them?", timeout=120))
            assert "checklist.refer_to_uava" in text

    with ThreadPoolExecutor(max_workers=10) as pool:
        list(pool.map(first, senders))
        topology.stop("rasa-0", kill=True)
        list(pool.map(rest, senders))
    with engine.connect() as connection:
        for sender in senders:
            stored = connection.execute(sa.text("SELECT count(*) FROM events WHERE sender_id = :s "
                                                "AND type_name = 'user'"), s=sender).scalar()
            assert stored == 3, sender
