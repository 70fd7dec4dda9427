"""When the action server cannot be reached, the practitioner gets a short reply saying so, with
the LLR procedures link, instead of silence.

Rasa 3.6 logs a failed custom action and carries on with no reply (`MessageProcessor._run_action`
swallows the error). `install()` wraps `RemoteAction.run` so that a connection failure or an error
status (refused secret, 5xx, timeout) becomes one bot message. Rejections (a 400 the action server
sends on purpose) are passed on unchanged. Our action_session_start (which keeps a learner's progress)
falls back to Rasa's own session start, so a new conversation still starts cleanly.
"""
from __future__ import annotations

import functools
import logging
from typing import Any, List

from rasa.core.actions.action import ActionExecutionRejection, ActionSessionStart, RemoteAction
from rasa.shared.core.constants import ACTION_SESSION_START_NAME
from rasa.shared.core.events import BotUttered, Event
from rasa.shared.exceptions import RasaException

logger = logging.getLogger(__name__)

PROCEDURES_URL = "http://llrscb.proceduresonline.com/"
UNREACHABLE = ("Sorry, the knowledge base cannot be reached just now. If a child is in immediate danger "
               f"call 999. Otherwise please use the LLR procedures: {PROCEDURES_URL}")


def _procedures_url() -> str:
    try:
        from kb import get_knowledge
        return get_knowledge().links["link.llr_procedures"].url
    except Exception:  # noqa: BLE001 - the fixed address is the fallback
        return PROCEDURES_URL


def unreachable_message() -> str:
    return UNREACHABLE.replace(PROCEDURES_URL, _procedures_url())


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
            return [BotUttered(unreachable_message(), metadata={"fallback": "action_server_unreachable"})]

    run._with_fallback = True  # type: ignore[attr-defined]
    RemoteAction.run = run  # type: ignore[assignment]
