"""What the knowledge base covers (knowledge/coverage.yml, actions/coverage.py): honest declines,
partly covered questions, process questions, definition parts, and the emergency guidance first.
Every message here is written for this test, not taken from the held-out real wordings."""
from __future__ import annotations


import pytest

from actions import ActionAnswerTopic, ActionDefine, ActionGlossary, ActionSearchFallback, ActionSmallTalk
from kb.text import matches_ask
from tests.helpers import answer_buttons, cited, run_action, texts

PROCEDURES = "http://llrscb.proceduresonline.com/"
ANSWER_KINDS = ("checklist", "definition", "term", "finding")


def reply_of(action, text, intent, confidence=0.95):
    messages, _ = run_action(action, text, intent)
    return messages


@pytest.mark.parametrize("text,intent,action,gap", [
    ("what is fgm and what do i do about it", "ask_definition", ActionDefine, "gap.fgm"),
    ("explain the prevent duty for schools", "ask_glossary", ActionGlossary, "gap.prevent"),
    ("how do i report a concern about a colleague to the lado", "ask_referral", ActionAnswerTopic, "gap.allegations"),
    ("what is the definition of emotional abuse", "ask_definition", ActionDefine, "gap.emotional_abuse"),
    ("how often do staff need to redo safeguarding training", "ask_supervision", ActionAnswerTopic, "gap.training"),
    ("what does private fostering mean", "ask_glossary", ActionGlossary, "gap.private_fostering"),
])
def test_a_subject_the_audit_does_not_cover_is_declined_plainly(kb, text, intent, action, gap):
    messages = reply_of(action(), text, intent)
    reply = texts(messages)
    subject = kb.gaps[gap].subject
    assert f"The audit's knowledge base doesn't cover {subject}." in reply
    assert PROCEDURES in reply and "safeguarding lead" in reply
    assert cited(messages) == [gap]  # never an unrelated checklist or definition
    assert not [i for i in cited(messages) if kb.kind_of(i) in ANSWER_KINDS]
    assert answer_buttons(messages)       # the closest topics


def test_a_partly_covered_question_answers_the_part_and_names_the_rest(kb):
    messages = reply_of(ActionAnswerTopic(), "if there are fgm worries does the referral need to name every child",
                        "ask_referral")
    reply = texts(messages)
    assert messages[0]["text"].startswith(kb.messages["partly_covered"].format(subject=kb.gaps["gap.fgm"].subject))
    assert "checklist.referral" in cited(messages) and PROCEDURES in reply


def test_a_process_question_gets_what_the_audit_says_and_the_chapter(kb):
    messages = reply_of(ActionAnswerTopic(), "what happens after I send a referral to social care?", "ask_referral")
    chapter = kb.links["link.llr_referrals"]
    assert "checklist.referral" in cited(messages) and chapter.url in texts(messages)


def test_a_process_question_the_intent_missed_still_gets_the_audit_and_the_chapter(kb):
    messages = reply_of(ActionSearchFallback(), "what happens after I send a referral to social care?", "nlu_fallback")
    assert "checklist.referral" in cited(messages) and kb.links["link.llr_referrals"].url in texts(messages)


@pytest.mark.parametrize("question,part", [
    ("can women be sexual abusers too?", "who"),
    ("is grooming part of the definition", "grooming"),
    ("does sexual abuse include things that happen online", "online"),
    ("what are the two types of sexual abuse", "contact_and_non_contact"),
    ("what's the difference between contact and non-contact abuse", "contact_and_non_contact"),
])
def test_a_question_about_part_of_the_definition_gets_that_sentence_quoted(kb, question, part):
    definition = kb.definitions["def.sexual_abuse"]
    quote = next(p for p in definition.parts if p.id == part).quote
    messages = reply_of(ActionDefine(), question, "ask_definition")
    reply = texts(messages)
    assert f"'{quote}'" in reply and cited(messages)[0] == "def.sexual_abuse"
    assert definition.text not in reply or quote == definition.text  # not the whole block
    assert "Quoted from Working Together" in reply
    assert answer_buttons(messages)[0]["title"] == kb.messages["whole_definition"]


def test_the_whole_definition_when_asked_for(kb):
    reply = texts(reply_of(ActionDefine(), "give me the whole definition of sexual abuse incl grooming",
                           "ask_definition"))
    assert kb.definitions["def.sexual_abuse"].text in reply


def test_a_definition_question_naming_no_known_definition_is_declined_not_defaulted():
    messages = reply_of(ActionDefine(), "define the word safeguarding", "ask_definition")
    assert "doesn't cover" in texts(messages) and "def.sexual_abuse" not in cited(messages)


def test_every_not_sure_reply_carries_the_procedures_and_the_lead():
    for action, text, intent in [(ActionSearchFallback(), "zxqv plorp", "nlu_fallback"),
                                 (ActionSearchFallback(), "tell me about referrals timing", "nlu_fallback"),
                                 (ActionSmallTalk(), "help", "help")]:
        reply = texts(reply_of(action, text, intent))
        assert PROCEDURES in reply and "safeguarding lead" in reply, text


def test_a_disclosure_gets_the_emergency_guidance_first_whatever_the_intent(kb):
    messages = reply_of(ActionDefine(), "my neighbour's little girl told me her stepdad hurts her, is that abuse?",
                        "ask_definition")
    assert cited(messages[:1])[0] == kb.urgent.id
    assert "checklist.referral" in cited(messages)


def test_the_privacy_reminder_comes_after_the_emergency_guidance(kb):
    messages = reply_of(ActionAnswerTopic(), "Tyler Smith born 03/04/2016 told me today his dad beats him",
                        "ask_referral")
    assert cited(messages[:1])[0] == kb.urgent.id
    assert any("identifiable" in m["text"] for m in messages[1:])


def test_a_child_gets_childline_and_no_referral_checklist(kb):
    messages = reply_of(ActionAnswerTopic(), "my dad hits me when mum goes out and im scared", "ask_referral")
    reply = texts(messages)
    assert cited(messages[:1])[0] == kb.urgent.id
    assert "0800 1111" in reply and "safety.child" in cited(messages) and "checklist.referral" not in cited(messages)


@pytest.mark.parametrize("ask,text,expected", [
    ("prevent + duty", "What is the Prevent duty?", True),
    ("prevent + duty", "how do we prevent abuse", False),
    ("radicalis*", "signs of radicalisation", True),
    ("home alone", "Can I leave my 10 year old home-alone?", True),
    ("lado", "who is the LADO", True),
    ("lado", "ladder", False),
])
def test_word_patterns(ask, text, expected):
    assert matches_ask(ask, text) is expected


def test_a_definition_question_about_a_glossary_term_gets_the_term():
    reply = texts(reply_of(ActionDefine(), "what does signs of safety mean", "ask_definition"))
    assert "ref: term.signs_of_safety" in reply
