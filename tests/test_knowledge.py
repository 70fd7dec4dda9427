"""The real knowledge files load, and hold every learning point of the audit briefing."""
from __future__ import annotations

import pytest

from kb import records as r

# Every learning point of the briefing, by id: each finding, suggestion and conclusion, each
# definition, each link, the audit's context and each agency's part. Adding a point to the
# briefing's knowledge means adding it here; removing one from knowledge/ fails this test.
LEARNING_POINTS = {
    "audit_fact": ["audit.audience", "audit.why", "audit.aim", "audit.learning", "audit.report", "audit.llr",
                   "audit.cases", "audit.scope"],
    "agency": ["agency.police", "agency.csc_eh", "agency.schools", "agency.gp", "agency.uhl", "agency.lpt",
               "agency.uava", "agency.nps", "agency.sstop", "agency.cafcass", "agency.turning_point",
               "agency.dnlrc", "agency.asc"],
    "definition": ["def.sexual_abuse", "def.child_sexual_abuse", "def.csa_family_environment",
                   "def.contact_abuse", "def.non_contact_abuse", "def.signs_indicators"],
    "link": ["link.llr_procedures", "link.can_you_hear_me", "link.nspcc_csa", "link.lscb_website",
             "link.lscb_audit_summaries", "link.cc_inquiry_2015"],
    "finding": [
        "finding.referrals.timely", "finding.referrals.compliant", "finding.referrals.child_omitted",
        "finding.assessments.timely", "finding.assessments.recommendations", "finding.assessments.tools",
        "finding.assessments.parents", "finding.assessments.discrepancies", "finding.assessments.sharing",
        "finding.voice.methods", "finding.voice.cues", "finding.voice.training", "finding.voice.films",
        "finding.plans.smart", "finding.plans.multiagency", "finding.plans.actions", "finding.plans.recording",
        "finding.plans.role_unclear", "finding.plans.parent_link", "finding.plans.accessible",
        "finding.plans.number_of_agencies", "finding.plans.gp", "finding.plans.front_sheet",
        "finding.plans.support_meeting",
        "finding.supervision.standards", "finding.supervision.lpt_pathway", "finding.supervision.signs_of_safety",
        "finding.records.genograms", "finding.records.safety_plans", "finding.records.timescales",
        "finding.records.plan_progress", "finding.records.minutes", "finding.records.challenge_minutes",
        "finding.records.systems",
        "finding.safeguarding.no_escalation", "finding.life_chances.attendance", "finding.life_chances.reduction",
        "finding.equality.conditions", "finding.equality.learning_disability", "finding.equality.lpt",
        "finding.equality.gp_ethnicity", "finding.equality.uava_known", "finding.equality.uava_not_referred",
        "finding.equality.school_guided",
        "conclusion.1", "conclusion.2", "conclusion.3", "conclusion.4", "conclusion.5",
    ],
}
ALL_POINTS = [(kind, i) for kind, ids in LEARNING_POINTS.items() for i in ids]

# Every acronym and named service in the briefing has a glossary entry.
BRIEFING_TERMS = ["LSCB", "LLR", "FSA", "PAAG", "CSC", "EH", "CCG", "GP", "UHL", "LPT", "UAVA", "NPS", "SSTOP",
                  "CAFCASS", "ASC", "DNLRC", "Turning Point", "SMART", "CPOMS", "SIMS", "Liquid Logic",
                  "Signs of Safety", "core group", "conference", "genogram", "chronology", "parent-link worker",
                  "lived experience", "NSPCC", "CSE", "safety plan", "threshold", "Safeguarding Unit"]


@pytest.mark.parametrize("kind,entry_id", ALL_POINTS)
def test_every_learning_point_is_in_the_knowledge_base(kb, kind, entry_id):
    assert kb.kind_of(entry_id) == kind
    entry = kb.entry(entry_id)
    assert entry.source.document == "fsa_briefing", "learning points come from the briefing"
    assert entry.review_date is not None


