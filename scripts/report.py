"""The knowledge owners' report: unanswered and low-confidence questions (redacted), ratings per
knowledge entry and the most asked topics, over a date range, from the SQL tracker store.

    make report                        # `make run`'s var/conversations.db, else production's database
    make report REPORT_ARGS="--since 2026-11-01 --until 2026-11-30"
    python scripts/report.py --db sqlite:///var/conversations.db --export 1,4   # questions 1 and 4 as NLU

Writes results/report/report.json, report.png and (with --export) nlu_candidates.yml.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import warnings
from collections import defaultdict
from pathlib import Path
from typing import List, Optional

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from reporting.analysis import Report, build_report  # noqa: E402
from reporting.events import read_events, turns_and_ratings  # noqa: E402


LOCAL_DB = ROOT / "var" / "conversations.db"   # where `make run` keeps conversations


def database_url(given: Optional[str]) -> str:
    """--db, else $CONVERSATIONS_DB, else `make run`'s SQLite file if it exists, else production's."""
    if given:
        return given
    local = Path(os.environ.get("CONVERSATIONS_DB") or LOCAL_DB)
    if os.environ.get("CONVERSATIONS_DB") or local.exists():
        return f"sqlite:///{local.resolve()}"
    from production import settings
    return settings.database_url(settings.load())


def day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date written as YYYY-MM-DD")


def print_report(report: Report, since, until) -> None:
    span = f"{since or 'the start'} to {until or 'today'}"
    print(f"\nConversations {report.conversations}, typed questions {report.questions} ({span})")
    print("\nMost asked topics")
    for topic, count in report.topics[:10] or [("(none)", 0)]:
        print(f"  {topic:<24} {count:>5}")
    print("\nUnanswered or low-confidence questions (redacted)")
    for number, q in enumerate(report.unanswered, start=1):
        print(f"  {number:>3}. [{q.reason}, {q.intent} {q.confidence:.2f}] {q.text}")
    if not report.unanswered:
        print("  (none)")
    print("\nRatings per knowledge entry           helpful  not helpful")
    for entry, counts in report.ratings.items() or [("(none)", {"helpful": 0, "not_helpful": 0})]:
        print(f"  {entry:<34} {counts['helpful']:>7} {counts['not_helpful']:>12}")
    for comment in report.comments:
        print(f"  comment on {comment['entries'] or '(no entry)'}: {comment['comment']}")


def write_chart(report: Report, path: Path) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    figure, (left, right) = plt.subplots(1, 2, figsize=(12, 5))
    topics = report.topics[:10]
    left.barh([t for t, _ in topics][::-1], [c for _, c in topics][::-1], color="#3b6ea5")
    left.set_title("Most asked topics")
    entries = list(report.ratings)[:15]
    helpful = [report.ratings[e]["helpful"] for e in entries]
    unhelpful = [report.ratings[e]["not_helpful"] for e in entries]
    right.barh(entries, helpful, color="#4c9a2a", label="helpful")
    right.barh(entries, unhelpful, left=helpful, color="#c0392b", label="not helpful")
    right.set_title("Ratings per knowledge entry")
    right.legend(loc="lower right")
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)


def chosen(spec: str, count: int) -> List[int]:
    if spec == "all":
        return list(range(1, count + 1))
    numbers = []
    for part in spec.split(","):
        if not part.strip().isdigit() or not 1 <= int(part) <= count:
            raise SystemExit(f"--export: '{part}' is not a question number from the list (1 to {count}).")
        numbers.append(int(part))
    return numbers


def export_nlu(report: Report, numbers: List[int], path: Path) -> None:
    by_intent = defaultdict(list)
    for number in numbers:
        question = report.unanswered[number - 1]
        by_intent[question.suggested_intent or "out_of_scope"].append(question.text)
    lines = ["# Questions the assistant could not answer well, exported by `make report` for review.",
             "# The intent is the model's best guess: correct it, check the text holds no identifiers,",
             "# then move each example into the right file under data/nlu/.", 'version: "3.1"', "nlu:"]
    for intent, texts in sorted(by_intent.items()):
        lines += [f"- intent: {intent}", "  examples: |"] + [f"    - {' '.join(t.split())}" for t in texts]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="database URL (default: $CONVERSATIONS_DB or var/conversations.db "
                                     "as SQLite, else the production settings)")
    parser.add_argument("--since", type=day, help="first day, YYYY-MM-DD")
    parser.add_argument("--until", type=day, help="last day (inclusive), YYYY-MM-DD")
    parser.add_argument("--out", default=str(ROOT / "results" / "report"), help="folder for the files")
    parser.add_argument("--export", help="question numbers to export as NLU examples: 1,3,4 or all")
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")  # library deprecation notices would bury the report
    if args.since and args.until and args.since > args.until:
        parser.error("--since is after --until")
    try:
        engine = sa.create_engine(database_url(args.db))
        events = list(read_events(engine, args.since, args.until))
    except sa.exc.SQLAlchemyError as error:
        print(f"Cannot read the conversations: {type(error).__name__}: {str(error).splitlines()[0]}\n"
              "Check --db (or the database settings in deploy/production.env) and that the database is up.",
              file=sys.stderr)
        return 1
    from actions.safety_net import known_phrases
    from kb import get_knowledge
    report = build_report(*turns_and_ratings(events), allowed_phrases=known_phrases(get_knowledge()))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    print_report(report, args.since, args.until)
    (out / "report.json").write_text(json.dumps(report.as_dict(), indent=2))
    write_chart(report, out / "report.png")
    print(f"\nWrote {out / 'report.json'} and {out / 'report.png'}")
    if args.export:
        numbers = chosen(args.export, len(report.unanswered))
        export_nlu(report, numbers, out / "nlu_candidates.yml")
        print(f"Exported {len(numbers)} question(s) to {out / 'nlu_candidates.yml'} for review")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
