"""Slack: Rasa's Slack channel, made to answer in threads, once, in Block Kit, through a settable API URL.

credentials (channels/credentials.py writes them when SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET are set):

    channels.slack.SlackChannel:
      slack_token: ${SLACK_BOT_TOKEN}
      slack_signing_secret: ${SLACK_SIGNING_SECRET}
      # slack_api_url: optional; else $SLACK_API_URL, else https://slack.com/api/

Webhook: POST /webhooks/slack/webhook (events and interactivity). Each thread is one conversation and
every answer goes to the thread of the question. Each Slack event is handled once: retries and the
second copy of a message (a `message` and an `app_mention` event for the same post) are acknowledged
and dropped.
"""
from __future__ import annotations

import asyncio
import json
import logging
import os
import time
from collections import OrderedDict
from http import HTTPStatus
from typing import Any, Awaitable, Callable, Dict, List, Optional, Set, Text

from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.slack import SlackBot, SlackInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from slack_sdk.web.async_client import AsyncWebClient

from channels import slack_blocks
from channels.rest import MAX_MESSAGE_CHARS

logger = logging.getLogger(__name__)

DEFAULT_API_URL = "https://slack.com/api/"
SEEN_FOR_SECONDS = 3600  # Slack retries over a few minutes; keep ids well beyond that


def api_url(configured: Optional[str] = None) -> str:
    url = configured or os.environ.get("SLACK_API_URL") or DEFAULT_API_URL
    return url if url.endswith("/") else url + "/"


class RecentIds:
    """Ids seen in the last `ttl` seconds (in this process)."""

    def __init__(self, ttl: float = SEEN_FOR_SECONDS, limit: int = 100_000) -> None:
        self.ttl, self.limit = ttl, limit
        self._seen: "OrderedDict[str, float]" = OrderedDict()

    def first_time(self, *ids: Optional[str]) -> bool:
        """True, and remember them, unless one of the (non-empty) ids was seen already."""
        now = time.monotonic()
        while self._seen and (next(iter(self._seen.values())) < now - self.ttl or len(self._seen) > self.limit):
            self._seen.popitem(last=False)
        ids = tuple(i for i in ids if i)
        if any(i in self._seen for i in ids):
            return False
        for i in ids:
            self._seen[i] = now
        return True


class SlackOutput(SlackBot):
    """Posts to one channel and thread, as Block Kit, through the configured Web API URL."""

    def __init__(self, token: Text, channel: Optional[Text], thread_id: Optional[Text],
                 proxy: Optional[Text] = None, base_url: Optional[Text] = None) -> None:
        super().__init__(token, channel, thread_id, proxy)
        self.client = AsyncWebClient(token=token, base_url=api_url(base_url), proxy=proxy)

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        await self._post_message(self.slack_channel or recipient_id, **slack_blocks.message(text))

    async def send_text_with_buttons(self, recipient_id: Text, text: Text, buttons: List[Dict[Text, Any]],
                                     **kwargs: Any) -> None:
        await self._post_message(self.slack_channel or recipient_id, **slack_blocks.message(text, buttons))


