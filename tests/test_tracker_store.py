"""The redacting SQL store on a real SQLite file: a value the database refuses fails one message, never
the process; a damaged file gets a clear error; nothing falls back to a store that keeps identifiers;
personal sender ids and metadata are never stored as sent."""
from __future__ import annotations

import asyncio
import sqlite3

import pytest
from rasa.core.agent import Agent
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from production.tracker_store import (NoFallbackTrackerStore, RedactingInMemoryTrackerStore,
                                      RedactingSQLTrackerStore, StoreError)
from production.sender_ids import looks_personal, stored_id

DOMAIN = Domain.load("domain.yml")
METADATA = {"child": "Amira Khan", "dob": "01/02/2015", "note": "lives at 12 High Street LE1 5AA",
            "Amira Khan": "a key that is a name", "out_channel": "C0123", "big": "x" * 1_000_000}


def _store(path) -> RedactingSQLTrackerStore:
    return RedactingSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(path))


def _tracker(sender: str, text: str = "what is early help?", metadata=None) -> DialogueStateTracker:
    events = [ActionExecuted("action_session_start"), SlotSet("session_started_metadata", metadata),
              ActionExecuted("action_listen"),
              UserUttered(text, {"name": "ask_early_help", "confidence": 0.9}, metadata=metadata)]
    return DialogueStateTracker.from_events(sender, events, DOMAIN.slots)


def _rows(path) -> str:
    with sqlite3.connect(path) as connection:
        return str(connection.execute("SELECT sender_id, data FROM events").fetchall())


@pytest.mark.parametrize("sender, text", [("a\x00b", "hi"), ("\ud800", "hi"), ("ok", "bad \ud800 text")])
def test_a_value_the_database_refuses_is_an_ordinary_error(tmp_path, sender, text):
    store = _store(tmp_path / "c.db")
    try:  # SQLite takes some of these; where it refuses one, Rasa's own store calls sys.exit
        asyncio.run(store.save(_tracker(sender, text)))
    except StoreError:
        pass
    asyncio.run(store.save(_tracker("after")))  # and the store still works
    assert asyncio.run(store.retrieve("after")) is not None


def test_a_damaged_database_gets_a_clear_error_naming_the_file(tmp_path):
    damaged = tmp_path / "conversations.db"
    damaged.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError) as error:
        _store(damaged)
    assert str(damaged) in str(error.value) and "move it aside" in str(error.value)


def test_rasa_wraps_stores_without_a_fallback_that_keeps_identifiers(tmp_path):
    wrapped = Agent._create_tracker_store(_store(tmp_path / "c.db"), DOMAIN)
    assert isinstance(wrapped, NoFallbackTrackerStore)
    (tmp_path / "c.db").write_bytes(b"damaged in the middle" * 100)  # after start-up
    with pytest.raises(Exception):
        asyncio.run(wrapped.save(_tracker("s", "Jane Smith told me")))
    assert wrapped._fallback_tracker_store is None  # nothing kept in memory


def test_metadata_keeps_only_channel_keys_bounded_and_redacted(tmp_path):
    path = tmp_path / "c.db"
    asyncio.run(_store(path).save(_tracker("m1", metadata=METADATA)))
    rows = _rows(path)
    for identifier in ("Amira", "Khan", "01/02/2015", "High Street", "LE1 5AA", "xxxxxxxxxx" * 30):
        assert identifier not in rows
    assert "C0123" in rows  # a channel's key is kept


def test_personal_sender_ids_are_stored_as_a_keyed_hash_and_the_conversation_still_works(tmp_path):
    path = tmp_path / "c.db"
    store = _store(path)
    for sender in ("jane.smith@nhs.net", "U024BE7LH", "29:1a2b3c"):
        asyncio.run(store.save(_tracker(sender)))
        again = asyncio.run(store.retrieve(sender))
        assert again is not None and again.sender_id == sender and len(again.events) >= 3
        assert sender not in _rows(path) and stored_id(sender) in _rows(path)
    assert "m1" == stored_id("m1") and not looks_personal("webchat-3f2a9c1e")


def test_the_in_memory_store_hashes_personal_sender_ids_too():
    store = RedactingInMemoryTrackerStore(DOMAIN)
    asyncio.run(store.save(_tracker("jane.smith@nhs.net", metadata=METADATA)))
    assert list(store.store) == [stored_id("jane.smith@nhs.net")]
    assert "Amira" not in str(store.store)
    assert asyncio.run(store.retrieve("jane.smith@nhs.net")).sender_id == "jane.smith@nhs.net"


def test_the_store_and_the_report_need_no_actions_package():
    """Every Rasa replica loads production/redaction.py: it reads the knowledge base's own names from
    kb/, not from the actions package (rasa_sdk, the search index)."""
    import subprocess
    import sys
    from pathlib import Path
    code = ("import sys; import production.redaction as r; assert len(r.allowed_phrases()) > 50; "
            "import scripts.report; "
            "print([m for m in sys.modules if m.split('.')[0] in ('actions', 'rasa_sdk')])")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          cwd=Path(__file__).resolve().parent.parent)
    assert done.returncode == 0, done.stderr[-1500:]
    assert done.stdout.strip() == "[]"
