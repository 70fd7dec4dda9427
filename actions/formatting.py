"""Turn knowledge records into short answers that read well on a phone, as parts (kb/parts.py):
a title, numbered items with their why, bullets, and the source in small print.
"""
from __future__ import annotations

import datetime as dt
from typing import Iterable, List, Optional, Tuple

from kb import KnowledgeBase
from kb import records as r
from kb.parts import Answer, bullet, detail, heading, numbered, paragraph, source, title

FINDING_HEADINGS = (
    ("worked_well", "What worked well"),
    ("to_improve", "What must improve"),
    ("suggestion", "Suggested"),
    ("context", "Also noted"),
    ("conclusion", "Conclusions"),
)


def day(date: dt.date) -> str:
    return f"{date.day} {date:%b %Y}"


def freshness(kb: KnowledgeBase, refs: Iterable[r.SourceRef], ids: Iterable[str],
              today: Optional[dt.date] = None) -> str:
    """How fresh an answer is: "From the FSA audit briefing (Jan 2019); next review due 25 Nov 2027",
    or "...; due for review (since 25 Nov 2025)" once an entry's review_date has passed."""
    today = today or dt.date.today()
    documents = [kb.sources.get(ref.document) for ref in refs]
    dated = [f"the {d.short} ({d.dated})" for d in dict.fromkeys(d for d in documents if d) if d.dated]
    reviews = [getattr(kb.entry(i), "review_date", None) for i in ids]
    reviews = [d for d in reviews if isinstance(d, dt.date)]
    parts = [f"From {' and '.join(dated)}"] if dated else []
    if reviews:
        due = min(reviews)
        parts.append(f"due for review (since {day(due)})" if due < today else f"next review due {day(due)}")
    text = "; ".join(parts)
    return text[:1].upper() + text[1:] if text else ""


def source_line(kb: KnowledgeBase, refs: Iterable[r.SourceRef], ids: Iterable[str],
                today: Optional[dt.date] = None) -> str:
    refs, ids = list(refs), list(dict.fromkeys(ids))
    labels = list(dict.fromkeys(kb.source_label(ref) for ref in refs))
    line = f"Source: {'; '.join(labels)}"
    line = f"{line} (ref: {', '.join(ids)})" if ids else line
    fresh = freshness(kb, refs, ids, today)
    return f"{line}. {fresh}." if fresh else line


def link_text(link: r.Link) -> str:
    return f"{link.title}: {link.url}" if link.url else f"{link.title} ({link.note})"


def source_part(kb: KnowledgeBase, refs: Iterable[r.SourceRef], ids: Iterable[str], prefix: str = "",
                today: Optional[dt.date] = None) -> dict:
    ids = list(dict.fromkeys(ids))
    return source(prefix + source_line(kb, refs, ids, today), ids)


def checklist(kb: KnowledgeBase, item_list: r.Checklist) -> Answer:
    items = [numbered(n, item.text, detail(item.why, "Why")) for n, item in enumerate(item_list.items, start=1)]
    return Answer((title(item_list.title), *items, source_part(kb, [item_list.source], [item_list.id])), item_list.id)


def findings(kb: KnowledgeBase, heading_text: str, entries: List[r.Finding]) -> Answer:
    parts = [title(heading_text)]
    for kind, label in FINDING_HEADINGS:
        chosen = [f for f in entries if f.kind == kind]
        if chosen:
            parts.append(heading(f"{label}:"))
            parts.extend(bullet(f.text) for f in chosen)
    parts.append(source_part(kb, [f.source for f in entries], [f.id for f in entries]))
    return Answer(tuple(parts))


def _quoted_from(kb: KnowledgeBase, entry: r.Definition) -> str:
    if entry.quote and entry.quoted_from in kb.sources:
        return f"Quoted from {kb.sources[entry.quoted_from].title}. "
    return ""


def definition(kb: KnowledgeBase, entry: r.Definition) -> Answer:
    parts = [title(entry.title), paragraph(f"'{entry.text}'" if entry.quote else entry.text)]
    if entry.note:
        parts.append(paragraph(entry.note))
    parts.extend(paragraph(link_text(kb.links[l])) for l in entry.links if kb.links[l].url)
    parts.append(source_part(kb, [entry.source], [entry.id], _quoted_from(kb, entry)))
    return Answer(tuple(parts), entry.id)


