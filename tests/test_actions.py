"""The custom actions, run on real trackers against the real knowledge base."""
from __future__ import annotations

import re

import pytest

from actions import (ActionAnswerFindings, ActionAnswerTopic, ActionAudit, ActionContacts, ActionDefine,
                     ActionGlossary, ActionLinks, ActionSearchFallback, ActionSmallTalk, ActionSource,
                     ActionUrgentGuidance)
from tests.helpers import answer_buttons, cited, run_action, slot, texts


def test_referral_checklist_is_numbered_with_reasons_and_source():
    messages, events = run_action(ActionAnswerTopic(), "what must a referral include?", "ask_referral")
    reply = texts(messages)
    assert "1. Name every child in the family, including unborn children" in reply
    assert "Why: In one audited case a young child was left out of the referral." in reply
    assert "Source: FSA audit briefing, Key points: Referrals (ref: checklist.referral)" in reply  # the small print
    assert cited(messages) == ["checklist.referral"]
    titles = [b["title"] for b in messages[-2]["buttons"]]
    assert titles[0] == "What the audit found" and "Helpful" not in titles and len(titles) <= 4
    feedback = messages[-1]  # a message of its own, apart from the topic buttons
    assert feedback["text"] == "Was this answer helpful?"
    assert [b["title"] for b in feedback["buttons"]] == ["Helpful", "Not helpful"]
    assert slot(events, "last_topic") == "referrals" and slot(events, "last_kind") == "checklist"


@pytest.mark.parametrize("intent,checklist", [
    ("ask_uava", "checklist.refer_to_uava"), ("ask_gp", "checklist.gp_involvement"),
    ("ask_plans", "checklist.accessible_plans"), ("ask_voice_of_child", "checklist.voice_of_child"),
    ("ask_record_keeping", "checklist.record_keeping"), ("ask_assessment", "checklist.assessments"),
    ("ask_supervision", "checklist.supervision"), ("ask_equality_diversity", "checklist.equality_diversity"),
])
def test_each_theme_answers_with_its_checklist(kb, intent, checklist):
    title = kb.topic_for_intent(intent).title.lower()
    messages, _ = run_action(ActionAnswerTopic(), f"tell me about {title}", intent)
    reply = texts(messages)
    assert cited(messages) == [checklist]
    for item in kb.checklists[checklist].items:
        assert item.text in reply


def test_gp_checklist_says_send_the_plan():
    reply = texts(run_action(ActionAnswerTopic(), "should the GP get the plan?", "ask_gp")[0])
    assert "Send the decision and the plan to the GP." in reply


def test_non_verbal_child_answer_mentions_cues_and_films():
    reply = texts(run_action(ActionAnswerTopic(), "how do I hear the voice of a non-verbal child?",
                             "ask_voice_of_child")[0])
    assert "non-verbal" in reply and "Can You Hear Me?" in reply


def test_urgent_guidance_comes_first_then_the_referral_checklist():
    messages, _ = run_action(ActionUrgentGuidance(), "a child has just told me she is being abused", "urgent_risk")
    assert "999" in messages[0]["text"]
    assert "children's social care" in messages[0]["text"].lower()
    assert "http://llrscb.proceduresonline.com/" in messages[0]["text"]
    assert "do not make decisions" in messages[0]["text"]
    assert cited(messages[:1])[0] == "safety.urgent" and "checklist.referral" in cited(messages[1:2])


def test_urgent_words_in_any_question_bring_emergency_guidance_first():
    messages, _ = run_action(ActionAnswerTopic(), "a girl has just told me she is being abused, what goes in the plan",
                             "ask_plans")
    assert "999" in messages[0]["text"]
    assert "checklist.accessible_plans" in cited(messages[1:])


def test_ordinary_questions_get_no_emergency_guidance():
    messages, _ = run_action(ActionAnswerTopic(), "what are the signs a referral is good enough", "ask_referral")
    assert "999" not in texts(messages)


def test_identifiable_details_get_a_reminder_and_the_answer():
    messages, _ = run_action(ActionAnswerTopic(),
                             "Jane Smith dob 03/04/2012 lives at 12 Narborough Road, what goes in her referral?",
                             "ask_referral")
    assert "don't share identifiable details" in messages[0]["text"]
    assert "checklist.referral" in cited(messages)


def test_no_reminder_for_a_plain_question():
    messages, _ = run_action(ActionAnswerTopic(), "When do I refer to UAVA?", "ask_uava")
    assert "identifiable" not in texts(messages)


def test_follow_up_keeps_the_kind_of_answer():
    messages, _ = run_action(ActionAnswerTopic(), "and about record keeping?", "ask_record_keeping",
                             slots={"last_kind": "findings", "last_topic": "referrals"})
    reply = texts(messages)
    assert "Record keeping: what the audit found" in reply
    assert "finding.records.genograms" in cited(messages)


