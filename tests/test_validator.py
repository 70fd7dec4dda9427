"""Each kind of mistake in knowledge/ is caught, with a message naming the file and the entry."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kb import KnowledgeError, load_knowledge

ROOT = Path(__file__).resolve().parent.parent


def edit(folder: Path, name: str, old: str, new: str, count: int = 1) -> None:
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"test set-up: {old!r} not in {name}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def problems(folder: Path) -> list:
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(folder)
    return [str(p) for p in caught.value.problems]


def the_one(found: list, *fragments: str) -> str:
    matching = [p for p in found if all(f in p for f in fragments)]
    assert matching, f"no problem mentions {fragments}; got: {found}"
    return matching[0]


def test_real_files_pass(knowledge_copy):
    assert load_knowledge(knowledge_copy).checklists


def test_broken_yaml_names_the_file_and_line(knowledge_copy):
    edit(knowledge_copy, "findings.yml", "  - id: finding.referrals.timely\n    topics: [referrals]",
         "  - id: finding.referrals.timely\n    topics: [referrals")
    message = the_one(problems(knowledge_copy), "knowledge/findings.yml", "not valid YAML")
    assert "line " in message


def test_unknown_field(knowledge_copy):
    edit(knowledge_copy, "findings.yml", "    kind: worked_well\n", "    kind: worked_well\n    colour: red\n")
    message = the_one(problems(knowledge_copy), "knowledge/findings.yml", "entry 'finding.referrals.timely'",
                      "unknown field 'colour'")
    assert "Allowed fields" in message


def test_missing_field(knowledge_copy):
    edit(knowledge_copy, "checklists.yml", "    title: Involving GPs\n", "")
    the_one(problems(knowledge_copy), "knowledge/checklists.yml", "entry 'checklist.gp_involvement'",
            "field 'title' is missing")


def test_entry_with_no_source(knowledge_copy):
    edit(knowledge_copy, "links.yml",
         "    purpose: Types of sexual abuse (contact and non-contact), and signs, indicators and effects.\n"
         "    source: {document: fsa_briefing, section: Definition}\n",
         "    purpose: Types of sexual abuse (contact and non-contact), and signs, indicators and effects.\n")
    message = the_one(problems(knowledge_copy), "knowledge/links.yml", "entry 'link.nspcc_csa'",
                      "field 'source' is missing")
    assert "document: fsa_briefing" in message  # shows how to write one


def test_unknown_source_section(knowledge_copy):
    edit(knowledge_copy, "findings.yml", 'section: "Key points: Referrals"}', 'section: "Key pints: Referrals"}')
    the_one(problems(knowledge_copy), "knowledge/findings.yml", "entry 'finding.referrals.timely'",
            "section 'Key pints: Referrals'")


def test_duplicate_id_in_one_file(knowledge_copy):
    edit(knowledge_copy, "findings.yml", "id: finding.referrals.compliant", "id: finding.referrals.timely")
    the_one(problems(knowledge_copy), "knowledge/findings.yml", "entry 'finding.referrals.timely'",
            "already used")


def test_duplicate_id_across_files(knowledge_copy):
    edit(knowledge_copy, "links.yml", "id: link.nspcc_csa", "id: finding.referrals.timely")
    message = the_one(problems(knowledge_copy), "entry 'finding.referrals.timely'", "already used")
    assert "knowledge/findings.yml" in message and "knowledge/links.yml" in message


def test_dangling_reference(knowledge_copy):
    edit(knowledge_copy, "checklists.yml", "findings: [finding.plans.gp]", "findings: [finding.plans.gpp]")
    the_one(problems(knowledge_copy), "knowledge/checklists.yml", "entry 'checklist.gp_involvement'",
            "'finding.plans.gpp'", "no entry has that id")


def test_reference_to_the_wrong_kind_of_entry(knowledge_copy):
    edit(knowledge_copy, "topics.yml", "related: [uava, assessments, record_keeping]",
         "related: [uava, assessments, checklist.referral]")
    the_one(problems(knowledge_copy), "knowledge/topics.yml", "entry 'referrals'", "which is a checklist")


def test_malformed_link(knowledge_copy):
    edit(knowledge_copy, "links.yml", "url: https://vimeo.com/165429690", "url: vimeo.com/165429690")
    message = the_one(problems(knowledge_copy), "knowledge/links.yml", "entry 'link.can_you_hear_me'",
                      "not a valid web address")
    assert "http://" in message


def test_empty_text(knowledge_copy):
    edit(knowledge_copy, "findings.yml",
         "    text: Referral practice was mainly compliant and robust, and included a summary of history.",
         '    text: "  "')
    the_one(problems(knowledge_copy), "knowledge/findings.yml", "entry 'finding.referrals.compliant'",
            "field 'text' is empty")


def test_bad_choice_and_date(knowledge_copy):
    edit(knowledge_copy, "findings.yml", "    kind: worked_well\n", "    kind: great\n")
    edit(knowledge_copy, "links.yml", "review_date: 2027-11-25", "review_date: next year")
    found = problems(knowledge_copy)
    the_one(found, "entry 'finding.referrals.timely'", "must be one of: worked_well")
    the_one(found, "knowledge/links.yml", "YYYY-MM-DD")


def test_a_phrase_may_belong_to_one_term_only(knowledge_copy):
    edit(knowledge_copy, "topics.yml", "keywords: [plan, plans,", "keywords: [plan, plans, genogram,")
    the_one(problems(knowledge_copy), "knowledge/topics.yml", "entry 'plans'", "'genogram'", "term.genogram")


def test_contact_with_a_value_needs_a_check_date(knowledge_copy):
    edit(knowledge_copy, "local_settings.yml",
         "    phones: [\"0116 305 4141\"]\n    email: CFS-LADO@leics.gov.uk\n"
         "    source_url: https://lcitylscb.org/about-the-lscp/local-authority-designated-officer-lado\n"
         "    source: {document: lcitylscb_lado, section: Local Authority Designated Officer (L.A.D.O.)}\n"
         "    last_checked: 2026-12-02\n",
         "    phones: [\"0116 305 4141\"]\n    email: CFS-LADO@leics.gov.uk\n"
         "    source_url: https://lcitylscb.org/about-the-lscp/local-authority-designated-officer-lado\n"
         "    source: {document: lcitylscb_lado, section: Local Authority Designated Officer (L.A.D.O.)}\n"
         "    last_checked: null\n")
    message = the_one(problems(knowledge_copy), "knowledge/local_settings.yml", "entry 'contact.lado_leicestershire'",
                      "no last_checked")
    assert "YYYY-MM-DD" in message


# --- contacts: one small fixture per mistake, appended to a copy of local_settings.yml -----------
FIXTURES = ROOT / "tests" / "fixtures" / "contacts"


def add_contact(folder: Path, fixture: str) -> None:
    """Append a fixture contact to the end of local_settings.yml (its last key is `contacts:`)."""
    path = folder / "local_settings.yml"
    text = path.read_text(encoding="utf-8")
    assert text.rstrip().splitlines()[-1].startswith("    "), "test set-up: contacts must be the last key"
    path.write_text(text.rstrip("\n") + "\n\n" + (FIXTURES / fixture).read_text(encoding="utf-8"), encoding="utf-8")


def test_malformed_phone_number(knowledge_copy):
    add_contact(knowledge_copy, "bad_phone.yml")
    message = the_one(problems(knowledge_copy), "knowledge/local_settings.yml", "entry 'contact.test_bad_phone'",
                      "phone number '0116 454 100'")
    assert "has 10 digits" in message and "11" in message
    assert "0116 454 1004" in message  # shows how to write one


@pytest.mark.parametrize("number", ["0116 454 1004", "01572 758 407", "0808 800 5000", "0808 80 200 28",
                                    "0800 1111", "999", "101", "116 123", "01572 722577"])
def test_phone_numbers_as_published_are_accepted(number):
    from kb.contacts import phone_problem
    assert phone_problem(number) is None


@pytest.mark.parametrize("number,says", [
    ("0116 454 100", "has 10 digits"), ("0116 454 10045", "has 12 digits"), ("0116-454-1004", "only digits"),
    ("0116  454 1004", "single spaces"), ("+44 116 454 1004", "international"), ("1164541004", "does not start with 0"),
    ("0900 123 4567", "does not start like a UK phone number"), ("123", "short numbers"), ("0116 454 1OO4", "only digits"),
])
def test_phone_numbers_that_are_wrong(number, says):
    from kb.contacts import phone_problem
    assert says in phone_problem(number)


def test_contact_value_without_a_source(knowledge_copy):
    add_contact(knowledge_copy, "missing_source.yml")
    message = the_one(problems(knowledge_copy), "knowledge/local_settings.yml", "entry 'contact.test_no_source'",
                      "no source_url")
    assert "phones" in message and "https://" in message


def test_contact_checked_in_the_future(knowledge_copy):
    add_contact(knowledge_copy, "future_date.yml")
    the_one(problems(knowledge_copy), "knowledge/local_settings.yml", "entry 'contact.test_future'",
            "last_checked 2999-01-01 is in the future")


def test_contact_checked_on_a_day_that_does_not_exist(knowledge_copy):
    add_contact(knowledge_copy, "impossible_date.yml")
    message = the_one(problems(knowledge_copy), "knowledge/local_settings.yml",
                      "entry 'contact.test_impossible_date'", "field 'last_checked'", "'2026-02-30'")
    assert "real date" in message and "line " in message


def test_contact_with_a_bad_web_address(knowledge_copy):
    add_contact(knowledge_copy, "bad_url.yml")
    message = the_one(problems(knowledge_copy), "knowledge/local_settings.yml", "entry 'contact.test_bad_url'",
                      "field 'source_url' is not a valid web address")
    assert "https://" in message


def test_empty_contact_has_no_check_date(knowledge_copy):
    add_contact(knowledge_copy, "empty_but_checked.yml")
    the_one(problems(knowledge_copy), "knowledge/local_settings.yml", "entry 'contact.test_empty_checked'",
            "no value but last_checked is 2026-12-01", "last_checked: null")


def test_source_url_must_be_its_documents_address(knowledge_copy):
    add_contact(knowledge_copy, "source_mismatch.yml")
    the_one(problems(knowledge_copy), "knowledge/local_settings.yml", "entry 'contact.test_source_mismatch'",
            "https://lrsb.org.uk/lado-local-authority-designated", "'lcitylscb_lado'")


def test_bad_email_and_unknown_area(knowledge_copy):
    edit(knowledge_copy, "local_settings.yml", "email: CFS-LADO@leics.gov.uk", "email: CFS-LADO at leics.gov.uk")
    edit(knowledge_copy, "local_settings.yml", "area: rutland\n    service: police", "area: oakham\n    service: police")
    found = problems(knowledge_copy)
    the_one(found, "entry 'contact.lado_leicestershire'", "not an email address")
    the_one(found, "entry 'contact.police_rutland'", "'oakham'", "leicester, leicestershire, rutland")


def validate(*args: str):
    return subprocess.run([sys.executable, "-m", "kb.validate", *args], cwd=ROOT, capture_output=True, text=True)


def test_strict_fails_on_a_contact_checked_more_than_18_months_ago(knowledge_copy):
    add_contact(knowledge_copy, "stale.yml")
    relaxed = validate(str(knowledge_copy))
    assert relaxed.returncode == 0, relaxed.stderr
    assert "warning" in relaxed.stdout and "contact.test_stale" in relaxed.stdout
    strict = validate("--strict", str(knowledge_copy))
    assert strict.returncode == 1
    message = next(line for line in strict.stderr.splitlines() if "contact.test_stale" in line)
    assert "knowledge/local_settings.yml" in message and "2024-01-15" in message and "18 months" in message
    assert "https://www.rutland.gov.uk/my-services/health-and-family/childrens-social-care/" in message  # where to check
    assert "Traceback" not in strict.stderr


def test_strict_passes_on_the_real_files_today_and_fails_once_they_are_stale(capsys):
    from kb.validate import main
    assert main(["--strict"]) == 0
    assert main(["--strict", "--today", "2028-07-01"]) == 1
    err = capsys.readouterr().err
    assert "contact.csc_rutland" in err and "https://www.rutland.gov.uk/" in err


def test_months_after():
    import datetime as dt
    from kb.contacts import months_after, older_than_months
    assert months_after(dt.date(2026, 12, 1), 18) == dt.date(2028, 6, 1)
    assert months_after(dt.date(2026, 8, 31), 18) == dt.date(2028, 2, 29)
    assert not older_than_months(dt.date(2026, 12, 1), 18, today=dt.date(2028, 6, 1))
    assert older_than_months(dt.date(2026, 12, 1), 18, today=dt.date(2028, 6, 2))


def test_missing_file(knowledge_copy):
    (knowledge_copy / "glossary.yml").unlink()
    found = problems(knowledge_copy)
    the_one(found, "knowledge/glossary.yml", "missing")


def test_every_problem_is_reported_at_once(knowledge_copy):
    edit(knowledge_copy, "findings.yml", "    kind: worked_well\n", "    kind: worked_well\n    colour: red\n")
    edit(knowledge_copy, "links.yml", "url: https://vimeo.com/165429690", "url: not a url")
    assert len(problems(knowledge_copy)) >= 2


def test_validate_command_exit_code_and_message(knowledge_copy):
    run = lambda: subprocess.run([sys.executable, "-m", "kb.validate", str(knowledge_copy)],  # noqa: E731
                                 cwd=ROOT, capture_output=True, text=True)
    ok = run()
    assert ok.returncode == 0, ok.stderr
    assert "Knowledge OK" in ok.stdout
    edit(knowledge_copy, "links.yml", "url: https://vimeo.com/165429690", "url: vimeo")
    bad = run()
    assert bad.returncode == 1
    assert "knowledge/links.yml" in bad.stderr and "link.can_you_hear_me" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_editorial_choices_must_name_entries_that_exist(knowledge_copy):
    edit(knowledge_copy, "assistant.yml", "procedures_link: link.llr_procedures", "procedures_link: link.llr_procedure")
    edit(knowledge_copy, "assistant.yml", "home_topics: [referrals, plans,", "home_topics: [referral, plans,")
    found = problems(knowledge_copy)
    the_one(found, "knowledge/assistant.yml", "procedures_link names 'link.llr_procedure'", "links.yml")
    the_one(found, "knowledge/assistant.yml", "home_topics names 'referral'", "topics.yml")


def test_related_topic_buttons_must_name_topics_that_exist(knowledge_copy):
    edit(knowledge_copy, "assistant.yml", "related_to_urgent: [uava, voice_of_child]",
         "related_to_urgent: [uava, voice_of_the_child]")
    the_one(problems(knowledge_copy), "knowledge/assistant.yml", "related_to_urgent names 'voice_of_the_child'",
            "topics.yml")