def definition_part(kb: KnowledgeBase, entry: r.Definition, part: r.DefinitionPart) -> Answer:
    parts = [title(entry.title), paragraph(kb.messages["definition_part"].format(title=part.title)),
             paragraph(f"'{part.quote}'" if entry.quote else part.quote)]
    ids = [entry.id]
    if part.see_also:
        parts.append(paragraph(f"See also: {kb.definitions[part.see_also].title}."))
        ids.append(part.see_also)
    origin = f"Quoted from {kb.sources[entry.quoted_from].title}. " if entry.quote and entry.quoted_from else ""
    parts.append(source_part(kb, [entry.source], ids, origin))
    return Answer(tuple(parts), entry.id)


def term(kb: KnowledgeBase, entry: r.Term) -> Answer:
    heading_text = f"*{entry.term}*" + (f" stands for *{entry.expansion}*." if entry.expansion else "")
    parts = [title(heading_text, bold=False), paragraph(entry.text)]
    if entry.public_source:
        parts.append(paragraph(f"Not from the briefing: {entry.public_source.note}"))
    parts.extend(paragraph(link_text(kb.links[l])) for l in entry.links)
    parts.append(source_part(kb, [entry.source], [entry.id]))
    return Answer(tuple(parts), entry.id)


def links(kb: KnowledgeBase, entries: List[r.Link]) -> Answer:
    items = [bullet(link_text(link), detail(link.purpose)) for link in entries]
    return Answer.of(title("Procedures and links"), *items,
                     source_part(kb, [l.source for l in entries], [l.id for l in entries]))


def audit_facts(kb: KnowledgeBase, facts: List[r.AuditFact]) -> Answer:
    items = [bullet(f"{fact.title}: {fact.text}") for fact in facts]
    return Answer.of(title("About the audit"), *items, source_part(kb, [f.source for f in facts], [f.id for f in facts]))


def agencies(kb: KnowledgeBase, entries: List[r.Agency]) -> Answer:
    items = [bullet(f"{a.name}: {a.cases_audited}. {a.detail}") for a in entries]
    return Answer.of(title("Agencies in the audit (cases audited, of 5)"), *items,
                     source_part(kb, [a.source for a in entries], [a.id for a in entries]))


# What a contact of each service should hold; a missing one is named as "not held here".
EXPECTED = {"referral_form": ("url",), "police": ("phones",), "emergency": ("phones",),
            "out_of_hours": ("phones", "out_of_hours")}
EXPECTED_DEFAULT = ("phones", "hours", "url")
FIELD_NAMES = {"phones": "phone number", "hours": "opening hours", "url": "web address",
               "out_of_hours": "out-of-hours route"}


def contact(kb: KnowledgeBase, entry: r.Contact, today: Optional[dt.date] = None) -> Answer:
    """One contact: its name, every phone, the hours and out-of-hours route, the name as published,
    the web address and how to refer, as held; what is not held is said, with the procedures; a
    small-print source line with the date it was checked (and a warning once that is long ago)."""
    procedures = kb.procedures_link.url
    parts = [title(entry.name)]
    if not entry.has_value:
        parts.append(bullet(f"Not held here. Find it in the LLR procedures: {procedures}"))
        parts.extend(bullet(f"{kb.contacts[other].name}: {kb.contacts[other].value}") for other in entry.see_also
                     if other in kb.contacts and kb.contacts[other].value)
        parts.append(source(f"Source: {kb.source_label(entry.source)} (ref: {entry.id})", [entry.id]))
        return Answer(tuple(parts), entry.id)
    where = entry.source_url or (kb.sources[entry.source.document].url if entry.source.document in kb.sources else "")
    if entry.last_checked and kb.contact_check_overdue(entry, today):
        parts.append(paragraph(f"This number was last checked on {day(entry.last_checked)}; check it on "
                               f"{where or kb.source_label(entry.source)} before you rely on it."))
    if entry.phones:
        parts.append(bullet(f"Phone{'s' if len(entry.phones) > 1 else ''}: {', '.join(entry.phones)}"))
    for label, value in (("Published as", entry.published_name), ("Hours", entry.hours),
                         ("Out of hours", entry.out_of_hours), ("Email", entry.email), ("Web", entry.url),
                         ("How to refer", entry.referral_route), ("Sources differ", entry.conflict)):
        if value:
            parts.append(bullet(f"{label}: {value}"))
    missing = [FIELD_NAMES[f] for f in EXPECTED.get(entry.service, EXPECTED_DEFAULT) if not getattr(entry, f)]
    if missing:
        parts.append(bullet(f"Not held here: {', '.join(missing)}. See the LLR procedures: {procedures}"))
    checked = f". Checked {day(entry.last_checked)}" if entry.last_checked else ""
    against = f" against {entry.checked_against}" if checked and entry.checked_against else ""
    parts.append(source(f"Source: {kb.source_label(entry.source)}{f', {where}' if where else ''}{checked}{against} "
                        f"(ref: {entry.id})", [entry.id]))
    return Answer(tuple(parts), entry.id)


