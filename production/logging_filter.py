"""Production logging writes no message text: a filter on every handler drops DEBUG records (Rasa's
debug logs carry messages, entities and trackers) and redacts identifiers from what is left, as a
second line of defence. Used by deploy/logging.yml (`rasa run --logging-config-file`)."""
from __future__ import annotations

import logging

from privacy import redact

TEXT_BEARING = ("Received user message", "Logged UserUtterance", "parse_data", "user_message")


class NoMessageText(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.INFO:
            return False
        message = record.getMessage()
        if any(marker in message for marker in TEXT_BEARING):
            return False
        record.msg, record.args = redact(message), ()
        return True
