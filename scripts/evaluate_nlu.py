"""Score the trained model on the held-out NLU test set (tests/nlu/test_nlu.yml).

Prints intent and entity precision, recall and F1 per label and overall, and the most confused
intent pairs; writes results/nlu/ (Rasa's reports and charts) and results/nlu/summary.json.
Exit code 1 if the intent F1 is below the target. scripts/evaluate.py runs this, then end to end.

    python scripts/evaluate_nlu.py [--model PATH]
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path
from typing import List, Tuple

from entity_scores import entity_report  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "results" / "nlu"
MODEL = ROOT / "models" / "assistant.tar.gz"
TEST_SET = ROOT / "tests" / "nlu" / "test_nlu.yml"
INTENT_F1_TARGET = 0.95
SUMMARY_ROWS = ("micro avg", "macro avg", "weighted avg", "accuracy")


def run_rasa_test(model: Path = MODEL) -> None:
    command = [sys.executable, "-m", "rasa", "test", "nlu", "--nlu", str(TEST_SET), "--model", str(model),
               "--out", str(OUT), "--quiet"]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        sys.stderr.write(result.stdout[-3000:] + result.stderr[-3000:])
        raise SystemExit("rasa test nlu failed")


def table(title: str, report: dict) -> str:
    lines = [title, f"{'label':28} {'precision':>9} {'recall':>7} {'f1':>6} {'support':>7}"]
    for label, row in sorted(report.items()):
        if isinstance(row, dict) and label not in SUMMARY_ROWS:
            lines.append(f"{label:28} {row['precision']:9.3f} {row['recall']:7.3f} {row['f1-score']:6.3f} "
                         f"{row['support']:7d}")
    for label in ("micro avg", "macro avg", "weighted avg"):
        if label in report:
            row = report[label]
            lines.append(f"{label:28} {row['precision']:9.3f} {row['recall']:7.3f} {row['f1-score']:6.3f} "
                         f"{int(row['support']):7d}")
    return "\n".join(lines)


def confused_pairs(report: dict, limit: int = 10):
    pairs = [(count, label, other) for label, row in report.items() if isinstance(row, dict)
             for other, count in (row.get("confused_with") or {}).items()]
    return sorted(pairs, reverse=True)[:limit]


def confusion(intents: dict, errors: List[dict]) -> Tuple[List[str], List[List[int]]]:
    """(labels, counts[true][predicted]) from Rasa's intent report (support) and its error list."""
    labels = sorted(k for k, v in intents.items() if isinstance(v, dict) and k not in SUMMARY_ROWS)
    labels += sorted({e["intent_prediction"]["name"] for e in errors} - set(labels))
    index = {label: i for i, label in enumerate(labels)}
    counts = [[0] * len(labels) for _ in labels]
    for error in errors:
        counts[index[error["intent"]]][index[error["intent_prediction"]["name"]]] += 1
    for label in labels:
        row = intents.get(label)
        if isinstance(row, dict):
            counts[index[label]][index[label]] = row["support"] - sum(counts[index[label]])
    return labels, counts


def evaluate(model: Path = MODEL) -> Tuple[dict, bool]:
    """Run the held-out NLU test, print the tables; (summary, meets the F1 target)."""
    run_rasa_test(model)
    intents = json.loads((OUT / "intent_report.json").read_text())
    entities = entity_report(model, TEST_SET)
    (OUT / "entity_report.json").write_text(json.dumps(entities, indent=2))
    print(table("Intents (held-out set)", intents))
    print()
    print(table("Entities (spaCy entity ruler built from knowledge/; exact label and span)", entities))
    print()
    print("Most confused (count: true -> predicted):")
    for count, label, other in confused_pairs(intents):
        print(f"  {count}: {label} -> {other}")
    f1 = intents["weighted avg"]["f1-score"]
    summary = {"intent": {k: intents[k] for k in ("weighted avg", "macro avg") if k in intents},
               "intent_accuracy": intents.get("accuracy"),
               "entity": {k: entities[k] for k in ("weighted avg", "micro avg", "macro avg") if k in entities},
               "confused": [{"true": l, "predicted": o, "count": c} for c, l, o in confused_pairs(intents)]}
    errors_file = OUT / "intent_errors.json"
    errors = json.loads(errors_file.read_text()) if errors_file.exists() else []
    summary["confusion_labels"], summary["confusion_matrix"] = confusion(intents, errors)
    (OUT / "summary.json").write_text(json.dumps(summary, indent=2))
    verdict = "meets" if f1 >= INTENT_F1_TARGET else "is BELOW"
    print(f"\nIntent F1 (weighted) {f1:.3f} {verdict} the target {INTENT_F1_TARGET}. Reports in {OUT.relative_to(ROOT)}/")
    return summary, f1 >= INTENT_F1_TARGET


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=MODEL)
    _, ok = evaluate(parser.parse_args().model)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