def test_no_briefing_entry_is_missing_from_the_list(kb):
    listed = {i for _, i in ALL_POINTS}
    for kind in ("finding", "definition", "audit_fact", "agency"):
        unlisted = set(kb.by_kind[kind]) - listed
        assert not unlisted, f"add these {kind} ids to LEARNING_POINTS: {sorted(unlisted)}"


@pytest.mark.parametrize("name", BRIEFING_TERMS)
def test_glossary_has_every_briefing_term(kb, name):
    term = kb.find_term(name)
    assert term is not None, name
    if term.expansion is None and term.term.isupper():
        assert "does not expand" in term.text or term.public_source


def test_expansions_not_in_the_briefing_name_a_public_source(kb):
    outside = {"term.ccg", "term.gp", "term.uhl", "term.lpt", "term.uava", "term.nps", "term.cafcass",
               "term.nspcc", "term.smart", "term.sims"}
    for term_id in outside:
        assert kb.terms[term_id].public_source is not None, term_id


def test_every_checklist_item_is_tied_to_a_finding(kb):
    for checklist in kb.checklists.values():
        assert checklist.items
        for item in checklist.items:
            assert item.findings and all(kb.entry(f) is not None for f in item.findings)
            assert item.why


def test_every_theme_question_has_a_checklist(kb):
    """Intents that the rules send to action_answer_topic must each have a topic with a checklist."""
    import yaml
    from pathlib import Path
    rules = yaml.safe_load((Path(__file__).resolve().parent.parent / "data/rules/answers.yml").read_text())
    rule = next(r for r in rules["rules"] if r["steps"][-1] == {"action": "action_answer_topic"})
    intents = [step["intent"] for step in rule["steps"][0]["or"]]
    assert len(intents) >= 9
    for intent in intents:
        topic = kb.topic_for_intent(intent)
        assert topic is not None and topic.checklists, intent


def test_local_contacts_are_never_guessed(kb):
    for contact in kb.contacts.values():
        if contact.value:
            assert contact.last_checked and contact.checked_against
    assert kb.contacts["contact.emergency"].value == "999"


def test_definitions_are_quoted_exactly_from_the_briefing(kb):
    from pathlib import Path
    source = Path(__file__).resolve().parents[2] / "shared" / "source" / "000_0bdf18ef8a4e98f0.txt"
    if not source.exists():
        pytest.skip("the briefing's text is not beside this checkout")
    briefing = " ".join(source.read_text(encoding="utf-8").split())
    for definition in kb.definitions.values():
        if definition.quote:
            assert definition.text in briefing, definition.id


@pytest.mark.parametrize("text,expected", [
    ("UAVA", "term.uava"), ("uava", "term.uava"), ("GPs", "term.gp"), ("genograms", "term.genogram"),
    ("Children's Social Care", "term.csc"), ("childrens social care", "term.csc"),
    ("Leicestershire Partnership NHS Trust", "term.lpt"),
])
def test_term_look_up_is_case_insensitive_and_knows_synonyms(kb, text, expected):
    assert kb.find_term(text).id == expected


@pytest.mark.parametrize("text,expected", [
    ("record keeping", "record_keeping"), ("GP", "gps"), ("voice of the child", "voice_of_child"),
    ("referrals", "referrals"), ("Plans", "plans"),
])
def test_topic_look_up(kb, text, expected):
    assert kb.find_topic(text).id == expected


def test_look_up_by_topic_and_intent(kb):
    assert kb.topic_for_intent("ask_referral").id == "referrals"
    findings = kb.findings_for("referrals")
    assert {"finding.referrals.child_omitted", "conclusion.2"} <= {f.id for f in findings}
    assert [c.id for c in kb.checklists_for("gps")] == ["checklist.gp_involvement"]
    assert isinstance(kb.entry("checklist.referral"), r.Checklist)