def local_contact(kb: KnowledgeBase, area: str, service: str) -> Tuple[str, List[r.Contact]]:
    """One area's contact for the urgent guidance, on one line: its number, its hours, and the area's
    out-of-hours number when that is another one. ("", []) if the area has none with a number."""
    found = kb.contact_for(area, service)
    if not found or not found.value or found.area != area:
        return "", []
    text, used = f"{found.name}: {found.value}", [found]
    after_hours = kb.contact_for(area, "out_of_hours") if service == "front_door" else None
    if after_hours and (after_hours.area != area or not after_hours.phones):
        after_hours = None
    hours = found.hours or (after_hours.hours if after_hours and after_hours.phones[0] in found.phones else None)
    if hours:
        text += f" ({hours})"
    if after_hours and (after_hours.phones[0] not in found.phones or not found.hours and after_hours.hours):
        used.append(after_hours)
    if after_hours and after_hours.phones[0] not in found.phones:
        text += f"; out of hours: {after_hours.phones[0]}"
    return text, used


def urgent_guidance(kb: KnowledgeBase, brief: bool = False, area: Optional[str] = None,
                    today: Optional[dt.date] = None) -> Answer:
    """The emergency guidance. Its local step names the front door of the practitioner's area when it
    is known, else of all three areas, with where each number comes from in small print."""
    guidance = kb.urgent
    steps, used = _steps(kb, guidance.steps, brief, area)
    parts = [title(guidance.title)] + steps
    if not brief:
        parts.append(paragraph(kb.messages["disclaimer"]))
        parts.append(source_part(kb, [s.source for s in guidance.steps], [guidance.id], today=today))
    if used:
        parts.append(local_sources(kb, used))
    return Answer(tuple(parts), about=guidance.id)


def local_sources(kb: KnowledgeBase, used: List[r.Contact]) -> dict:
    """'Source: <page>, checked <date> (ref: ...)' for the local numbers in an answer, one line."""
    parts = []
    for label in dict.fromkeys(kb.source_label(c.source) for c in used):
        dates = [c.last_checked for c in used if kb.source_label(c.source) == label and c.last_checked]
        parts.append(f"{label}, checked {day(min(dates))}" if dates else label)
    ids = list(dict.fromkeys(c.id for c in used))
    return source(f"Source: local numbers from {'; '.join(parts)} (ref: {', '.join(ids)})", ids)


def child_guidance(kb: KnowledgeBase) -> Answer:
    guidance = kb.child_guidance
    steps, _ = _steps(kb, guidance.steps, brief=False)
    return Answer((title(guidance.title), *steps, source_part(kb, [s.source for s in guidance.steps], [guidance.id])),
                  guidance.id)


def _steps(kb: KnowledgeBase, steps, brief: bool, area: Optional[str] = None) -> Tuple[List[dict], List[r.Contact]]:
    """Numbered steps, each with its contact numbers and link; and the local contacts named. A step's
    local contacts (one per area) are narrowed to the practitioner's area when it is known."""
    lines, used = [], []
    for number, step in enumerate(steps, start=1):
        text = step.text.split(". ")[0].rstrip(".") + "." if brief else step.text
        extra = []
        ids = ((step.contact,) if step.contact else ()) + tuple(step.contacts)
        named = [kb.contacts[i] for i in ids if i in kb.contacts]
        local = [c for c in named if c.area in r.LOCAL_AREAS]
        for found in named:
            if found in local or not found.value or found.value in text:
                continue
            extra.append(f"{found.name}: {found.value}")
        if local:
            areas = [area] if area in r.LOCAL_AREAS else [a for a in r.LOCAL_AREAS if any(c.area == a for c in local)]
            for service in dict.fromkeys(c.service for c in local):
                for each in areas:
                    said, contacts = local_contact(kb, each, service)
                    if said:
                        extra.append(said)
                        used.extend(contacts)
        if step.link:
            extra.append(kb.links[step.link].url)
        lines.append(numbered(number, text + (f" ({'; '.join(extra)})" if extra else "")))
    return lines, used
