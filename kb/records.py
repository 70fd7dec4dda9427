"""Typed records for everything in knowledge/.

Each field's metadata says how the validator checks it (see kb/schema.py):
  kind:  text (non-empty string), str (string, may be empty), date, url, urls (list of urls), email,
         bool, int,
         id (one id), ids (list of ids), strs (list of strings), source (document + section),
         public_source (document + section + note), items / steps (nested records)
  ref:   the kinds of entry an id must point to (topic, checklist, finding, link, ...);
         "any" means any entry in the knowledge base
  required: the field must be present (a value of null is only allowed with nullable)
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Optional, Tuple


def spec(kind: str, required: bool = True, ref: str = "", nullable: bool = False,
         choices: Tuple[str, ...] = (), default=None):
    meta = {"kind": kind, "required": required, "ref": ref, "nullable": nullable, "choices": choices}
    if required:
        return field(metadata=meta)
    if isinstance(default, (list, tuple)):
        return field(default=tuple(default), metadata=meta)
    return field(default=default, metadata=meta)


@dataclass(frozen=True)
class SourceRef:
    document: str
    section: str
    note: str = ""


@dataclass(frozen=True)
class Source:
    id: str = spec("id")
    title: str = spec("text")
    short: str = spec("text")
    url: Optional[str] = spec("url", nullable=True)
    sections: Tuple[str, ...] = spec("strs")
    note: str = spec("text", required=False, default="")
    dated: Optional[str] = spec("text", required=False)  # when the document is from, as shown ("Jan 2019")


@dataclass(frozen=True)
class Topic:
    id: str = spec("id")
    title: str = spec("text")
    summary: str = spec("text")
    source: SourceRef = spec("source")
    keywords: Tuple[str, ...] = spec("strs")
    checklists: Tuple[str, ...] = spec("ids", ref="checklist")
    related: Tuple[str, ...] = spec("ids", ref="topic")
    intent: str = spec("str", required=False, default="")
    review_date: Optional[dt.date] = spec("date", required=False)


FINDING_KINDS = ("worked_well", "to_improve", "suggestion", "context", "conclusion")


@dataclass(frozen=True)
class Finding:
    id: str = spec("id")
    topics: Tuple[str, ...] = spec("ids", ref="topic")
    kind: str = spec("str", choices=FINDING_KINDS)
    text: str = spec("text")
    source: SourceRef = spec("source")
    links: Tuple[str, ...] = spec("ids", required=False, ref="link", default=())
    review_date: Optional[dt.date] = spec("date", required=False)


@dataclass(frozen=True)
class ChecklistItem:
    id: str = spec("id")
    text: str = spec("text")
    why: str = spec("text")
    findings: Tuple[str, ...] = spec("ids", ref="finding audit_fact")


@dataclass(frozen=True)
class Checklist:
    id: str = spec("id")
    topic: str = spec("id", ref="topic")
    title: str = spec("text")
    source: SourceRef = spec("source")
    items: Tuple[ChecklistItem, ...] = spec("items")
    intro: str = spec("text", required=False, default="")
    review_date: Optional[dt.date] = spec("date", required=False)


@dataclass(frozen=True)
class DefinitionPart:
    """One part of a definition that a question can ask about on its own ("can women abuse?")."""
    id: str = spec("id")
    title: str = spec("text")                 # "who can commit sexual abuse"
    asks: Tuple[str, ...] = spec("strs")      # word patterns (see kb/text.py: matches_ask)
    quote: str = spec("text")                 # the sentence(s), exactly as in the definition's text
    see_also: str = spec("id", required=False, ref="definition", default="")


@dataclass(frozen=True)
class Definition:
    id: str = spec("id")
    title: str = spec("text")
    text: str = spec("text")
    source: SourceRef = spec("source")
    terms: Tuple[str, ...] = spec("strs")
    quote: bool = spec("bool")
    quoted_from: str = spec("id", required=False, ref="source", default="")
    note: str = spec("text", required=False, default="")
    links: Tuple[str, ...] = spec("ids", required=False, ref="link", default=())
    parts: Tuple[DefinitionPart, ...] = spec("parts", required=False, default=())
    review_date: Optional[dt.date] = spec("date", required=False)


@dataclass(frozen=True)
class Term:
    id: str = spec("id")
    term: str = spec("text")
    expansion: Optional[str] = spec("text", nullable=True)
    synonyms: Tuple[str, ...] = spec("strs")
    text: str = spec("text")
    source: SourceRef = spec("source")
    topics: Tuple[str, ...] = spec("ids", ref="topic")
    public_source: Optional[SourceRef] = spec("public_source", required=False)
    links: Tuple[str, ...] = spec("ids", required=False, ref="link", default=())
    review_date: Optional[dt.date] = spec("date", required=False)

    @property
    def names(self) -> Tuple[str, ...]:
        """Every way of writing the term: itself, its expansion and its synonyms."""
        extra = (self.expansion,) if self.expansion else ()
        return (self.term,) + extra + tuple(self.synonyms)


@dataclass(frozen=True)
class Link:
    id: str = spec("id")
    title: str = spec("text")
    url: Optional[str] = spec("url", nullable=True)
    purpose: str = spec("text")
    source: SourceRef = spec("source")
    note: str = spec("text", required=False, default="")
    review_date: Optional[dt.date] = spec("date", required=False)


@dataclass(frozen=True)
class AuditFact:
    id: str = spec("id")
    title: str = spec("text")
    text: str = spec("text")
    source: SourceRef = spec("source")
    review_date: Optional[dt.date] = spec("date", required=False)


@dataclass(frozen=True)
class Agency:
    id: str = spec("id")
    name: str = spec("text")
    term: str = spec("id", ref="term")
    cases_audited: str = spec("text")
    detail: str = spec("text")
    source: SourceRef = spec("source")
    review_date: Optional[dt.date] = spec("date", required=False)


# Where a contact or area applies. "llr" is all three local areas at once (one LLR-wide service);
# "national" is a UK-wide service (999, NSPCC, Childline).
LOCAL_AREAS = ("leicester", "leicestershire", "rutland")
AREAS = LOCAL_AREAS + ("llr", "national")
# What a contact is for; the assistant looks contacts up by (area, service).
SERVICES = ("emergency", "front_door", "out_of_hours", "lado", "police", "referral_form",
            "domestic_abuse", "nspcc_helpline", "childline")
CHECKED_HOW = ("live_page", "phone_call", "stored_copy")
# The fields that hold facts taken from the source page. A contact with none of them is empty.
CONTACT_VALUE_FIELDS = ("published_name", "phones", "hours", "out_of_hours", "email", "url", "referral_route")


@dataclass(frozen=True)
class Contact:
    """One local or national contact, with where it was published and when that was checked.

    Every value comes from the page at source_url (other pages that give the same values are in
    confirmed_by). A value that no source gives stays empty: the assistant then points to the
    LLR procedures rather than inventing one.
    """
    id: str = spec("id")
    name: str = spec("text")                        # what the assistant calls it
    area: str = spec("str", choices=AREAS)
    service: str = spec("str", choices=SERVICES)
    last_checked: Optional[dt.date] = spec("date", nullable=True)
    checked_against: Optional[str] = spec("text", nullable=True)
    source: SourceRef = spec("source")
    published_name: Optional[str] = spec("text", required=False)   # the service's name as published
    phones: Tuple[str, ...] = spec("strs", required=False, default=())  # as published, main one first
    hours: Optional[str] = spec("text", required=False)            # opening hours, as published
    out_of_hours: Optional[str] = spec("text", required=False)     # what to do when it is closed
    email: Optional[str] = spec("email", required=False)
    url: Optional[str] = spec("url", required=False)               # the service's (or form's) web page
    referral_route: Optional[str] = spec("text", required=False)   # how professionals refer
    source_url: Optional[str] = spec("url", required=False)        # the page every value comes from
    confirmed_by: Tuple[str, ...] = spec("urls", required=False, default=())  # other pages, same values
    checked_how: Optional[str] = spec("str", required=False, choices=CHECKED_HOW)
    conflict: Optional[str] = spec("text", required=False)         # where sources disagree
    note: Optional[str] = spec("text", required=False)
    see_also: Tuple[str, ...] = spec("ids", required=False, ref="contact", default=())
    review_date: Optional[dt.date] = spec("date", required=False)

    @property
    def value(self) -> Optional[str]:
        """What to show first: the main phone number, else the web address, else the email."""
        return (self.phones[0] if self.phones else None) or self.url or self.email or None

    @property
    def has_value(self) -> bool:
        """True if any fact from the source is filled in."""
        return any(getattr(self, name) for name in CONTACT_VALUE_FIELDS)


@dataclass(frozen=True)
class Area:
    """One of the three local areas (or LLR as a whole), and which council covers it, from a source."""
    id: str = spec("id")
    area: str = spec("str", choices=LOCAL_AREAS + ("llr",))
    name: str = spec("text")                       # "Leicester (the city)"
    covers: str = spec("text")                     # who it covers, quoted from source_url
    source_url: str = spec("url")
    last_checked: dt.date = spec("date")
    checked_against: str = spec("text")
    source: SourceRef = spec("source")
    council: Optional[str] = spec("text", required=False)
    districts: Tuple[str, ...] = spec("strs", required=False, default=())  # councils inside the area
    districts_source_url: Optional[str] = spec("url", required=False)
    note: Optional[str] = spec("text", required=False)
    review_date: Optional[dt.date] = spec("date", required=False)


@dataclass(frozen=True)
class UrgentStep:
    id: str = spec("id")
    text: str = spec("text")
    source: SourceRef = spec("source")
    contact: str = spec("id", required=False, ref="contact", default="")
    contacts: Tuple[str, ...] = spec("ids", required=False, ref="contact", default=())
    link: str = spec("id", required=False, ref="link", default="")


@dataclass(frozen=True)
class UrgentGuidance:
    id: str = spec("id")
    title: str = spec("text")
    steps: Tuple[UrgentStep, ...] = spec("steps")
    then_checklist: str = spec("id", ref="checklist")
    review_date: Optional[dt.date] = spec("date", required=False)


@dataclass(frozen=True)
class Choices:
    """The assistant's editorial choices (knowledge/assistant.yml): the link every "not sure" reply
    gives, the topics offered first (greeting, help, a decline's buttons), the checklist a self-check
    starts with when none is named."""
    procedures_link: str = spec("text")
    home_topics: Tuple[str, ...] = spec("strs")
    default_checklist: str = spec("text")
    # the topic buttons offered under answers that have no topic of their own
    related_to_links: Tuple[str, ...] = spec("strs")
    related_to_an_agency: Tuple[str, ...] = spec("strs")
    related_to_agencies: Tuple[str, ...] = spec("strs")
    related_to_audit: Tuple[str, ...] = spec("strs")
    related_to_contacts: Tuple[str, ...] = spec("strs")
    related_to_urgent: Tuple[str, ...] = spec("strs")  # after the urgent checklist's own topic


@dataclass(frozen=True)
class ChildGuidance:
    """What a child or young person who writes about being harmed is told, after the emergency guidance."""
    id: str = spec("id")
    title: str = spec("text")
    steps: Tuple[UrgentStep, ...] = spec("steps")
    review_date: Optional[dt.date] = spec("date", required=False)


@dataclass(frozen=True)
class Gap:
    """A subject practitioners ask about that the audit's knowledge base does not cover."""
    id: str = spec("id")
    subject: str = spec("text")               # shown as "The audit's knowledge base doesn't cover <subject>."
    asks: Tuple[str, ...] = spec("strs")      # word patterns (see kb/text.py: matches_ask)
    topics: Tuple[str, ...] = spec("ids", ref="topic")   # the closest topics, offered as buttons
    source: SourceRef = spec("source")        # where to look instead
    link: str = spec("id", required=False, ref="link", default="")  # the procedures chapter, if known
    review_date: Optional[dt.date] = spec("date", required=False)


@dataclass(frozen=True)
class Procedure:
    """A process question ("what happens after a referral?"): what the audit says, then the chapter."""
    id: str = spec("id")
    subject: str = spec("text")
    asks: Tuple[str, ...] = spec("strs")
    answer: Tuple[str, ...] = spec("ids", ref="checklist term finding definition")
    link: str = spec("id", ref="link")
    source: SourceRef = spec("source")
    review_date: Optional[dt.date] = spec("date", required=False)


@dataclass(frozen=True)
class LessonStep:
    """One short step of a learning path: findings, checklist items and links, shown together."""
    id: str = spec("id")
    title: str = spec("text")
    findings: Tuple[str, ...] = spec("ids", required=False, ref="finding", default=())
    checklist: str = spec("id", required=False, ref="checklist", default="")
    items: Tuple[str, ...] = spec("strs", required=False, default=())  # item ids in `checklist`
    links: Tuple[str, ...] = spec("ids", required=False, ref="link", default=())


@dataclass(frozen=True)
class QuizQuestion:
    """'Which finding is behind this point?' for one checklist item; the options are built from
    the item's own reason and reasons from other checklists, so no answer is written twice."""
    id: str = spec("id")
    checklist: str = spec("id", ref="checklist")
    item: str = spec("str")


@dataclass(frozen=True)
class LearningPath:
    id: str = spec("id")
    topic: str = spec("id", ref="topic")
    title: str = spec("text")
    intro: str = spec("text")
    source: SourceRef = spec("source")
    steps: Tuple[LessonStep, ...] = spec("lessons")
    quiz: Tuple[QuizQuestion, ...] = spec("questions")
    review_date: Optional[dt.date] = spec("date", required=False)
