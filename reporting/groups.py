"""Unanswered and declined questions grouped by their closest topic, with the most typical ones.

The closest topic of a question is, in order: the closest topic of a subject the knowledge base says
it does not cover (knowledge/coverage.yml), a topic keyword or glossary term the question names, the
topic of the best passage a search of the knowledge base finds; else none ("No close topic").
The most typical questions of a group are the most often asked, then the nearest to the group's
centre (TF-IDF over character n-grams), so that a one-off oddity is not shown first.
"""
from __future__ import annotations

from typing import Dict, List, Optional

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from kb import KnowledgeBase
from kb.search import KnowledgeSearch
from reporting.analysis import Group, Question

EXAMPLES = 3
MIN_SEARCH_SCORE = 0.2
NO_TOPIC = "No close topic"


def topic_of_entry(kb: KnowledgeBase, entry_id: str) -> Optional[str]:
    entry = kb.entry(entry_id)
    topics = [getattr(entry, "topic", None)] + list(getattr(entry, "topics", ()) or ())
    if entry_id in kb.topics:
        topics.insert(0, entry_id)
    return next((t for t in topics if t in kb.topics), None)


def closest_topic(kb: KnowledgeBase, search: KnowledgeSearch, text: str) -> Optional[str]:
    for gap in kb.gaps_in(text):
        found = next((t for t in gap.topics if t in kb.topics), None)
        if found:
            return found
    for _, _, entry_id in kb.mentions(text):
        found = topic_of_entry(kb, entry_id)
        if found:
            return found
    for hit in search.search(text, limit=1, min_score=MIN_SEARCH_SCORE):
        return topic_of_entry(kb, hit.passage.id)
    return None


def typical(questions: List[Question], limit: int = EXAMPLES) -> List[str]:
    """The texts of the most typical questions: most asked first, then nearest the group's centre."""
    if len(questions) <= 1:
        return [q.text for q in questions]
    matrix = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5)).fit_transform([q.text for q in questions])
    centre = np.asarray(matrix.mean(axis=0)).ravel()
    nearness = matrix @ centre
    order = sorted(range(len(questions)), key=lambda i: (-questions[i].count, -round(float(nearness[i]), 9), i))
    return [questions[i].text for i in order[:limit]]


def group_questions(kb: KnowledgeBase, questions: List[Question],
                    search: Optional[KnowledgeSearch] = None) -> List[Group]:
    """Groups by closest topic, the largest first (then by title); "No close topic" last."""
    search = search or KnowledgeSearch(kb)
    members: Dict[Optional[str], List[Question]] = {}
    for question in questions:
        question.topic = closest_topic(kb, search, question.text)
        members.setdefault(question.topic, []).append(question)
    groups = [Group(topic, kb.topics[topic].title if topic else NO_TOPIC, sum(q.count for q in found), typical(found))
              for topic, found in members.items()]
    return sorted(groups, key=lambda g: (g.topic is None, -g.count, g.title))
