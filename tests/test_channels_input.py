"""The REST channel's input checks (channels/rest.py), without a server: the server tests send the
same bodies over HTTP."""
from __future__ import annotations

import json

import pytest

from channels.rest import clean_message, parse_body, valid_sender


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
