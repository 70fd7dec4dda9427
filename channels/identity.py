"""The person behind a Slack or Teams message, as the action server may know them: a keyed hash.

    user_key("slack", "U024BE7LH")  -> {"user_key": "h-3f9c..."}   (production.sender_ids.keyed_hash)

The action server remembers the practitioner's area by it, across threads and chats
(actions/areas.py). The id itself is never sent on or stored, and the tracker store does not keep
`user_key` either (production/redaction.py keeps only the channels' own metadata keys).
"""
from __future__ import annotations

from typing import Dict, Optional

from production.sender_ids import keyed_hash


def user_key(channel: str, user: Optional[str]) -> Dict[str, str]:
    """{"user_key": keyed hash of "<channel>:<id>"}; {} without an id."""
    return {"user_key": keyed_hash(f"{channel}:{user}")} if user else {}