class SlackChannel(SlackInput):
    """Rasa's SlackInput with thread conversations, de-duplicated events and our Block Kit output."""

    @classmethod
    def name(cls) -> Text:
        return "slack"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "SlackChannel":
        if not credentials:
            cls.raise_missing_credentials_exception()
        return cls(credentials.get("slack_token"), credentials.get("slack_signing_secret", ""),
                   slack_api_url=credentials.get("slack_api_url"), slack_channel=credentials.get("slack_channel"),
                   proxy=credentials.get("proxy"))

    def __init__(self, slack_token: Text, slack_signing_secret: Text, slack_api_url: Optional[Text] = None,
                 slack_channel: Optional[Text] = None, proxy: Optional[Text] = None) -> None:
        super().__init__(slack_token, slack_channel, proxy, use_threads=True,
                         slack_signing_secret=slack_signing_secret, conversation_granularity="thread")
        self.api_url = api_url(slack_api_url)
        self.recent = RecentIds()
        self._tasks: Set[asyncio.Task] = set()

    def get_output_channel(self, channel: Optional[Text] = None, thread_id: Optional[Text] = None) -> OutputChannel:
        return SlackOutput(self.slack_token, channel or self.slack_channel, thread_id, self.proxy, self.api_url)

    # --- the webhook ---------------------------------------------------------------------------
    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("slack_threads_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not self.is_request_from_slack_authentic(request):
                return response.text("The request is not signed by Slack (X-Slack-Signature, "
                                     "X-Slack-Request-Timestamp).", status=HTTPStatus.UNAUTHORIZED)
            content_type = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
            if content_type == "application/json":
                return self._on_event(request, on_new_message)
            if content_type == "application/x-www-form-urlencoded":
                return self._on_interaction(request, on_new_message)
            return response.text("Unsupported content type.", status=HTTPStatus.UNSUPPORTED_MEDIA_TYPE)

        return webhook

    def _on_event(self, request: Request, on_new_message: Callable) -> HTTPResponse:
        try:
            envelope = json.loads(request.body)
        except ValueError:
            return response.text("The body is not JSON.", status=HTTPStatus.BAD_REQUEST)
        if not isinstance(envelope, dict):
            return response.text("The body is not a Slack event.", status=HTTPStatus.BAD_REQUEST)
        if envelope.get("type") == "url_verification":
            return response.json({"challenge": envelope.get("challenge", "")})
        event = envelope.get("event") or {}
        if not self._is_question(envelope, event):
            return response.text("")
        channel, thread = event.get("channel"), event.get("thread_ts") or event.get("ts")
        # A retry repeats the event_id; a mention in a channel can also come as a `message` event.
        if not self.recent.first_time(envelope.get("event_id"), f"message:{channel}:{event.get('ts')}"):
            logger.info("Slack event %s already handled (retry %s).", envelope.get("event_id"),
                        request.headers.get("X-Slack-Retry-Num", "-"))
            return response.text("", headers={"X-Slack-No-Retry": "1"})
        users = [a.get("user_id") for a in envelope.get("authorizations") or [] if a.get("user_id")]
        text = self._sanitize_user_message(event.get("text", ""), users + list(envelope.get("authed_users") or []))
        self._answer(on_new_message, text[:MAX_MESSAGE_CHARS], event.get("user"), channel, thread)
        return response.text("")

    def _is_question(self, envelope: Dict, event: Dict) -> bool:
        """A person's new message to the app: a mention, a direct message, or in the configured channel."""
        if event.get("subtype") or event.get("bot_id") or not event.get("user") or not event.get("text"):
            return False
        bot_users = {a.get("user_id") for a in envelope.get("authorizations") or []}
        if event.get("user") in bot_users:
            return False
        return (event.get("type") == "app_mention"
                or (event.get("type") == "message" and (event.get("channel_type") == "im"
                                                         or event.get("channel") == self.slack_channel)))

    def _on_interaction(self, request: Request, on_new_message: Callable) -> HTTPResponse:
        try:
            payload = json.loads((request.form.get("payload") or ""))
        except ValueError:
            return response.text("No interactive payload.", status=HTTPStatus.BAD_REQUEST)
        if not isinstance(payload, dict) or not self._is_interactive_message(payload):
            return response.text("")
        action = payload["actions"][0]
        text = self._get_interactive_response(action)
        if text is None:  # a link button: Slack opens the link itself
            return response.text("")
        message = payload.get("message") or payload.get("container") or {}
        channel = (payload.get("channel") or {}).get("id") or message.get("channel_id")
        thread = message.get("thread_ts") or message.get("ts") or message.get("message_ts")
        click = f"click:{payload.get('trigger_id') or action.get('action_ts')}"
        if self.recent.first_time(click):
            self._answer(on_new_message, text, (payload.get("user") or {}).get("id"), channel, thread)
        return response.text("")

    def _answer(self, on_new_message: Callable, text: str, user: Optional[str], channel: Optional[str],
                thread: Optional[str]) -> None:
        """Hand the message to Rasa in the background: Slack wants its answer within 3 seconds."""
        sender = self._get_conversation_id(user, channel, thread)
        message = UserMessage(text, self.get_output_channel(channel, thread), sender, input_channel=self.name(),
                              metadata={"out_channel": channel, "thread_id": thread, "users": [user]})
        task = asyncio.ensure_future(self._handle(on_new_message, message))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    @staticmethod
    async def _handle(on_new_message: Callable, message: UserMessage) -> None:
        try:
            await on_new_message(message)
        except Exception:  # noqa: BLE001 - a failed answer must not kill the server
            logger.exception("Answering a Slack message failed (message text not logged).")
