"""The risk detector (actions/risk.py): trained on a small fixture, then the project's own detector
on messages written for this test (never the held-out real wordings)."""
from __future__ import annotations

from pathlib import Path

import pytest

from actions.risk import RiskDetector, clean, detector, load_training
from actions.safety_net import assess_risk, risk_messages

FIXTURE = Path(__file__).parent / "fixtures" / "risk_examples.yml"


@pytest.fixture(scope="module")
def small():
    return RiskDetector(load_training(FIXTURE, None))


def test_the_fixture_is_read_with_both_labels_and_voices():
    training = load_training(FIXTURE, None)
    assert sum(training.risk) == 12 and len(training.texts) == 24
    assert sum(training.child) == 6


def test_a_training_file_with_one_label_only_is_refused(tmp_path):
    path = tmp_path / "risk.yml"
    path.write_text("risk:\n  adult: [a child is hurt]\n")
    with pytest.raises(ValueError, match="both"):
        load_training(path, None)


def test_the_small_detector_separates_its_own_kind_of_messages(small):
    high = small.risk_scores(["my dad hits me", "the neighbours leave their kids alone"])
    low = small.risk_scores(["what are the signs of abuse", "what should a referral include"])
    assert min(high) > max(low)


def test_scores_are_the_same_every_time(small):
    assert small.risk_scores(["my uncle touches me"]) == small.risk_scores(["my uncle touches me"])


def test_clean_bounds_the_text():
    assert len(clean("a" * 100_000)) == 2000
    assert clean("  My   Dad\u2019s  ") == "my dad's"


@pytest.mark.parametrize("message", [
    "he keeps coming in my room when mum's at work and i feel sick",
    "the lad two doors down is out on the street at 2am every night, no coat, dad's off his face",
    "quick one - yr 8 girl just showed me snapchat messages from a man asking her to meet him after school",
    "Scenario: on a home visit you find a four year old alone in the flat and no food in the cupboards",
    "my 15 yo keeps coming home with new trainers and cash and says older lads give him them",
])
def test_the_detector_flags_children_at_risk_in_any_voice(kb, message):
    assert assess_risk(kb, message).urgent


@pytest.mark.parametrize("message", [
    "what are the warning signs that a child is being groomed?",
    "what does non-contact abuse mean",
    "should the GP get a copy of the plan",
    "how do I record the voice of the child in my assessment",
])
def test_general_questions_are_not_emergencies(kb, message):
    assert not assess_risk(kb, message).urgent


def test_a_child_writing_also_gets_childline(kb):
    risk = assess_risk(kb, "my step dad hits me and i dont want to go home")
    assert risk.urgent and risk.child
    answers = risk_messages(kb, risk)
    assert answers[0].ids[0] == kb.urgent.id and answers[1].ids == [kb.child_guidance.id]
    assert "0800 1111" in answers[1].text


def test_the_urgent_phrases_are_a_safety_net_whatever_the_model_says(kb):
    phrase = kb.urgent_phrases[0]
    risk = detector().assess(phrase, phrase_hit=True)
    assert risk.urgent


def test_button_payloads_are_never_assessed(kb):
    assert not assess_risk(kb, '/ask_definition{"entry":"def.sexual_abuse"}').urgent
