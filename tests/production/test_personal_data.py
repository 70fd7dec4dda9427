"""No identifier reaches PostgreSQL or the logs; retention deletes old conversations."""
from __future__ import annotations

import json
import subprocess
import sys
import time
import uuid

import sqlalchemy as sa

from harness.servers import plain_sender
from harness.topology import ROOT

IDENTIFIERS = ["Jane Smith", "Kyle Robinson", "12/03/2015", "14 Narborough Road", "LE3 0BQ",
               "07700 900123", "0116 496 0123", "jane.smith@example.com", "943 476 5919"]
MESSAGES = [
    "what goes in a referral for Jane Smith, born 12/03/2015, of 14 Narborough Road, LE3 0BQ?",
    "her mum's mobile is 07700 900123 and email jane.smith@example.com, NHS number 943 476 5919",
    "Kyle Robinson's school rang on 0116 496 0123, should I refer to UAVA?",
]


def test_identifiers_never_reach_postgresql(topology, engine):
    sender = plain_sender("pii")
    for index, message in enumerate(MESSAGES):
        topology.replica(index % 2).ask(sender, message, timeout=120)
    with engine.connect() as connection:
        stored = [row[0] for row in connection.execute(sa.text("SELECT data FROM events WHERE sender_id = :s"),
                                                        s=sender)]
    assert stored, "nothing stored: is the redacting SQL store in use?"
    text = "\n".join(stored)
    assert [i for i in IDENTIFIERS if i.lower() in text.lower()] == []
    user_texts = [json.loads(d)["text"] for d in stored if json.loads(d)["event"] == "user"]
    assert len(user_texts) == len(MESSAGES) and all("[" in t for t in user_texts)


def test_logs_hold_no_message_text(topology):
    logs = "\n".join(p.read_text(errors="replace") for p in topology.run_dir.glob("*.log"))
    assert [i for i in IDENTIFIERS if i in logs] == []
    assert "who are UAVA" not in logs


def _insert(engine, sender: str, age_days: float):
    timestamp = time.time() - age_days * 86400
    with engine.begin() as connection:
        connection.execute(sa.text("INSERT INTO events (sender_id, type_name, timestamp, data) "
                                   "VALUES (:s, 'user', :t, '{}')"), s=sender, t=timestamp)


def _count(engine, sender: str) -> int:
    with engine.connect() as connection:
        return connection.execute(sa.text("SELECT count(*) FROM events WHERE sender_id = :s"), s=sender).scalar()


def test_retention_deletes_old_conversations(topology, engine, settings, tmp_path):
    old, recent = "old-" + uuid.uuid4().hex, "recent-" + uuid.uuid4().hex
    _insert(engine, old, 40)
    _insert(engine, old, 35)
    _insert(engine, recent, 45)  # a long conversation still active recently is kept whole
    _insert(engine, recent, 1)
    env_file = tmp_path / "production.env"
    env_file.write_text("".join(f"{k}={v}\n" for k, v in settings.items()))
    command = [sys.executable, "-m", "production.retention", "--env-file", str(env_file)]
    dry = subprocess.run(command + ["--dry-run"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert dry.returncode == 0, dry.stderr and _count(engine, old) == 2
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)  # RETENTION_DAYS=30
    assert done.returncode == 0, done.stderr
    assert "deleted" in done.stdout
    assert _count(engine, old) == 0 and _count(engine, recent) == 2
    subprocess.run(command + ["--days", "0.5"], cwd=ROOT, capture_output=True, text=True, timeout=120, check=True)
    assert _count(engine, recent) == 0
