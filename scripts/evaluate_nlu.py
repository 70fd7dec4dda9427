"""Score the trained model on the held-out NLU test set (tests/nlu/test_nlu.yml).

Prints intent and entity precision, recall and F1 per label and overall, and the most confused
intent pairs; writes results/nlu/ (Rasa's reports and charts) and results/nlu/summary.json.
Exit code 1 if the intent F1 is below the target.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "results" / "nlu"
MODEL = ROOT / "models" / "assistant.tar.gz"
TEST_SET = ROOT / "tests" / "nlu" / "test_nlu.yml"
INTENT_F1_TARGET = 0.95
SUMMARY_ROWS = ("micro avg", "macro avg", "weighted avg", "accuracy")


def run_rasa_test() -> None:
    command = [sys.executable, "-m", "rasa", "test", "nlu", "--nlu", str(TEST_SET), "--model", str(MODEL),
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
                         f"{row['support']:7d}")
    return "\n".join(lines)


def confused_pairs(report: dict, limit: int = 10):
    pairs = [(count, label, other) for label, row in report.items() if isinstance(row, dict)
             for other, count in (row.get("confused_with") or {}).items()]
    return sorted(pairs, reverse=True)[:limit]


def main() -> int:
    run_rasa_test()
    intents = json.loads((OUT / "intent_report.json").read_text())
    entity_files = sorted(OUT.glob("*Entity*_report.json"))
    entities = json.loads(entity_files[0].read_text()) if entity_files else {}
    print(table("Intents (held-out set)", intents))
    print()
    if entities:
        print(table(f"Entities ({entity_files[0].stem.replace('_report', '')})", entities))
        print()
    print("Most confused (count: true -> predicted):")
    for count, label, other in confused_pairs(intents):
        print(f"  {count}: {label} -> {other}")
    f1 = intents["weighted avg"]["f1-score"]
    summary = {"intent": {k: intents[k] for k in ("weighted avg", "macro avg") if k in intents},
               "intent_accuracy": intents.get("accuracy"),
               "entity": {k: entities[k] for k in ("weighted avg", "micro avg", "macro avg") if k in entities},
               "confused": [{"true": l, "predicted": o, "count": c} for c, l, o in confused_pairs(intents)]}
    (OUT / "summary.json").write_text(json.dumps(summary, indent=2))
    verdict = "meets" if f1 >= INTENT_F1_TARGET else "is BELOW"
    print(f"\nIntent F1 (weighted) {f1:.3f} {verdict} the target {INTENT_F1_TARGET}. Reports in {OUT.relative_to(ROOT)}/")
    return 0 if f1 >= INTENT_F1_TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
