"""The knowledge owners' report: one self-contained HTML page, for a date range, from the SQL tracker
store: how many conversations, questions, urgent messages and honest declines (week by week), the
unanswered and declined questions grouped by their closest topic, ratings per knowledge entry, the
entries and contacts past their review or check date (most cited first) and the most asked topics.

    make report                        # `make run`'s var/conversations.db, else production's database
    make report REPORT_ARGS="--since 2026-11-01 --until 2026-11-30 --csv"
    python scripts/report.py --db sqlite:///var/conversations.db --export 1,4   # questions 1 and 4 as NLU

Writes results/report/report.html and report.json; with --csv the tables as .csv files; with --export
nlu_candidates.yml.
"""
from __future__ import annotations

import warnings

# Library notices (DeprecationWarning and the like from imports) would bury the summary: off first.
warnings.simplefilter("ignore")

import argparse  # noqa: E402
import datetime as dt  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
from collections import defaultdict  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import List, Optional  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")

import sqlalchemy as sa  # noqa: E402

from reporting.analysis import Report, build_report  # noqa: E402
from reporting.events import read_conversations, read_events  # noqa: E402


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


def print_summary(report: Report, period: str) -> None:
    """A few lines: the page has the rest."""
    unanswered = sum(q.count for q in report.unanswered)
    helpful = sum(c["helpful"] for c in report.ratings.values())
    unhelpful = sum(c["not_helpful"] for c in report.ratings.values())
    print(f"Report for {period}")
    print(f"  Conversations {report.conversations}, questions {report.questions}, urgent messages {report.urgent}, "
          f"honest declines {report.declines}; hand-offs: not available yet")
    print(f"  Unanswered or declined questions: {unanswered} in {len(report.groups)} topic group(s)")
    print(f"  Ratings: {helpful} helpful, {unhelpful} not helpful" if report.ratings else "  No ratings in this period")
    print(f"  Entries and contacts past their review or check date: {len(report.stale)}")


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


def arguments(argv) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="database URL (default: $CONVERSATIONS_DB or var/conversations.db "
                                     "as SQLite, else the production settings)")
    parser.add_argument("--since", type=day, help="first day, YYYY-MM-DD")
    parser.add_argument("--until", type=day, help="last day (inclusive), YYYY-MM-DD")
    parser.add_argument("--today", type=day, help="the day review and check dates are compared with "
                                                  "(default: today), YYYY-MM-DD")
    parser.add_argument("--out", default=str(ROOT / "results" / "report"), help="folder for the files")
    parser.add_argument("--export", help="question numbers to export as NLU examples: 1,3,4 or all")
    parser.add_argument("--csv", action="store_true", help="also write the tables as .csv files")
    args = parser.parse_args(argv)
    if args.since and args.until and args.since > args.until:
        parser.error("--since is after --until")
    return args


def read(args) -> Optional[list]:
    try:
        engine = sa.create_engine(database_url(args.db))
        return list(read_events(engine, args.since, args.until))
    except sa.exc.SQLAlchemyError as error:
        print(f"Cannot read the conversations: {type(error).__name__}: {str(error).splitlines()[0]}\n"
              "Check --db (or the database settings in deploy/production.env) and that the database is up.",
              file=sys.stderr)
        return None


def analyse(events, kb, args, today: dt.date) -> Report:
    from kb.names import known_phrases
    from reporting.groups import group_questions
    from reporting.stale import stale_entries
    found = read_conversations(events, urgent_id=kb.urgent.id if kb.urgent else None)
    report = build_report(found.turns, found.ratings, allowed_phrases=known_phrases(kb),
                          citations=found.citations, since=args.since, until=args.until or dt.date.today())
    report.groups = group_questions(kb, report.unanswered)
    report.stale = stale_entries(kb, report.cited, today)
    return report


def main(argv=None) -> int:
    args = arguments(argv)
    events = read(args)
    if events is None:
        return 1
    from kb import get_knowledge
    from reporting import html, tables
    kb, today = get_knowledge(), args.today or dt.date.today()
    report = analyse(events, kb, args, today)
    numbers = chosen(args.export, len(report.unanswered)) if args.export else []
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    period = html.period_text(args.since, args.until, dt.date.today())
    (out / "report.json").write_text(json.dumps(report.as_dict(), indent=2))
    page = out / "report.html"
    page.write_text(html.page(report, kb, period, today, dt.datetime.now(dt.timezone.utc)), encoding="utf-8")
    print_summary(report, period)
    if args.csv:
        written = tables.write_csv(report, kb, out)
        print(f"Tables for a spreadsheet: {len(written)} .csv files in {out}")
    if args.export:
        export_nlu(report, numbers, out / "nlu_candidates.yml")
        print(f"Exported {len(numbers)} question(s) to {out / 'nlu_candidates.yml'} for review")
    print(f"\nOpen the report in a browser: {page}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
