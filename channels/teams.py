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
conversation. Replies are posted with aiohttp to the activity's serviceUrl (checked against the token).
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
from channels.rest import MAX_MESSAGE_CHARS
from channels.teams_auth import AuthError, KeyCache, KeysUnavailable, TokenClient, TokenValidator

logger = logging.getLogger(__name__)

MENTION = re.compile(r"<at\b[^>]*>.*?</at>", re.IGNORECASE | re.DOTALL)
GREETING = "/greet"  # what a new personal chat starts with: the greeting carries the privacy reminder


def setting(credentials: Dict[Text, Any], key: str, variable: str, default: Any = None) -> Any:
    """A credentials value, else the environment variable, else the default."""
    return credentials.get(key) or os.environ.get(variable) or default


def message_text(activity: Dict[str, Any]) -> str:
    """What the practitioner typed (without @mentions of the bot), or the payload of a clicked button."""
    text = MENTION.sub(" ", activity.get("text") or "").strip()
    value = activity.get("value")
    if not text and isinstance(value, dict):
        text = value.get("payload") or value.get("text") or (value.get("msteams") or {}).get("text") or ""
    elif not text and isinstance(value, str):
        text = value
    return str(text).strip()[:MAX_MESSAGE_CHARS]


def conversation_id(activity: Dict[str, Any]) -> str:
    """One Rasa conversation per Teams conversation and person; Teams ids are long, so hashed."""
    user = (activity.get("from") or {}).get("id", "")
    conversation = (activity.get("conversation") or {}).get("id", "")
    return "teams-" + hashlib.sha256(f"{conversation}|{user}".encode()).hexdigest()[:40]


class TeamsOutput(OutputChannel):
    """Replies to one activity through its Bot Connector (serviceUrl)."""

    @classmethod
    def name(cls) -> Text:
        return "teams"

    def __init__(self, activity: Dict[str, Any], tokens: TokenClient) -> None:
        self.activity, self.tokens = activity, tokens

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        await self.post(teams_cards.activity(text))

    async def send_text_with_buttons(self, recipient_id: Text, text: Text, buttons: List[Dict[Text, Any]],
                                     **kwargs: Any) -> None:
        await self.post(teams_cards.activity(text, buttons))

    async def send_custom_json(self, recipient_id: Text, json_message: Dict[Text, Any], **kwargs: Any) -> None:
        await self.post({"type": "message", **json_message})

    def reply_url(self) -> str:
        base = self.activity["serviceUrl"].rstrip("/")
        conversation = quote(self.activity["conversation"]["id"], safe="")
        url = f"{base}/v3/conversations/{conversation}/activities"
        reply_to = self.activity.get("id")  # reply to the message: in a channel, in its thread
        return f"{url}/{quote(reply_to, safe='')}" if reply_to else url

    async def post(self, message: Dict[str, Any]) -> None:
        reply = {**message, "from": self.activity.get("recipient"), "recipient": self.activity.get("from"),
                 "conversation": self.activity.get("conversation"), "replyToId": self.activity.get("id")}
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
            except ValueError:
                activity = None
            if not isinstance(activity, dict):
                return response.text("The body is not a Bot Framework activity.", status=HTTPStatus.BAD_REQUEST)
            try:
                await self.validator.validate(authorization, activity.get("serviceUrl"))
            except AuthError as error:
                logger.warning("Refused a Teams request: %s.", error)
                return response.text("Unauthorized.", status=HTTPStatus.UNAUTHORIZED)
            except KeysUnavailable as error:
                logger.error("%s", error)
                return response.text("Cannot check the token just now.", status=HTTPStatus.SERVICE_UNAVAILABLE)
            text = self.incoming_text(activity)
            if text:
                self._answer(on_new_message, activity, text)
            return response.text("")

        return webhook

    def incoming_text(self, activity: Dict[str, Any]) -> str:
        """The message to hand to Rasa, or "" for activities that need no answer."""
        if activity.get("type") == "message":
            return message_text(activity)
        added = [m.get("id") for m in activity.get("membersAdded") or []]
        bot = (activity.get("recipient") or {}).get("id")
        personal = (activity.get("conversation") or {}).get("conversationType") in (None, "personal")
        if activity.get("type") == "conversationUpdate" and bot in added and personal:
            return GREETING
        return ""

    def _answer(self, on_new_message: Callable, activity: Dict[str, Any], text: str) -> None:
        message = UserMessage(text, TeamsOutput(activity, self.tokens), conversation_id(activity),
                              input_channel=self.name(),
                              metadata={"teams": {"conversation_type": (activity.get("conversation") or {})
                                                  .get("conversationType")}})
        task = asyncio.ensure_future(self._handle(on_new_message, message))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    @staticmethod
    async def _handle(on_new_message: Callable, message: UserMessage) -> None:
        try:
            await on_new_message(message)
        except Exception:  # noqa: BLE001 - a failed answer must not kill the server
            logger.exception("Answering a Teams message failed (message text not logged).")
