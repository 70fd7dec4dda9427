"""Entity precision, recall and F1 of the trained model on the held-out set.

`rasa test nlu` leaves pretrained extractors (SpacyEntityExtractor) out of its entity report, so the
model is asked directly: an entity counts as right when label, start and end all match the annotation.
"""
from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path
from typing import Dict, Set, Tuple

Span = Tuple[str, int, int]  # (label, start, end)


def _annotated(test_set: Path):
    from rasa.shared.nlu.training_data.loading import load_data
    for example in load_data(str(test_set)).nlu_examples:
        spans = {(e["entity"], e["start"], e["end"]) for e in example.get("entities") or []}
        yield example.get("text"), spans


async def _predicted(model: Path, texts):
    from rasa.core.agent import Agent
    agent = Agent.load(str(model))
    return [{(e["entity"], e["start"], e["end"]) for e in (await agent.parse_message(t)).get("entities", [])}
            for t in texts]


def _row(tp: int, fp: int, fn: int) -> dict:
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1-score": f1, "support": tp + fn}


def entity_report(model: Path, test_set: Path) -> Dict[str, dict]:
    """A report shaped like Rasa's: one row per label, plus 'micro avg'."""
    examples = list(_annotated(test_set))
    predicted = asyncio.run(_predicted(model, [text for text, _ in examples]))
    counts: Dict[str, Counter] = {}
    for (_, truth), guess in zip(examples, predicted):
        for label, bucket in _compare(truth, guess):
            counts.setdefault(label, Counter())[bucket] += 1
    report = {label: _row(c["tp"], c["fp"], c["fn"]) for label, c in counts.items()}
    total = sum(counts.values(), Counter())
    report["micro avg"] = _row(total["tp"], total["fp"], total["fn"])
    return report


def _compare(truth: Set[Span], guess: Set[Span]):
    for span in truth & guess:
        yield span[0], "tp"
    for span in guess - truth:
        yield span[0], "fp"
    for span in truth - guess:
        yield span[0], "fn"
