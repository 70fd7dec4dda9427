"""The loaded knowledge base: records by id, and look-ups by topic, intent and term."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Optional, Tuple

from kb import records as r
from kb.contacts import older_than_months
from kb.text import matches_ask, normalise, singular

ENTRY_SECTIONS = {  # (file, key) -> entry kind
    ("sources.yml", "sources"): "source",
    ("topics.yml", "topics"): "topic",
    ("findings.yml", "findings"): "finding",
    ("checklists.yml", "checklists"): "checklist",
    ("definitions.yml", "definitions"): "definition",
    ("glossary.yml", "terms"): "term",
    ("links.yml", "links"): "link",
    ("audit.yml", "facts"): "audit_fact",
    ("audit.yml", "agencies"): "agency",
    ("local_settings.yml", "areas"): "area",
    ("local_settings.yml", "contacts"): "contact",
    ("learning.yml", "paths"): "learning_path",
    ("coverage.yml", "not_covered"): "gap",
    ("coverage.yml", "procedures"): "procedure",
}


@dataclass(frozen=True)
class Passage:
    """One searchable piece of knowledge."""
    id: str
    kind: str
    title: str
    text: str
    source: r.SourceRef


class KnowledgeBase:
    def __init__(self) -> None:
        self.by_kind: Dict[str, Dict[str, Any]] = {kind: {} for kind in ENTRY_SECTIONS.values()}
        self.files: Dict[str, str] = {}          # entry id -> file name
        self.duplicates: List[Tuple[str, str, str]] = []  # (id, first file, second file)
        self.urgent: Optional[r.UrgentGuidance] = None
        self.child_guidance: Optional[r.ChildGuidance] = None
        self.urgent_phrases: Tuple[str, ...] = ()
        self.messages: Dict[str, str] = {}
        self.choices: Optional[r.Choices] = None  # knowledge/assistant.yml's editorial choices
        self.max_age_days: int = 365          # contacts older than this are shown with a warning
        self.fail_after_months: int = 18      # and `kb.validate --strict` fails on them after this
        self._phrases: Dict[str, Tuple[str, str]] = {}  # normalised phrase -> (label, entry id)

    @classmethod
    def from_contents(cls, contents: Dict[str, Dict[str, Any]]) -> "KnowledgeBase":
        kb = cls()
        for (file, key), kind in ENTRY_SECTIONS.items():
            for record in contents.get(file, {}).get(key, []) or []:
                kb._add(kind, record, file)
        safety = contents.get("safety.yml", {})
        kb.urgent = safety.get("urgent_guidance")
        if kb.urgent is not None:
            kb._add("urgent", kb.urgent, "safety.yml")
        kb.child_guidance = safety.get("child_guidance")
        if kb.child_guidance is not None:
            kb._add("child_guidance", kb.child_guidance, "safety.yml")
        kb.urgent_phrases = tuple(normalise(p) for p in safety.get("urgent_phrases") or ())
        kb.messages = contents.get("assistant.yml", {}).get("messages", {}) or {}
        kb.choices = contents.get("assistant.yml", {}).get("choices")
        kb.max_age_days = contents.get("local_settings.yml", {}).get("max_age_days") or 365
        kb.fail_after_months = contents.get("local_settings.yml", {}).get("fail_after_months") or 18
        kb._phrases = dict(kb._phrase_index())
        return kb

    def _add(self, kind: str, record: Any, file: str) -> None:
        if record.id in self.files:
            self.duplicates.append((record.id, self.files[record.id], file))
            return
        self.by_kind.setdefault(kind, {})[record.id] = record
        self.files[record.id] = file

    # -- by id ----------------------------------------------------------------------------------
    @property
    def sources(self) -> Dict[str, r.Source]: return self.by_kind["source"]
    @property
    def topics(self) -> Dict[str, r.Topic]: return self.by_kind["topic"]
    @property
    def findings(self) -> Dict[str, r.Finding]: return self.by_kind["finding"]
    @property
    def checklists(self) -> Dict[str, r.Checklist]: return self.by_kind["checklist"]
    @property
    def definitions(self) -> Dict[str, r.Definition]: return self.by_kind["definition"]
    @property
    def terms(self) -> Dict[str, r.Term]: return self.by_kind["term"]
    @property
    def links(self) -> Dict[str, r.Link]: return self.by_kind["link"]
    @property
    def audit_facts(self) -> Dict[str, r.AuditFact]: return self.by_kind["audit_fact"]
    @property
    def agencies(self) -> Dict[str, r.Agency]: return self.by_kind["agency"]
    @property
    def contacts(self) -> Dict[str, r.Contact]: return self.by_kind["contact"]
    @property
    def areas(self) -> Dict[str, r.Area]: return self.by_kind["area"]
    @property
    def gaps(self) -> Dict[str, r.Gap]: return self.by_kind["gap"]

    @property
    def procedures(self) -> Dict[str, r.Procedure]: return self.by_kind["procedure"]

    def gaps_in(self, text: str) -> List[r.Gap]:
        """The subjects the knowledge base does not cover that a question asks about."""
        return [g for g in self.gaps.values() if any(matches_ask(a, text) for a in g.asks)]

    def procedure_for(self, text: str) -> Optional[r.Procedure]:
        return next((p for p in self.procedures.values() if any(matches_ask(a, text) for a in p.asks)), None)

    @property
    def learning_paths(self) -> Dict[str, r.LearningPath]: return self.by_kind["learning_path"]

    def item(self, checklist_id: str, item_id: str) -> Optional[r.ChecklistItem]:
        checklist = self.checklists.get(checklist_id)
        return next((i for i in checklist.items if i.id == item_id), None) if checklist else None

    def learning_path_for(self, topic_id: str) -> Optional[r.LearningPath]:
        return next((p for p in self.learning_paths.values() if p.topic == topic_id), None)

    def entry(self, entry_id: str) -> Optional[Any]:
        kind = self.kind_of(entry_id)
        return self.by_kind[kind].get(entry_id) if kind else None

    def kind_of(self, entry_id: str) -> Optional[str]:
        for kind, entries in self.by_kind.items():
            if entry_id in entries:
                return kind
        return None

    def all_ids(self) -> List[str]:
        return list(self.files)

    # -- by topic and intent --------------------------------------------------------------------
    def topic_for_intent(self, intent: str) -> Optional[r.Topic]:
        return next((t for t in self.topics.values() if t.intent and t.intent == intent), None)

    def findings_for(self, topic_id: str, kinds: Iterable[str] = ()) -> List[r.Finding]:
        """Findings for a topic, those whose main topic it is first, in file order."""
        kinds = tuple(kinds)
        matches = [f for f in self.findings.values()
                   if topic_id in f.topics and (not kinds or f.kind in kinds)]
        return sorted(matches, key=lambda f: f.topics.index(topic_id) > 0)

    def findings_for_kind(self, kind: str) -> List[r.Finding]:
        return [f for f in self.findings.values() if f.kind == kind]

    def checklists_for(self, topic_id: str) -> List[r.Checklist]:
        topic = self.topics.get(topic_id)
        return [self.checklists[c] for c in topic.checklists] if topic else []

    # -- by words -------------------------------------------------------------------------------
    def _phrase_index(self) -> Iterable[Tuple[str, Tuple[str, str]]]:
        for term in self.terms.values():
            for name in term.names:
                yield normalise(name), ("term", term.id)
        for topic in self.topics.values():
            for keyword in topic.keywords:
                yield normalise(keyword), ("topic", topic.id)

    def phrases(self, label: str) -> List[Tuple[str, str]]:
        """(phrase, entry id) pairs for the entity recogniser, for label 'term' or 'topic'."""
        return [(p, eid) for p, (lab, eid) in self._phrases.items() if lab == label]

    def lookup(self, text: str) -> Optional[Tuple[str, str]]:
        """(label, entry id) for a term or topic keyword, case-insensitive, plural-tolerant."""
        key = normalise(text)
        if key in self._phrases:
            return self._phrases[key]
        words = key.split(" ")
        words[-1] = singular(words[-1])
        return self._phrases.get(" ".join(words))

    def find_term(self, text: str) -> Optional[r.Term]:
        found = self.lookup(text)
        if found and found[0] == "term":
            return self.terms[found[1]]
        return None

    def find_topic(self, text: str) -> Optional[r.Topic]:
        """A topic from a keyword, a topic id or title, or a term that belongs to one topic."""
        key = normalise(text)
        for topic in self.topics.values():
            if key in (topic.id, normalise(topic.title)):
                return topic
        found = self.lookup(text)
        if not found:
            return None
        label, entry_id = found
        if label == "topic":
            return self.topics[entry_id]
        term = self.terms[entry_id]
        return self.topics.get(term.topics[0]) if term.topics else None

    def mentions(self, text: str) -> List[Tuple[str, str, str]]:
        """Every known phrase in a message, longest first: (phrase, label, entry id)."""
        padded = f" {re.sub(r'[^a-z0-9/.-]+', ' ', normalise(text).replace(chr(39), ''))} "
        found, taken = [], []
        for phrase in sorted(self._phrases, key=len, reverse=True):
            bare = phrase.replace("'", "")
            for variant in (bare, bare + "s"):
                start = padded.find(f" {variant} ")
                if start >= 0 and not any(s <= start < e for s, e in taken):
                    taken.append((start, start + len(variant) + 1))
                    found.append((phrase,) + self._phrases[phrase])
                    break
        return found

    def definition_part_for(self, text: str) -> Optional[Tuple[r.Definition, r.DefinitionPart]]:
        """The definition part a question asks about ("can women abuse?"), if any. A question that
        names another definition ("what is contact abuse?") gets that one instead."""
        named = {d.id for d in self.definitions_in(text)}
        for definition in self.definitions.values():
            for part in definition.parts:
                if named <= {definition.id, part.see_also} and any(matches_ask(a, text) for a in part.asks):
                    return definition, part
        return None

    def definition_for(self, text: str) -> Optional[r.Definition]:
        """The definition whose terms best match the text (longest matching term wins)."""
        found = self.definitions_in(text)
        return found[0] if found else None

    def definitions_in(self, text: str) -> List[r.Definition]:
        """Every definition a term of which the text names, longest term first; a term inside a longer
        one already matched does not count ("signs of sexual abuse" is not also "sexual abuse")."""
        key = f" {normalise(text).replace('-', ' ')} "
        matches = []  # (length, start, definition)
        for definition in self.definitions.values():
            for term in definition.terms:
                t = f" {normalise(term).replace('-', ' ')}"
                start = key.find(t)
                if start >= 0:
                    matches.append((len(t), start, definition))
        found, spans = [], []
        for length, start, definition in sorted(matches, key=lambda m: -m[0]):
            inside = any(s <= start and start + length <= e for s, e in spans)
            if not inside and definition not in found:
                found.append(definition)
            spans.append((start, start + length))
        return found

    # -- sources and passages -------------------------------------------------------------------
    def source_label(self, ref: r.SourceRef) -> str:
        source = self.sources.get(ref.document)
        name = source.short if source else ref.document
        return f"{name}, {ref.section}"

    def contact_value(self, contact_id: str) -> Optional[r.Contact]:
        contact = self.contacts.get(contact_id)
        return contact if contact and contact.value else None

    # -- contacts by area and service ----------------------------------------------------------
    def area(self, key: str) -> Optional[r.Area]:
        """The area record for 'leicester', 'leicestershire', 'rutland' or 'llr'."""
        return next((a for a in self.areas.values() if a.area == key), None)

    def contacts_for(self, area: Optional[str] = None, service: Optional[str] = None) -> List[r.Contact]:
        """Contacts for an area (and service), the most specific first: the area's own, then the
        LLR-wide ones, then the national ones. With no area (or 'not_sure'), every local area's own
        contacts, in the order Leicester, Leicestershire, Rutland, then LLR-wide and national.
        Empty contacts (no value in any source) are included: check `contact.has_value`."""
        if area in (None, "", "not_sure", "unknown"):
            order = r.LOCAL_AREAS + ("llr", "national")
        elif area in ("llr", "national"):
            order = (area,) if area == "national" else ("llr", "national")
        else:
            order = (area, "llr", "national")
        chosen = [c for c in self.contacts.values() if not service or c.service == service]
        return sorted((c for c in chosen if c.area in order), key=lambda c: order.index(c.area))

    def contact_for(self, area: Optional[str], service: str) -> Optional[r.Contact]:
        """The one contact to give for an area and service: the most specific one with a value, else
        the most specific empty one (so the answer can say it is not held), else None."""
        found = self.contacts_for(area, service)
        return next((c for c in found if c.has_value), found[0] if found else None)

    @property
    def procedures_link(self) -> r.Link:
        """The link every "not sure" reply and decline gives (knowledge/assistant.yml, choices)."""
        return self.links[self.choices.procedures_link]

    @property
    def home_topics(self) -> Tuple[str, ...]:
        """The topics offered first: the greeting, help and a decline's buttons."""
        return tuple(self.choices.home_topics)

    @property
    def default_checklist(self) -> r.Checklist:
        return self.checklists[self.choices.default_checklist]

    def area_phrases(self) -> List[Tuple[str, str]]:
        """(phrase, area key) for every way knowledge/ names a local area: its key, its name (without
        the bracket), its council and the districts listed for it. Longest phrase first."""
        found: Dict[str, str] = {}
        for record in self.areas.values():
            if record.area not in r.LOCAL_AREAS:
                continue
            names = [record.area, record.name.split(" (")[0]] + ([record.council] if record.council else [])
            for name in names + list(record.districts):
                found.setdefault(normalise(name), record.area)
        return sorted(found.items(), key=lambda pair: -len(pair[0]))

    def areas_in(self, text: str) -> List[str]:
        """The local areas a message names ("in Rutland", "Charnwood"), in the order named. Glossary
        terms that only contain an area's name ("Leicester, Leicestershire and Rutland", "University
        Hospitals of Leicester") do not count."""
        padded = f" {re.sub(r'[^a-z0-9]+', ' ', normalise(text))} "
        for phrase, label, _ in self.mentions(text):
            if label == "term":
                padded = padded.replace(f" {re.sub(r'[^a-z0-9]+', ' ', phrase).strip()} ", "  ")
        found: List[Tuple[int, str]] = []
        for phrase, key in self.area_phrases():
            words = f" {re.sub(r'[^a-z0-9]+', ' ', phrase).strip()} "
            start = padded.find(words)
            if start >= 0:
                found.append((start, key))
                padded = padded[:start] + " " * len(words) + padded[start + len(words):]
        return list(dict.fromkeys(key for _, key in sorted(found)))

    def contact_check_overdue(self, contact: r.Contact, today: Optional[dt.date] = None) -> bool:
        """True if the contact was last checked more than max_age_days ago (show it with a warning)."""
        if not contact.last_checked:
            return False
        return ((today or dt.date.today()) - contact.last_checked).days > self.max_age_days

    def contact_check_expired(self, contact: r.Contact, today: Optional[dt.date] = None) -> bool:
        """True if the contact was last checked more than fail_after_months ago (`--strict` fails)."""
        return older_than_months(contact.last_checked, self.fail_after_months, today)

    def passages(self) -> List[Passage]:
        out: List[Passage] = []
        for f in self.findings.values():
            title = f"{self.topics[f.topics[0]].title}: what the audit found" if f.topics[0] in self.topics else "Finding"
            out.append(Passage(f.id, "finding", title, f.text, f.source))
        for c in self.checklists.values():
            body = " ".join(f"{i.text} {i.why}" for i in c.items)
            out.append(Passage(c.id, "checklist", c.title, body, c.source))
        for d in self.definitions.values():
            out.append(Passage(d.id, "definition", d.title, f"{' '.join(d.terms)}. {d.text}", d.source))
        for t in self.terms.values():
            names = ", ".join(t.names)
            out.append(Passage(t.id, "term", t.term, f"{names}. {t.text}", t.source))
        for l in self.links.values():
            out.append(Passage(l.id, "link", l.title, l.purpose, l.source))
        for a in self.audit_facts.values():
            out.append(Passage(a.id, "audit_fact", a.title, a.text, a.source))
        for g in self.agencies.values():
            out.append(Passage(g.id, "agency", g.name,
                               f"{g.name} audited {g.cases_audited} cases. {g.detail}", g.source))
        return out