def test_a_theme_question_about_what_was_found_gets_the_findings():
    reply = texts(run_action(ActionAnswerTopic(), "what was found about voice of the child", "ask_voice_of_child")[0])
    assert "Voice of the child: what the audit found" in reply


def test_refer_to_them_after_asking_about_uava():
    messages, _ = run_action(ActionAnswerTopic(), "when should I refer to them?", "ask_referral",
                             slots={"last_term": "term.uava", "last_topic": "uava"})
    assert "checklist.refer_to_uava" in cited(messages)


@pytest.mark.parametrize("intent", ["ask_uava", "ask_glossary"])  # NLU may take "who are UAVA?" either way
def test_them_means_the_term_named_before_whichever_intent_answered_it(intent):
    action = ActionAnswerTopic() if intent == "ask_uava" else ActionGlossary()
    _, events = run_action(action, "who are UAVA?", intent, entities=[("term", "UAVA")])
    assert slot(events, "last_term") == "term.uava"
    messages, _ = run_action(ActionAnswerTopic(), "when should I refer to them?", "ask_referral",
                             slots={"last_term": slot(events, "last_term"), "last_topic": slot(events, "last_topic")})
    assert "checklist.refer_to_uava" in cited(messages)


def test_where_does_that_come_from():
    messages, _ = run_action(ActionSource(), "where does that come from?", "ask_source",
                             slots={"last_entries": ["checklist.referral", "term.uava"]})
    reply = texts(messages)
    assert "Familial Sexual Abuse (FSA) audit" in reply
    assert "section 'Key points: Referrals': checklist.referral" in reply  # each entry with its section
    assert set(cited(messages)) == {"checklist.referral", "term.uava"}
    assert "Leicester, Leicestershire and Rutland's jointly commissioned" in reply  # the public source


def test_source_with_nothing_answered_yet():
    reply = texts(run_action(ActionSource(), "where does this come from", "ask_source")[0])
    assert "audit" in reply.lower()


@pytest.mark.parametrize("topic", ["referrals", "assessments", "voice_of_child", "plans", "supervision",
                                   "record_keeping", "outcomes", "equality_diversity", "uava", "gps"])
def test_findings_for_each_theme(kb, topic):
    messages, events = run_action(ActionAnswerFindings(), "what did the audit find", "ask_findings",
                                  entities=[("topic", topic)])
    reply = texts(messages)
    for finding in kb.findings_for(topic):
        assert finding.text in reply
    assert slot(events, "last_kind") == "findings"


def test_every_finding_is_reachable(kb):
    shown = set()
    for topic in kb.topics:
        messages, _ = run_action(ActionAnswerFindings(), "findings", "ask_findings", entities=[("topic", topic)])
        shown |= set(cited(messages))
    assert set(kb.findings) <= shown


def test_findings_without_a_theme_give_the_conclusions(kb):
    shown = cited(run_action(ActionAnswerFindings(), "what did the audit conclude?", "ask_findings")[0])
    for number in range(1, 6):
        assert f"conclusion.{number}" in shown


def test_findings_follow_up_uses_the_last_topic():
    reply = texts(run_action(ActionAnswerFindings(), "what did the audit find about that?", "ask_findings",
                             slots={"last_topic": "plans"})[0])
    assert "Plans: what the audit found" in reply


@pytest.mark.parametrize("question,expected", [
    ("what is sexual abuse?", "def.sexual_abuse"),
    ("define familial sexual abuse", "def.csa_family_environment"),
    ("what is non-contact abuse", "def.non_contact_abuse"),
    ("what are the signs of sexual abuse", "def.signs_indicators"),
    ("what counts as child sexual abuse", "def.child_sexual_abuse"),
])
def test_definitions(question, expected):
    assert cited(run_action(ActionDefine(), question, "ask_definition")[0]) == [expected]


@pytest.mark.parametrize("question,expected", [
    ("is online grooming counted as sexual abuse?", ["def.sexual_abuse", "def.non_contact_abuse"]),
    ("what counts as contact abuse", ["def.contact_abuse"]),  # not also "abuse"
    ("signs of sexual abuse in a teenager", ["def.signs_indicators"]),
])
def test_a_question_naming_two_defined_things_gets_both_and_no_more(question, expected):
    assert cited(run_action(ActionDefine(), question, "ask_definition")[0]) == expected


def test_definition_buttons_open_other_definitions(kb):
    messages, _ = run_action(ActionDefine(), "what is sexual abuse", "ask_definition")
    payload = answer_buttons(messages)[0]["payload"]
    entry = re.search(r'"entry":"([^"]+)"', payload).group(1)
    assert cited(run_action(ActionDefine(), payload, "ask_definition", entities=[("entry", entry)])[0]) == [entry]


