"""The trained assistant answers real questions over real HTTP (REST channel), with its action server
(the shared `assistant`: tests/shared_server.py)."""
from __future__ import annotations

import json
import uuid

import pytest

from harness.questions import cited_ids
from harness.servers import reply_text


def ask(assistant, message, sender=None):
    return assistant.ask(sender or uuid.uuid4().hex, message)


@pytest.mark.parametrize("question,ref", [
    ("what must a referral include?", "checklist.referral"),
    ("when do I refer to UAVA?", "checklist.refer_to_uava"),
    ("should the GP get the plan?", "checklist.gp_involvement"),
    ("how do I hear the voice of a non-verbal child?", "checklist.voice_of_child"),
    ("whats LPT", "term.lpt"),
    ("how many cases were audited?", "audit.cases"),
    ("what is non-contact abuse", "def.non_contact_abuse"),
])
def test_answers_real_questions(assistant, question, ref):
    replies = ask(assistant, question)
    assert ref in cited_ids(replies)


def test_checklist_comes_with_buttons_that_work(assistant):
    sender = uuid.uuid4().hex
    replies = ask(assistant, "what must a referral include?", sender)
    buttons = [b for r in replies for b in r.get("buttons", [])]
    assert buttons and buttons[0]["title"] == "What the audit found"
    followed = ask(assistant, buttons[0]["payload"], sender)
    assert "Referrals: what the audit found" in reply_text(followed)


def test_context_carries_across_turns(assistant):
    sender = uuid.uuid4().hex
    assert "term.uava" in cited_ids(ask(assistant, "who are UAVA?", sender))
    assert "checklist.refer_to_uava" in cited_ids(ask(assistant, "when should I refer to them?", sender))
    source = reply_text(ask(assistant, "where does that come from?", sender))
    assert "Key points: Equality and Diversity" in source


def test_urgent_message_gets_emergency_guidance_first(assistant):
    replies = ask(assistant, "I think a child is in danger right now")
    assert "999" in replies[0]["text"]
    assert "checklist.referral" in cited_ids(replies)


def test_identifiers_get_a_reminder(assistant):
    replies = ask(assistant, "what goes in a referral for Jane Smith, 12 Narborough Road LE3 0BQ?")
    assert "identifiable" in replies[0]["text"]
    assert "checklist.referral" in cited_ids(replies)


def test_unknown_questions_get_an_honest_answer(assistant):
    text = reply_text(ask(assistant, "qwertyuiop zxcv"))
    assert "llrscb.proceduresonline.com" in text  # a decline or the closest parts: the procedures either way


def test_a_subject_the_audit_does_not_cover_is_declined_with_the_closest_topics(assistant):
    replies = ask(assistant, "what are the signs a girl is at risk of female genital mutilation")
    text = reply_text(replies)
    assert "The audit's knowledge base doesn't cover female genital mutilation (FGM)." in text
    assert "llrscb.proceduresonline.com" in text and cited_ids(replies) == {"gap.fgm"}
    titles = [b["title"] for r in replies for b in r.get("buttons", [])]
    assert "Referrals" in titles


def test_a_partly_covered_question_gets_the_covered_part_and_says_what_is_not(assistant):
    replies = ask(assistant, "with fgm worries in the family, does every child go on the referral?")
    assert "doesn't cover female genital mutilation (FGM)" in reply_text(replies)
    assert "checklist.referral" in cited_ids(replies)


@pytest.mark.parametrize("body,content_type", [
    (json.dumps({"sender": "x", "message": ""}).encode(), "application/json"),
    (json.dumps({"sender": "x", "message": "\u0000\ufffd😀" * 50}).encode(), "application/json"),
    (json.dumps({"sender": "x", "message": "referral " * 500}).encode(), "application/json"),
], ids=["empty", "odd-unicode", "long"])
def test_odd_messages_get_no_server_error(assistant, body, content_type):
    status, text = assistant.post("/webhooks/rest/webhook", body, content_type)
    assert status == 200
    assert "Traceback" not in text


