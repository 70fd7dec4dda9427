"""Answer quality: the held-out NLU set, then held-out questions end to end through the REST channel.

    python scripts/evaluate.py [--model PATH] [--skip-nlu] [--questions PATH]

1. NLU (scripts/evaluate_nlu.py, `rasa test nlu` on tests/nlu/test_nlu.yml): intent and entity
   precision, recall and F1, and the confused pairs.
2. End to end: starts the action server and `rasa run` on loopback ports, sends every question of
   tests/e2e/questions.yml (each in a new conversation, after its `after` messages) and checks the reply
   carries the expected knowledge id. Accuracy per topic; for each miss, the intent NLU predicted.

Writes results/evaluation/evaluation.json, e2e_accuracy.png and intent_confusion.png.
Exit code 1 if the intent F1 or the end-to-end accuracy is below its target.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
import uuid
from collections import defaultdict
from pathlib import Path
from typing import Dict, List

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import evaluate_nlu  # noqa: E402
from harness import charts  # noqa: E402
from harness.questions import E2E_QUESTIONS, Question, cited_ids, load_questions, missing, problems  # noqa: E402
from harness.servers import MODEL, reply_text, running_assistant  # noqa: E402
from kb import get_knowledge  # noqa: E402

OUT = ROOT / "results" / "evaluation"
E2E_TARGET = 0.90


def ask_all(assistant, questions: List[Question], kb) -> List[dict]:
    """Each question in its own conversation; one result row per question."""
    rows = []
    for question in questions:
        sender = uuid.uuid4().hex
        for text in question.after:
            assistant.ask(sender, text)
        started = time.perf_counter()
        text = reply_text(assistant.ask(sender, question.ask))
        elapsed = time.perf_counter() - started
        gaps = missing(question, text, kb)
        rows.append({"topic": question.topic, "question": question.ask, "after": list(question.after),
                     "expect": list(question.expect), "right": not gaps, "missing": gaps,
                     "cited": sorted(cited_ids(text, kb.all_ids())), "ms": round(elapsed * 1000, 1),
                     "reply_start": text[:160]})
    return rows


def add_intents(assistant, rows: List[dict]) -> None:
    """For each miss, what NLU made of the question (POST /model/parse; needs --enable-api)."""
    for row in rows:
        if not row["right"]:
            status, body = assistant.post("/model/parse", json.dumps({"text": row["question"]}).encode())
            intent = json.loads(body).get("intent", {}) if status == 200 else {}
            row["intent"] = f"{intent.get('name')} ({intent.get('confidence', 0):.2f})" if intent else "?"


def by_topic(rows: List[dict]) -> List[dict]:
    groups: Dict[str, List[dict]] = defaultdict(list)
    for row in rows:
        groups[row["topic"]].append(row)
    return [{"topic": topic, "asked": len(items), "right": sum(r["right"] for r in items),
             "accuracy": sum(r["right"] for r in items) / len(items)} for topic, items in groups.items()]


def print_e2e(topics: List[dict], rows: List[dict]) -> None:
    print(f"\nEnd to end (held-out questions through the REST channel)\n{'topic':22} {'right':>5} {'asked':>5} {'accuracy':>8}")
    for t in topics:
        print(f"{t['topic']:22} {t['right']:5d} {t['asked']:5d} {t['accuracy']:8.0%}")
    right, asked = sum(t["right"] for t in topics), sum(t["asked"] for t in topics)
    print(f"{'all':22} {right:5d} {asked:5d} {right / asked:8.1%}")
    misses = [r for r in rows if not r["right"]]
    if misses:
        print("\nMisses (question -> missing; cited; NLU intent):")
    for r in misses:
        context = f" (after {r['after']})" if r["after"] else ""
        print(f"  [{r['topic']}] {r['question']!r}{context} -> missing {', '.join(r['missing'])}; "
              f"cited {', '.join(r['cited']) or 'nothing'}; intent {r.get('intent', '?')}")


def end_to_end(model: Path, questions: List[Question], kb) -> dict:
    with running_assistant(model=model, log_dir=OUT / "logs", rasa_args=["--enable-api"]) as assistant:
        rows = ask_all(assistant, questions, kb)
        add_intents(assistant, rows)
    topics = by_topic(rows)
    print_e2e(topics, rows)
    accuracy = sum(r["right"] for r in rows) / len(rows)
    return {"accuracy": accuracy, "target": E2E_TARGET, "topics": topics, "questions": rows}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=MODEL)
    parser.add_argument("--questions", type=Path, default=E2E_QUESTIONS)
    parser.add_argument("--skip-nlu", action="store_true", help="only the end-to-end part")
    args = parser.parse_args()
    kb = get_knowledge()
    questions = load_questions(args.questions)
    wrong = problems(questions, kb)
    if wrong:
        raise SystemExit("The question list has problems:\n  " + "\n  ".join(wrong))
    OUT.mkdir(parents=True, exist_ok=True)
    result, nlu_ok = {"model": str(args.model)}, True
    if not args.skip_nlu:
        result["nlu"], nlu_ok = evaluate_nlu.evaluate(args.model)
        charts.confusion_matrix(result["nlu"]["confusion_labels"], result["nlu"]["confusion_matrix"],
                                OUT / "intent_confusion.png")
    result["e2e"] = end_to_end(args.model, questions, kb)
    charts.topic_accuracy(result["e2e"]["topics"], OUT / "e2e_accuracy.png")
    (OUT / "evaluation.json").write_text(json.dumps(result, indent=2))
    e2e_ok = result["e2e"]["accuracy"] >= E2E_TARGET
    verdict = "meets" if e2e_ok else "is BELOW"
    print(f"\nEnd-to-end accuracy {result['e2e']['accuracy']:.1%} {verdict} the target {E2E_TARGET:.0%}. "
          f"Results in {OUT.relative_to(ROOT)}/ (evaluation.json, e2e_accuracy.png, intent_confusion.png)")
    return 0 if nlu_ok and e2e_ok else 1


if __name__ == "__main__":
    sys.exit(main())
