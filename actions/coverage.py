"""Does the knowledge base cover what a question asks? Checked before any answer is given.

A confident intent is not enough: "what is FGM?" looks like a definition question, and the audit
has no definition of FGM. So an answer goes out only when
  - the question asks about no subject that knowledge/coverage.yml lists as not covered, or it also
    asks about something the knowledge base covers (then that part is answered and the rest is
    named as not covered);
  - and the answer is supported by the question's own words: it names the answer's topic or term,
    or the knowledge search finds the same entries.
Otherwise the assistant says plainly what it doesn't cover, gives the LLR procedures (the chapter
where knowledge/links.yml has one) and the closest topics as buttons. A process question ("what
happens after a referral?") gets what the audit says and the procedures chapter for the process.
"""
from __future__ import annotations

import dataclasses
from typing import List

from actions import formatting
from actions import kinds
from actions.conversation import Turn
from actions.knowledge import searcher
from actions.replies import Reply, related_buttons
from kb import KnowledgeBase
from kb import records as r
from kb.parts import Answer, as_answer
from kb.text import without_asks

SUPPORT_SCORE = 0.12     # a search hit this good on one of the answer's entries supports it
SUPPORT_HITS = 5
SURE_INTENT = 0.8        # NLU this sure of a question intent, and no uncovered subject named: answer


def way_forward(kb: KnowledgeBase) -> str:
    return kb.messages["way_forward"].format(url=kb.procedures_link.url)


def _link(kb: KnowledgeBase, link_id: str) -> r.Link:
    link = kb.links.get(link_id) if link_id else None
    return link if link and link.url else kb.procedures_link


def _subjects(gaps: List[r.Gap]) -> str:
    names = [g.subject for g in gaps[:2]]
    return " or ".join(names)


def decline(kb: KnowledgeBase, gaps: List[r.Gap], topics: List[str] = ()) -> Reply:
    """'The audit's knowledge base doesn't cover X', the procedures, the closest topics."""
    if gaps:
        answer = Answer.plain(kb.messages["not_covered_subject"].format(subject=_subjects(gaps)))
        link = _link(kb, gaps[0].link)
        if link.id != kb.procedures_link.id:
            answer = answer.with_lines(f"{link.title}: {link.url}")
        answer = answer.with_lines(way_forward(kb)).with_parts(
            formatting.source_part(kb, [g.source for g in gaps[:2]], [g.id for g in gaps[:2]]))
        closest = list(topics) + [t for g in gaps for t in g.topics]
    else:
        answer = Answer.plain(f"{kb.messages['not_covered']} {kb.procedures_link.url}").with_lines(way_forward(kb))
        closest = list(topics)
    buttons = related_buttons(kb, list(dict.fromkeys(closest + list(kb.home_topics))))
    return Reply([answer], buttons, None, kinds.NOT_COVERED, [])


def partly(kb: KnowledgeBase, gaps: List[r.Gap], answer: Reply) -> Reply:
    """Answer the covered part, and say first what is not covered."""
    note = kb.messages["partly_covered"].format(subject=_subjects(gaps))
    link = _link(kb, gaps[0].link)
    lines = ([f"{link.title}: {link.url}"] if link.id != kb.procedures_link.id else []) + [way_forward(kb)]
    texts = [note] + list(answer.texts)
    texts[-1] = as_answer(texts[-1]).with_lines(*lines)
    return dataclasses.replace(answer, texts=texts)


def with_procedure(kb: KnowledgeBase, procedure: r.Procedure, answer: Reply) -> Reply:
    link = _link(kb, procedure.link)
    pointer = kb.messages["procedure_pointer"].format(subject=procedure.subject, title=link.title, url=link.url)
    return with_last_line(answer, pointer)


def with_last_line(answer: Reply, line: str) -> Reply:
    """The same reply with one more line under its last text."""
    texts = list(answer.texts)
    texts[-1] = as_answer(texts[-1]).with_lines(line)
    return dataclasses.replace(answer, texts=texts)


