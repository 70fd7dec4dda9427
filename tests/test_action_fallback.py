"""With the action server down, a turn gets one short reply (whatever number of custom actions fail in
it, as in a form) with the procedures link, and the privacy reminder where the message needs one."""
from __future__ import annotations

import asyncio

from rasa.core.actions.action import RemoteAction
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

import production.tracker_store  # noqa: F401 - installs the reply, as every deployment does

DOMAIN = Domain.load("domain.yml")
DOWN = EndpointConfig("http://127.0.0.1:9/webhook")  # nothing listens on port 9


def _turn(text: str) -> DialogueStateTracker:
    return DialogueStateTracker.from_events("s", [ActionExecuted("action_listen"),
                                                  UserUttered(text, {"name": "ask_referral", "confidence": 1})],
                                            DOMAIN.slots)


def _run(tracker: DialogueStateTracker, name: str) -> list:
    action = RemoteAction(name, DOWN)
    events = asyncio.run(action.run(CollectingOutputChannel(), TemplatedNaturalLanguageGenerator(DOMAIN.responses),
                                    tracker, DOMAIN))
    tracker.update_with_events(events, DOMAIN)
    return events


def test_one_reply_a_turn_however_many_actions_fail():
    tracker = _turn("what must a referral include?")
    replies = [e.text for name in ("referral_check_form", "validate_referral_check_form", "action_answer_topic")
               for e in _run(tracker, name)]
    assert len(replies) == 1 and "cannot be reached" in replies[0] and "999" in replies[0]
    assert "proceduresonline" in replies[0]
    tracker.update(UserUttered("and the GP?", {"name": "ask_gp", "confidence": 1}))
    assert len(_run(tracker, "action_answer_topic")) == 1  # the next turn gets it again


def test_the_privacy_reminder_comes_after_it_when_needed():
    texts = [e.text for e in _run(_turn("Jane Smith, 12 Narborough Road LE3 0BQ: what must the referral include?"),
                                  "action_answer_topic")]
    assert len(texts) == 2 and "cannot be reached" in texts[0] and "LE3 0BQ" not in texts[1]
    assert "postcode" in texts[1] or "address" in texts[1]
