"""Microsoft Teams (Bot Framework), single- or multi-tenant, replacing Rasa's botframework channel.

credentials (channels/credentials.py writes them when MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD are set):

    channels.teams.TeamsChannel:
      app_id: ${MICROSOFT_APP_ID}
      app_password: ${MICROSOFT_APP_PASSWORD}
      # optional; each else from the environment variable named, else Microsoft's default:
      # tenant_id (MICROSOFT_APP_TENANT_ID; unset = multi-tenant), openid_metadata_url
      # (BOTFRAMEWORK_OPENID_METADATA_URL, one or more, space-separated), token_url (BOTFRAMEWORK_TOKEN_URL),
      # key_refresh_seconds (least time between two fetches of the signing keys, default 60)

Webhook: POST /webhooks/teams/webhook. Nothing is fetched from Microsoft at start-up: the signing keys
are fetched with the first activity. An activity whose token fails any check gets 401 and no answer.
Each Teams conversation (a personal chat, a group chat, or a channel thread) and person is one Rasa
conversation; each message carries a keyed hash of the person's id (metadata `user_key`), by which
the action server remembers their area across chats. Replies are posted with aiohttp to the activity's serviceUrl (checked against the token).
"""
from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import os
import re
from http import HTTPStatus
from typing import Any, Awaitable, Callable, Dict, List, Optional, Set, Text
from urllib.parse import quote

import aiohttp
import yarl
from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels import teams_auth, teams_cards
from channels import guard
from channels.answer import AnswerOutput
from channels.identity import user_key  # a keyed hash of the person's id, for the area memory
from channels.rest import MAX_MESSAGE_CHARS, as_typed, clean_message, encodable, valid_sender
from channels.teams_auth import AuthError, KeyCache, KeysUnavailable, TokenClient, TokenValidator
from kb.parts import Part

logger = logging.getLogger(__name__)

MENTION = re.compile(r"<at\b[^>]*>.*?</at>", re.IGNORECASE | re.DOTALL)
GREETING = "/greet"  # what a new personal chat starts with: the greeting carries the privacy reminder
MAX_CONVERSATION_ID_CHARS = 1000  # Teams conversation ids run to a few hundred characters


class Malformed(ValueError):
    """An activity that is not what the Bot Framework sends (answer 400)."""


def _refuse(error: str) -> HTTPResponse:
    return response.json({"error": error}, status=HTTPStatus.BAD_REQUEST)


def _text(found: Dict[str, Any], key: str, where: str) -> Optional[str]:
    value = found.get(key)
    if value is not None and not isinstance(value, str):
        raise Malformed(f"'{where}{key}' is not text.")
    return value


def _object(found: Dict[str, Any], key: str) -> Dict[str, Any]:
    value = found.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise Malformed(f"'{key}' is not an object.")
    return value


def printable_id(value: Any, limit: int) -> bool:
    """Non-empty printable text, without NUL or control characters, encodable, at most `limit` long."""
    return (isinstance(value, str) and bool(value.strip()) and len(value) <= limit and encodable(value)
            and value.isprintable())


def check_activity(activity: Dict[str, Any]) -> None:
    """Malformed unless every field read here has the type the Bot Framework gives it."""
    for key in ("type", "id", "channelId", "text"):
        _text(activity, key, "")
    if activity.get("id") and not valid_sender(activity["id"]):
        raise Malformed("'id' is not a short id of printable characters.")
    for key in ("from", "recipient", "conversation"):
        _text(_object(activity, key), "id", f"{key}.")
    _text(_object(activity, "conversation"), "conversationType", "conversation.")
    members = activity.get("membersAdded")
    if members is not None and (not isinstance(members, list) or not all(isinstance(m, dict) for m in members)):
        raise Malformed("'membersAdded' is not a list of objects.")
    for member in members or []:
        _text(member, "id", "membersAdded[].")


def check_sender(activity: Dict[str, Any]) -> None:
    """Malformed unless the person's and the conversation's ids can be kept by any store."""
    if not valid_sender(_object(activity, "from").get("id")):
        raise Malformed("'from.id' is missing or is not a short id of printable characters.")
    if not printable_id(_object(activity, "conversation").get("id"), MAX_CONVERSATION_ID_CHARS):
        raise Malformed("'conversation.id' is missing or is not an id of printable characters.")


