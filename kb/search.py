"""Ranked search over every passage in the knowledge base, for questions that match no topic.

Words are reduced to a rough lemma (lower case, singular); TF-IDF over those words is combined
with TF-IDF over character n-grams, which tolerates typos ("refferal"). A regular expression
tokenises: importing spaCy would pull TensorFlow into the action server (about 400 MB).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import List

import re

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from kb.base import KnowledgeBase, Passage
from kb.text import singular

WORD = re.compile(r"[a-z0-9]+")
STOP_WORDS = frozenset("""a an the and or of to in on for with by at from is are was were be been it its
this that these those what which who whom how when where why do does did i me my we our you your can
could should would will shall must may might about any all some there their they them he she his her
as if not no so than then into out up over under please tell know need want get""".split())


# Answers a practitioner can act on rank a little above single findings and audit statistics.
KIND_WEIGHT = {"checklist": 1.15, "definition": 1.1, "term": 1.1, "link": 1.0, "finding": 1.0,
               "audit_fact": 1.0, "agency": 0.7}
TERM_BONUS = 0.12


@dataclass(frozen=True)
class Hit:
    passage: Passage
    score: float


class KnowledgeSearch:
    def __init__(self, kb: KnowledgeBase):
        self.kb = kb
        self.passages = kb.passages()
        documents = [f"{p.title}. {p.title}. {p.text}" for p in self.passages]
        self._words = TfidfVectorizer(analyzer=self._lemmas, sublinear_tf=True)
        self._chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True,
                                      lowercase=True)
        self._word_matrix = self._words.fit_transform(documents)
        self._char_matrix = self._chars.fit_transform(documents)
        self._weights = np.array([KIND_WEIGHT.get(p.kind, 1.0) for p in self.passages])
        self._index = {p.id: i for i, p in enumerate(self.passages)}

    def _lemmas(self, text: str) -> List[str]:
        tokens = WORD.findall(text.lower().replace("'s", ""))
        return [singular(t) for t in tokens if t not in STOP_WORDS]

    def search(self, query: str, limit: int = 3, min_score: float = 0.12) -> List[Hit]:
        if not query or not query.strip():
            return []
        words = (self._word_matrix @ self._words.transform([query]).T).toarray().ravel()
        chars = (self._char_matrix @ self._chars.transform([query]).T).toarray().ravel()
        scores = (0.6 * words + 0.4 * chars) * self._weights
        for _, _, entry_id in self.kb.mentions(query):  # a glossary term named outright
            if entry_id in self._index:
                scores[self._index[entry_id]] += TERM_BONUS
        order = np.argsort(-scores, kind="stable")[:limit]
        return [Hit(self.passages[i], float(scores[i])) for i in order if scores[i] >= min_score]
