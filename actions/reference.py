"""Definitions, glossary terms, links, contacts, the audit itself, and where an answer came from."""
from __future__ import annotations

import re
from typing import Dict, List, Tuple

from actions import formatting
from actions.base import KnowledgeAction
from actions.conversation import Turn
from actions.coverage import decline
from actions.knowledge import searcher
from actions.replies import Reply, entry_button, related_buttons
from kb import KnowledgeBase
from kb.text import normalise

WHOLE = re.compile(r"\b(whole|full|complete|entire)\b.*\bdefinition|\bdefinition in full\b", re.I)
GLOSSARY_MIN_SCORE = 0.3  # below this a "what is X?" names nothing the glossary holds
AGENCY_WORDS = ("agenc", "took part", "participat", "organisations", "services involved", "who audited")


class ActionDefine(KnowledgeAction):
    action_name = "action_define"

    def answer(self, kb: KnowledgeBase, turn: Turn) -> Reply:
        requested = turn.requested_entry(kb, ("definition",))
        named = kb.definitions_in(without_terms(kb, turn.text))
        if not requested and turn.typed and not WHOLE.search(turn.text) and len(named) < 2:
            found = kb.definition_part_for(turn.text)  # "can women abuse?": that sentence, not the block
            if found:
                return part_reply(kb, *found)
        # "is online grooming counted as sexual abuse?" names two: both are shown
        entries = [requested] if requested else named[:2]
        if not entries:  # no definition named: a glossary term, if one is named; never a default definition
            if turn.mentioned_terms(kb):
                return ActionGlossary().answer(kb, turn)
            return decline(kb, [], ["definitions"])
        others = [entry_button(d.title.split(" (")[0], "ask_definition", d.id)
                  for d in kb.definitions.values() if d not in entries][:3]
        return Reply([formatting.definition(kb, e) for e in entries], others, "definitions", "definition",
                     [e.id for e in entries])


def without_terms(kb: KnowledgeBase, text: str) -> str:
    """The text without the glossary terms it names, so "signs of safety" is not read as "signs"
    (a term that is also a definition's term stays: "familial sexual abuse")."""
    defined = {normalise(t) for d in kb.definitions.values() for t in d.terms}
    text = normalise(text)
    for phrase, label, _ in kb.mentions(text):
        if label == "term" and phrase not in defined:
            text = text.replace(phrase, " ")
    return text


def part_reply(kb: KnowledgeBase, definition, part) -> Reply:
    """One part of a definition, quoted, with a button for the whole definition."""
    buttons = [entry_button(kb.messages["whole_definition"], "ask_definition", definition.id)]
    if part.see_also:
        see_also = kb.definitions[part.see_also]
        buttons.append(entry_button(see_also.title.split(" (")[0], "ask_definition", see_also.id))
    ids = [definition.id] + ([part.see_also] if part.see_also else [])
    return Reply([formatting.definition_part(kb, definition, part)], buttons, "definitions", "definition", ids)


class ActionGlossary(KnowledgeAction):
    action_name = "action_glossary"

    def answer(self, kb: KnowledgeBase, turn: Turn) -> Reply:
        entry = turn.requested_entry(kb, ("term",))
        terms = [entry] if entry else turn.mentioned_terms(kb)
        if not terms:
            hits = [h for h in searcher().search(turn.text, limit=5, min_score=GLOSSARY_MIN_SCORE)
                    if h.passage.kind == "term"]
            terms = [kb.terms[hits[0].passage.id]] if hits else []
        if not terms:
            definition = kb.definition_for(turn.text)
            if definition:
                return ActionDefine().answer(kb, turn)
            return decline(kb, [], ["definitions", "audit"])
        texts = [formatting.term(kb, t) for t in terms[:2]]
        term = terms[0]
        topic = term.topics[0] if term.topics else None
        entries = [t.id for t in terms[:2]]
        # "how should chronologies be kept?" is a practice question: the theme's checklist as well
        checklists = kb.checklists_for(topic) if topic and turn.asks_what_to_do and not turn.asks_what_is else []
        texts += [formatting.checklist(kb, c) for c in checklists[:1]]
        entries += [c.id for c in checklists[:1]]
        return Reply(texts, related_buttons(kb, term.topics), topic, "term", entries, term.id)