def entry_topics(kb: KnowledgeBase, entry_ids) -> List[str]:
    """The topics of some knowledge entries, in order, once each."""
    topics: List[str] = []
    for entry_id in entry_ids:
        entry = kb.entry(entry_id)
        topics += [getattr(entry, "topic", None)] + list(getattr(entry, "topics", ()) or ())
    return [t for t in dict.fromkeys(topics) if t in kb.topics]


def _answer_topics(kb: KnowledgeBase, reply: Reply) -> List[str]:
    return list(dict.fromkeys(([reply.topic] if reply.topic else []) + entry_topics(kb, reply.entries)))


def covered_part(kb: KnowledgeBase, turn: Turn, reply: Reply, gaps: List[r.Gap] = ()) -> bool:
    """Does the question itself name what the answer is about: its theme's keyword, or its term or
    definition? The words of an uncovered subject do not count ("emotional abuse" is not "abuse"),
    nor do the names of agencies ("the Prevent duty in schools" is not about schools)."""
    text = without_asks([a for g in gaps for a in g.asks], turn.text)
    agencies = {a.term for a in kb.agencies.values()}
    mentions = kb.mentions(text)
    named = {i for _, label, i in mentions if label == "term" and i not in agencies}
    named |= {d.id for d in kb.definitions_in(text)}
    if set(reply.entries) & named:
        return True
    named_topics = {i for _, label, i in mentions if label == "topic"}
    return bool(set(_answer_topics(kb, reply)) & named_topics - {"audit", "links", "definitions"})


def supported(kb: KnowledgeBase, turn: Turn, reply: Reply) -> bool:
    """The question's own words point at the answer: by name, or by a search that finds it."""
    if not reply.entries or reply.kind not in (kinds.CHECKLIST, kinds.DEFINITION, kinds.TERM):
        return True  # findings, links, the audit and contacts are lists, not a claim about the subject
    if covered_part(kb, turn, reply) or dict(turn.ranking).get(turn.intent, 1.0) >= SURE_INTENT:
        return True
    topics = set(_answer_topics(kb, reply))
    for hit in searcher().search(turn.text, limit=SUPPORT_HITS, min_score=SUPPORT_SCORE):
        entry = kb.entry(hit.passage.id)
        hit_topics = {getattr(entry, "topic", None)} | set(getattr(entry, "topics", ()) or ())
        if hit.passage.id in reply.entries or topics & hit_topics:
            return True
    return False


def checked(kb: KnowledgeBase, turn: Turn, reply: Reply) -> Reply:
    """The reply to send for a typed question, after checking that the knowledge base covers it."""
    if not turn.typed or reply.kind not in kinds.CHECKED:
        return reply
    gaps = kb.gaps_in(turn.text)
    procedure = kb.procedure_for(turn.text)
    answered = reply.kind in kinds.ANSWERS and bool(reply.entries)
    if gaps:
        if answered and covered_part(kb, turn, reply, gaps):
            return partly(kb, gaps, reply)
        return decline(kb, gaps, _answer_topics(kb, reply))
    if procedure:
        return with_procedure(kb, procedure, reply if answered else procedure_answer(kb, procedure))
    if answered and not supported(kb, turn, reply):
        return decline(kb, [], _answer_topics(kb, reply))
    if reply.kind in (kinds.SEARCH, kinds.NOT_COVERED) and way_forward(kb) not in as_answer(reply.texts[-1]).text:
        return with_last_line(reply, way_forward(kb))
    return reply


def procedure_answer(kb: KnowledgeBase, procedure: r.Procedure) -> Reply:
    """What the audit says on a process, from the procedure's own `answer` entries."""
    texts = []
    for entry_id in procedure.answer[:2]:
        entry, kind = kb.entry(entry_id), kb.kind_of(entry_id)
        if kind == "checklist":
            texts.append(formatting.checklist(kb, entry))
        elif kind == "term":
            texts.append(formatting.term(kb, entry))
        elif kind == "definition":
            texts.append(formatting.definition(kb, entry))
        elif kind == "finding":
            texts.append(formatting.findings(kb, "What the audit found", [entry]))
    topics = _answer_topics(kb, Reply([], entries=list(procedure.answer)))
    return Reply(texts, related_buttons(kb, topics), topics[0] if topics else None, kinds.CHECKLIST,
                 list(procedure.answer[:2]))

