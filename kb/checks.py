"""Checks across files: duplicate ids, dangling references, sources, phrases, local settings."""
from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional

from kb import records as r
from kb.base import KnowledgeBase
from kb.contacts import phone_problem
from kb.problems import Problem
from kb.schema import NESTED
from kb.text import matches_plain_words, normalise, plain_words


def check_knowledge(kb: KnowledgeBase, contents: Dict[str, Dict[str, Any]], directory: Path) -> List[Problem]:
    problems: List[Problem] = []
    for entry_id, first, second in kb.duplicates:
        problems.append(Problem(second, f"the id is already used in knowledge/{first}. "
                                        "Every id must be unique; rename one of them.", entry_id))
    for entry_id in kb.all_ids():
        record = kb.entry(entry_id)
        problems.extend(_check_record(kb, record, kb.files[entry_id], entry_id))
    problems.extend(_check_review_dates(kb))
    problems.extend(_check_phrases(kb))
    problems.extend(_check_intents(kb))
    problems.extend(_check_terms(kb))
    problems.extend(_check_contacts(kb))
    problems.extend(_check_links(kb))
    problems.extend(_check_choices(kb))
    problems.extend(_check_definitions(kb))
    problems.extend(_check_coverage(kb))
    problems.extend(_check_learning_paths(kb))
    return problems


def _check_record(kb: KnowledgeBase, record: Any, file: str, entry_id: str) -> Iterable[Problem]:
    for f in dataclasses.fields(record):
        value = getattr(record, f.name)
        meta = f.metadata
        if value in (None, "", ()):
            continue
        if meta["kind"] in ("source", "public_source"):
            yield from _check_source(kb, value, file, entry_id, f.name)
        elif meta["kind"] in NESTED:
            for nested in value:
                yield from _check_record(kb, nested, file, entry_id)
        elif meta["ref"]:
            for target in (value if isinstance(value, tuple) else (value,)):
                yield from _check_ref(kb, target, meta["ref"], file, entry_id, f.name)


def _check_ref(kb, target, wanted, file, entry_id, field_name) -> Iterable[Problem]:
    if wanted == "source":
        if target not in kb.sources:
            yield Problem(file, f"field '{field_name}' names '{target}', which is not a document in "
                                f"sources.yml. Known: {', '.join(kb.sources)}.", entry_id)
        return
    kind = kb.kind_of(target)
    allowed = wanted.split()
    if kind is None:
        yield Problem(file, f"field '{field_name}' refers to '{target}', but no entry has that id. "
                            "Check the spelling, or add the entry.", entry_id)
    elif "any" not in allowed and kind not in allowed:
        yield Problem(file, f"field '{field_name}' refers to '{target}', which is a {kind}; "
                            f"it should be a {' or '.join(allowed)}.", entry_id)


def _check_source(kb, ref: r.SourceRef, file, entry_id, field_name) -> Iterable[Problem]:
    source = kb.sources.get(ref.document)
    if source is None:
        yield Problem(file, f"field '{field_name}' names document '{ref.document}', which is not in "
                            f"sources.yml. Known documents: {', '.join(kb.sources)}.", entry_id)
    elif ref.section not in source.sections:
        yield Problem(file, f"field '{field_name}' names section '{ref.section}', which is not a section "
                            f"of '{ref.document}'. Its sections: {'; '.join(source.sections)}.", entry_id)


def _check_review_dates(kb: KnowledgeBase) -> Iterable[Problem]:
    for entry_id in kb.all_ids():
        record = kb.entry(entry_id)
        if hasattr(record, "review_date") and record.review_date is None and kb.kind_of(entry_id) != "source":
            yield Problem(kb.files[entry_id], "there is no review_date. Add 'review_date: YYYY-MM-DD' to the "
                                              "entry or once at the top of the file.", entry_id)


def _check_phrases(kb: KnowledgeBase) -> Iterable[Problem]:
    """A phrase may mean one term or topic only, or the assistant cannot tell which is meant."""
    owners: Dict[str, str] = {}
    for term in kb.terms.values():
        for name in term.names:
            yield from _claim(owners, normalise(name), term.id, kb)
    for topic in kb.topics.values():
        for keyword in topic.keywords:
            yield from _claim(owners, normalise(keyword), topic.id, kb)


def _claim(owners: Dict[str, str], phrase: str, entry_id: str, kb: KnowledgeBase) -> Iterable[Problem]:
    other = owners.get(phrase)
    if other and other != entry_id:
        yield Problem(kb.files[entry_id], f"the phrase '{phrase}' is also used by '{other}' "
                                          f"(knowledge/{kb.files[other]}). A phrase can belong to only "
                                          "one term or topic; remove it from one of them.", entry_id)
    owners[phrase] = entry_id


