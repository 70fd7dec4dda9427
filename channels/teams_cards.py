"""Answers for Microsoft Teams: an Adaptive Card (numbered items with a hanging indent, the source in
small print, buttons), or a plain markdown message for a one-line answer without buttons.

Buttons are Action.Submit with a `messageBack`: Teams shows the practitioner the button's title and
sends us its payload as the message text (and in `value`, which channels/teams.py also reads).
"""
from __future__ import annotations

from typing import Any, Dict, List, Sequence

from channels.answer import BOLD, URL, details, plain, trim_url
from kb.parts import Part

CARD = "application/vnd.microsoft.card.adaptive"
CARD_VERSION = "1.2"  # shown by Teams on desktop, web and mobile


def markdown(text: str) -> str:
    """Teams markdown: **bold**, and every URL as a link."""
    text = BOLD.sub(r"**\1**", text)
    out, position = [], 0
    for match in URL.finditer(text):
        url, trailing = trim_url(match.group(0))
        out.append(text[position:match.start()] + f"[{url}]({url}){trailing}")
        position = match.end()
    return "".join(out) + text[position:]


def _text(text: str, **style: Any) -> Dict[str, Any]:
    return {"type": "TextBlock", "text": markdown(text), "wrap": True, **style}


def _item(part: Part) -> Dict[str, Any]:
    marker = f"{part['number']}." if part["kind"] == "numbered" else "•"
    lines = [_text(f"*{label}:* {text}" if label else text, isSubtle=True, spacing="None")
             for label, text in details(part)]
    return {"type": "ColumnSet", "spacing": "Small", "columns": [
        {"type": "Column", "width": "auto", "items": [_text(marker, weight="Bolder")]},
        {"type": "Column", "width": "stretch", "items": [_text(part["text"])] + lines}]}


def _body(parts: List[Part]) -> List[Dict[str, Any]]:
    body = []
    for part in parts:
        if part["kind"] in ("numbered", "bullet"):
            body.append(_item(part))
        elif part["kind"] == "source":
            body.append(_text(part["text"], isSubtle=True, size="Small", spacing="Medium"))
        elif part["kind"] == "title":
            body.append(_text(part["text"], size="Medium"))
        else:
            body.append(_text(part["text"]))
    return body


def submit(button: Dict[str, Any]) -> Dict[str, Any]:
    title, payload = str(button.get("title", "")), str(button.get("payload", ""))
    return {"type": "Action.Submit", "title": title,
            "data": {"msteams": {"type": "messageBack", "displayText": title, "text": payload},
                     "payload": payload}}


def card(text: str, parts: List[Part], buttons: Sequence[Dict[str, Any]] = ()) -> Dict[str, Any]:
    content = {"type": "AdaptiveCard", "version": CARD_VERSION,
               "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
               "fallbackText": plain(text), "body": _body(parts),
               "actions": [submit(b) for b in buttons]}
    return {"contentType": CARD, "content": content}


def activity(text: str, parts: List[Part], buttons: Sequence[Dict[str, Any]] = ()) -> Dict[str, Any]:
    """The message part of a reply activity: a card, or plain markdown for a one-part answer
    without buttons."""
    if not buttons and len(parts) <= 1:
        return {"type": "message", "text": markdown(text), "textFormat": "markdown"}
    summary = plain(parts[0]["text"])[:200] if parts else ""
    return {"type": "message", "summary": summary, "attachments": [card(text, parts, buttons)]}
