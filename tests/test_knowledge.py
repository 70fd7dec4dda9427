"""The real knowledge files load, and hold every learning point of the audit briefing."""
from __future__ import annotations

from pathlib import Path

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
    """Intents that the (generated) rules send to action_answer_topic must each have a topic with a checklist."""
    import yaml
    from pathlib import Path
    rules = yaml.safe_load((Path(__file__).resolve().parent.parent / "data/rules/generated/answers.yml").read_text())
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


# --- Local contacts (knowledge/local_settings.yml) ----------------------------------------------
NOTES = Path(__file__).resolve().parents[2] / "shared" / "notes" / "llr-local-contacts.md"
LOCAL_AREAS = ("leicester", "leicestershire", "rutland")
LOCAL_SERVICES = ("front_door", "out_of_hours", "lado", "police", "referral_form")

# The numbers the notes give, as published (../shared/notes/llr-local-contacts.md).
NOTED_PHONES = {
    "contact.csc_leicester": ("0116 454 1004",),
    "contact.out_of_hours_leicester": ("0116 454 1004",),
    "contact.lado_leicester": ("0116 454 2440",),
    "contact.police_leicester": ("999", "101"),
    "contact.csc_leicestershire": ("0116 305 0005",),
    "contact.out_of_hours_leicestershire": ("0116 305 0005",),
    "contact.lado_leicestershire": ("0116 305 4141",),
    "contact.police_leicestershire": ("999", "101"),
    "contact.csc_rutland": ("01572 758 407",),
    "contact.out_of_hours_rutland": ("0116 305 0005",),
    "contact.lado_rutland": ("01572 758 407",),
    "contact.police_rutland": ("999",),
    "contact.uava": ("0808 802 0028",),
    "contact.nspcc_helpline": ("0808 800 5000",),
    "contact.emergency": ("999",),
    "contact.childline": ("0800 1111",),
}


def _bare(url: str) -> str:
    return url.split("://", 1)[-1].removeprefix("www.")


@pytest.mark.parametrize("area", LOCAL_AREAS)
@pytest.mark.parametrize("service", LOCAL_SERVICES)
def test_every_area_has_its_local_contacts(kb, area, service):
    contact = kb.contact_for(area, service)
    assert contact is not None and contact.area == area and contact.has_value, (area, service)
    assert contact.source_url and contact.last_checked and contact.checked_against
    if service != "referral_form":
        assert contact.phones
    else:
        assert contact.url and contact.referral_route


@pytest.mark.parametrize("area", LOCAL_AREAS)
def test_police_in_every_area_include_999(kb, area):
    assert "999" in kb.contact_for(area, "police").phones


@pytest.mark.parametrize("service,number", [("emergency", "999"), ("nspcc_helpline", "0808 800 5000"),
                                            ("childline", "0800 1111"), ("domestic_abuse", "0808 802 0028")])
def test_national_and_llr_wide_contacts(kb, service, number):
    for area in LOCAL_AREAS:
        contact = kb.contact_for(area, service)
        assert contact.area in ("national", "llr") and contact.phones[0] == number


def test_phone_numbers_are_the_ones_the_notes_give(kb):
    for contact in kb.contacts.values():
        assert contact.phones == NOTED_PHONES.get(contact.id, ()), contact.id


def test_values_match_the_notes_format_and_sources(kb):
    """Numbers as published (the validator's UK format) and, where the notes are beside this checkout,
    every number and source page appears in them: nothing is guessed."""
    from kb.contacts import phone_problem
    notes = NOTES.read_text(encoding="utf-8") if NOTES.exists() else None
    for contact in kb.contacts.values():
        for number in contact.phones:
            assert phone_problem(number) is None, (contact.id, number)
        if notes is None or contact.id == "contact.childline":  # Childline's source is in sources.yml
            continue
        for number in contact.phones:
            assert number in notes, (contact.id, number)
        if contact.source_url:
            assert _bare(contact.source_url).rstrip("/") in notes, (contact.id, contact.source_url)
    if notes is None:
        pytest.skip("the notes are not beside this checkout; formats checked only")


def test_ids_other_code_uses_are_kept(kb):
    for contact_id in ("contact.emergency", "contact.childline", "contact.nspcc_helpline", "contact.csc_leicester",
                       "contact.csc_leicestershire", "contact.csc_rutland", "contact.csc_out_of_hours", "contact.uava"):
        assert contact_id in kb.contacts
    assert kb.contacts["contact.emergency"].value == "999"
    assert kb.contacts["contact.csc_rutland"].value == "01572 758 407"


def test_conflicts_between_sources_are_recorded(kb):
    conflicts = {c.id: c.conflict for c in kb.contacts.values() if c.conflict}
    assert "Freeva" in conflicts["contact.uava"] and "UAVA" in conflicts["contact.uava"]
    assert "0116 305 7597" in conflicts["contact.lado_leicestershire"]
    assert "01572 720 913" in conflicts["contact.lado_rutland"]
    assert "01572 722577" in conflicts["contact.csc_rutland"]
    assert "Word document" in conflicts["contact.referral_form_leicester"]
    assert "24 hours a day" in conflicts["contact.nspcc_helpline"]


def test_what_the_notes_say_not_to_give_is_not_given(kb):
    everything = " ".join(str(getattr(c, f) or "") for c in kb.contacts.values() for f in
                          ("phones", "note", "conflict", "referral_route", "out_of_hours", "email"))
    for banned in ("Goddard", "Taylor", "Holliday", "Atkinson", "Ward",  # named officers
                   "88858", "07715 994 962", "0116 305 0011"):          # old text numbers, the old fax
        assert banned not in everything, banned


def test_empty_contacts_have_no_check_date(kb):
    for contact in kb.contacts.values():
        if not contact.has_value:
            assert contact.last_checked is None and contact.source_url is None, contact.id
        else:
            assert contact.source_url and contact.last_checked and contact.checked_how, contact.id


def test_areas_say_which_council_covers_them(kb):
    for key in LOCAL_AREAS + ("llr",):
        area = kb.area(key)
        assert area is not None and area.covers and area.source_url and area.last_checked, key
    assert "city children" in kb.area("leicester").covers
    assert "Leicestershire County Council" in kb.area("leicestershire").covers
    assert "Charnwood" in kb.area("leicestershire").districts and kb.area("leicestershire").districts_source_url
    assert "Rutland County Council" in kb.area("rutland").covers


def test_contacts_for_an_area_come_most_specific_first(kb):
    found = [c.id for c in kb.contacts_for("rutland", "out_of_hours")]
    assert found == ["contact.out_of_hours_rutland", "contact.csc_out_of_hours"]
    assert [c.id for c in kb.contacts_for(None, "front_door")] == [
        "contact.csc_leicester", "contact.csc_leicestershire", "contact.csc_rutland"]
    assert {c.area for c in kb.contacts_for("leicester")} == {"leicester", "llr", "national"}
    assert kb.contact_for("leicester", "domestic_abuse").id == "contact.uava"
    assert kb.contact_for("leicester", "no_such_service") is None