@pytest.mark.parametrize("body,status,says", [
    (b"not json", 400, "not valid JSON"),
    (b'{"sender": "x"}', 400, "'message' is missing"),
    (b"\xff\xfe\x00", 400, "not valid JSON"),
    (b"[1, 2]", 400, "JSON object"),
    (json.dumps({"sender": "x", "message": "a" * 100_000}).encode(), 413, "too long"),
    (b'{"sender": "\\ud800", "message": "hi"}', 400, "'sender'"),          # a lone surrogate
    (b'{"sender": "a\\u0000b", "message": "hi"}', 400, "'sender'"),        # a NUL
    (b'{"sender": "a\\u0007b", "message": "hi"}', 400, "'sender'"),        # a control character
    (b"[" * 50_000 + b"]" * 50_000, 400, "not valid JSON"),                 # deep nesting
], ids=["text", "no-message", "binary", "array", "100kB", "surrogate-sender", "nul-sender", "control-sender",
        "deep-nesting"])
def test_malformed_requests_get_a_clear_client_error(assistant, body, status, says):
    answered, text = assistant.post("/webhooks/rest/webhook", body)
    assert answered == status and says in json.loads(text)["error"]
    # and the server still answers afterwards
    assert "checklist.referral" in cited_ids(ask(assistant, "what must a referral include?"))


def test_surrogates_and_nul_in_a_message_are_dropped_and_it_is_answered(assistant):
    answered, text = assistant.post("/webhooks/rest/webhook",
                                    b'{"sender": "s1", "message": "what must a \\ud800referral include?\\u0000"}')
    assert answered == 200 and "checklist.referral" in cited_ids(json.loads(text))


def test_the_server_names_no_version_and_refuses_bodies_over_256_kB(assistant):
    import urllib.request
    with urllib.request.urlopen(f"{assistant.rasa_url}/", timeout=30) as response:
        hello = response.read().decode()
    assert "Rasa" not in hello and "3.6" not in hello
    status, _ = assistant.post("/webhooks/rest/webhook", json.dumps({"sender": "s", "message": "a" * 300_000}).encode())
    assert status == 413


def test_a_typed_command_does_not_drive_the_dialogue(assistant):
    """A typed "/restart" would wipe the conversation; typed, it is text and the context stays."""
    typed, clicked = uuid.uuid4().hex, uuid.uuid4().hex
    for sender, button in ((typed, False), (clicked, True)):
        assert "term.uava" in cited_ids(ask(assistant, "who are UAVA?", sender))
        assistant.ask(sender, "/restart", button=button)
    assert "checklist.refer_to_uava" in cited_ids(ask(assistant, "when should I refer to them?", typed))
    assert "checklist.refer_to_uava" not in cited_ids(ask(assistant, "when should I refer to them?", clicked))


def test_a_sender_sending_too_fast_is_slowed_and_told_about_999(assistant):
    sender, body = uuid.uuid4().hex, json.dumps({"sender": "", "message": "hi"})
    statuses = [assistant.post("/webhooks/rest/webhook", body.replace('""', f'"{sender}"', 1).encode())
                for _ in range(25)]
    assert statuses[0][0] == 200 and statuses[-1][0] == 429 and "999" in statuses[-1][1]
    assert ask(assistant, "whats LPT")  # others are answered


def test_stored_conversation_keeps_no_identifiers(assistant):
    """The store `make run` uses redacts before storing; read it back over the API."""
    import urllib.request
    sender = uuid.uuid4().hex
    assistant.ask(sender, "Jane Smith, dob 03/04/2012, 12 Narborough Road LE3 0BQ, 07700 900123. What must the referral include?")
    body = {"sender": sender, "message": "what is early help?",
            "metadata": {"child": "Amira Khan", "dob": "01/02/2015", "note": "lives at 12 High Street LE1 5AA"}}
    assistant.post("/webhooks/rest/webhook", json.dumps(body).encode())
    url = f"{assistant.rasa_url}/conversations/{sender}/tracker?token={assistant.token}"
    with urllib.request.urlopen(url, timeout=30) as response:
        stored = response.read().decode()
    assert "checklist.referral" in stored  # the answer is there
    for identifier in ("Jane Smith", "03/04/2012", "Narborough", "LE3 0BQ", "07700 900123", "Amira Khan",
                       "01/02/2015", "High Street", "LE1 5AA"):
        assert identifier not in stored
