"""Slack, end to end: signed events over real HTTP to the running Rasa server; answers arrive at the fake
Slack Web API (SLACK_API_URL) in the right thread, once."""
from __future__ import annotations

import itertools
import json
import time
import urllib.parse
import uuid

import pytest
from fakes import SLACK_SECRET, SLACK_TOKEN, post, slack_headers

from channels import slack_blocks
from channels.slack import RecentIds, SlackChannel, api_url
from kb import get_knowledge
from kb.parts import Answer, bullet, detail, numbered, source, title

BOT_USER = "UBOT0001"
_ts = itertools.count(1)


def new_ts() -> str:
    return f"{int(time.time())}.{next(_ts):06d}"


def event(text: str, thread_ts=None, channel="C0CHANNEL", user="U0PRACT1", kind="app_mention", **extra) -> dict:
    ts = new_ts()
    body = {"type": kind, "user": user, "text": f"<@{BOT_USER}> {text}" if kind == "app_mention" else text,
            "ts": ts, "channel": channel, **extra}
    if thread_ts:
        body["thread_ts"] = thread_ts
    return {"token": "unused", "team_id": "T0TEAM", "api_app_id": "A0APP", "type": "event_callback",
            "event_id": f"Ev{uuid.uuid4().hex[:10].upper()}", "event_time": int(time.time()), "event": body,
            "authorizations": [{"user_id": BOT_USER, "is_bot": True}]}


def send(assistant, envelope: dict, headers=None, raw: bytes = None):
    body = raw if raw is not None else json.dumps(envelope).encode()
    headers = headers if headers is not None else slack_headers(SLACK_SECRET, body)
    return post(assistant.rasa_url + "/webhooks/slack/webhook", body, headers)


def click(assistant, button: dict, answered: dict, thread: str, user="U0PRACT1", channel="C0CHANNEL"):
    bot_ts = new_ts()  # the answer's own ts (the fake Slack gave it one)
    payload = {"type": "block_actions", "user": {"id": user}, "channel": {"id": channel},
               "trigger_id": uuid.uuid4().hex, "container": {"type": "message", "message_ts": bot_ts},
               "message": {"ts": bot_ts, "thread_ts": thread, "text": answered.get("text", "")},
               "actions": [{"type": "button", "action_id": button["action_id"], "value": button["value"],
                            "block_id": "answer_buttons", "action_ts": str(time.time())}]}
    body = urllib.parse.urlencode({"payload": json.dumps(payload)}).encode()
    return post(assistant.rasa_url + "/webhooks/slack/webhook", body,
                slack_headers(SLACK_SECRET, body, "application/x-www-form-urlencoded"))


def all_text(post_body: dict) -> str:
    return json.dumps(post_body.get("blocks", []))


def buttons_of(post_body: dict):
    return [e for b in post_body.get("blocks", []) if b["type"] == "actions" for e in b["elements"]]


# --- over HTTP ---------------------------------------------------------------------------------------
def test_a_mention_is_answered_in_its_thread_as_block_kit(assistant, fake_slack):
    envelope = event("what must a referral include?")
    status, _ = send(assistant, envelope)
    assert status == 200
    thread = envelope["event"]["ts"]
    [answer] = fake_slack.wait_for_posts(thread)
    assert answer["channel"] == "C0CHANNEL" and answer["thread_ts"] == thread
    sections = [b["text"]["text"] for b in answer["blocks"] if b["type"] == "section"]
    assert sections[0] == "*What a referral must include*"
    assert sections[1].startswith("*1.* Name every child") and "_Why:_" in sections[1]
    assert [s.split(".*")[0] for s in sections[1:6]] == ["*1", "*2", "*3", "*4", "*5"]
    assert any(b["type"] == "context" and "checklist.referral" in b["elements"][0]["text"] for b in answer["blocks"])
    assert [b["value"] for b in buttons_of(answer)][0] == '/ask_findings{"topic":"referrals"}'
    token = fake_slack.requests(lambda r: r.path == "/api/chat.postMessage")[-1].headers.get("Authorization")
    assert token == f"Bearer {SLACK_TOKEN}"


