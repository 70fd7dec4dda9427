"""Search over the whole knowledge base returns ranked passages with ids and sources."""
from __future__ import annotations

import pytest

from kb.search import KnowledgeSearch


@pytest.fixture(scope="module")
def search(kb):
    return KnowledgeSearch(kb)


@pytest.mark.parametrize("question,expected", [
    ("what should a referral include", "checklist.referral"),
    ("who are UAVA", "term.uava"),
    ("send plans to the GP", "checklist.gp_involvement"),
    ("whats a chronology", "term.chronology"),
    ("absent dad in the assessment", "finding.assessments.parents"),
    ("how many cases were audited", "audit.cases"),
    ("can you hear me videos", "term.can_you_hear_me"),
    ("professionals meeting for support", "conclusion.5"),
])
def test_plain_questions_find_the_right_entry_first(search, question, expected):
    hits = search.search(question)
    assert hits and hits[0].passage.id == expected, [(h.passage.id, round(h.score, 2)) for h in hits]


def test_typos_still_match(search):
    ids = [h.passage.id for h in search.search("refferal unborn baby")]
    assert {"finding.referrals.child_omitted", "checklist.referral"} & set(ids)


def test_results_are_ranked_and_carry_their_source(search, kb):
    hits = search.search("genograms and chronologies quality", limit=5)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    for hit in hits:
        assert hit.passage.source.document in kb.sources
        assert kb.entry(hit.passage.id) is not None


@pytest.mark.parametrize("question", ["", "   ", "weather tomorrow", "zzzz qqqq"])
def test_unrelated_or_empty_questions_find_nothing(search, question):
    assert search.search(question) == []


def test_every_entry_kind_is_searchable(search, kb):
    kinds = {p.kind for p in search.passages}
    assert {"finding", "checklist", "definition", "term", "link", "audit_fact", "agency"} <= kinds
    assert len(search.passages) == sum(len(kb.by_kind[k]) for k in kinds)
