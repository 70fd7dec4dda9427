"""Slack: Rasa's Slack channel, made to answer in threads, once, in Block Kit, through a settable API URL.

credentials (channels/credentials.py writes them when SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET are set):

    channels.slack.SlackChannel:
      slack_token: ${SLACK_BOT_TOKEN}
      slack_signing_secret: ${SLACK_SIGNING_SECRET}
      # slack_api_url: optional; else $SLACK_API_URL, else https://slack.com/api/

Webhook: POST /webhooks/slack/webhook (events and interactivity). Each thread is one conversation and
every answer goes to the thread of the question. Each message carries a keyed hash of the person's
Slack id (metadata `user_key`), by which the action server remembers their area across threads.
Each Slack event is handled once: retries and the second copy of a message (a `message` and an
`app_mention` event for the same post) are acknowledged and dropped, on every replica and after a restart: the ids are kept in Redis when $REDIS_URL or
$REDIS_HOST is set (production), else in this process (channels/replay.py).

A signed request whose body is not what Slack sends (a field of the wrong type, an id that is not
short printable text, JSON nested too deep) gets a 400 with a short JSON error and is not answered.
"""
from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import os
import re
from http import HTTPStatus
from typing import Any, Awaitable, Callable, Dict, List, Optional, Set, Text

from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.slack import SlackBot, SlackInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from slack_sdk.web.async_client import AsyncWebClient

from channels import replay, slack_blocks
from channels.replay import RecentIds  # noqa: F401 - the in-process store, importable from here as before
from channels import guard
from channels.answer import AnswerOutput
from channels.identity import user_key
from channels.rest import MAX_MESSAGE_CHARS, as_typed, clean_message, valid_sender
from kb.parts import Part

logger = logging.getLogger(__name__)

DEFAULT_API_URL = "https://slack.com/api/"
SEEN_FOR_SECONDS = 3600  # Slack retries over a few minutes; keep ids well beyond that
EVENT_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")  # Slack's event ids look like Ev0123ABCD
NO_RETRY = {"X-Slack-No-Retry": "1"}  # a request refused for its shape would be refused again


class Malformed(ValueError):
    """A signed request whose body is not what Slack sends (answer 400)."""


def _refuse(error: str) -> HTTPResponse:
    return response.json({"error": error}, status=HTTPStatus.BAD_REQUEST, headers=NO_RETRY)


def _text_field(found: Dict[str, Any], key: str, where: str) -> Optional[str]:
    """The field if it is text (or absent/null), else Malformed."""
    value = found.get(key)
    if value is not None and not isinstance(value, str):
        raise Malformed(f"'{where}.{key}' is not text.")
    return value


def _id_field(found: Dict[str, Any], key: str, where: str) -> Optional[str]:
    """A Slack id (user, channel, ts): absent, or short printable text that any store can keep."""
    value = _text_field(found, key, where)
    if value is not None and value != "" and not valid_sender(value):
        raise Malformed(f"'{where}.{key}' is not a short id of printable characters.")
    return value or None


def _object_field(found: Dict[str, Any], key: str, where: str) -> Dict[str, Any]:
    value = found.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise Malformed(f"'{where}.{key}' is not an object.")
    return value


def _loads(raw: Any) -> Any:
    try:
        return json.loads(raw)
    except (ValueError, TypeError, RecursionError) as error:
        raise Malformed("The body is not JSON (or is nested too deeply).") from error


def api_url(configured: Optional[str] = None) -> str:
    url = configured or os.environ.get("SLACK_API_URL") or DEFAULT_API_URL
    return url if url.endswith("/") else url + "/"