def _check_intents(kb: KnowledgeBase) -> Iterable[Problem]:
    seen: Dict[str, str] = {}
    for topic in kb.topics.values():
        if topic.intent and topic.intent in seen:
            yield Problem("topics.yml", f"intent '{topic.intent}' is also used by topic '{seen[topic.intent]}'.",
                          topic.id)
        seen[topic.intent] = topic.id


def _check_terms(kb: KnowledgeBase) -> Iterable[Problem]:
    for term in kb.terms.values():
        acronym = term.term.isupper() and " " not in term.term
        if acronym and not term.expansion and not term.public_source and "does not expand" not in term.text:
            yield Problem("glossary.yml", "the acronym has no expansion. Either add the expansion with a "
                                          "public_source, or say in the text that the briefing does not expand it.",
                          term.id)


def _check_contacts(kb: KnowledgeBase, today: Optional[dt.date] = None) -> Iterable[Problem]:
    today = today or dt.date.today()
    file = "local_settings.yml"
    for contact in kb.contacts.values():
        for number in contact.phones:
            problem = phone_problem(number)
            if problem:
                yield Problem(file, f"phone number {problem}", contact.id)
        if contact.has_value:
            filled = ", ".join(f for f in r.CONTACT_VALUE_FIELDS if getattr(contact, f))
            if not contact.source_url:
                yield Problem(file, f"it has values ({filled}) but no source_url. Add 'source_url: https://...' "
                                    "with the address of the public page the values were copied from. If no "
                                    "page gives them, empty the values instead (phones: [], url: null, ...).",
                              contact.id)
            if not contact.last_checked:
                yield Problem(file, "it has values but no last_checked. Add 'last_checked: YYYY-MM-DD', the date "
                                    "someone confirmed the values on the source page.", contact.id)
            if not contact.checked_against:
                yield Problem(file, "it has values but no checked_against. Say where they were confirmed, e.g. "
                                    "'the live page at <source_url>'.", contact.id)
            if not contact.checked_how:
                yield Problem(file, "it has values but no checked_how. Say how they were confirmed: "
                                    f"{', '.join(r.CHECKED_HOW)} (stored_copy = a saved copy, not the live page).",
                              contact.id)
        else:
            if contact.last_checked:
                yield Problem(file, f"it has no value but last_checked is {contact.last_checked}. An empty contact "
                                    "has not been checked against anything: set 'last_checked: null' (or fill "
                                    "in the values with their source_url).", contact.id)
            if contact.checked_how:
                yield Problem(file, "it has no value, so checked_how should be left out.", contact.id)
        if contact.last_checked and contact.last_checked > today:
            yield Problem(file, f"last_checked {contact.last_checked} is in the future (today is {today}). Write "
                                "the date the values were actually checked.", contact.id)
        if contact.source_url and contact.source_url in contact.confirmed_by:
            yield Problem(file, "confirmed_by repeats the source_url. List only other pages that give the "
                                "same values.", contact.id)
        document = kb.sources.get(contact.source.document)
        if contact.source_url and document is not None and document.url and document.url != contact.source_url:
            yield Problem(file, f"source_url is {contact.source_url}, but its source document "
                                f"'{document.id}' in sources.yml has the address {document.url}. Make them the "
                                "same: point 'source' at the document for this page (add one to sources.yml "
                                "if there is none).", contact.id)
    for area in kb.areas.values():
        document = kb.sources.get(area.source.document)
        if document is not None and document.url and document.url != area.source_url:
            yield Problem(file, f"source_url is {area.source_url}, but its source document '{document.id}' in "
                                f"sources.yml has the address {document.url}. Make them the same.", area.id)
        if area.last_checked > today:
            yield Problem(file, f"last_checked {area.last_checked} is in the future (today is {today}).", area.id)
        if area.districts and not area.districts_source_url:
            yield Problem(file, "it lists districts but no districts_source_url (the page that names them).",
                          area.id)
    for key in r.LOCAL_AREAS:
        if kb.areas and kb.area(key) is None:
            yield Problem(file, f"there is no entry in 'areas' for '{key}'. Add one (area: {key}), saying "
                                "which council covers it, quoted from a source.")


def _check_links(kb: KnowledgeBase) -> Iterable[Problem]:
    for link in kb.links.values():
        if not link.url and not link.note:
            yield Problem("links.yml", "a link with no url needs a note saying why there is none.", link.id)


TOPIC_CHOICES = ("home_topics", "related_to_links", "related_to_an_agency", "related_to_agencies", "related_to_audit",
                 "related_to_contacts", "related_to_urgent")


