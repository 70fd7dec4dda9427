"""What Slack, Teams and the REST channel share about laying out an answer.

Actions send each answer as parts (kb/parts.py) in Rasa's `custom` payload, with a plain `text`
beside it. Rasa's own OutputChannel would send those as two messages (the text, then the custom
JSON); `AnswerOutput` sends one, laid out from the parts. Nothing here parses the text.
"""
from __future__ import annotations

import re
from typing import Any, Dict, List, Text, Tuple

from kb.parts import Answer, Part, parts_of

URL = re.compile(r"https?://[^\s<>\"]+")
BOLD = re.compile(r"\*([^*\n]+)\*")


class AnswerOutput:
    """Mixed into an output channel that defines `send_answer(recipient_id, text, parts, buttons)`."""

    async def send_answer(self, recipient_id: Text, text: Text, parts: List[Part],
                          buttons: List[Dict[Text, Any]]) -> None:
        raise NotImplementedError

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        parts, buttons = parts_of(message), list(message.get("buttons") or [])
        if parts or buttons:
            await self.send_answer(recipient_id, message.get("text") or "", parts, buttons)

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        await self.send_answer(recipient_id, text, list(Answer.plain(text).parts), [])

    async def send_text_with_buttons(self, recipient_id: Text, text: Text, buttons: List[Dict[Text, Any]],
                                     **kwargs: Any) -> None:
        await self.send_answer(recipient_id, text, list(Answer.plain(text).parts), buttons)


def details(part: Part) -> List[Tuple[str, str]]:
    """An item's detail lines as (label, text): ("Why", "...") or ("", "...")."""
    return [(d.get("label") or "", d.get("text") or "") for d in part.get("details") or () if isinstance(d, dict)]


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
