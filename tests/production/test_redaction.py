"""The redacting stores, without any service: count and order kept, identifiers gone."""
from __future__ import annotations

import asyncio

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from production.redaction import redact_events
from production.tracker_store import RedactingInMemoryTrackerStore, redacted

TEXT = "referral for Jane Smith, 14 Narborough Road LE3 0BQ, 07700 900123, jane@example.com, UAVA?"


def _events():
    return [ActionExecuted("action_listen"),
            UserUttered(TEXT, {"name": "ask_referral", "confidence": 0.9},
                        [{"entity": "term", "value": "UAVA", "start": 86, "end": 90},
                         {"entity": "term", "value": "Jane Smith", "start": 13, "end": 23}],
                        metadata={"note": "Jane Smith"}),
            SlotSet("last_term", "Jane Smith"),
            BotUttered("About Jane Smith: see checklist.referral"),
            ActionExecuted("action_listen")]


def test_count_order_and_types_are_kept():
    before = _events()
    after = redacted(before)
    assert [type(e) for e in after] == [type(e) for e in before]
    assert [e.timestamp for e in after] == [e.timestamp for e in before]


def test_identifiers_are_gone_and_terms_kept():
    serialised = str([e.as_dict() for e in redacted(_events())])
    for identifier in ("Jane", "Smith", "Narborough", "LE3 0BQ", "07700", "jane@example.com"):
        assert identifier not in serialised
    assert "UAVA" in serialised and "checklist.referral" in serialised


def test_redaction_is_idempotent():
    once = redact_events([e.as_dict() for e in _events()])
    assert redact_events(once) == once


def test_in_memory_store_keeps_only_redacted_text():
    domain = Domain.load("domain.yml")
    store = RedactingInMemoryTrackerStore(domain)
    tracker = DialogueStateTracker.from_events("s", _events(), domain.slots)
    asyncio.run(store.save(tracker))
    saved = asyncio.run(store.retrieve("s"))
    assert len(saved.events) == len(tracker.events)
    assert "Jane" not in str(store.store["s"])