def _check_choices(kb: KnowledgeBase) -> Iterable[Problem]:
    """Each editorial choice in assistant.yml must name an entry of the right kind."""
    choices = kb.choices
    if choices is None:
        yield Problem("assistant.yml", "'choices' is missing: add procedures_link, home_topics and "
                                       "default_checklist (see knowledge/README.md).", "choices")
        return
    wanted = [("procedures_link", choices.procedures_link, kb.links, "a link id from links.yml"),
              ("default_checklist", choices.default_checklist, kb.checklists, "a checklist id from checklists.yml")]
    wanted += [(name, topic, kb.topics, "topic ids from topics.yml") for name in TOPIC_CHOICES
               for topic in getattr(choices, name)]
    for field, value, known, what in wanted:
        if value not in known:
            yield Problem("assistant.yml", f"choices: {field} names '{value}', which does not exist; it must be "
                                           f"{what}.", "choices")
    if not choices.home_topics:
        yield Problem("assistant.yml", "choices: home_topics needs at least one topic id.", "choices")


def _check_definitions(kb: KnowledgeBase) -> Iterable[Problem]:
    for definition in kb.definitions.values():
        if definition.quote and not definition.quoted_from:
            yield Problem("definitions.yml", "a quoted definition needs quoted_from: the document it quotes.",
                          definition.id)
        for part in definition.parts:
            if normalise(part.quote) not in normalise(definition.text):
                yield Problem("definitions.yml", f"the quote of part '{part.id}' is not word for word in the "
                                                 "definition's text. Copy the sentence exactly from 'text'.",
                              definition.id)


def _check_coverage(kb: KnowledgeBase) -> Iterable[Problem]:
    """A 'not covered' pattern must not match a phrase the knowledge base answers, or the assistant
    would decline a question it can answer."""
    covered = [(name, t.id) for t in kb.terms.values() for name in t.names]
    covered += [(k, t.id) for t in kb.topics.values() for k in t.keywords]
    covered += [(term, d.id) for d in kb.definitions.values() for term in d.terms]
    words = [plain_words(phrase) for phrase, _ in covered]  # once, not once per pattern
    for gap in kb.gaps.values():
        for ask in gap.asks:
            clash = next((pair for pair, said in zip(covered, words) if matches_plain_words(ask, said)), None)
            if clash:
                yield Problem("coverage.yml", f"the pattern '{ask}' also matches '{clash[0]}', which "
                                              f"{clash[1]} answers. Make the pattern narrower (add a word with "
                                              "' + '), or remove it.", gap.id)


def _check_learning_paths(kb: KnowledgeBase) -> Iterable[Problem]:
    for path in kb.learning_paths.values():
        for step in path.steps:
            if step.items and not step.checklist:
                yield Problem("learning.yml", f"step '{step.id}' lists items but no checklist they come from.",
                              path.id)
            if not (step.findings or step.items or step.links):
                yield Problem("learning.yml", f"step '{step.id}' shows nothing: give it findings, items "
                                              "(with their checklist) or links.", path.id)
            yield from _check_items(kb, step.checklist, step.items, f"step '{step.id}'", path.id)
        for question in path.quiz:
            yield from _check_items(kb, question.checklist, (question.item,), f"quiz question '{question.id}'",
                                    path.id)


def _check_items(kb: KnowledgeBase, checklist_id: str, item_ids, where: str, entry_id: str) -> Iterable[Problem]:
    checklist = kb.checklists.get(checklist_id)
    if checklist is None:
        return
    known = [i.id for i in checklist.items]
    for item_id in item_ids:
        if item_id not in known:
            yield Problem("learning.yml", f"{where} names item '{item_id}', which is not in {checklist_id}. "
                                          f"Its items: {', '.join(known)}.", entry_id)


def stale_entries(kb: KnowledgeBase, today: dt.date = None) -> List[str]:
    """Ids whose review date has passed (a warning, not an error)."""
    today = today or dt.date.today()
    return [i for i in kb.all_ids()
            if getattr(kb.entry(i), "review_date", None) and kb.entry(i).review_date < today]


def overdue_contacts(kb: KnowledgeBase, today: dt.date = None) -> List[r.Contact]:
    """Contacts last checked more than max_age_days ago: the assistant shows them with a warning."""
    return [c for c in kb.contacts.values() if kb.contact_check_overdue(c, today)]


def expired_contacts(kb: KnowledgeBase, today: dt.date = None) -> List[r.Contact]:
    """Contacts last checked more than fail_after_months (18) months ago: `kb.validate --strict` fails."""
    return [c for c in kb.contacts.values() if kb.contact_check_expired(c, today)]


def expired_message(kb: KnowledgeBase, contact: r.Contact) -> str:
    where = contact.source_url or kb.source_label(contact.source)
    return (f"knowledge/local_settings.yml, entry '{contact.id}' ({contact.name}): last checked on "
            f"{contact.last_checked}, more than {kb.fail_after_months} months ago. Check it on its source, {where}, "
            "then update last_checked and checked_against; if the source no longer gives it, empty the value.")
