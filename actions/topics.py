"""Answers about a practice theme: its checklist, or what the audit found about it."""
from __future__ import annotations

from typing import List, Optional

from actions import formatting
from actions import kinds
from actions.base import KnowledgeAction
from actions.conversation import Turn
from actions.coverage import decline
from actions.knowledge import searcher
from actions.replies import Reply, findings_button, related_buttons
from kb import KnowledgeBase
from kb import records as r


def topic_for_question(kb: KnowledgeBase, turn: Turn) -> Optional[r.Topic]:
    """The theme a topic question is about: the intent's, unless context says otherwise."""
    topic = kb.topic_for_intent(turn.intent)
    # "when should I refer to them?" after "who are UAVA?": the referral is to that agency
    if topic and topic.id == "referrals" and turn.has_pronoun and turn.last_term in kb.terms:
        if not turn.mentioned_topics(kb) and not turn.mentioned_terms(kb):
            term_topics = [kb.topics[t] for t in kb.terms[turn.last_term].topics if kb.topics[t].checklists]
            if term_topics:
                return term_topics[0]
    return named_theme(kb, turn, topic) or topic


def named_theme(kb: KnowledgeBase, turn: Turn, guessed: Optional[r.Topic]) -> Optional[r.Topic]:
    """The question's own words beat NLU's guess: a question that names exactly one theme with a
    checklist (by its keywords or a term of it), and not the guessed theme, is about the named one."""
    if not turn.typed:
        return None
    named = {t.id for t in turn.mentioned_topics(kb) if t.checklists}
    if guessed is None or guessed.id in named or len(named) != 1:
        return None
    return kb.topics[named.pop()]


SEARCH_MIN_SCORE = 0.25  # a weaker match says too little about which theme is meant


def topic_by_search(kb: KnowledgeBase, text: str) -> Optional[r.Topic]:
    """The theme of the best-matching finding or checklist, for questions naming no theme keyword."""
    for hit in searcher().search(text, limit=3, min_score=SEARCH_MIN_SCORE):
        entry = kb.entry(hit.passage.id)
        topic_id = getattr(entry, "topic", None) or (getattr(entry, "topics", None) or [None])[0]
        if hit.passage.kind in ("finding", "checklist") and topic_id in kb.topics:
            return kb.topics[topic_id]
    return None


def findings_reply(kb: KnowledgeBase, topic: r.Topic) -> Reply:
    entries = kb.findings_for(topic.id)
    text = formatting.findings(kb, f"{topic.title}: what the audit found", entries)
    first = [{"title": "Checklist", "payload": f"/{topic.intent}"}] if topic.intent and topic.checklists else []
    return Reply([text], related_buttons(kb, topic.related, first), topic.id, kinds.FINDINGS,
                 [f.id for f in entries])


def overview_reply(kb: KnowledgeBase) -> Reply:
    conclusions = kb.findings_for_kind("conclusion")
    text = formatting.findings(kb, "The audit's overall conclusions", conclusions)
    topics = [t.id for t in kb.topics.values() if t.checklists][:4]
    return Reply([text], related_buttons(kb, topics), None, kinds.FINDINGS, [f.id for f in conclusions])


class ActionAnswerTopic(KnowledgeAction):
    """ask_referral, ask_gp, ask_plans, ...: the theme's checklist with the reason for each item."""

    action_name = "action_answer_topic"

    def answer(self, kb: KnowledgeBase, turn: Turn) -> Reply:
        topic = topic_for_question(kb, turn)
        if topic is None:
            return decline(kb, [])
        if turn.asks_for_findings or (turn.is_follow_up and turn.last_kind == kinds.FINDINGS):
            return findings_reply(kb, topic)
        texts: List[str] = [formatting.checklist(kb, c) for c in kb.checklists_for(topic.id)]
        if not texts:
            return findings_reply(kb, topic)
        buttons = related_buttons(kb, topic.related, [findings_button(topic)])
        # "what is a genogram?" asked as a record-keeping question: what it is, then the checklist
        named = [t for t in turn.mentioned_terms(kb) if topic.id in t.topics][:1]
        terms = named if turn.asks_what_is else []
        term_ids = [t.id for t in terms]
        # the term named is what "them" means next ("who are UAVA?", then "when should I refer to them?")
        return Reply([formatting.term(kb, t) for t in terms] + texts, buttons, topic.id, kinds.CHECKLIST,
                     term_ids + list(topic.checklists), named[0].id if named else None)


class ActionAnswerFindings(KnowledgeAction):
    """ask_findings: what the audit found about a theme, or its overall conclusions."""

    action_name = "action_answer_findings"

    def answer(self, kb: KnowledgeBase, turn: Turn) -> Reply:
        topics = turn.mentioned_topics(kb)
        if topics:
            return findings_reply(kb, topics[0])
        if (turn.has_pronoun or turn.is_follow_up) and turn.last_topic in kb.topics:
            return findings_reply(kb, kb.topics[turn.last_topic])
        topic = topic_by_search(kb, turn.text)
        return findings_reply(kb, topic) if topic else overview_reply(kb)