def setting(credentials: Dict[Text, Any], key: str, variable: str, default: Any = None) -> Any:
    """A credentials value, else the environment variable, else the default."""
    return credentials.get(key) or os.environ.get(variable) or default


def message_text(activity: Dict[str, Any]) -> str:
    """What the practitioner typed (without @mentions of the bot), or the payload of a clicked button;
    without NUL, lone surrogates or control characters. Malformed if a field read is not text."""
    typed = MENTION.sub(" ", clean_message(_text(activity, "text", "") or "")).strip()
    value = activity.get("value")
    clicked = ""
    if isinstance(value, dict):  # a button of ours: its payload may be a command ("/rate_helpful")
        msteams = _object(value, "msteams")
        clicked = value.get("payload") or (value.get("text") or msteams.get("text") if not typed else "") or ""
        if not isinstance(clicked, str):
            raise Malformed("The button's payload is not text.")
    elif not typed and isinstance(value, str):
        clicked = value
    text = clicked or as_typed(typed)  # typed text is text, "/restart" included
    return clean_message(text).strip()[:MAX_MESSAGE_CHARS]


def conversation_id(activity: Dict[str, Any]) -> str:
    """One Rasa conversation per Teams conversation and person; Teams ids are long, so hashed."""
    user = (activity.get("from") or {}).get("id", "")
    conversation = (activity.get("conversation") or {}).get("id", "")
    key = f"{conversation}|{user}".encode("utf-8", "surrogatepass")  # ids are checked before; never raise here
    return "teams-" + hashlib.sha256(key).hexdigest()[:40]


def _scalars(found: Any) -> Optional[Dict[str, Any]]:
    """An account or conversation object for a reply: its plain fields only."""
    if not isinstance(found, dict):
        return None
    return {k: v for k, v in found.items() if isinstance(v, (str, int, float, bool)) or v is None}


class TeamsOutput(AnswerOutput, OutputChannel):
    """Replies to one activity through its Bot Connector (serviceUrl)."""

    @classmethod
    def name(cls) -> Text:
        return "teams"

    def __init__(self, activity: Dict[str, Any], tokens: TokenClient) -> None:
        self.activity, self.tokens = activity, tokens

    async def send_answer(self, recipient_id: Text, text: Text, parts: List[Part],
                          buttons: List[Dict[Text, Any]]) -> None:
        await self.post(teams_cards.activity(text, parts, buttons))

    def reply_url(self) -> str:
        base = self.activity["serviceUrl"].rstrip("/")
        conversation = quote(self.activity["conversation"]["id"], safe="")
        url = f"{base}/v3/conversations/{conversation}/activities"
        reply_to = self.activity.get("id")  # reply to the message: in a channel, in its thread
        return f"{url}/{quote(reply_to, safe='')}" if reply_to else url

    async def post(self, message: Dict[str, Any]) -> None:
        reply = {**message, "from": _scalars(self.activity.get("recipient")),
                 "recipient": _scalars(self.activity.get("from")),
                 "conversation": _scalars(self.activity.get("conversation")), "replyToId": self.activity.get("id")}
        url = yarl.URL(self.reply_url(), encoded=True)  # keep %3A, %3B...: Teams ids hold ':', ';', '='
        async with aiohttp.ClientSession(timeout=teams_auth.TIMEOUT) as session:
            token = await self.tokens.token(session)
            async with session.post(url, json=reply, headers={"Authorization": f"Bearer {token}"}) as sent:
                if sent.status >= 300:
                    logger.error("The Bot Connector refused a reply: HTTP %s.", sent.status)


