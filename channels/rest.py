"""Rasa's REST channel, with its input checked first: a malformed request gets a 400 that says what
is wrong, never a silent empty answer, and a failure never logs the practitioner's message.

credentials.yml:  channels.rest.RestChannel:   (webhook: /webhooks/rest/webhook)
"""
from __future__ import annotations

import json
import logging
import re
from typing import Any, Awaitable, Callable, Dict, Optional, Text, Tuple

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels import guard
from kb.failures import failure_message

logger = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = 5000
MAX_SENDER_CHARS = 200
MAX_TOKENS = 1000  # words and symbols; a 5,000-character message of prose has about 1,000
_REPEATED_SYMBOL = re.compile(r"([^\w\s])\1{3,}")
_TOKEN = re.compile(r"\w+|[^\w\s]")
USAGE = ('Send JSON like {"sender": "an-id", "message": "what must a referral include?"} '
         '(add "button": true for a button\'s payload, such as "/rate_helpful").')


def encodable(text: str) -> bool:
    """False for text that cannot be stored: lone surrogates ("\\ud800" in JSON)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def valid_sender(sender: Any) -> bool:
    """A short printable id: no NUL or other control characters, nothing a store cannot encode."""
    if not isinstance(sender, (str, int)) or isinstance(sender, bool):
        return False
    text = str(sender)
    return (bool(text.strip()) and len(text) <= MAX_SENDER_CHARS and encodable(text)
            and all(ch.isprintable() for ch in text))


def clean_message(text: str) -> str:
    """The message without NUL, lone surrogates or control characters (new lines and tabs stay),
    and bounded in work: a symbol repeated more than 3 times is kept 3 times, and only the first
    MAX_TOKENS words and symbols go on (5,000 emoji took seconds of NLU, slowing every answer)."""
    text = text.encode("utf-8", "ignore").decode("utf-8") if not encodable(text) else text
    text = "".join(ch for ch in text if ch.isprintable() or ch in "\n\t")
    text = _REPEATED_SYMBOL.sub(r"\1\1\1", text)
    for count, token in enumerate(_TOKEN.finditer(text), start=1):
        if count == MAX_TOKENS:
            return text[:token.end()]
    return text


def parse_body(raw: bytes) -> Tuple[Optional[dict], str, int]:
    """(body, error, status): the checked request body, or why it is refused."""
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None, f"The request body is not valid JSON. {USAGE}", 400
    if not isinstance(body, dict):
        return None, f"The request body must be a JSON object. {USAGE}", 400
    message, sender, button = body.get("message"), body.get("sender", "default"), body.get("button") is True
    if not isinstance(message, str):
        return None, f"'message' is missing or is not text. {USAGE}", 400
    if not valid_sender(sender):
        return None, (f"'sender' must be a short, non-empty id of printable characters "
                      f"(at most {MAX_SENDER_CHARS}). {USAGE}"), 400
    if len(message) > MAX_MESSAGE_CHARS:
        return None, f"The message is too long: at most {MAX_MESSAGE_CHARS} characters, please.", 413
    # Metadata is dropped: nothing here reads it, and Rasa would keep the first message's metadata,
    # identifiers and all, in the session_started_metadata slot.
    text = clean_message(message) if button else as_typed(clean_message(message))
    return {"sender": str(sender), "message": text, "metadata": None}, "", 200


def as_typed(text: str) -> str:
    """Typed text is text: "/restart" or "/intent{...}" would drive the dialogue, so the leading
    slashes go. Only a channel's own buttons send commands (REST: "button": true)."""
    stripped = text.lstrip()
    return stripped.lstrip("/").lstrip() if stripped.startswith("/") else text


class AnswerCollector(CollectingOutputChannel):
    """One reply per answer: its text, buttons and parts together (Rasa's collector would add the
    parts as a second, text-less reply)."""

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        text, buttons, custom = message.get("text"), message.get("buttons") or None, message.get("custom") or None
        if text or buttons or custom:
            await self._persist_message(self._message(recipient_id, text=text, buttons=buttons, custom=custom))


class RestChannel(RestInput):
    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("checked_rest_webhook", __name__)
        guard.install(webhook)
        limiter = guard.SenderLimiter()

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            body, error, status = parse_body(request.body or b"")
            if body is None:
                return response.json({"error": error}, status=status)
            collector = AnswerCollector()
            if not limiter.allow(body["sender"]):
                return response.json([{"recipient_id": body["sender"], "text": guard.TOO_FAST}], status=429)
            try:
                await on_new_message(UserMessage(body["message"], collector, body["sender"],
                                                 input_channel=self.name(), metadata=body["metadata"]))
            except Exception:  # noqa: BLE001 - answer the practitioner whatever went wrong
                logger.exception("Handling a REST message failed (message text not logged).")
                if not collector.messages:
                    collector.messages.append({"recipient_id": body["sender"], "text": failure_message("apology")})
            return response.json(collector.messages)

        return webhook
