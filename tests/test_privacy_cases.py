"""Regression cases for the identifier detector (issue 12, item 3), and the privacy benchmark's
targets on its test split (scripts/bench_privacy.py)."""
import importlib.util
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

from privacy import (  # noqa: E402
    KINDS, PLACEHOLDERS, REMINDER_KINDS, describe, find_identifiers, needs_reminder, redact,
)
from privacy.knowledge import knowledge_phones, knowledge_phrases, service_phrases  # noqa: E402


def found(text):
    return [(i.kind, i.text) for i in find_identifiers(text)]


def _bench():
    spec = importlib.util.spec_from_file_location("bench_privacy", ROOT / "scripts" / "bench_privacy.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_privacy"] = module
    spec.loader.exec_module(module)
    return module


# --------------------------------------------------------------------------
# Misses: these were stored as sent, with no reminder
# --------------------------------------------------------------------------
MISSES = [
    # a first name on its own, from varied cultures, and in lower case
    ("Mohammed disclosed to me today", ("name", "Mohammed")),
    ("worried about Tyler, age 7", ("name", "Tyler")),
    ("john said his dad hits him", ("name", "john")),
    ("Aisha told her teacher she is scared", ("name", "Aisha")),
    ("Spoke to Oluwaseun this morning", ("name", "Oluwaseun")),
    ("Zuzanna has bruises again", ("name", "Zuzanna")),
    ("Can I share information about Siobhan with the GP?", ("name", "Siobhan")),
    ("Gurpreet's mum asked me not to tell social care", ("name", "Gurpreet")),
    ("hodan said her uncle touches her", ("name", "hodan")),
    ("I met Wei and Rhys at the family hub", None),  # two names, checked below
    # an unknown name, from context alone
    ("Xiomara disclosed that her stepdad hits her", ("name", "Xiomara")),
    # born + a year
    ("born 2015", ("date_of_birth", "2015")),
    ("he was born in 2012 and is not in school", ("date_of_birth", "2012")),
    # a street without a house number
    ("lives on Saffron Lane", ("address", "Saffron Lane")),
    ("They moved to Church Way last month", ("address", "Church Way")),
    ("she lives on narborough road", ("address", "narborough road")),
    # National Insurance numbers
    ("QQ123456C", ("ni_number", "QQ123456C")),
    ("qq 12 34 56 c", ("ni_number", "qq 12 34 56 c")),
    ("his NI number is AB 12 34 56 C", ("ni_number", "AB 12 34 56 C")),
    ("NINO JG103759", ("ni_number", "JG103759")),  # no final letter: the cue is needed
    # school names
    ("St Mary's Primary School", ("school", "St Mary's Primary School")),
    ("she goes to Rushey Mead Academy", ("school", "Rushey Mead Academy")),
    ("DSL at Fullhurst Community College", ("school", "Fullhurst Community College")),
    # case ids from case systems
    ("child ID 1234567 on Liquid Logic", ("case_id", "1234567")),
    ("case ref LL-123456 was closed", ("case_id", "LL-123456")),
    ("I can see 7654321 in Mosaic", ("case_id", "7654321")),
]


@pytest.mark.parametrize("text, expected", [m for m in MISSES if m[1]])
def test_former_misses_are_found(text, expected):
    assert expected in found(text)
    assert needs_reminder(text)
    assert expected[1] not in redact(text)


def test_address_takes_the_town_and_postcode_after_it():
    assert redact("lives at 12 Glenfield Rd, Lutterworth with mum") == "lives at [ADDRESS] with mum"
    assert redact("214 Church Lane, Lutterworth le18 0th") == "[ADDRESS]"
    assert redact("they live on Saffron Lane, Leicester LE2 6TB now") == "they live on [ADDRESS] now"


def test_two_names_joined_by_and():
    assert found("I met Wei and Rhys at the family hub") == [("name", "Wei"), ("name", "Rhys")]


def test_new_kinds_have_placeholders_descriptions_and_reminders():
    for kind in ("ni_number", "school", "case_id"):
        assert kind in KINDS and kind in REMINDER_KINDS
        assert PLACEHOLDERS[kind] == f"[{kind.upper()}]"
        assert describe([kind])
    assert redact("QQ123456C at St Mary's Primary School, child ID 1234567") == \
        "[NI_NUMBER] at [SCHOOL], child ID [CASE_ID]"
    assert describe(["ni_number", "name"]) == "a name and a National Insurance number"


