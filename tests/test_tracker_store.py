"""The redacting SQL store on a real SQLite file: a value the database refuses fails one message, never
the process; a damaged file gets a clear error; nothing falls back to a store that keeps identifiers;
personal sender ids and metadata are never stored as sent."""
from __future__ import annotations

import asyncio
import json
import sqlite3

import pytest
from rasa.core.agent import Agent
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from production.tracker_store import (EmbeddedTrackerStore, NoFallbackTrackerStore,
                                      RedactingInMemoryTrackerStore, RedactingSQLTrackerStore, StoreError)
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


def test_a_random_id_with_ten_digits_in_a_row_is_stored_hashed_and_tests_can_avoid_it():
    """Why tests that look a sender up in a database take `plain_sender`: a uuid's hex can read as a phone."""
    from harness.servers import plain_sender
    assert stored_id("1eac4741880949a79b900174e83005f8") != "1eac4741880949a79b900174e83005f8"
    assert all(stored_id(sender) == sender for sender in (plain_sender("report") for _ in range(200)))


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


# --- the embedded store `make run` ships: the SQLite file written through, memory for the reads ------
NAMED = ["Jane Smith, born 12/03/2015, what goes in her referral?", "her mum's number is 07700 900123",
         "thanks"]


def _embedded(path) -> EmbeddedTrackerStore:
    return EmbeddedTrackerStore(domain=DOMAIN, db=str(path))


def _turn(text: str, reply: str = "A checklist") -> list:
    return [UserUttered(text, {"name": "ask_referral", "confidence": 0.9}), ActionExecuted("action_answer"),
            BotUttered(f"{reply} for: {text}"), SlotSet("last_entries", ["checklist.referral"]),
            ActionExecuted("action_listen")]


