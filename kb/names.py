"""The names the knowledge base itself uses (glossary terms, agencies, topics, links): capitalised
words that are not people's names, so the identifier detector (privacy/) never redacts them.

In kb/ rather than actions/, so that the tracker store (production/redaction.py) and the report
(scripts/report.py) need only `kb` and `privacy`, not the actions package, rasa_sdk and the search index.
"""
from __future__ import annotations

import functools
from typing import Tuple

from kb.base import KnowledgeBase


@functools.lru_cache(maxsize=4)
def known_phrases(kb: KnowledgeBase) -> Tuple[str, ...]:
    names = [n for t in kb.terms.values() for n in t.names]
    names += [a.name for a in kb.agencies.values()] + [t.title for t in kb.topics.values()]
    names += [link.title for link in kb.links.values()]
    return tuple(dict.fromkeys(names))
