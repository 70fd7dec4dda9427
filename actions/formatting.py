"""Turn knowledge records into short, plain replies that read well on a phone.

Markdown is kept to *bold* and numbered lists, which Slack, Teams and the web page all show.
"""
from __future__ import annotations

import datetime as dt
from typing import Iterable, List, Optional

from kb import KnowledgeBase
from kb import records as r

FINDING_HEADINGS = (
    ("worked_well", "What worked well"),
    ("to_improve", "What must improve"),
    ("suggestion", "Suggested"),
    ("context", "Also noted"),
    ("conclusion", "Conclusions"),
)


def source_line(kb: KnowledgeBase, refs: Iterable[r.SourceRef], ids: Iterable[str]) -> str:
    labels = list(dict.fromkeys(kb.source_label(ref) for ref in refs))
    ids = list(dict.fromkeys(ids))
    line = f"Source: {'; '.join(labels)}"
    return f"{line} (ref: {', '.join(ids)})" if ids else line


def link_text(link: r.Link) -> str:
    return f"{link.title}: {link.url}" if link.url else f"{link.title} ({link.note})"


def checklist(kb: KnowledgeBase, item_list: r.Checklist) -> str:
    lines = [f"*{item_list.title}*"]
    for number, item in enumerate(item_list.items, start=1):
        lines.append(f"{number}. {item.text}\n   Why: {item.why}")
    lines.append(source_line(kb, [item_list.source], [item_list.id]))
    return "\n".join(lines)


def findings(kb: KnowledgeBase, title: str, entries: List[r.Finding]) -> str:
    lines = [f"*{title}*"]
    for kind, heading in FINDING_HEADINGS:
        chosen = [f for f in entries if f.kind == kind]
        if chosen:
            lines.append(f"{heading}:")
            lines.extend(f"- {f.text}" for f in chosen)
    lines.append(source_line(kb, [f.source for f in entries], [f.id for f in entries]))
    return "\n".join(lines)


def definition(kb: KnowledgeBase, entry: r.Definition) -> str:
    body = f"'{entry.text}'" if entry.quote else entry.text
    lines = [f"*{entry.title}*", body]
    if entry.note:
        lines.append(entry.note)
    lines.extend(link_text(kb.links[l]) for l in entry.links if kb.links[l].url)
    refs = [entry.source]
    origin = ""
    if entry.quote and entry.quoted_from in kb.sources:
        origin = f"Quoted from {kb.sources[entry.quoted_from].title}. "
    return "\n".join(lines) + "\n" + origin + source_line(kb, refs, [entry.id])


def definition_part(kb: KnowledgeBase, entry: r.Definition, part: r.DefinitionPart) -> str:
    body = f"'{part.quote}'" if entry.quote else part.quote
    lines = [f"*{entry.title}*", kb.messages["definition_part"].format(title=part.title), body]
    origin = f"Quoted from {kb.sources[entry.quoted_from].title}. " if entry.quote and entry.quoted_from else ""
    ids = [entry.id]
    if part.see_also:
        lines.append(f"See also: {kb.definitions[part.see_also].title}.")
        ids.append(part.see_also)
    return "\n".join(lines) + "\n" + origin + source_line(kb, [entry.source], ids)


def term(kb: KnowledgeBase, entry: r.Term) -> str:
    heading = f"*{entry.term}*" + (f" stands for *{entry.expansion}*." if entry.expansion else "")
    lines = [heading, entry.text]
    if entry.public_source:
        lines.append(f"Not from the briefing: {entry.public_source.note}")
    lines.extend(link_text(kb.links[l]) for l in entry.links)
    return "\n".join(lines) + "\n" + source_line(kb, [entry.source], [entry.id])


def links(kb: KnowledgeBase, entries: List[r.Link]) -> str:
    lines = ["*Procedures and links*"]
    for link in entries:
        lines.append(f"- {link_text(link)}\n  {link.purpose}")
    lines.append(source_line(kb, [l.source for l in entries], [l.id for l in entries]))
    return "\n".join(lines)


def audit_facts(kb: KnowledgeBase, facts: List[r.AuditFact]) -> str:
    lines = ["*About the audit*"]
    lines.extend(f"- {fact.title}: {fact.text}" for fact in facts)
    lines.append(source_line(kb, [f.source for f in facts], [f.id for f in facts]))
    return "\n".join(lines)


def agencies(kb: KnowledgeBase, entries: List[r.Agency]) -> str:
    lines = ["*Agencies in the audit (cases audited, of 5)*"]
    lines.extend(f"- {a.name}: {a.cases_audited}. {a.detail}" for a in entries)
    lines.append(source_line(kb, [a.source for a in entries], [a.id for a in entries]))
    return "\n".join(lines)


def contact(kb: KnowledgeBase, entry: r.Contact, today: Optional[dt.date] = None) -> str:
    today = today or dt.date.today()
    if not entry.value:
        procedures = kb.links["link.llr_procedures"].url
        return f"- {entry.name}: not held here. Find it in the LLR procedures: {procedures}"
    line = f"- {entry.name}: {entry.value} (checked {entry.last_checked:%d %b %Y})"
    if entry.last_checked and (today - entry.last_checked).days > kb.max_age_days:
        line += " - this may be out of date; please check it"
    return line


def urgent_guidance(kb: KnowledgeBase, brief: bool = False) -> str:
    guidance = kb.urgent
    lines = [f"*{guidance.title}*"] + _steps(kb, guidance.steps, brief)
    if not brief:
        lines.append(kb.messages["disclaimer"])
        lines.append(source_line(kb, [s.source for s in guidance.steps], [guidance.id]))
    return "\n".join(lines)


def child_guidance(kb: KnowledgeBase) -> str:
    guidance = kb.child_guidance
    lines = [f"*{guidance.title}*"] + _steps(kb, guidance.steps, brief=False)
    lines.append(source_line(kb, [s.source for s in guidance.steps], [guidance.id]))
    return "\n".join(lines)


def _steps(kb: KnowledgeBase, steps, brief: bool) -> List[str]:
    """Numbered steps, each with its contact numbers and link."""
    lines = []
    for number, step in enumerate(steps, start=1):
        text = step.text.split(". ")[0].rstrip(".") + "." if brief else step.text
        extra = []
        for contact_id in ((step.contact,) if step.contact else ()) + tuple(step.contacts):
            found = kb.contact_value(contact_id)
            if found and found.value not in text:
                extra.append(f"{found.name}: {found.value}")
        if step.link:
            extra.append(kb.links[step.link].url)
        lines.append(f"{number}. {text}" + (f" ({'; '.join(extra)})" if extra else ""))
    return lines