def _session() -> list:
    return [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")]


def _converse(store, sender: str, turns) -> None:
    """As Rasa answers: load the conversation (or start one), add the turn's events, save."""
    for events in turns:
        tracker = asyncio.run(store.retrieve(sender)) or store.init_tracker(sender)
        for event in events:
            tracker.update(event)
        asyncio.run(store.save(tracker))


def _stored_rows(path) -> list:
    with sqlite3.connect(path) as connection:
        rows = connection.execute("SELECT sender_id, type_name, intent_name, action_name, data FROM events "
                                  "ORDER BY id").fetchall()
    return [(sender, kind, intent, action, {k: v for k, v in json.loads(data).items() if k != "timestamp"})
            for sender, kind, intent, action, data in rows]


def _as_dicts(tracker) -> list:
    return [{k: v for k, v in event.as_dict().items() if k != "timestamp"} for event in tracker.events]


def test_the_embedded_store_writes_what_the_sql_store_writes_and_reads_it_back_the_same(tmp_path):
    turns = [_session() + _turn(NAMED[0]), _turn(NAMED[1]), _session() + _turn(NAMED[2])]  # a second session
    _converse(_embedded(tmp_path / "embedded.db"), "jane.smith@nhs.net", turns)
    _converse(_store(tmp_path / "sql.db"), "jane.smith@nhs.net", turns)
    assert _stored_rows(tmp_path / "embedded.db") == _stored_rows(tmp_path / "sql.db")
    rows = str(_stored_rows(tmp_path / "embedded.db"))
    assert not [i for i in ("Jane Smith", "12/03/2015", "07700 900123", "jane.smith@nhs.net") if i in rows]
    from_sql = asyncio.run(_store(tmp_path / "sql.db").retrieve("jane.smith@nhs.net"))
    store = _embedded(tmp_path / "embedded.db")
    from_file = asyncio.run(store.retrieve("jane.smith@nhs.net"))  # a new process: read from the file
    from_memory = asyncio.run(store.retrieve("jane.smith@nhs.net"))
    assert _as_dicts(from_memory) == _as_dicts(from_file) == _as_dicts(from_sql)
    assert isinstance(from_memory.events[0], SessionStarted)  # the latest session, as Rasa's SQL store loads it
    assert [e.text for e in from_memory.events if isinstance(e, UserUttered)] == ["thanks"]


def test_memory_holds_only_redacted_events_and_only_after_they_are_written(tmp_path):
    store = _embedded(tmp_path / "c.db")
    _converse(store, "m1", [_session() + _turn(NAMED[0])])
    assert "Jane Smith" not in str(store._latest) and "12/03/2015" not in str(store._latest)
    tracker = asyncio.run(store.retrieve("m1"))
    tracker.update(UserUttered("bad \ud800 text"))  # SQLite refuses a lone surrogate
    try:
        asyncio.run(store.save(tracker))
    except StoreError:
        pass
    from_file = asyncio.run(_store(tmp_path / "c.db").retrieve("m1"))
    assert _as_dicts(asyncio.run(store.retrieve("m1"))) == _as_dicts(from_file)  # memory and file agree


def test_a_conversation_pushed_out_of_memory_or_saved_unloaded_is_continued_without_duplicates(tmp_path,
                                                                                              monkeypatch):
    import production.tracker_store as stores
    monkeypatch.setattr(stores, "MAX_CONVERSATIONS_IN_MEMORY", 2)
    store = _embedded(tmp_path / "c.db")
    for sender in ("a", "b", "c"):  # "a" is pushed out
        _converse(store, sender, [_session() + _turn("what is early help?")])
    assert list(store._latest) == ["b", "c"]
    _converse(store, "a", [_turn("and a referral?")])
    other = _embedded(tmp_path / "c.db")  # saved without being loaded first: Rasa's count decides
    tracker = asyncio.run(_store(tmp_path / "c.db").retrieve("b"))
    for event in _turn("who is the LADO?"):
        tracker.update(event)
    asyncio.run(other.save(tracker))
    rows = _stored_rows(tmp_path / "c.db")
    assert [r[4].get("text") for r in rows if r[1] == "user"] == [
        "what is early help?", "what is early help?", "what is early help?", "and a referral?", "who is the LADO?"]


def test_the_embedded_store_is_for_sqlite_only(tmp_path):
    with pytest.raises(StoreError, match="RedactingSQLTrackerStore"):
        EmbeddedTrackerStore(domain=DOMAIN, dialect="postgresql", db="rasa")


def test_the_in_memory_store_redacts_new_events_once_and_splits_sessions_as_rasa_does():
    store = RedactingInMemoryTrackerStore(DOMAIN)
    _converse(store, "s", [_session() + _turn(NAMED[0]), _turn(NAMED[1])])
    first = list(store.store["s"])
    _converse(store, "s", [_session() + _turn(NAMED[2])])
    assert store.store["s"][:len(first)] == first  # earlier events are kept as stored, not rewritten
    assert "Jane Smith" not in str(store.store) and "07700 900123" not in str(store.store)
    latest, full = asyncio.run(store.retrieve("s")), asyncio.run(store.retrieve_full_tracker("s"))
    assert [e.text for e in latest.events if isinstance(e, UserUttered)] == ["thanks"]
    assert len(full.events) == len(store.store["s"]) == 2 * len(_session()) + 15
    replaced = store.init_tracker("s")  # a conversation that is not the stored one replaces it
    replaced.update(UserUttered("hello"))
    asyncio.run(store.save(replaced))
    assert [e.text for e in asyncio.run(store.retrieve_full_tracker("s")).events] == ["hello"]


def test_a_conversation_deleted_from_the_file_while_idle_is_not_brought_back_from_memory(tmp_path, monkeypatch):
    """Retention deletes conversations idle for weeks; memory must not keep them alive."""
    import production.tracker_store as stores
    store = _embedded(tmp_path / "c.db")
    _converse(store, "old", [_session() + _turn("what is early help?")])
    with sqlite3.connect(tmp_path / "c.db") as connection:  # as production.retention does
        connection.execute("DELETE FROM events WHERE sender_id = 'old'")
    assert asyncio.run(store.retrieve("old")) is not None  # used a moment ago: memory answers
    monkeypatch.setattr(stores, "IDLE_SECONDS_IN_MEMORY", -1)
    assert asyncio.run(store.retrieve("old")) is None
