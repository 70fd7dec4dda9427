"""Teams, end to end: activities signed with a key generated here (published by the fake OpenID
metadata), sent over real HTTP to the running Rasa server; answers arrive at the fake Bot Connector."""
from __future__ import annotations

import asyncio
import json
import time
import uuid
from urllib.parse import quote

import pytest
from fakes import APP_ID, APP_PASSWORD, KEY_ID, TENANT, FakeMicrosoft, post

from channels import teams_cards
from channels.teams import conversation_id, message_text
from channels.teams_auth import KeyCache, KeysUnavailable
from kb.parts import Answer

BOT = {"id": f"28:{APP_ID}", "name": "Safeguarding guidance"}
ISSUERS = {"botframework": "https://api.botframework.com",
           "v1 tenant": f"https://sts.windows.net/{TENANT}/",
           "v2 tenant": f"https://login.microsoftonline.com/{TENANT}/v2.0"}


def claims(service_url: str, **changes) -> dict:
    now = int(time.time())
    found = {"iss": ISSUERS["botframework"], "aud": APP_ID, "exp": now + 3600, "nbf": now - 60,
             "iat": now - 60, "serviceurl": service_url}
    found.update(changes)
    return {k: v for k, v in found.items() if v is not None}


def activity(service_url: str, text=None, value=None, kind="message", conversation=None) -> dict:
    body = {"type": kind, "id": f"act-{uuid.uuid4().hex[:8]}", "channelId": "msteams", "serviceUrl": service_url,
            "from": {"id": "29:practitioner-1", "name": "A practitioner"}, "recipient": BOT,
            "conversation": {"id": conversation or f"a:conv-{uuid.uuid4().hex[:12]}", "conversationType": "personal"},
            "timestamp": "2026-01-01T00:00:00Z"}
    if text is not None:
        body["text"] = text
    if value is not None:
        body["value"] = value
    return body


