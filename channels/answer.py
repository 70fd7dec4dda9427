"""Read an answer's plain text into parts that Slack, Teams (and the web page's script) can lay out.

Answers use a small, fixed format (actions/formatting.py): *bold*, numbered items "1. ..." with
indented detail lines ("   Why: ..."), bullets "- ...", and a last "Source: ... (ref: id)" line.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import List, Optional, Tuple

NUMBERED = re.compile(r"^(\d{1,3})[.)]\s+(.*)$")
BULLET = re.compile(r"^[-•]\s+(.*)$")
URL = re.compile(r"https?://[^\s<>\"]+")
BOLD = re.compile(r"\*([^*\n]+)\*")
LABEL = re.compile(r"^([A-Z][\w ]{0,24}):\s")  # "Why: ..." -> the label "Why"


@dataclass
class Part:
    kind: str  # "paragraph", "numbered", "bullet" or "source"
    text: str
    number: int = 0
    details: List[str] = field(default_factory=list)  # indented lines under an item


def parse(text: str) -> List[Part]:
    parts: List[Part] = []
    for raw in (text or "").replace("\r\n", "\n").split("\n"):
        line = raw.strip()
        if not line:
            continue
        last: Optional[Part] = parts[-1] if parts else None
        if raw[:1].isspace() and last is not None and last.kind in ("numbered", "bullet"):
            last.details.append(line)
        elif NUMBERED.match(line):
            number, rest = NUMBERED.match(line).groups()
            parts.append(Part("numbered", rest, number=int(number)))
        elif BULLET.match(line):
            parts.append(Part("bullet", BULLET.match(line).group(1)))
        elif line.startswith("Source:"):
            parts.append(Part("source", line))
        else:
            parts.append(Part("paragraph", line))
    return parts


def split_label(line: str) -> Tuple[str, str]:
    """("Why", "the rest") for "Why: the rest"; ("", line) when the line has no label."""
    match = LABEL.match(line)
    return (match.group(1), line[match.end():]) if match else ("", line)


def trim_url(url: str) -> Tuple[str, str]:
    """A URL found in prose, without the punctuation that closes the sentence: (url, trailing)."""
    trailing = ""
    while url and url[-1] in ".,;:!?)'":
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break
        url, trailing = url[:-1], url[-1] + trailing
    return url, trailing


def plain(text: str) -> str:
    """The text without *bold* marks (for notifications and screen readers)."""
    return BOLD.sub(r"\1", text or "")