# --------------------------------------------------------------------------
# False positives: services, tools and published numbers are not personal
# --------------------------------------------------------------------------
NOT_PERSONAL = [
    "Lucy Faithfull Foundation",
    "Brook Traffic Light Tool",
    "Freedom Programme",
    "Adverse Childhood Experiences",
    "Rape Crisis",
    "Should I refer dad to the Lucy Faithfull Foundation?",
    "What does the Brook Traffic Light Tool say about sexting?",
    "Is the Freedom Programme suitable for dads?",
    "Adverse Childhood Experiences training",
    "Rape Crisis said they can support her",
    "Women's Aid or Stop It Now for a worried parent?",
    "aged 7 attends St Mary's",
    "the Virtual School head",
    "the hearing is at Leicester Crown Court",
    "Red, Amber, Green rating",
    "Will the police attend the strategy meeting?",
    "5 cases were audited in 2018",
    "in 2019 there were 12345 referrals",
    "conference booked for 06-01-2025",
]


@pytest.mark.parametrize("text", NOT_PERSONAL)
def test_services_and_tools_are_not_identifiers(text):
    assert found(text) == [] or all(kind == "date" for kind, _ in found(text))
    assert not needs_reminder(text)
    if not found(text):
        assert redact(text) == text  # the stored question is not mangled


def _published():
    numbers = [p for p in knowledge_phones() if len(re.sub(r"\D", "", p)) >= 8]
    assert numbers, "knowledge/ has no published phone numbers to test"
    return numbers


def _variants(number):
    digits = re.sub(r"\D", "", number)
    return [number, digits, "+44 " + number[1:], "+44 (0)" + number[1:]]


def test_published_duty_numbers_are_not_redacted():
    """The numbers come from knowledge/ `phones:` at run time, in the formats people type them."""
    for number in _published():
        for variant in _variants(number):
            text = f"I rang the duty team on {variant} but nobody answered"
            assert found(text) == [], text
            assert redact(text) == text
            assert not needs_reminder(text)


def test_personal_number_next_to_a_published_one_is_redacted():
    duty = _published()[0]
    text = f"Mum is on 07700 900123; I also rang the duty team on {duty}"
    assert redact(text) == f"Mum is on [PHONE]; I also rang the duty team on {duty}"


def test_phonenumbers_reads_formats_the_regex_does_not():
    assert found("call 0116.496.0123") == [("phone", "0116.496.0123")]
    assert found("her number is 0116/496/0123") == [("phone", "0116/496/0123")]


def test_service_names_come_from_knowledge_and_the_list():
    phrases = {p.lower() for p in service_phrases()}
    assert "lucy faithfull foundation" in phrases  # privacy/services.txt
    assert set(p.lower() for p in knowledge_phrases()) <= phrases  # knowledge/*.yml
    assert any("liquid logic" == p.lower() for p in knowledge_phrases())


def test_missing_knowledge_directory_is_not_an_error(tmp_path):
    assert knowledge_phrases(str(tmp_path)) == ()
    assert knowledge_phones(str(tmp_path)) == ()


# --------------------------------------------------------------------------
# Still linear, still idempotent
# --------------------------------------------------------------------------
@pytest.mark.parametrize("text", [
    "Mohammed said " * 7_000,
    "St Mary's Primary School " * 4_000,
    "lives on Saffron Lane " * 4_500,
    "QQ123456C " * 10_000,
    "child ID 1234567 " * 6_000,
    "born 2015 " * 10_000,
    "07700 900123 " * 7_700,
    "0116.496.0123 " * 7_000,
    "0 1 " * 25_000,
    "about Xyz " * 10_000,
    "Wei and Rhys and " * 6_000,
], ids=lambda t: repr(t[:14]))
def test_new_detectors_handle_100kb_of_one_pattern(text):
    """Pathological 100 kB inputs are redacted without error (their time is printed by make bench-privacy)."""
    out = redact(text)
    assert isinstance(out, str) and len(out) <= len(text) + 20 * text.count(" ")
    assert redact(out) == out


@pytest.mark.parametrize("text", [m[0] for m in MISSES] + NOT_PERSONAL)
def test_redaction_is_idempotent(text):
    once = redact(text)
    assert redact(once) == once


# --------------------------------------------------------------------------
# The benchmark
# --------------------------------------------------------------------------
def test_benchmark_is_split_by_template_and_large_enough():
    bench = _bench()
    messages = bench.generate()
    assert len(messages) >= 500
    split_of = {}
    for message in messages:
        assert split_of.setdefault(message.template, message.split) == message.split
    assert {"train", "test"} == set(split_of.values())
    assert bench.generate() == messages  # deterministic
    test_kinds = {kind for m in messages if m.split == "test" for _, _, kind in m.spans}
    assert test_kinds >= {"name", "date_of_birth", "address", "postcode", "phone", "email", "nhs_number",
                          "ni_number", "school", "case_id"}
    assert bench.rare_names_listed() == []


def test_benchmark_test_split_meets_targets():
    bench = _bench()
    result = bench.run("test")
    assert result.failures() == [], bench.table("test", result) + "\n" + "\n".join(result.errors[:20])
    assert result.reminder_false == 0
