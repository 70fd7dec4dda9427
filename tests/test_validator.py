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
         "name: Leicester City children's social care (front door for referrals)\n    value: null",
         "name: Leicester City children's social care (front door for referrals)\n    value: \"0116 000 0000\"")
    the_one(problems(knowledge_copy), "knowledge/local_settings.yml", "entry 'contact.csc_leicester'",
            "last_checked")


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