class ActionLinks(KnowledgeAction):
    action_name = "action_links"

    def answer(self, kb: KnowledgeBase, turn: Turn) -> Reply:
        wanted = [kb.links[l] for t in turn.mentioned_terms(kb) for l in t.links]
        rest = [l for l in kb.links.values() if l not in wanted]
        chosen = wanted + rest
        return Reply([formatting.links(kb, chosen)], related_buttons(kb, ["voice_of_child", "definitions"]),
                     "links", "links", [l.id for l in chosen])


class ActionAudit(KnowledgeAction):
    action_name = "action_about_audit"

    def answer(self, kb: KnowledgeBase, turn: Turn) -> Reply:
        named = [a for a in kb.agencies.values() if a.term in {t.id for t in turn.mentioned_terms(kb)}]
        if named:
            text = formatting.agencies(kb, named)
            return Reply([text], related_buttons(kb, ["audit", "outcomes"]), "audit", "audit", [a.id for a in named])
        if any(word in turn.text.lower() for word in AGENCY_WORDS):
            agencies = list(kb.agencies.values())
            return Reply([formatting.agencies(kb, agencies)], related_buttons(kb, ["outcomes", "links"]),
                         "audit", "audit", [a.id for a in agencies])
        hits = [h for h in searcher().search(turn.text, limit=6, min_score=0.15) if h.passage.kind == "audit_fact"]
        facts = [kb.audit_facts[h.passage.id] for h in hits[:3]] or list(kb.audit_facts.values())
        return Reply([formatting.audit_facts(kb, facts)], related_buttons(kb, ["outcomes", "definitions", "links"]),
                     "audit", "audit", [f.id for f in facts])


class ActionContacts(KnowledgeAction):
    action_name = "action_contacts"

    def answer(self, kb: KnowledgeBase, turn: Turn) -> Reply:
        contacts = list(kb.contacts.values())
        lines = ["*Contacts* (from the local settings; check before you rely on them)"]
        lines += [formatting.contact(kb, c) for c in contacts]
        lines.append(formatting.source_line(kb, [c.source for c in contacts], [c.id for c in contacts]))
        return Reply(["\n".join(lines)], related_buttons(kb, ["referrals", "uava"]), None, "contacts",
                     list(kb.contacts))


class ActionSource(KnowledgeAction):
    """ask_source: where the last answer came from, with each document's title and address."""

    action_name = "action_show_source"
    checks_coverage = False

    def answer(self, kb: KnowledgeBase, turn: Turn) -> Reply:
        entries = [kb.entry(i) for i in turn.last_entries if kb.entry(i) is not None]
        if not entries:
            briefing = kb.sources["fsa_briefing"]
            return Reply([f"My answers come from the {briefing.title}, and from the public sources named "
                          "in each answer. Ask a question and I'll show where its answer comes from."])
        return Reply([_sources_text(kb, entries)], [], turn.last_topic, turn.last_kind, [e.id for e in entries])


def _sources_text(kb: KnowledgeBase, entries: List) -> str:
    """Group the last answer's entries by document and section, then add outside sources."""
    sections: Dict[Tuple[str, str], List[str]] = {}
    extras: List[str] = []
    for entry in entries:
        refs = [getattr(entry, "source", None)] + [getattr(s, "source", None) for s in getattr(entry, "steps", ())]
        for ref in filter(None, refs):
            sections.setdefault((ref.document, ref.section), []).append(entry.id)
        if getattr(entry, "public_source", None):
            extras.append(f"- {entry.id}: also {entry.public_source.note}")
        if getattr(entry, "quoted_from", ""):
            extras.append(f"- {entry.id}: quoted from {kb.sources[entry.quoted_from].title}")
    lines = ["*Where that comes from*"]
    for document_id in dict.fromkeys(d for d, _ in sections):
        document = kb.sources[document_id]
        lines.append(document.title + (f" ({document.url})" if document.url else ""))
        for (doc, section), ids in sections.items():
            if doc == document_id:
                lines.append(f"- section '{section}': {', '.join(dict.fromkeys(ids))}")
    return "\n".join(lines + list(dict.fromkeys(extras)))