def test_the_feedback_question_is_a_post_of_its_own_after_the_answer(assistant, fake_slack):
    envelope = event("what must a referral include?")
    send(assistant, envelope)
    thread = envelope["event"]["ts"]
    answer, feedback = fake_slack.wait_for_posts(thread, count=2, feedback=True)
    assert "/rate_helpful" not in json.dumps(answer)
    assert "Was this answer helpful?" in all_text(feedback)
    assert [b["text"]["text"] for b in buttons_of(feedback)] == ["Helpful", "Not helpful"]


def test_links_are_slack_links(assistant, fake_slack):
    envelope = event("what links are there")
    send(assistant, envelope)
    [answer] = fake_slack.wait_for_posts(envelope["event"]["ts"])
    assert "<http://llrscb.proceduresonline.com/|http://llrscb.proceduresonline.com/>" in all_text(answer)


def test_a_button_click_answers_in_the_same_thread(assistant, fake_slack):
    envelope = event("what must a referral include?")
    send(assistant, envelope)
    thread = envelope["event"]["ts"]
    [answer] = fake_slack.wait_for_posts(thread)
    button = next(b for b in buttons_of(answer) if b["text"]["text"] == "What the audit found")
    status, _ = click(assistant, button, answer, thread)
    assert status == 200
    posts = fake_slack.wait_for_posts(thread, count=2)
    assert "Referrals: what the audit found" in all_text(posts[1])


def test_each_thread_is_one_conversation(assistant, fake_slack):
    first = event("who are UAVA?")
    send(assistant, first)
    thread = first["event"]["ts"]
    fake_slack.wait_for_posts(thread)
    send(assistant, event("when should I refer to them?", thread_ts=thread))
    answers = fake_slack.wait_for_posts(thread, count=2)
    assert "checklist.refer_to_uava" in all_text(answers[1])
    # another thread starts afresh: the follow-up has nothing to refer to there
    other = event("where does that come from?")
    send(assistant, other)
    [elsewhere] = fake_slack.wait_for_posts(other["event"]["ts"])
    assert "checklist.refer_to_uava" not in all_text(elsewhere)


def test_retries_and_duplicate_events_get_one_answer(assistant, fake_slack):
    envelope = event("should the GP get the plan?")
    thread = envelope["event"]["ts"]
    body = json.dumps(envelope).encode()
    assert send(assistant, envelope)[0] == 200
    for number, reason in ((1, "http_timeout"), (2, "http_error"), (3, "unknown_error")):
        headers = {**slack_headers(SLACK_SECRET, body), "X-Slack-Retry-Num": str(number),
                   "X-Slack-Retry-Reason": reason}
        assert send(assistant, envelope, headers, body)[0] == 200
    # the same post delivered again under another event_id
    send(assistant, {**envelope, "event_id": "EvSAMEPOST" + uuid.uuid4().hex[:6]})
    fake_slack.wait_for_posts(thread)
    time.sleep(1.5)  # time enough for any duplicate to arrive
    assert len(fake_slack.posts(thread)) == 1


def test_a_direct_message_is_answered_and_bot_messages_are_not(assistant, fake_slack):
    mine = event("whats LPT", channel="D0DIRECT", kind="message", channel_type="im")
    bots = event("I am a bot", channel="D0DIRECT", kind="message", channel_type="im", bot_id="B0BOT")
    send(assistant, bots)
    send(assistant, mine)
    [answer] = fake_slack.wait_for_posts(mine["event"]["ts"])
    assert "term.lpt" in all_text(answer)
    assert fake_slack.posts(bots["event"]["ts"]) == []


@pytest.mark.parametrize("spoil", ["bad signature", "old timestamp", "no signature", "no timestamp",
                                   "other secret", "body changed"])
def test_unsigned_or_stale_requests_get_4xx_and_no_answer(assistant, fake_slack, spoil):
    envelope = event("what must a referral include?")
    body = json.dumps(envelope).encode()
    headers = slack_headers(SLACK_SECRET, body)
    if spoil == "bad signature":
        headers["X-Slack-Signature"] = "v0=" + "0" * 64
    elif spoil == "old timestamp":
        headers = slack_headers(SLACK_SECRET, body, timestamp=int(time.time()) - 301)
    elif spoil == "no signature":
        del headers["X-Slack-Signature"]
    elif spoil == "no timestamp":
        del headers["X-Slack-Request-Timestamp"]
    elif spoil == "other secret":
        headers = slack_headers("not-the-secret", body)
    else:
        body = body.replace(b"referral", b"referrals")
    status, _ = send(assistant, envelope, headers, body)
    assert 400 <= status < 500
    # a good message sent afterwards is answered; by then the refused one would have been too
    control = event("hello")
    send(assistant, control)
    fake_slack.wait_for_posts(control["event"]["ts"])
    assert fake_slack.posts(envelope["event"]["ts"]) == []


