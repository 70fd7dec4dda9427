"""An answer as parts: what the actions send, and what every channel and the evaluation read.

An action sends each answer twice over in one message: `text`, a plain rendering for `rasa shell`
and plain REST clients, and Rasa's `custom` payload {"answer": {"parts": [...], "ids": [...]}}.
Slack, Teams, the web chat and the evaluation read the parts; none of them parses the text.

A part is a small JSON object:
    {"kind": "title", "text": "*What a referral must include*"}
    {"kind": "paragraph", "text": "..."}
    {"kind": "heading", "text": "What worked well:"}            (over the bullets that follow)
    {"kind": "numbered", "number": 1, "text": "...", "details": [{"label": "Why", "text": "..."}]}
    {"kind": "bullet", "text": "...", "details": [{"label": "", "text": "..."}]}
    {"kind": "source", "text": "Source: ... (ref: checklist.referral)", "ids": ["checklist.referral"]}
Text may hold *bold* spans and URLs, nothing else; channels make links of the URLs.
`ids` lists the knowledge entries an answer cites (what it presents, then its source parts), once each
and in order; `about` is the entry the message presents, or "" (a standing message, a list).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Optional, Tuple

Part = Dict[str, Any]
PAYLOAD_KEY = "answer"
KINDS = ("title", "paragraph", "heading", "numbered", "bullet", "source")
INDENT = {"numbered": "   ", "bullet": "  "}  # how a detail line sits under its item in the text


def title(text: str, bold: bool = True) -> Part:
    return {"kind": "title", "text": f"*{text}*" if bold else text}


def paragraph(text: str) -> Part:
    return {"kind": "paragraph", "text": text}


def heading(text: str) -> Part:
    return {"kind": "heading", "text": text}


def detail(text: str, label: str = "") -> Dict[str, str]:
    return {"label": label, "text": text}


def numbered(number: int, text: str, *details: Dict[str, str]) -> Part:
    return {"kind": "numbered", "number": number, "text": text, "details": list(details)}


def bullet(text: str, *details: Dict[str, str]) -> Part:
    return {"kind": "bullet", "text": text, "details": list(details)}


def source(text: str, ids: Iterable[str] = ()) -> Part:
    return {"kind": "source", "text": text, "ids": list(dict.fromkeys(ids))}


def detail_text(found: Dict[str, str]) -> str:
    return f"{found['label']}: {found['text']}" if found.get("label") else found.get("text", "")


def part_text(part: Part) -> str:
    """One part as the lines of the plain rendering."""
    kind = part["kind"]
    if kind == "numbered":
        head = f"{part['number']}. {part['text']}"
    elif kind == "bullet":
        head = f"- {part['text']}"
    else:
        return part["text"]
    return "\n".join([head] + [INDENT[kind] + detail_text(d) for d in part.get("details") or ()])


@dataclass(frozen=True)
class Answer:
    """One message's parts, and the entry it presents when it presents one (`about`: the emergency
    guidance, a checklist, a definition...). Immutable: `+` and `with_parts` return a new answer."""

    parts: Tuple[Part, ...] = ()
    about: str = ""

    @classmethod
    def of(cls, *parts: Part) -> "Answer":
        return cls(tuple(parts))

    @classmethod
    def plain(cls, text: str) -> "Answer":
        """A standing message: one paragraph per line."""
        return cls(tuple(paragraph(line) for line in (text or "").split("\n") if line.strip()))

    def __add__(self, other: "Answer") -> "Answer":
        return Answer(self.parts + other.parts, self.about or other.about)

    def with_parts(self, *parts: Part) -> "Answer":
        return Answer(self.parts + tuple(parts), self.about)

    def with_lines(self, *lines: str) -> "Answer":
        return self.with_parts(*(paragraph(line) for line in lines))

    @property
    def text(self) -> str:
        return "\n".join(part_text(p) for p in self.parts)

    @property
    def ids(self) -> List[str]:
        sourced = (i for p in self.parts if p["kind"] == "source" for i in p.get("ids") or ())
        return list(dict.fromkeys([self.about, *sourced] if self.about else sourced))

    def payload(self) -> Dict[str, Any]:
        return {PAYLOAD_KEY: {"parts": [dict(p) for p in self.parts], "ids": self.ids, "about": self.about}}


def as_answer(reply: Any) -> Answer:
    return reply if isinstance(reply, Answer) else Answer.plain(str(reply or ""))


# -- reading a message (what channels and the evaluation do) ---------------------------------------
def sent_answer(message: Dict[str, Any]) -> Optional[Dict[str, Any]]:
    """The answer payload of a sent message (REST reply, dispatcher message), or None."""
    custom = message.get("custom") if isinstance(message, dict) else None
    found = custom.get(PAYLOAD_KEY) if isinstance(custom, dict) else None
    return found if isinstance(found, dict) and isinstance(found.get("parts"), list) else None


def parts_of(message: Dict[str, Any]) -> List[Part]:
    """A message's parts; a message sent as text only (Rasa's own, a channel's notice) is paragraphs."""
    found = sent_answer(message)
    if found is not None:
        return [p for p in found["parts"] if isinstance(p, dict) and p.get("kind") in KINDS]
    return list(Answer.plain(str(message.get("text") or "")).parts)


def about(message: Dict[str, Any]) -> str:
    """The entry a sent message presents ("" when none): a message or a stored bot event's `data`."""
    return str((sent_answer(message) or {}).get("about") or "")


def ids_of(messages: Iterable[Dict[str, Any]]) -> List[str]:
    """The knowledge ids that some messages cite, once each, in order."""
    return list(dict.fromkeys(i for m in messages for i in ((sent_answer(m) or {}).get("ids") or ())))
