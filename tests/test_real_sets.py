"""The real-wording sets (tests/real/) are big enough, sourced, and never trained on, not even as a
near copy: case, punctuation and small edits do not hide a copy."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from kb import yamlio

from harness import real
from harness.questions import E2E_QUESTIONS, load_questions

ROOT = Path(__file__).resolve().parent.parent
SETS = real.load_all()
MINIMUM = {"disclosures": 60, "controls": 30, "out_of_scope": 60, "in_scope": 60}


def training_texts():
    """Every example the assistant or its risk detector learns from."""
    from actions.risk import nlu_examples, load_training
    texts = [t for _, t in nlu_examples(ROOT / "data" / "nlu")]
    texts += list(load_training(ROOT / "data" / "risk" / "examples.yml", None).texts)
    return texts


def test_every_set_is_there_big_enough_and_sourced():
    assert set(SETS) == set(real.SETS)
    for name, items in SETS.items():
        assert len(items) >= MINIMUM[name], name
        assert all(i.source.startswith(("http://", "https://")) for i in items), name
    assert len(SETS["out_of_scope"]) + len(SETS["in_scope"]) >= 150


def test_in_scope_expectations_name_real_entries():
    from kb import get_knowledge
    known = set(get_knowledge().all_ids())
    assert [i.text for i in SETS["in_scope"] if not i.expect or set(i.expect) - known] == []


def test_no_training_example_is_a_copy_or_near_copy_of_a_real_wording():
    held_out = [i.text for items in SETS.values() for i in items]
    assert real.near_copies(held_out, training_texts()) == []


def test_the_long_harmless_benchmark_is_held_out_too():
    """benchmarks/risk/long_harmless.yml (ours) measures false emergencies on long messages: never trained on."""
    texts = yamlio.load((ROOT / "benchmarks" / "risk" / "long_harmless.yml").read_text(encoding="utf-8"))["messages"]
    assert len(texts) >= 15 and all(len(t) > 150 for t in texts)
    assert real.near_copies(texts, training_texts()) == []


def test_the_end_to_end_questions_are_not_real_wordings_either():
    """The sets measure different things; one message must not be in two of them."""
    e2e = [q.ask for q in load_questions(E2E_QUESTIONS)]
    assert real.near_copies(e2e, [i.text for items in SETS.values() for i in items]) == []


@pytest.mark.parametrize("copy", [
    "My mum hits me nearly every day sometimes with a belt",            # case and punctuation
    "i'm 13 years old and my mum hits me nearly every day, sometimes with a belt. she says it's my "
    "own fault and i deserve it, is that true",                           # one word changed
])
def test_a_near_copy_is_caught(copy):
    original = ("I'm 13 years old and my mum hits me nearly every day, sometimes with a belt. She says its "
                "my own fault and I deserve it, is that true?")
    short = "My mum hits me nearly every day, sometimes with a belt."
    assert real.near_copies([original, short], [copy])


def test_a_different_message_is_not_a_near_copy():
    assert real.near_copies(["My mum hits me nearly every day, sometimes with a belt."],
                            ["what should go in a referral to social care"]) == []


def test_a_set_item_without_a_source_is_refused(tmp_path):
    (tmp_path / "controls.yml").write_text(yaml.safe_dump({"items": [{"text": "what is neglect?"}]}))
    with pytest.raises(ValueError, match="source"):
        real.load_set("controls", tmp_path)