def test_url_verification_echoes_the_challenge(assistant):
    body = json.dumps({"type": "url_verification", "challenge": "c-123", "token": "x"}).encode()
    status, text = send(assistant, None, slack_headers(SLACK_SECRET, body), body)
    assert status == 200 and json.loads(text) == {"challenge": "c-123"}


# --- rendering and settings, without a server -----------------------------------------------------
def test_block_kit_escapes_and_links():
    answer = Answer.of(title("Title <b>&"), numbered(1, "See http://x.org/a?b=1&c=2.", detail("because", "Why")),
                       source("Source: S (ref: r)", ["r"]))
    message = slack_blocks.message(answer.text, list(answer.parts), [{"title": "Go", "payload": "/ask_plans"}])
    texts = [b["text"]["text"] for b in message["blocks"] if b["type"] == "section"]
    assert texts[0] == "*Title &lt;b&gt;&amp;*"
    assert texts[1] == "*1.* See <http://x.org/a?b=1&amp;c=2|http://x.org/a?b=1&amp;c=2>.\n      _Why:_ because"
    assert message["blocks"][-1]["elements"][0]["value"] == "/ask_plans"
    assert message["text"].startswith("*Title <b>&*\n1. See")


def test_bullets_share_a_section_and_limits_hold():
    answer = Answer.of(title("Links"), bullet("a http://a.org", detail("purpose a")), bullet("b"), source("Source: x"))
    blocks = slack_blocks.text_blocks(answer.text, list(answer.parts))
    assert [b["type"] for b in blocks] == ["section", "section", "context"]
    assert blocks[1]["text"]["text"] == "• a <http://a.org|http://a.org>\n      purpose a\n• b"
    many = Answer.of(*(numbered(i, "item") for i in range(1, 80)))
    many = slack_blocks.text_blocks(many.text, list(many.parts))
    assert len(many) <= slack_blocks.MAX_BLOCKS


def test_api_url_is_a_setting(monkeypatch):
    monkeypatch.delenv("SLACK_API_URL", raising=False)
    assert api_url() == "https://slack.com/api/"
    monkeypatch.setenv("SLACK_API_URL", "http://127.0.0.1:9/api")
    assert api_url() == "http://127.0.0.1:9/api/"
    assert api_url("https://slack.example/api/") == "https://slack.example/api/"


def test_recent_ids_forget_after_their_time():
    recent = RecentIds(ttl=0.05)
    assert recent.first_time("a", "b") and not recent.first_time("b") and not recent.first_time("c", "a")
    time.sleep(0.1)
    assert recent.first_time("a")


# --- malformed input after a valid signature: 400 (never 5xx, never a stack trace) ---------------
def signed(assistant, raw: bytes, content_type: str = "application/json"):
    return post(assistant.rasa_url + "/webhooks/slack/webhook", raw, slack_headers(SLACK_SECRET, raw, content_type))


def assert_refused(status: int, text: str) -> None:
    assert status == 400, (status, text[:300])
    assert "Traceback" not in text and len(text) < 500
    assert isinstance(json.loads(text)["error"], str)


def with_event(**changes) -> dict:
    envelope = event("whats LPT")
    for key, value in changes.items():
        if key.startswith("event."):
            envelope["event"][key[len("event."):]] = value
        else:
            envelope[key] = value
    return envelope