class TeamsChannel(InputChannel):
    @classmethod
    def name(cls) -> Text:
        return "teams"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "TeamsChannel":
        credentials = credentials or {}
        tenant = setting(credentials, "tenant_id", "MICROSOFT_APP_TENANT_ID")
        metadata = setting(credentials, "openid_metadata_url", "BOTFRAMEWORK_OPENID_METADATA_URL")
        return cls(app_id=setting(credentials, "app_id", "MICROSOFT_APP_ID"),
                   app_password=setting(credentials, "app_password", "MICROSOFT_APP_PASSWORD"),
                   tenant_id=tenant,
                   metadata_urls=metadata.replace(",", " ").split() if metadata else teams_auth.metadata_urls(tenant),
                   token_url=setting(credentials, "token_url", "BOTFRAMEWORK_TOKEN_URL", teams_auth.token_url(tenant)),
                   key_refresh_seconds=float(credentials.get("key_refresh_seconds", 60)))

    def __init__(self, app_id: str, app_password: str, tenant_id: Optional[str], metadata_urls: List[str],
                 token_url: str, key_refresh_seconds: float = 60) -> None:
        if not app_id or not app_password:
            raise ValueError("Teams needs app_id and app_password (MICROSOFT_APP_ID, MICROSOFT_APP_PASSWORD).")
        self.app_id = app_id
        self.validator = TokenValidator(app_id, tenant_id, KeyCache(metadata_urls, min_refresh=key_refresh_seconds))
        self.tokens = TokenClient(app_id, app_password, token_url)
        self._tasks: Set[asyncio.Task] = set()
        self.limiter = guard.SenderLimiter()  # per conversation, as on REST

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("teams_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            authorization = request.headers.get("Authorization")
            if not authorization:
                return response.text("No Authorization header.", status=HTTPStatus.UNAUTHORIZED)
            try:
                activity = json.loads(request.body or b"")
            except (ValueError, RecursionError):  # also JSON nested too deeply
                activity = None
            if not isinstance(activity, dict):
                return _refuse("The body is not a Bot Framework activity.")
            service_url, channel_id = activity.get("serviceUrl"), activity.get("channelId")
            if not isinstance(service_url, str) or not service_url:
                return _refuse("'serviceUrl' is missing or is not text.")
            try:
                await self.validator.validate(authorization, service_url,
                                              channel_id if isinstance(channel_id, str) else None)
            except AuthError as error:
                logger.warning("Refused a Teams request: %s.", error)
                return response.text("Unauthorized.", status=HTTPStatus.UNAUTHORIZED)
            except KeysUnavailable as error:
                logger.error("%s", error)
                return response.text("Cannot check the token just now.", status=HTTPStatus.SERVICE_UNAVAILABLE)
            try:
                check_activity(activity)
                text = self.incoming_text(activity)
                if text:
                    check_sender(activity)
                    self._answer(on_new_message, activity, text)
            except Malformed as error:
                logger.warning("Refused a Teams activity: %s", error)
                return _refuse(str(error))
            except Exception:  # noqa: BLE001 - a shape not foreseen above: still no 500, no stack trace out
                logger.exception("Could not read a Teams activity (body not logged).")
                return _refuse("The activity is not what the Bot Framework sends.")
            return response.text("")

        return webhook

    def incoming_text(self, activity: Dict[str, Any]) -> str:
        """The message to hand to Rasa, or "" for activities that need no answer."""
        if activity.get("type") == "message":
            return message_text(activity)
        added = [m.get("id") for m in activity.get("membersAdded") or []]
        bot = _object(activity, "recipient").get("id")
        personal = _object(activity, "conversation").get("conversationType") in (None, "personal")
        if activity.get("type") == "conversationUpdate" and bot in added and personal:
            return GREETING
        return ""

    def _answer(self, on_new_message: Callable, activity: Dict[str, Any], text: str) -> None:
        output, sender = TeamsOutput(activity, self.tokens), conversation_id(activity)
        if not self.limiter.allow(sender):
            work = output.send_text_message(sender, guard.TOO_FAST)
        else:
            work = self._handle(on_new_message, UserMessage(
                text, output, sender, input_channel=self.name(),
                metadata={"teams": {"conversation_type": (activity.get("conversation") or {}).get("conversationType")},
                          **user_key("teams", (activity.get("from") or {}).get("id"))}))
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    @staticmethod
    async def _handle(on_new_message: Callable, message: UserMessage) -> None:
        try:
            await on_new_message(message)
        except Exception:  # noqa: BLE001 - a failed answer must not kill the server
            logger.exception("Answering a Teams message failed (message text not logged).")
