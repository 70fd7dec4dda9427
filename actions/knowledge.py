"""The knowledge base and its search, loaded once per action-server process."""
from __future__ import annotations

import functools
import re
from typing import FrozenSet

from kb import KnowledgeBase, get_knowledge
from kb.search import KnowledgeSearch

WORD = re.compile(r"[a-z]{2,}")


def knowledge() -> KnowledgeBase:
    return get_knowledge()


@functools.lru_cache(maxsize=None)
def searcher() -> KnowledgeSearch:
    return KnowledgeSearch(knowledge())


@functools.lru_cache(maxsize=None)
def vocabulary() -> FrozenSet[str]:
    """Every word of the intent examples and of the knowledge base, lower case."""
    from actions.risk import NLU_DATA, nlu_examples
    texts = [t for _, t in nlu_examples(NLU_DATA)] + [f"{p.title} {p.text}" for p in knowledge().passages()]
    return frozenset(w for t in texts for w in WORD.findall(t.lower()))


def knows_a_word(text: str) -> bool:
    """False for keyboard mash ("qwertyuiop zxcv"): not one word the assistant has seen."""
    return any(w in vocabulary() for w in WORD.findall(text.lower()))


def warm_up() -> None:
    """Load everything at start-up, not on the first question."""
    from actions.risk import detector
    searcher()
    detector()
    vocabulary()
