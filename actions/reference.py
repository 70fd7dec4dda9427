"""Definitions, glossary terms, links, contacts, the audit itself, and where an answer came from."""
from __future__ import annotations

import datetime as dt
import re
from typing import Dict, List, Optional, Tuple

from rasa_sdk.events import SlotSet

from actions import slots as slot
from actions import areas, coverage, formatting
from actions import kinds
from actions.base import KnowledgeAction
from actions.conversation import Turn
from actions.coverage import decline
from actions.knowledge import searcher
from actions.replies import Reply, entry_button, payload, related_buttons
from kb import KnowledgeBase
from kb import records as r
from kb.parts import Answer, as_answer, bullet, paragraph, source, title
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
        return Reply([formatting.definition(kb, e) for e in entries], others, "definitions", kinds.DEFINITION,
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
    return Reply([formatting.definition_part(kb, definition, part)], buttons, "definitions", kinds.DEFINITION, ids)


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
        return Reply(texts, related_buttons(kb, term.topics), topic, kinds.TERM, entries, term.id)


class ActionLinks(KnowledgeAction):
    action_name = "action_links"

    def answer(self, kb: KnowledgeBase, turn: Turn) -> Reply:
        wanted = [kb.links[l] for t in turn.mentioned_terms(kb) for l in t.links]
        rest = [l for l in kb.links.values() if l not in wanted]
        chosen = wanted + rest
        return Reply([formatting.links(kb, chosen)], related_buttons(kb, kb.choices.related_to_links),
                     "links", kinds.LINKS, [l.id for l in chosen])


class ActionAudit(KnowledgeAction):
    action_name = "action_about_audit"

    def answer(self, kb: KnowledgeBase, turn: Turn) -> Reply:
        named = [a for a in kb.agencies.values() if a.term in {t.id for t in turn.mentioned_terms(kb)}]
        if named:
            text = formatting.agencies(kb, named)
            return Reply([text], related_buttons(kb, kb.choices.related_to_an_agency), "audit", kinds.AUDIT,
                         [a.id for a in named])
        if any(word in turn.text.lower() for word in AGENCY_WORDS):
            agencies = list(kb.agencies.values())
            return Reply([formatting.agencies(kb, agencies)], related_buttons(kb, kb.choices.related_to_agencies),
                         "audit", kinds.AUDIT, [a.id for a in agencies])
        hits = [h for h in searcher().search(turn.text, limit=6, min_score=0.15) if h.passage.kind == "audit_fact"]
        facts = [kb.audit_facts[h.passage.id] for h in hits[:3]] or list(kb.audit_facts.values())
        return Reply([formatting.audit_facts(kb, facts)], related_buttons(kb, kb.choices.related_to_audit),
                     "audit", kinds.AUDIT, [f.id for f in facts])


class ActionContacts(KnowledgeAction):
    """Contact questions and the area chosen for them (intent choose_area, or "not sure" typed after the
    question). The contacts are those of the practitioner's area for the service asked (with no service
    named: the front door, out of hours and the LADO); with no area known, it asks for one."""

    action_name = "action_contacts"
    checks_coverage = False  # a contact question naming an uncovered subject (the LADO) is checked below

    def answer(self, kb: KnowledgeBase, turn: Turn) -> Reply:
        pending = turn.slots.get(slot.CONTACT_REQUEST) if isinstance(turn.slots.get(slot.CONTACT_REQUEST), dict) else None
        services = areas.services_in(turn.text) if turn.typed else []
        if not services and pending and turn.intent in ("choose_area", "not_sure"):
            services = [s for s in pending.get("services") or [] if s in r.SERVICES]
        named, not_sure = self.named_areas(kb, turn, pending)
        if services and not areas.needs_area(services):  # NSPCC, Childline, domestic abuse, 999: no area needed
            return self.checked(kb, turn, contacts_reply(kb, None, services), services)
        if not_sure:
            return not_sure_reply(kb, services)
        if named:
            remember = named[0] if len(named) == 1 else None
            areas.remember(turn.user_key, remember)
            replies = [contacts_reply(kb, a, services or list(areas.DEFAULT_SERVICES), remember) for a in named[:3]]
            return self.checked(kb, turn, _joined(replies), services)
        known = areas.known_area(turn.slots, turn.user_key)
        if known:
            reply = contacts_reply(kb, known, services or list(areas.DEFAULT_SERVICES), known)
            remembered = kb.messages["area_remembered"].format(area=areas.area_title(kb, known))
            reply.texts[0] = Answer.plain(remembered) + as_answer(reply.texts[0])  # one message: Slack posts each text apart
            return self.checked(kb, turn, reply, services)
        return Reply([kb.messages["area_question"]], area_buttons(kb),
                     events=[SlotSet(slot.CONTACT_REQUEST, {"services": services})])

    @staticmethod
    def named_areas(kb: KnowledgeBase, turn: Turn, pending) -> Tuple[List[str], bool]:
        """The areas the message names (a button sends the area's key), and whether it says "not sure"."""
        values = turn.values("area")
        not_sure = areas.NOT_SURE in values or (turn.intent == "not_sure" and pending is not None)
        named = [v for v in values if v in r.LOCAL_AREAS]
        for value in values:
            named += kb.areas_in(value) if value not in r.LOCAL_AREAS + (areas.NOT_SURE,) else []
        named += kb.areas_in(turn.text) if turn.typed else []
        return list(dict.fromkeys(named)), not_sure and not named

    @staticmethod
    def checked(kb: KnowledgeBase, turn: Turn, reply: Reply, services: List[str]) -> Reply:
        """A subject the audit does not cover (the LADO, allegations) still gets the contacts held for it,
        with a pointer to the procedures for the process; a question naming no service a contact is held
        for is checked as any other answer."""
        if not turn.typed:
            return reply
        gaps = kb.gaps_in(turn.text)
        if gaps and services:
            gap = gaps[0]
            link = kb.links.get(gap.link) if gap.link else None
            link = link if link and link.url else kb.procedures_link
            pointer = kb.messages["procedure_pointer"].format(subject=gap.subject, title=link.title, url=link.url)
            return coverage.with_last_line(reply, pointer)
        return coverage.checked(kb, turn, reply)


def _joined(replies: List[Reply]) -> Reply:
    first = replies[0]
    return Reply([t for reply in replies for t in reply.texts], first.buttons, first.topic, first.kind,
                 [e for reply in replies for e in reply.entries], events=[e for reply in replies for e in reply.events])


def area_buttons(kb: KnowledgeBase, exclude: Tuple[str, ...] = (), not_sure: bool = True) -> List[Dict[str, str]]:
    buttons = [{"title": areas.area_title(kb, a), "payload": payload("choose_area", area=a)}
               for a in r.LOCAL_AREAS if a not in exclude and kb.area(a)]
    if not_sure:
        buttons.append({"title": kb.messages["area_button_not_sure"], "payload": payload("choose_area", area=areas.NOT_SURE)})
    return buttons


def contacts_reply(kb: KnowledgeBase, area: Optional[str], services: List[str], remember: Optional[str] = None,
                   today: Optional[dt.date] = None) -> Reply:
    """One message per area: its contacts for the services asked, each with its source and check date."""
    found: List[r.Contact] = []
    for service in services:
        chosen = kb.contact_for(area, service)
        if chosen and chosen not in found:
            found.append(chosen)
    heading = (kb.messages["area_contacts"].format(area=areas.area_title(kb, area)) if area in r.LOCAL_AREAS
               else kb.messages["contacts_title"])
    text = Answer.plain(heading)
    for chosen in found:
        text += formatting.contact(kb, chosen, today or areas.today())
    events = [SlotSet(slot.CONTACT_REQUEST, None)] + ([SlotSet(slot.AREA, remember)] if remember else [])
    buttons = area_buttons(kb, exclude=(area,), not_sure=False) if area in r.LOCAL_AREAS else []
    buttons = related_buttons(kb, kb.choices.related_to_contacts, buttons)
    return Reply([text], buttons, None, kinds.CONTACTS, [c.id for c in found], events=events)


def not_sure_reply(kb: KnowledgeBase, services: List[str]) -> Reply:
    """Which council covers which area (quoted, with its source), then each area's contacts."""
    local = [a for a in (kb.area(key) for key in r.LOCAL_AREAS) if a]
    parts = [paragraph(kb.messages["area_not_sure"])]
    for record in local:
        council = f"{record.council}. " if record.council else ""
        districts = f" District and borough councils: {', '.join(record.districts)}." if record.districts else ""
        parts.append(bullet(f"{record.name}: {council}{record.covers}{districts}"))
    whole = kb.area("llr")
    if whole and whole.note:
        parts.append(paragraph(whole.note))
    shown = local + ([whole] if whole and whole.note else [])
    checked = min(a.last_checked for a in shown)
    parts.append(source(f"Source: {'; '.join(dict.fromkeys(kb.source_label(a.source) for a in shown))}. "
                        f"Checked {formatting.day(checked)} (ref: {', '.join(a.id for a in shown)})", [a.id for a in shown]))
    wanted = [s for s in services if s in areas.AREA_SERVICES] or ["front_door"]
    replies = [contacts_reply(kb, a.area, wanted) for a in local]
    texts = [Answer(tuple(parts))] + [t for reply in replies for t in reply.texts]
    entries = [a.id for a in shown] + [e for reply in replies for e in reply.entries]
    return Reply(texts, area_buttons(kb, not_sure=False), None, kinds.CONTACTS, entries,
                 events=[SlotSet(slot.CONTACT_REQUEST, None)])


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


def _sources_text(kb: KnowledgeBase, entries: List) -> Answer:
    """Group the last answer's entries by document and section, then add outside sources."""
    sections: Dict[Tuple[str, str], List[str]] = {}
    extras: List[str] = []
    for entry in entries:
        refs = [getattr(entry, "source", None)] + [getattr(s, "source", None) for s in getattr(entry, "steps", ())]
        for ref in filter(None, refs):
            sections.setdefault((ref.document, ref.section), []).append(entry.id)
        if getattr(entry, "public_source", None):
            extras.append(f"{entry.id}: also {entry.public_source.note}")
        if getattr(entry, "quoted_from", ""):
            extras.append(f"{entry.id}: quoted from {kb.sources[entry.quoted_from].title}")
    parts = [title("Where that comes from")]
    for document_id in dict.fromkeys(d for d, _ in sections):
        document = kb.sources[document_id]
        parts.append(paragraph(document.title + (f" ({document.url})" if document.url else "")))
        for (doc, section), ids in sections.items():
            if doc == document_id:
                ids = list(dict.fromkeys(ids))
                parts.append(source(f"In section '{section}': {', '.join(ids)}", ids))
    return Answer(tuple(parts + [bullet(extra) for extra in dict.fromkeys(extras)]))
