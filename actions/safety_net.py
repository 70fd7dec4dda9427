"""Checks run on every typed message before it is answered: danger now, and identifiable details."""
from __future__ import annotations

import functools
import re
from typing import List, Optional, Tuple

from actions.formatting import urgent_guidance
from kb import KnowledgeBase
from kb.text import normalise
from privacy import find_identifiers, REMINDER_KINDS, describe


@functools.lru_cache(maxsize=4)
def _urgent_pattern(phrases: Tuple[str, ...]) -> Optional[re.Pattern]:
    if not phrases:
        return None
    words = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in sorted(phrases, key=len, reverse=True))
    return re.compile(rf"(?<![a-z])({words})(?![a-z])")


def is_urgent(kb: KnowledgeBase, text: str) -> bool:
    """True when the message contains one of the urgent phrases in knowledge/safety.yml."""
    pattern = _urgent_pattern(kb.urgent_phrases)
    return bool(pattern and pattern.search(normalise(text).replace("\u2019", "'")))


@functools.lru_cache(maxsize=4)
def known_phrases(kb: KnowledgeBase) -> Tuple[str, ...]:
    """Capitalised words the knowledge base uses that are not people's names."""
    names = [n for t in kb.terms.values() for n in t.names]
    names += [a.name for a in kb.agencies.values()] + [t.title for t in kb.topics.values()]
    names += [l.title for l in kb.links.values()]
    return tuple(dict.fromkeys(names))


def privacy_reminder(kb: KnowledgeBase, text: str) -> Optional[str]:
    """The reminder to show, naming what was found, or None."""
    kinds = [i.kind for i in find_identifiers(text, known_phrases(kb)) if i.kind in REMINDER_KINDS]
    if not kinds:
        return None
    return kb.messages["privacy_reminder"].format(kinds=describe(dict.fromkeys(kinds)))


def safety_messages(kb: KnowledgeBase, text: str, urgent: bool = True) -> List[str]:
    """What comes before any answer to a typed message: the emergency guidance when a child may be
    in danger now (unless the answer is that guidance), then the privacy reminder."""
    texts = [urgent_guidance(kb, brief=True)] if urgent and is_urgent(kb, text) else []
    reminder = privacy_reminder(kb, text)
    return texts + ([reminder] if reminder else [])
