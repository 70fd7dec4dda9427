"""Detection and redaction of personal identifiers in chat messages."""
from .identifiers import (
    KINDS,
    PLACEHOLDERS,
    REMINDER_KINDS,
    Identifier,
    describe,
    find_identifiers,
    needs_reminder,
    redact,
)

__all__ = [
    "Identifier",
    "KINDS",
    "REMINDER_KINDS",
    "PLACEHOLDERS",
    "find_identifiers",
    "redact",
    "needs_reminder",
    "describe",
]
