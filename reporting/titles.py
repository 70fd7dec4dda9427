"""How the page names a knowledge entry: its title as in knowledge/ (never only its id), and text cut
to a readable length."""
from __future__ import annotations

from typing import Optional

from kb import KnowledgeBase

NO_ENTRY = "(no entry)"                 # a rating given where no answer had entries
TITLE_FIELDS = ("title", "name", "term", "subject")


def cut(text: str, limit: int = 200) -> str:
    """The text on one line, cut at a word before `limit` characters with an ellipsis when longer."""
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    head = text[:limit - 1]
    space = head.rfind(" ")
    return (head[:space] if space > limit // 2 else head).rstrip(" ,.;:") + "\u2026"


def entry_title(kb: KnowledgeBase, entry_id: str, limit: int = 90) -> str:
    """The entry's title (a checklist's, a term's, a contact's name, a finding's opening words)."""
    if entry_id == NO_ENTRY:
        return "No entry (rated with no answer before it)"
    entry = kb.entry(entry_id)
    if entry is None:
        return "An entry no longer in knowledge/"
    title: Optional[str] = next((getattr(entry, f) for f in TITLE_FIELDS if getattr(entry, f, None)), None)
    return cut(title or getattr(entry, "text", "") or entry_id, limit)


def topic_title(kb: KnowledgeBase, topic_id: Optional[str]) -> str:
    topic = kb.topics.get(topic_id) if topic_id else None
    return topic.title if topic else "Another subject"