@pytest.mark.parametrize("question,entity,expected", [
    ("what's LPT?", "LPT", "Leicestershire Partnership NHS Trust"),
    ("who are UAVA", "UAVA", "United Against Violence and Abuse"),
    ("what does PAAG stand for", "PAAG", "Performance, Analysis and Assurance Group"),
    ("what is SSTOP", "SSTOP", "does not expand SSTOP"),
])
def test_glossary(question, entity, expected):
    messages, events = run_action(ActionGlossary(), question, "ask_glossary", entities=[("term", entity)])
    assert expected in texts(messages)
    assert slot(events, "last_term")


def test_glossary_finds_the_term_without_an_entity():
    assert cited(run_action(ActionGlossary(), "whats a genogram", "ask_glossary")[0]) == ["term.genogram"]


def test_every_glossary_term_is_reachable(kb):
    for term in kb.terms.values():
        shown = cited(run_action(ActionGlossary(), f"what is {term.term}", "ask_glossary",
                                 entities=[("term", term.term)])[0])
        assert term.id in shown


def test_links_list_every_link(kb):
    messages = run_action(ActionLinks(), "where are the procedures?", "ask_links")[0]
    reply = texts(messages)
    assert set(cited(messages)) == set(kb.links)
    assert "http://llrscb.proceduresonline.com/" in reply and "https://vimeo.com/165429690" in reply


def test_audit_questions():
    reply = texts(run_action(ActionAudit(), "how many cases were audited?", "ask_audit")[0])
    assert "Five cases were audited" in reply
    reply = texts(run_action(ActionAudit(), "which agencies took part in the audit?", "ask_audit")[0])
    assert "Leicestershire Police" in reply and "CAFCASS" in reply
    reply = texts(run_action(ActionAudit(), "how many cases did LPT audit", "ask_audit",
                             entities=[("term", "LPT")])[0])
    assert "LPT: 3" in reply


@pytest.mark.parametrize("fact", ["audit.why", "audit.aim", "audit.report", "audit.scope", "audit.llr"])
def test_audit_facts_are_reachable(kb, fact):
    assert fact in cited(run_action(ActionAudit(), kb.audit_facts[fact].title, "ask_audit")[0])


def test_contacts_never_invent_a_number(kb):
    reply = texts(run_action(ActionContacts(), "what's the number for children's social care", "ask_contacts",
                             entities=[("area", "leicester")])[0])
    assert kb.contact_for("leicester", "front_door").phones[0] in reply and "Checked" in reply
    assert "Not held here" in reply and "llrscb.proceduresonline.com" in reply
    published = {p for c in kb.contacts.values() for p in c.phones}
    assert set(re.findall(r"\b0\d{3,4} ?\d{3} ?\d{3,4}\b", reply)) <= published  # only numbers with a source


def test_contacts_with_no_area_ask_for_one(kb):
    reply = texts(run_action(ActionContacts(), "what's the number for children's social care", "ask_contacts")[0])
    assert reply == kb.messages["area_question"]


def test_fallback_searches_the_knowledge_base():
    messages, events = run_action(ActionSearchFallback(), "refferal unborn baby left out", "nlu_fallback")
    reply = texts(messages)
    assert "closest" in reply
    assert {"checklist.referral", "finding.referrals.child_omitted"} & set(cited(messages))
    assert slot(events, "last_entries")


def test_fallback_says_plainly_when_not_covered():
    reply = texts(run_action(ActionSearchFallback(), "what's the weather in Leicester tomorrow", "out_of_scope")[0])
    assert "doesn't cover" in reply and "http://llrscb.proceduresonline.com/" in reply


def test_greeting_warns_about_identifiable_details():
    reply = texts(run_action(ActionSmallTalk(), "hi", "greet")[0])
    assert "do not type names" in reply


def test_help_lists_topics_and_says_it_does_not_decide():
    messages, _ = run_action(ActionSmallTalk(), "what can you do?", "help")
    reply = texts(messages)
    assert "referrals" in reply.lower() and "do not make decisions" in reply
    assert answer_buttons(messages)


def test_a_failing_action_apologises_instead_of_crashing(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")
    monkeypatch.setattr(ActionAnswerTopic, "answer", broken)
    messages, events = run_action(ActionAnswerTopic(), "what must a referral include?", "ask_referral")
    assert "couldn't answer" in texts(messages) and "boom" not in texts(messages)
    assert events == []


def test_the_failure_replies_are_the_knowledge_bases_and_still_come_when_it_cannot_be_read(monkeypatch):
    import kb as knowledge_package
    from kb.failures import failure_message
    kb = knowledge_package.get_knowledge()
    assert failure_message("apology") == kb.messages["apology"].format(url=kb.procedures_link.url)
    assert failure_message("unreachable") == kb.messages["unreachable"].format(url=kb.procedures_link.url)

    def unreadable(*args, **kwargs):
        raise knowledge_package.KnowledgeError([])
    monkeypatch.setattr(knowledge_package, "get_knowledge", unreadable)
    assert "999" in failure_message("apology") and "llrscb.proceduresonline.com" in failure_message("unreachable")
