"""Answers as Slack Block Kit: a section per numbered item, bullets together, the source in small
print, links as mrkdwn links, and buttons whose values are the payloads Rasa expects back."""
from __future__ import annotations

from typing import Any, Dict, List

from channels.answer import URL, details, trim_url
from kb.parts import Part

MAX_BLOCKS = 50          # Slack's limit per message
MAX_SECTION_CHARS = 3000  # Slack's limit per section text
MAX_BUTTONS = 25          # elements in one actions block
MAX_BUTTON_TITLE = 75
MAX_BUTTON_VALUE = 2000


def escape(text: str) -> str:
    """Slack's three control characters (https://api.slack.com/reference/surfaces/formatting)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def mrkdwn(text: str) -> str:
    """Escaped text with every URL as a <url|url> link (*bold* is already Slack's own syntax)."""
    out, position = [], 0
    for match in URL.finditer(text):
        url, trailing = trim_url(match.group(0))
        out.append(escape(text[position:match.start()]))
        out.append(f"<{escape(url)}|{escape(url)}>{escape(trailing)}")
        position = match.end()
    out.append(escape(text[position:]))
    return "".join(out)


def _item(part: Part) -> str:
    head = f"*{part['number']}.* {mrkdwn(part['text'])}" if part["kind"] == "numbered" else f"• {mrkdwn(part['text'])}"
    lines = [f"_{label}:_ {mrkdwn(text)}" if label else mrkdwn(text) for label, text in details(part)]
    return "\n".join([head] + [f"      {line}" for line in lines])


def _section(text: str) -> Dict[str, Any]:
    if len(text) > MAX_SECTION_CHARS:
        text = text[:MAX_SECTION_CHARS - 1] + "…"
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def text_blocks(text: str, parts: List[Part]) -> List[Dict[str, Any]]:
    """Blocks for one answer: numbered items one section each, consecutive bullets in one section."""
    blocks: List[Dict[str, Any]] = []
    bullets: List[str] = []

    def flush_bullets() -> None:
        if bullets:
            blocks.append(_section("\n".join(bullets)))
            bullets.clear()

    for part in parts:
        if part["kind"] == "bullet":
            bullets.append(_item(part))
            continue
        flush_bullets()
        if part["kind"] == "numbered":
            blocks.append(_section(_item(part)))
        elif part["kind"] == "source":
            blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": mrkdwn(part["text"])[:2000]}]})
        else:
            blocks.append(_section(mrkdwn(part["text"])))
    flush_bullets()
    if len(blocks) > MAX_BLOCKS - 1:  # keep room for the buttons
        blocks = [_section(mrkdwn(text))]
    return blocks


def button_block(buttons: List[Dict[str, Any]]) -> Dict[str, Any]:
    return {"type": "actions", "block_id": "answer_buttons", "elements": [
        {"type": "button", "action_id": f"answer_button_{i}",
         "text": {"type": "plain_text", "text": str(b.get("title", ""))[:MAX_BUTTON_TITLE] or "…", "emoji": True},
         "value": str(b.get("payload", ""))[:MAX_BUTTON_VALUE]}
        for i, b in enumerate(buttons[:MAX_BUTTONS])]}


def message(text: str, parts: List[Part], buttons: List[Dict[str, Any]] = ()) -> Dict[str, Any]:
    """chat.postMessage arguments: blocks from the answer's parts, and `text` as the notification
    fallback."""
    blocks = text_blocks(text, parts)
    if buttons:
        blocks.append(button_block(list(buttons)))
    return {"text": (text or " ")[:3000], "blocks": blocks}
