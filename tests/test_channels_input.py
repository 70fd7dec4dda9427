"""The REST channel's input checks (channels/rest.py), without a server: the server tests send the
same bodies over HTTP."""
from __future__ import annotations

import json

import pytest

from channels.guard import SenderLimiter
from channels.rest import MAX_TOKENS, clean_message, parse_body, valid_sender


@pytest.mark.parametrize("sender,ok", [
    ("abc-123", True), (42, True), ("\ud800", False), ("a\x00b", False), ("a\x07b", False),
    ("", False), ("   ", False), ("x" * 201, False), (True, False), (None, False), (["a"], False),
])
def test_sender_ids_are_short_printable_and_encodable(sender, ok):
    assert valid_sender(sender) is ok


def test_message_text_loses_nul_surrogates_and_control_characters_but_keeps_lines():
    assert clean_message("a\x00b\ud800c\x1bd\ne\tf") == "abcd\ne\tf"


def test_metadata_is_never_kept():
    body, _, status = parse_body(json.dumps({"sender": "s", "message": "hi",
                                             "metadata": {"child": "Amira Khan"}}).encode())
    assert status == 200 and body["metadata"] is None


def test_deeply_nested_json_is_a_client_error():
    assert parse_body(b"[" * 100_000 + b"]" * 100_000)[2] == 400


def test_a_typed_command_is_text_and_a_button_payload_is_a_command():
    typed, _, _ = parse_body(json.dumps({"sender": "s", "message": " /restart"}).encode())
    clicked, _, _ = parse_body(json.dumps({"sender": "s", "message": "/rate_helpful", "button": True}).encode())
    injected, _, _ = parse_body(json.dumps({"sender": "s", "message": '//ask_referral{"topic": "x"}'}).encode())
    assert typed["message"] == "restart" and clicked["message"] == "/rate_helpful"
    assert not injected["message"].startswith("/")


def test_work_per_message_is_bounded_without_losing_words():
    assert clean_message("help!!!!!!!! 😀😀😀😀😀😀") == "help!!! 😀😀😀"
    varied = "".join(chr(0x1F600 + i % 70) for i in range(4999))
    assert len(clean_message(varied)) == MAX_TOKENS
    prose = "my neighbour hits her son and I can hear him crying " * 80  # about 880 words
    assert clean_message(prose) == prose


def test_each_sender_gets_a_burst_then_one_message_a_second():
    limiter = SenderLimiter(burst=3, per_second=1)
    assert [limiter.allow("a", now=0) for _ in range(4)] == [True, True, True, False]
    assert limiter.allow("b", now=0)  # another sender is not slowed
    assert limiter.allow("a", now=1.1) and not limiter.allow("a", now=1.2)
    assert SenderLimiter(burst=0).allow("a")  # SENDER_RATE_LIMIT=0 turns it off
