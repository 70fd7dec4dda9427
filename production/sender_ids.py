"""Sender ids that identify a person (an email address, a Slack or Teams user id, a phone number)
are stored as a keyed hash, never as sent. The conversation still works: the store hashes the id
the same way on every read and write.

The key comes from SENDER_ID_KEY (production: the same on every replica), or else from a file
created on first use with mode 0600 (SENDER_ID_KEY_FILE, default var/sender_id.key).
"""
from __future__ import annotations

import functools
import hashlib
import hmac
import os
import re
import secrets
from pathlib import Path

from privacy import REMINDER_KINDS, find_identifiers

PREFIX = "h-"  # stored ids that are hashes start with this
_HASHED = re.compile(r"h-[0-9a-f]{40}")
KEY_FILE = Path(os.environ.get("SENDER_ID_KEY_FILE", "var/sender_id.key"))

_PERSONAL = re.compile(
    r"[^@\s]+@[^@\s]+\.[^@\s]+"  # an email address
    r"|(?<![A-Za-z0-9])[UW][A-Z0-9]{8,11}(?![A-Za-z0-9])"  # a Slack user id (U024BE7LH)
    r"|^(?:\d+|a|teams|8):"  # a Teams or Bot Framework user or conversation id (29:1…, a:1…)
    r"|(?:\+?\d[\s-]?){10,}"  # a phone number
)


@functools.lru_cache(maxsize=1)
def _key() -> bytes:
    from_env = os.environ.get("SENDER_ID_KEY", "")
    if from_env:
        return from_env.encode()
    if not KEY_FILE.exists():
        KEY_FILE.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(KEY_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_urlsafe(32))
    return KEY_FILE.read_text().strip().encode()


def looks_personal(sender_id: str) -> bool:
    """True for ids that could identify someone: emails, Slack and Teams ids, phones, names."""
    words = re.sub(r"[._-]+", " ", sender_id)
    return bool(_PERSONAL.search(sender_id)) or any(
        found.kind in REMINDER_KINDS for found in find_identifiers(words))


def keyed_hash(value: str) -> str:
    """A stable, keyed, one-way id for `value` (also used for user ids remembered per person)."""
    return PREFIX + hmac.new(_key(), value.encode("utf-8"), hashlib.sha256).hexdigest()[:40]


@functools.lru_cache(maxsize=4096)  # the stores ask on every load and save of a conversation
def stored_id(sender_id: str) -> str:
    """The id a store keeps for `sender_id`: the id itself, or its keyed hash if it looks personal."""
    if _HASHED.fullmatch(sender_id) or not looks_personal(sender_id):
        return sender_id
    return keyed_hash(sender_id)
