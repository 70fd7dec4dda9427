"""When the action server cannot be reached, the practitioner gets a short reply saying so, with
the LLR procedures link, instead of silence.

Rasa 3.6 logs a failed custom action and carries on with no reply (`MessageProcessor._run_action`
swallows the error). `install()` wraps `RemoteAction.run` so that a connection failure or an error
status (refused secret, 5xx, timeout) becomes one bot message. Rejections (a 400 the action server
sends on purpose) are passed on unchanged. Our action_session_start (which keeps a learner's progress)
falls back to Rasa's own session start, so a new conversation still starts cleanly.

A turn gets the reply once, however many custom actions fail in it (a form runs several), with the
privacy reminder after it when the message holds identifiable details.
"""
from __future__ import annotations

import functools
import logging
from typing import Any, List

from rasa.core.actions.action import ActionExecutionRejection, ActionSessionStart, RemoteAction
from rasa.shared.core.constants import ACTION_SESSION_START_NAME
from rasa.shared.core.events import BotUttered, Event, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import RasaException

from kb.failures import failure_message

logger = logging.getLogger(__name__)

FALLBACK = "action_server_unreachable"  # the replies' metadata


def privacy_reminder(text: str) -> str:
    """The knowledge base's privacy reminder if `text` holds identifiable details, else ""."""
    try:
        from privacy import REMINDER_KINDS, describe, find_identifiers
        from kb import get_knowledge
        from production.redaction import allowed_phrases
        kinds = [i.kind for i in find_identifiers(text or "", allowed_phrases()) if i.kind in REMINDER_KINDS]
        return get_knowledge().messages["privacy_reminder"].format(kinds=describe(dict.fromkeys(kinds))) if kinds else ""
    except Exception:  # noqa: BLE001 - the apology matters more than the reminder
        logger.exception("The privacy reminder could not be made.")
        return ""


def _replied_this_turn(tracker: DialogueStateTracker) -> bool:
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            return False
        if isinstance(event, BotUttered) and (event.metadata or {}).get("fallback") == FALLBACK:
            return True
    return False


def fallback_events(tracker: DialogueStateTracker) -> List[Event]:
    """The turn's one apology (and reminder), or nothing if the turn has had it."""
    if _replied_this_turn(tracker):
        return []
    events: List[Event] = [BotUttered(failure_message("unreachable"), metadata={"fallback": FALLBACK})]
    reminder = privacy_reminder(tracker.latest_message.text if tracker.latest_message else "")
    return events + ([BotUttered(reminder, metadata={"fallback": FALLBACK})] if reminder else [])


def install() -> None:
    """Wrap `RemoteAction.run` once (idempotent)."""
    if getattr(RemoteAction.run, "_with_fallback", False):
        return
    original = RemoteAction.run

    @functools.wraps(original)
    async def run(self: RemoteAction, *args: Any, **kwargs: Any) -> List[Event]:
        try:
            return await original(self, *args, **kwargs)
        except ActionExecutionRejection:
            raise
        except RasaException:
            logger.error("Custom action '%s' failed: the action server could not be used.", self.name())
            if self.name() == ACTION_SESSION_START_NAME:  # start the session Rasa's own way, quietly
                return await ActionSessionStart().run(*args, **kwargs)
            tracker = kwargs.get("tracker") or args[2]
            return fallback_events(tracker)

    run._with_fallback = True  # type: ignore[attr-defined]
    RemoteAction.run = run  # type: ignore[assignment]