class SlackOutput(AnswerOutput, SlackBot):
    """Posts to one channel and thread, as Block Kit, through the configured Web API URL."""

    def __init__(self, token: Text, channel: Optional[Text], thread_id: Optional[Text],
                 proxy: Optional[Text] = None, base_url: Optional[Text] = None) -> None:
        super().__init__(token, channel, thread_id, proxy)
        self.client = AsyncWebClient(token=token, base_url=api_url(base_url), proxy=proxy)

    async def send_answer(self, recipient_id: Text, text: Text, parts: List[Part],
                          buttons: List[Dict[Text, Any]]) -> None:
        await self._post_message(self.slack_channel or recipient_id, **slack_blocks.message(text, parts, buttons))


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
        self.recent = replay.from_environment(ttl=SEEN_FOR_SECONDS)
        logger.info("Slack events are de-duplicated in %s.", replay.describe(self.recent))
        self._tasks: Set[asyncio.Task] = set()
        self.limiter = guard.SenderLimiter()  # per conversation, as on REST

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
            try:
                if content_type == "application/json":
                    return await self._on_event(request, on_new_message)
                if content_type == "application/x-www-form-urlencoded":
                    return await self._on_interaction(request, on_new_message)
            except Malformed as error:
                logger.warning("Refused a signed Slack request: %s", error)
                return _refuse(str(error))
            except Exception:  # noqa: BLE001 - a shape not foreseen above: still no 500, no stack trace out
                logger.exception("Could not read a signed Slack request (body not logged).")
                return _refuse("The request is not what Slack sends.")
            return response.text("Unsupported content type.", status=HTTPStatus.UNSUPPORTED_MEDIA_TYPE)

        return webhook

    async def _on_event(self, request: Request, on_new_message: Callable) -> HTTPResponse:
        envelope = _loads(request.body)
        if not isinstance(envelope, dict):
            raise Malformed("The body is not a Slack event.")
        kind = _text_field(envelope, "type", "body")
        if kind == "url_verification":
            return response.json({"challenge": _text_field(envelope, "challenge", "body") or ""})
        event = _object_field(envelope, "event", "body")
        event_id = _text_field(envelope, "event_id", "body")
        for key in ("type", "subtype", "text", "channel_type"):
            _text_field(event, key, "event")
        user, channel = _id_field(event, "user", "event"), _id_field(event, "channel", "event")
        ts, thread_ts = _id_field(event, "ts", "event"), _id_field(event, "thread_ts", "event")
        bot_users = self._bot_users(envelope)
        if not self._is_question(event, bot_users):
            return response.text("")
        thread = thread_ts or ts
        sender = self._get_conversation_id(user, channel, thread)
        if not valid_sender(sender):
            raise Malformed("The user, channel and thread ids make too long a conversation id.")
        text = self.message_text(envelope, event, bot_users)
        # A retry repeats the event_id; a mention in a channel can also come as a `message` event.
        if not await self.recent.claim(self._event_key(event_id), self._post_key(channel, ts)):
            logger.info("Slack event %s already handled (retry %s).", self._event_key(event_id) or "-",
                        request.headers.get("X-Slack-Retry-Num", "-"))
            return response.text("", headers=NO_RETRY)
        if text:
            self._answer(on_new_message, text, user, channel, thread)
        return response.text("")

    def message_text(self, envelope: Dict[str, Any], event: Dict[str, Any],
                     bot_users: Optional[Set[str]] = None) -> str:
        """The practitioner's text: mentions of the app removed, NUL and lone surrogates dropped, bounded."""
        users = set(self._bot_users(envelope) if bot_users is None else bot_users)
        authed = envelope.get("authed_users")
        if authed is not None and (not isinstance(authed, list) or not all(isinstance(u, str) for u in authed)):
            raise Malformed("'authed_users' is not a list of ids.")
        text = clean_message(_text_field(event, "text", "event") or "")
        text = self._sanitize_user_message(text, sorted(users | set(authed or [])))
        return as_typed(text)[:MAX_MESSAGE_CHARS]  # typed (mentions gone): "/restart" is text

    @staticmethod
    def _bot_users(envelope: Dict[str, Any]) -> Set[str]:
        """The app's own user ids (authorizations[].user_id)."""
        authorizations = envelope.get("authorizations")
        if authorizations is None:
            return set()
        if not isinstance(authorizations, list) or not all(isinstance(a, dict) for a in authorizations):
            raise Malformed("'authorizations' is not a list of objects.")
        return {u for u in (_text_field(a, "user_id", "authorizations[]") for a in authorizations) if u}

    def _is_question(self, event: Dict, bot_users: Set[str]) -> bool:
        """A person's new message to the app: a mention, a direct message, or in the configured channel."""
        if event.get("subtype") or event.get("bot_id") or not event.get("user") or not event.get("text"):
            return False
        if event.get("user") in bot_users:
            return False
        return (event.get("type") == "app_mention"
                or (event.get("type") == "message" and (event.get("channel_type") == "im"
                                                         or event.get("channel") == self.slack_channel)))

    # --- replay keys: the Slack event id, or a keyed hash; never a user, channel or message id --------
    def _event_key(self, event_id: Optional[str]) -> Optional[str]:
        if event_id and EVENT_ID.fullmatch(event_id):
            return f"slack:event:{event_id}"
        return self._hashed("event", event_id)  # not an id as Slack makes them: never stored as is

    def _hashed(self, kind: str, *parts: Optional[str]) -> Optional[str]:
        if not all(parts):
            return None
        digest = hmac.new((self.slack_signing_secret or "").encode(), "|".join(parts).encode(), hashlib.sha256)
        return f"slack:{kind}:{digest.hexdigest()[:32]}"

    def _post_key(self, channel: Optional[str], ts: Optional[str]) -> Optional[str]:
        return self._hashed("post", channel, ts)

    async def _on_interaction(self, request: Request, on_new_message: Callable) -> HTTPResponse:
        try:
            raw = request.form.get("payload") or ""
        except Exception as error:  # noqa: BLE001 - Sanic's form parser on a body that is not a form
            raise Malformed("The body is not a form.") from error
        if not raw:
            raise Malformed("No interactive payload.")
        payload = _loads(raw)
        if not isinstance(payload, dict):
            return response.text("")  # not an interaction: acknowledged and ignored
        actions = payload.get("actions")
        if actions is not None and (not isinstance(actions, list) or not all(isinstance(a, dict) for a in actions)):
            raise Malformed("'actions' is not a list of objects.")
        if not actions or not self._is_interactive_message(payload):
            return response.text("")
        action = actions[0]
        try:
            text = self._get_interactive_response(action)
        except (AttributeError, IndexError, KeyError, TypeError) as error:
            raise Malformed("The action is not what Slack sends.") from error
        if text is None:  # a link button: Slack opens the link itself
            return response.text("")
        if not isinstance(text, str):
            raise Malformed("The action's value is not text.")
        message = _object_field(payload, "message", "payload") or _object_field(payload, "container", "payload")
        channel = (_id_field(_object_field(payload, "channel", "payload"), "id", "channel")
                   or _id_field(message, "channel_id", "message"))
        thread = (_id_field(message, "thread_ts", "message") or _id_field(message, "ts", "message")
                  or _id_field(message, "message_ts", "message"))
        user = _id_field(_object_field(payload, "user", "payload"), "id", "user")
        trigger = _text_field(payload, "trigger_id", "payload") or _text_field(action, "action_ts", "action")
        sender = self._get_conversation_id(user, channel, thread)
        if not valid_sender(sender):
            raise Malformed("The interaction names no valid user, channel and thread.")
        if await self.recent.claim(self._hashed("click", trigger)):
            self._answer(on_new_message, clean_message(text)[:MAX_MESSAGE_CHARS], user, channel, thread)
        return response.text("")

    def _answer(self, on_new_message: Callable, text: str, user: Optional[str], channel: Optional[str],
                thread: Optional[str]) -> None:
        """Hand the message to Rasa in the background: Slack wants its answer within 3 seconds."""
        sender = self._get_conversation_id(user, channel, thread)
        output = self.get_output_channel(channel, thread)
        if not self.limiter.allow(sender):
            work = output.send_text_message(sender, guard.TOO_FAST)
        else:
            metadata = {"out_channel": channel, "thread_id": thread, **user_key("slack", user)}
            work = self._handle(on_new_message, UserMessage(text, output, sender, input_channel=self.name(),
                                                            metadata=metadata))
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    @staticmethod
    async def _handle(on_new_message: Callable, message: UserMessage) -> None:
        try:
            await on_new_message(message)
        except Exception:  # noqa: BLE001 - a failed answer must not kill the server
            logger.exception("Answering a Slack message failed (message text not logged).")
