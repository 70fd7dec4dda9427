"""The replies for when something fails: an answer that could not be made (`apology`) or an action
server that cannot be reached (`unreachable`). Their text is in knowledge/assistant.yml; this copy is
used only when knowledge/ itself cannot be read, so a failure always gets a reply that names 999.
"""
from __future__ import annotations

import logging

logger = logging.getLogger(__name__)

PROCEDURES_URL = "http://llrscb.proceduresonline.com/"
WHEN_KNOWLEDGE_FAILS = ("Sorry, I couldn't answer that just now. If a child is in immediate danger call 999. "
                        f"Otherwise please check the LLR procedures: {PROCEDURES_URL}")


def failure_message(key: str) -> str:
    """knowledge/assistant.yml's message `key` with the procedures link, or the fixed copy."""
    try:
        from kb import get_knowledge
        kb = get_knowledge()
        return kb.messages[key].format(url=kb.procedures_link.url)
    except Exception:  # noqa: BLE001 - a failure's reply must not fail
        logger.warning("knowledge/ could not be read for the '%s' reply; the fixed copy is used.", key)
        return WHEN_KNOWLEDGE_FAILS
