"""The training data, the held-out test set and the test conversations agree with each other,
with the domain, and with the entity ruler built from knowledge/."""
from __future__ import annotations

import glob
import re
from pathlib import Path

import pytest

from kb import yamlio

ROOT = Path(__file__).resolve().parent.parent
SPACY_MODEL = ROOT / ".spacy" / "en_safeguarding"


def examples(path: Path):
    """(intent, example) pairs from one NLU file."""
    data = yamlio.load(path.read_text(encoding="utf-8")) or {}
    for block in data.get("nlu", []):
        if "intent" in block:
            for line in block["examples"].splitlines():
                line = line.strip()
                if line.startswith("- "):
                    yield block["intent"], line[2:].strip()


def conversation_messages():
    for path in glob.glob(str(ROOT / "tests" / "conversations" / "*.yml")):
        for story in yamlio.load(Path(path).read_text())["stories"]:
            for step in story["steps"]:
                if "user" in step:
                    yield step["intent"], step["user"].strip()


TRAINING = [e for p in sorted((ROOT / "data" / "nlu").rglob("*.yml")) for e in examples(p)]
HELD_OUT = list(examples(ROOT / "tests" / "nlu" / "test_nlu.yml"))
DOMAIN_INTENTS = set(yamlio.load((ROOT / "domain.yml").read_text())["intents"])


def plain(example: str) -> str:
    text = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", example)
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def test_every_domain_intent_has_training_examples():
    counts = {i: sum(1 for intent, _ in TRAINING if intent == i) for i in DOMAIN_INTENTS}
    assert {i for i, n in counts.items() if n < 10} == set()
    assert {intent for intent, _ in TRAINING} <= DOMAIN_INTENTS


def test_held_out_set_is_large_covers_every_intent_and_is_never_trained_on():
    assert len(HELD_OUT) >= 150
    assert {intent for intent, _ in HELD_OUT} == DOMAIN_INTENTS
    trained = {plain(e) for _, e in TRAINING}
    leaked = [e for _, e in HELD_OUT if plain(e) in trained]
    assert leaked == []


def test_test_conversations_are_not_training_examples():
    trained = {plain(e) for _, e in TRAINING}
    assert [m for _, m in conversation_messages() if plain(m) in trained] == []


@pytest.fixture(scope="module")
def ruler():
    spacy = pytest.importorskip("spacy")
    if not SPACY_MODEL.exists():
        pytest.fail("the spaCy pipeline is missing: run `make setup`")
    return spacy.load(SPACY_MODEL)


@pytest.mark.parametrize("name,pairs", [("training data", TRAINING), ("held-out set", HELD_OUT),
                                        ("test conversations", list(conversation_messages()))])
def test_entity_annotations_match_the_entity_ruler(ruler, name, pairs):
    """Annotated entities are exactly what the ruler finds, so entity scores are honest."""
    from rasa.shared.nlu.training_data.entities_parser import (find_entities_in_training_example,
                                                               replace_entities)
    wrong = []
    for _, example in pairs:
        text = replace_entities(example)
        annotated = [(e["value"], e["entity"]) for e in find_entities_in_training_example(example)]
        found = [(e.text, e.label_) for e in ruler(text).ents]
        if annotated != found:
            wrong.append(f"{example!r}: annotated {annotated}, ruler finds {found}")
    assert not wrong, f"{len(wrong)} {name} examples disagree:\n" + "\n".join(wrong[:20])


def test_generated_glossary_examples_are_in_sync():
    import subprocess
    import sys
    result = subprocess.run([sys.executable, "scripts/generate_nlu.py", "--check"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