MALFORMED = {
    "event is a list": with_event(event=[{"type": "app_mention", "user": "U0PRACT1", "text": "hi"}]),
    "event is text": with_event(event="app_mention"),
    "authorizations are not objects": with_event(authorizations=["UBOT0001", 7]),
    "authorizations is an object": with_event(authorizations={"user_id": "UBOT0001"}),
    "authed_users is a number": with_event(authed_users=5),
    "event_id is an object": with_event(event_id={"id": "Ev1"}),
    "text is an object": with_event(**{"event.text": {"text": "hi"}}),
    "text is a list": with_event(**{"event.text": ["whats", "LPT"]}),
    "user is an object": with_event(**{"event.user": {"id": "U0PRACT1"}}),
    "channel is a list": with_event(**{"event.channel": ["C0CHANNEL"]}),
    "ts is a number": with_event(**{"event.ts": 1700000000.0001}),
    "thread_ts is an object": with_event(**{"event.thread_ts": {"ts": "1.2"}}),
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_events_of_unexpected_shape_get_400(assistant, case):
    assert_refused(*signed(assistant, json.dumps(MALFORMED[case]).encode()))


BAD_IDS = {
    "NUL in user": {"event.user": "U0PR\x00ACT1"},
    "lone surrogate in user": {"event.user": "U0PR\ud800ACT1"},
    "control character in user": {"event.user": "U0PR\x1bACT1"},
    "user too long": {"event.user": "U" * 300},
    "NUL in channel": {"event.channel": "C0CHAN\x00NEL"},
    "lone surrogate in thread": {"event.thread_ts": "1700000000.000100\udfff"},
    "new line in ts": {"event.ts": "1700000000.000100\n"},
}


@pytest.mark.parametrize("case", list(BAD_IDS))
def test_unstorable_sender_ids_get_400_and_no_answer(assistant, fake_slack, case):
    envelope = with_event(**BAD_IDS[case])
    assert_refused(*signed(assistant, json.dumps(envelope).encode()))
    control = event("hello")
    send(assistant, control)
    fake_slack.wait_for_posts(control["event"]["ts"])
    assert fake_slack.posts(envelope["event"].get("thread_ts") or envelope["event"]["ts"]) == []


def test_deeply_nested_json_gets_400(assistant):
    deep = b"[" * 100_000 + b"]" * 100_000
    assert_refused(*signed(assistant, deep))
    assert_refused(*signed(assistant, b'{"type": "event_callback", "event": ' + deep + b"}"))
    form = urllib.parse.urlencode({"payload": "[" * 5000 + "]" * 5000}).encode()  # deeper than Python's limit
    assert_refused(*signed(assistant, form, "application/x-www-form-urlencoded"))


def interaction(**changes) -> dict:
    payload = {"type": "block_actions", "user": {"id": "U0PRACT1"}, "channel": {"id": "C0CHANNEL"},
               "trigger_id": uuid.uuid4().hex, "message": {"ts": new_ts(), "thread_ts": new_ts()},
               "actions": [{"type": "button", "action_id": "answer_button_0", "value": "/ask_plans",
                            "block_id": "answer_buttons", "action_ts": str(time.time())}]}
    payload.update(changes)
    return payload


MALFORMED_CLICKS = {
    "actions is text": interaction(actions="button"),
    "actions is an object": interaction(actions={"0": {"type": "button"}}),
    "action is not an object": interaction(actions=["button"]),
    "channel is text": interaction(channel="C0CHANNEL"),
    "user is a list": interaction(user=["U0PRACT1"]),
    "message is a list": interaction(message=[]),
    "value is an object": interaction(actions=[{"type": "button", "value": {"a": 1}, "action_ts": "1"}]),
    "selected options are not objects": interaction(actions=[{"type": "select", "selected_options": ["x"]}]),
    "NUL in user id": interaction(user={"id": "U0\x00PRACT1"}),
    "payload is a list": [interaction()],
}


@pytest.mark.parametrize("case", list(MALFORMED_CLICKS))
def test_clicks_of_unexpected_shape_get_400(assistant, case):
    form = urllib.parse.urlencode({"payload": json.dumps(MALFORMED_CLICKS[case])}).encode()
    status, text = signed(assistant, form, "application/x-www-form-urlencoded")
    if case == "payload is a list":  # not an interaction at all: acknowledged and ignored
        assert status in (200, 400) and "Traceback" not in text
    else:
        assert_refused(status, text)


def test_nul_and_lone_surrogates_are_dropped_from_the_text():
    channel = SlackChannel("xoxb-t", "secret")
    envelope = event("whats\x00 LPT\ud800")
    assert channel.message_text(envelope, envelope["event"]) == "whats LPT"


def test_a_typed_command_is_text(assistant, fake_slack):
    first = event("who are UAVA?")
    send(assistant, first)
    thread = first["event"]["ts"]
    fake_slack.wait_for_posts(thread)
    send(assistant, event("/restart", thread_ts=thread))  # typed: it must not wipe the conversation
    fake_slack.wait_for_posts(thread, count=2)
    send(assistant, event("when should I refer to them?", thread_ts=thread))
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not any("checklist.refer_to_uava" in all_text(p)
                                                  for p in fake_slack.posts(thread)):
        time.sleep(0.3)
    assert any("checklist.refer_to_uava" in all_text(p) for p in fake_slack.posts(thread))


# --- the practitioner's area (issue 15): asked once, kept in the thread and for the person -----------
def _area_user() -> str:
    return "U0AREA" + uuid.uuid4().hex[:5].upper()  # a new person per test: the memory outlives a test


def test_the_area_is_asked_chosen_by_button_and_remembered_in_the_thread_and_in_a_new_thread(assistant, fake_slack):
    user = _area_user()
    first = event("who do I phone to make a referral?", user=user)
    send(assistant, first)
    thread = first["event"]["ts"]
    [question] = fake_slack.wait_for_posts(thread)
    assert "Which area is this for?" in all_text(question)
    buttons = buttons_of(question)
    assert [b["text"]["text"] for b in buttons] == ["Leicester", "Leicestershire", "Rutland", "Not sure"]
    click(assistant, buttons[2], question, thread, user=user)
    answer = fake_slack.wait_for_posts(thread, count=2)[1]
    assert "contact.csc_rutland" in all_text(answer)
    assert get_knowledge().contacts["contact.csc_rutland"].phones[0] in all_text(answer)
    assert any(b["type"] == "context" and "Checked" in b["elements"][0]["text"] for b in answer["blocks"])
    # the same thread: not asked again
    send(assistant, event("what is the LADO phone number?", thread_ts=thread, user=user))
    lado = fake_slack.wait_for_posts(thread, count=3)[2]
    assert "contact.lado_rutland" in all_text(lado) and "Which area" not in all_text(lado)
    # a new thread, the same person: remembered
    other = event("who do I ring about a child at the weekend?", user=user)
    send(assistant, other)
    [later] = fake_slack.wait_for_posts(other["event"]["ts"])
    assert "Which area" not in all_text(later) and "contact.out_of_hours_rutland" in all_text(later)
    # someone else in a new thread is asked
    stranger = event("who do I phone to make a referral?", user=_area_user())
    send(assistant, stranger)
    [asked] = fake_slack.wait_for_posts(stranger["event"]["ts"])
    assert "Which area is this for?" in all_text(asked)


def test_the_area_typed_is_remembered_and_the_urgent_guidance_names_its_front_door(assistant, fake_slack):
    user = _area_user()
    first = event("what's the number for children's social care?", user=user)
    send(assistant, first)
    thread = first["event"]["ts"]
    fake_slack.wait_for_posts(thread)
    send(assistant, event("Leicestershire", thread_ts=thread, user=user))
    answer = fake_slack.wait_for_posts(thread, count=2)[1]
    assert "contact.csc_leicestershire" in all_text(answer)
    urgent = event("a boy in my class has just told me his uncle is abusing him", user=user)
    send(assistant, urgent)
    posts = fake_slack.wait_for_posts(urgent["event"]["ts"])
    text = all_text(posts[0])
    front_door = get_knowledge().contacts["contact.csc_leicestershire"].phones[0]
    assert "999" in text and text.index("999") < text.index(front_door)
    assert "contact.csc_leicestershire" in text and "contact.csc_rutland" not in text
    assert user.encode() not in assistant.area_memory.read_bytes()  # only the keyed hash is kept


def test_urgent_guidance_with_no_area_known_names_all_three_front_doors(assistant, fake_slack):
    urgent = event("a girl has just disclosed that her dad is abusing her", user=_area_user())
    send(assistant, urgent)
    text = all_text(fake_slack.wait_for_posts(urgent["event"]["ts"])[0])
    for contact in ("contact.csc_leicester", "contact.csc_leicestershire", "contact.csc_rutland"):
        assert contact in text
