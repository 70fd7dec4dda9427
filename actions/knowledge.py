"""The knowledge base and its search, loaded once per action-server process."""
from __future__ import annotations

import functools

from kb import KnowledgeBase, get_knowledge
from kb.search import KnowledgeSearch


def knowledge() -> KnowledgeBase:
    return get_knowledge()


@functools.lru_cache(maxsize=None)
def searcher() -> KnowledgeSearch:
    return KnowledgeSearch(knowledge())


def warm_up() -> None:
    """Load everything at start-up, not on the first question."""
    from actions.risk import detector
    searcher()
    detector()