def send(assistant, body: dict, token=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return post(assistant.rasa_url + "/webhooks/teams/webhook", json.dumps(body).encode(), headers)


def ask(assistant, microsoft: FakeMicrosoft, body: dict, count: int = 1, **claim_changes):
    status, _ = send(assistant, body, microsoft.sign(claims(body["serviceUrl"], **claim_changes), KEY_ID))
    assert status == 200
    return microsoft.wait_for_replies(body["conversation"]["id"], count)


def card_of(reply: dict) -> dict:
    [attachment] = reply["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    return attachment["content"]


def test_nothing_is_fetched_from_microsoft_at_start(assistant):
    assert assistant.metadata_fetches_at_start == 0


def test_a_question_gets_a_checklist_card_at_the_service_url(assistant, fake_microsoft):
    body = activity(fake_microsoft.service_url, "what must a referral include?")
    [reply] = ask(assistant, fake_microsoft, body)
    card = card_of(reply)
    numbers = [c["columns"][0]["items"][0]["text"] for c in card["body"] if c["type"] == "ColumnSet"]
    assert numbers == ["1.", "2.", "3.", "4.", "5."]
    assert card["body"][0]["text"] == "**What a referral must include**"
    assert "checklist.referral" in card["body"][-1]["text"]
    submit = card["actions"][0]
    assert submit["title"] == "What the audit found"
    assert submit["data"]["msteams"] == {"type": "messageBack", "displayText": "What the audit found",
                                         "text": '/ask_findings{"topic":"referrals"}'}
    assert reply["replyToId"] == body["id"] and reply["recipient"] == body["from"] and reply["from"] == BOT
    sent = fake_microsoft.replies(body["conversation"]["id"])[0]
    assert sent.path == f"/connector/v3/conversations/{quote(body['conversation']['id'], safe='')}" \
                        f"/activities/{body['id']}"
    assert sent.headers["Authorization"] == f"Bearer {FakeMicrosoft.ACCESS_TOKEN}"
    grant = fake_microsoft.requests(lambda r: r.path == "/token")[0].form()
    assert grant == {"grant_type": "client_credentials", "client_id": APP_ID, "client_secret": APP_PASSWORD,
                     "scope": "https://api.botframework.com/.default"}


def test_the_feedback_question_is_a_card_of_its_own_after_the_answer(assistant, fake_microsoft):
    body = activity(fake_microsoft.service_url, "what must a referral include?")
    send(assistant, body, fake_microsoft.sign(claims(body["serviceUrl"]), KEY_ID))
    answer, feedback = fake_microsoft.wait_for_replies(body["conversation"]["id"], count=2, feedback=True)
    assert "/rate_helpful" not in json.dumps(answer)
    assert "Was this answer helpful?" in json.dumps(feedback)
    assert [a["title"] for a in card_of(feedback)["actions"]] == ["Helpful", "Not helpful"]


@pytest.mark.parametrize("how", ["messageBack text", "value only"])
def test_button_clicks_get_the_next_answer(assistant, fake_microsoft, how):
    first = activity(fake_microsoft.service_url, "what must a referral include?")
    [reply] = ask(assistant, fake_microsoft, first)
    data = card_of(reply)["actions"][0]["data"]
    conversation = first["conversation"]["id"]
    if how == "messageBack text":
        click = activity(fake_microsoft.service_url, data["msteams"]["text"], {"payload": data["payload"]},
                         conversation=conversation)
    else:  # an Action.Submit without msteams: Teams sends the data as `value` and no text
        click = activity(fake_microsoft.service_url, None, {"payload": data["payload"]}, conversation=conversation)
    replies = ask(assistant, fake_microsoft, click, count=2)
    assert "Referrals: what the audit found" in json.dumps(replies[1])


@pytest.mark.parametrize("issuer", ["v1 tenant", "v2 tenant"])
def test_single_tenant_issuers_are_accepted(assistant, fake_microsoft, issuer):
    body = activity(fake_microsoft.service_url, "whats LPT")
    [reply] = ask(assistant, fake_microsoft, body, iss=ISSUERS[issuer])
    assert "term.lpt" in json.dumps(reply)


def test_mentions_are_removed_and_context_is_kept(assistant, fake_microsoft):
    conversation = f"19:channel@thread.tacv2;messageid={uuid.uuid4().int % 10**12}"
    first = activity(fake_microsoft.service_url, "<at>Safeguarding guidance</at> who are UAVA?",
                     conversation=conversation)
    ask(assistant, fake_microsoft, first)
    follow = activity(fake_microsoft.service_url, "<at>Safeguarding guidance</at> when should I refer to them?",
                      conversation=conversation)
    replies = ask(assistant, fake_microsoft, follow, count=2)
    assert "checklist.refer_to_uava" in json.dumps(replies[1])
    assert "%3Bmessageid%3D" in fake_microsoft.replies(conversation)[0].path


def test_a_new_personal_chat_is_greeted_with_the_privacy_reminder(assistant, fake_microsoft):
    body = activity(fake_microsoft.service_url, kind="conversationUpdate")
    body["membersAdded"] = [BOT]
    [reply] = ask(assistant, fake_microsoft, body)
    assert "do not type names" in json.dumps(reply)


def test_a_new_signing_key_is_fetched_when_first_seen(assistant, fake_microsoft):
    fake_microsoft.add_key("rotated-key")
    before = fake_microsoft.count("/keys")
    body = activity(fake_microsoft.service_url, "whats LPT")
    status, _ = send(assistant, body, fake_microsoft.sign(claims(body["serviceUrl"]), "rotated-key"))
    assert status == 200
    fake_microsoft.wait_for_replies(body["conversation"]["id"])
    assert fake_microsoft.count("/keys") == before + 1


REFUSED = {
    "no token": None,
    "wrong audience": {"aud": "some-other-app"},
    "wrong issuer": {"iss": "https://sts.windows.net/another-tenant/"},
    "expired": {"exp": int(time.time()) - 3600, "iat": int(time.time()) - 7200, "nbf": int(time.time()) - 7200},
    "no expiry": {"exp": None},
    "service url not the activity's": {"serviceurl": "http://127.0.0.1:9/elsewhere/"},
    "no service url claim": {"serviceurl": None},
    "unknown key": "unpublished-key",
    "not RS256": "HS256",
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_bad_tokens_get_401_and_no_answer(assistant, fake_microsoft, case):
    body = activity(fake_microsoft.service_url, "what must a referral include?")
    good = claims(body["serviceUrl"])
    change = REFUSED[case]
    if change is None:
        token = None
    elif change == "unpublished-key":
        fake_microsoft.add_key("unpublished-key", publish=False)
        token = fake_microsoft.sign(good, "unpublished-key")
    elif change == "HS256":
        import jwt
        token = jwt.encode(good, "a-shared-secret-of-32-bytes-or-more", algorithm="HS256", headers={"kid": KEY_ID})
    else:
        token = fake_microsoft.sign(claims(body["serviceUrl"], **change), KEY_ID)
    status, _ = send(assistant, body, token)
    assert status == 401
    # a good activity sent afterwards is answered; by then the refused one would have been too
    control = activity(fake_microsoft.service_url, "hello")
    ask(assistant, fake_microsoft, control)
    assert fake_microsoft.replies(body["conversation"]["id"]) == []


def test_a_signature_from_another_key_with_a_known_id_is_refused(assistant, fake_microsoft):
    impostor = FakeMicrosoft()
    try:
        impostor.add_key(KEY_ID)
        body = activity(fake_microsoft.service_url, "what must a referral include?")
        status, _ = send(assistant, body, impostor.sign(claims(body["serviceUrl"]), KEY_ID))
        assert status == 401
    finally:
        impostor.stop()


# --- without a server -----------------------------------------------------------------------------
def test_message_text_reads_text_value_and_mentions():
    assert message_text({"text": "<at>Bot</at> hi <at id='1'>Bot</at>"}) == "hi"
    assert message_text({"text": "", "value": {"payload": "/ask_plans"}}) == "/ask_plans"
    assert message_text({"value": {"msteams": {"text": "/ask_gp"}}}) == "/ask_gp"
    assert message_text({"value": "/ask_uava"}) == "/ask_uava"


def test_conversations_are_per_conversation_and_person():
    one = {"from": {"id": "29:a"}, "conversation": {"id": "19:c;messageid=1"}}
    assert conversation_id(one) == conversation_id(json.loads(json.dumps(one)))
    assert conversation_id(one) != conversation_id({**one, "from": {"id": "29:b"}})
    assert conversation_id(one) != conversation_id({**one, "conversation": {"id": "19:c;messageid=2"}})


def test_one_line_answers_are_plain_markdown_with_links():
    text = "See *the procedures*: http://llrscb.proceduresonline.com/."
    message = teams_cards.activity(text, list(Answer.plain(text).parts))
    assert message == {"type": "message", "textFormat": "markdown",
                       "text": "See **the procedures**: [http://llrscb.proceduresonline.com/]"
                               "(http://llrscb.proceduresonline.com/)."}


def test_keys_come_from_any_reachable_publisher_and_none_means_unavailable(fake_microsoft):
    unreachable = "http://127.0.0.1:9/openid"  # nothing listens on port 9
    cache = KeyCache([unreachable, fake_microsoft.metadata_url])
    assert asyncio.run(cache.key(KEY_ID))["kid"] == KEY_ID
    with pytest.raises(KeysUnavailable):
        asyncio.run(KeyCache([unreachable]).key(KEY_ID))


# --- tokens: little clock skew, and the key's endorsements -------------------------------------------
@pytest.mark.parametrize("expired_for, accepted", [(30, True), (120, False), (290, False)])
def test_expired_tokens_get_at_most_a_minute_of_clock_skew(assistant, fake_microsoft, expired_for, accepted):
    now = int(time.time())
    body = activity(fake_microsoft.service_url, "whats LPT")
    token = fake_microsoft.sign(claims(body["serviceUrl"], exp=now - expired_for, iat=now - 3600, nbf=now - 3600),
                                KEY_ID)
    status, _ = send(assistant, body, token)
    assert status == (200 if accepted else 401)
    if accepted:
        fake_microsoft.wait_for_replies(body["conversation"]["id"])


ENDORSED = {  # the key's endorsements, the activity's channelId, accepted?
    "endorses msteams": (["msteams", "skype"], "msteams", True),
    "endorses another channel": (["skype", "webchat"], "msteams", False),
    "endorses nothing": ([], "msteams", False),
    "no channelId": (["msteams"], None, False),
    "channelId not text": (["msteams"], ["msteams"], False),
    "endorsements not a list": ("msteams", "msteams", False),
}


@pytest.mark.parametrize("case", list(ENDORSED))
def test_the_signing_key_must_endorse_the_channel(assistant, fake_microsoft, case):
    endorsements, channel, accepted = ENDORSED[case]
    kid = f"endorsed-{uuid.uuid4().hex[:8]}"
    fake_microsoft.add_key(kid, endorsements=endorsements)
    body = activity(fake_microsoft.service_url, "whats LPT")
    if channel is None:
        del body["channelId"]
    else:
        body["channelId"] = channel
    status, _ = send(assistant, body, fake_microsoft.sign(claims(body["serviceUrl"]), kid))
    if accepted:
        assert status == 200
        fake_microsoft.wait_for_replies(body["conversation"]["id"])
    else:
        assert status in (400, 401), status
        control = activity(fake_microsoft.service_url, "hello")
        ask(assistant, fake_microsoft, control)
        assert fake_microsoft.replies(body["conversation"]["id"]) == []


# --- malformed activities with a valid token: 400 (never 5xx, never a stack trace) ----------------
def send_signed(assistant, microsoft: FakeMicrosoft, raw: bytes, service_url: str):
    headers = {"Content-Type": "application/json",
               "Authorization": f"Bearer {microsoft.sign(claims(service_url), KEY_ID)}"}
    return post(assistant.rasa_url + "/webhooks/teams/webhook", raw, headers)


def assert_refused(status: int, text: str) -> None:
    assert status == 400, (status, text[:300])
    assert "Traceback" not in text and len(text) < 500
    assert isinstance(json.loads(text)["error"], str)


def changed(service_url: str, kind: str = "message", **changes) -> dict:
    body = activity(service_url, "whats LPT", kind=kind)
    if kind == "conversationUpdate":
        body["membersAdded"] = [BOT]
    for key, value in changes.items():
        if "." in key:
            outer, inner = key.split(".")
            body[outer][inner] = value
        else:
            body[key] = value
    return body


MALFORMED = {
    "serviceUrl is a list": {"serviceUrl": ["SERVICE"]},
    "membersAdded are not objects": {"kind": "conversationUpdate", "membersAdded": ["28:bot", 5]},
    "membersAdded is a number": {"kind": "conversationUpdate", "membersAdded": 5},
    "recipient is text": {"kind": "conversationUpdate", "recipient": "28:bot"},
    "from is text": {"from": "29:practitioner-1"},
    "from is a list": {"from": [{"id": "29:practitioner-1"}]},
    "conversation is text": {"conversation": "a:conv"},
    "conversation is a list": {"conversation": [{"id": "a:conv"}]},
    "text is a number": {"text": 42},
    "text is an object": {"text": {"text": "whats LPT"}},
    "value.msteams is text": {"text": None, "value": {"msteams": "whats LPT"}},
    "value.payload is an object": {"text": None, "value": {"payload": {"a": 1}}},
    "activity id is a number": {"id": 12345},
    "type is a list": {"type": ["message"]},
    "NUL in from.id": {"from.id": "29:prac\x00titioner"},
    "lone surrogate in from.id": {"from.id": "29:prac\ud800titioner"},
    "control character in from.id": {"from.id": "29:prac\x1btitioner"},
    "from.id too long": {"from.id": "29:" + "x" * 300},
    "from.id is a number": {"from.id": 29},
    "no from.id": {"from": {"name": "someone"}},
    "NUL in conversation.id": {"conversation.id": "a:conv\x00"},
    "lone surrogate in conversation.id": {"conversation.id": "a:conv\udfff"},
    "conversation.id too long": {"conversation.id": "a:" + "c" * 2000},
    "NUL in activity id": {"id": "act-\x00"},
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_activities_of_unexpected_shape_get_400_and_no_answer(assistant, fake_microsoft, case):
    changes = dict(MALFORMED[case])
    kind = changes.pop("kind", "message")
    if changes.get("serviceUrl") == ["SERVICE"]:
        changes["serviceUrl"] = [fake_microsoft.service_url]
    body = changed(fake_microsoft.service_url, kind, **changes)
    assert_refused(*send_signed(assistant, fake_microsoft, json.dumps(body).encode(), fake_microsoft.service_url))
    conversation = body["conversation"]["id"] if isinstance(body["conversation"], dict) else None
    control = activity(fake_microsoft.service_url, "hello")
    ask(assistant, fake_microsoft, control)
    if isinstance(conversation, str):
        assert fake_microsoft.replies(conversation) == []


def test_deeply_nested_json_gets_400(assistant, fake_microsoft):
    deep = b"[" * 100_000 + b"]" * 100_000
    assert_refused(*send_signed(assistant, fake_microsoft, deep, fake_microsoft.service_url))
    inside = json.dumps(activity(fake_microsoft.service_url, "whats LPT")).encode()[:-1] + b', "extra": ' + deep + b"}"
    assert_refused(*send_signed(assistant, fake_microsoft, inside, fake_microsoft.service_url))


def test_nul_and_lone_surrogates_are_dropped_from_the_text():
    assert message_text({"text": "whats\x00 LPT\ud800"}) == "whats LPT"
    assert message_text({"value": {"payload": "/ask_plans\x00"}}) == "/ask_plans"


def test_typed_commands_are_text_and_button_payloads_are_commands():
    assert message_text({"text": "/restart"}) == "restart"
    assert message_text({"text": "/ask_findings", "value": {"payload": "/ask_findings"}}) == "/ask_findings"
    assert message_text({"value": {"payload": "/rate_helpful"}}) == "/rate_helpful"


def test_a_conversation_sending_too_fast_is_told_to_wait_and_about_999(assistant, fake_microsoft):
    conversation = f"a:conv-{uuid.uuid4().hex[:12]}"
    for _ in range(24):
        body = activity(fake_microsoft.service_url, "hi", conversation=conversation)
        send(assistant, body, fake_microsoft.sign(claims(body["serviceUrl"]), KEY_ID))
    replies = fake_microsoft.wait_for_replies(conversation, count=21, timeout=60)
    assert any("faster than I can answer" in json.dumps(r) and "999" in json.dumps(r) for r in replies)
