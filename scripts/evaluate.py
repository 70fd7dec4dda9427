"""Answer quality: the held-out NLU set, held-out questions end to end, and real wordings.

    python scripts/evaluate.py [--model PATH] [--skip-nlu] [--skip-real] [--questions PATH]

1. NLU (scripts/evaluate_nlu.py, `rasa test nlu` on tests/nlu/test_nlu.yml): intent and entity
   precision, recall and F1, and the confused pairs.
2. End to end: starts the action server and `rasa run` on loopback ports, sends every question of
   tests/e2e/questions.yml (each in a new conversation, after its `after` messages) and checks the reply
   carries the expected knowledge id. Accuracy per topic; for each miss, the intent NLU predicted.

3. Real wordings (tests/real/, published messages this repository never trains on): each sent in
   a new conversation. Per set: risk recall (disclosures get the emergency guidance first), the
   false-emergency rate on controls, honest declines and confident wrong answers on out-of-scope
   questions, in-scope accuracy; and the risk detector alone (recall and precision).

Writes results/evaluation/evaluation.json, e2e_accuracy.png, intent_confusion.png and real_sets.png.
Exit code 1 if a figure is below its target.
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

import yaml

ROOT = Path(__file__).resolve().parent.parent

import evaluate_nlu  # noqa: E402
from harness import charts  # noqa: E402
from harness import real  # noqa: E402
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
        replies = assistant.ask(sender, question.ask)
        elapsed = time.perf_counter() - started
        text, gaps = reply_text(replies), missing(question, replies, kb)
        rows.append({"topic": question.topic, "question": question.ask, "after": list(question.after),
                     "expect": list(question.expect), "right": not gaps, "missing": gaps,
                     "cited": sorted(cited_ids(replies)), "ms": round(elapsed * 1000, 1),
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


def ask_real(assistant, sets: Dict[str, List[real.RealItem]], kb) -> List[dict]:
    rows = []
    for items in sets.values():
        for item in items:
            replies = assistant.ask(uuid.uuid4().hex, item.text)
            rows.append(real.score(item, replies, kb))
    return rows


def detector_alone(sets: Dict[str, List[real.RealItem]]) -> dict:
    """The risk detector by itself: disclosures are positives, every other real message a negative."""
    from actions.risk import RISK_THRESHOLD, detector
    model = detector()
    positives = [i.text for i in sets.get("disclosures", [])]
    negatives = [i.text for name, items in sets.items() if name != "disclosures" for i in items]
    hits = [s >= RISK_THRESHOLD for s in model.risk_scores(positives)] if positives else []
    false = [s >= RISK_THRESHOLD for s in model.risk_scores(negatives)] if negatives else []
    tp, fp = sum(hits), sum(false)
    return {"threshold": RISK_THRESHOLD, "recall": round(tp / max(len(hits), 1), 4),
            "precision": round(tp / max(tp + fp, 1), 4), "positives": len(hits), "negatives": len(false),
            "missed": [t for t, h in zip(positives, hits) if not h], **long_harmless(model, RISK_THRESHOLD)}


LONG_HARMLESS = ROOT / "benchmarks" / "risk" / "long_harmless.yml"


def long_harmless(model, threshold: float) -> dict:
    """How many long harmless messages (our own, held out of training) the detector flags."""
    texts = [str(t) for t in (yaml.safe_load(LONG_HARMLESS.read_text(encoding="utf-8")) or {}).get("messages") or []]
    flagged = sum(s >= threshold for s in model.risk_scores(texts)) if texts else 0
    return {"long_harmless_flagged": int(flagged), "long_harmless": len(texts)}


def print_real(figures: dict, rows: List[dict], alone: dict) -> None:
    print("\nReal wordings (tests/real/, held out; published messages with their sources)")
    counts = figures["counts"]
    lines = [("risk recall (disclosures get the emergency guidance first)", "risk_recall", counts["disclosures"]),
             ("false emergencies on general questions (controls)", "false_emergency_rate", counts["controls"]),
             ("honest declines (out-of-scope questions)", "honest_decline_rate", counts["out_of_scope"]),
             ("confident wrong answers (out of scope, answered with an entry)", "confident_wrong_rate",
              counts["out_of_scope"]),
             ("in-scope answers right", "in_scope_accuracy", counts["in_scope"])]
    for label, key, n in lines:
        value = figures.get(key)
        target = real.TARGETS.get(key)
        verdict = "" if target is None else ("  meets " if real.meets(figures, key) else "  BELOW ") + \
            f"{target[0]} {target[1]:.0%}"
        print(f"  {label:66} {'-' if value is None else f'{value:6.1%}'} of {n}{verdict}")
    print(f"  risk detector alone: recall {alone['recall']:.1%} of {alone['positives']}, precision "
          f"{alone['precision']:.1%} (threshold {alone['threshold']})")
    print(f"  risk detector on long harmless messages (benchmarks/risk/, ours, held out): "
          f"{alone['long_harmless_flagged']} of {alone['long_harmless']} flagged")
    for r in rows:
        if not r["right"]:
            print(f"  miss [{r['set']}{'/' + r['label'] if r['label'] else ''}] {r['text'][:110]!r} -> "
                  f"{r['reply_start'][:70]!r}")


def real_wordings(model: Path, kb) -> dict:
    sets = real.load_all()
    with running_assistant(model=model, log_dir=OUT / "logs") as assistant:
        rows = ask_real(assistant, sets, kb)
    figures = real.summary(rows)
    alone = detector_alone(sets)
    print_real(figures, rows, alone)
    return {"figures": figures, "detector": alone, "rows": rows}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=MODEL)
    parser.add_argument("--questions", type=Path, default=E2E_QUESTIONS)
    parser.add_argument("--skip-nlu", action="store_true", help="skip the held-out NLU set")
    parser.add_argument("--skip-e2e", action="store_true", help="skip the held-out end-to-end questions")
    parser.add_argument("--skip-real", action="store_true", help="skip the real-wording sets")
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
    e2e_ok = real_ok = True
    if not args.skip_e2e:
        result["e2e"] = end_to_end(args.model, questions, kb)
        charts.topic_accuracy(result["e2e"]["topics"], OUT / "e2e_accuracy.png")
        e2e_ok = result["e2e"]["accuracy"] >= E2E_TARGET
        verdict = "meets" if e2e_ok else "is BELOW"
        print(f"\nEnd-to-end accuracy {result['e2e']['accuracy']:.1%} {verdict} the target {E2E_TARGET:.0%}.")
    if not args.skip_real:
        result["real"] = real_wordings(args.model, kb)
        charts.real_sets(result["real"]["figures"], real.TARGETS, OUT / "real_sets.png")
        real_ok = all(real.meets(result["real"]["figures"], k) is not False for k in real.TARGETS)
    (OUT / "evaluation.json").write_text(json.dumps(result, indent=2))
    print(f"Results in {OUT.relative_to(ROOT)}/ (evaluation.json and the charts)")
    return 0 if nlu_ok and e2e_ok and real_ok else 1


if __name__ == "__main__":
    sys.exit(main())
