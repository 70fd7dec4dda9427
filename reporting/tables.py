"""The report's tables as CSV files for a spreadsheet (`--csv`): one file per table, UTF-8 with a
byte-order mark so that Excel reads it as such. A cell that a spreadsheet would take for a formula
(starting with = + - @) is written with a leading apostrophe."""
from __future__ import annotations

import csv
from pathlib import Path
from typing import Iterable, List, Sequence

from kb import KnowledgeBase
from reporting.analysis import Report
from reporting.titles import entry_title, topic_title

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def write(path: Path, heads: Sequence[str], rows: Iterable[Sequence]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(heads)
        writer.writerows([safe(v) for v in row] for row in rows)
    return path


def write_csv(report: Report, kb: KnowledgeBase, out: Path) -> List[Path]:
    """summary, weeks, unanswered, groups, ratings, comments, stale and topics .csv in `out`."""
    counts = [("conversations", report.conversations), ("questions", report.questions),
              ("urgent messages", report.urgent), ("honest declines", report.declines),
              ("hand-offs", "not available yet")]
    return [
        write(out / "summary.csv", ["measure", "value"], counts),
        write(out / "weeks.csv", ["week starting", "conversations", "questions", "urgent messages", "honest declines"],
              [(w.start.isoformat(), w.conversations, w.questions, w.urgent, w.declines) for w in report.weeks]),
        write(out / "unanswered.csv", ["number", "question (redacted)", "why", "times asked", "closest topic",
                                       "model's best guess", "confidence"],
              [(n, q.text, q.reason, q.count, topic_title(kb, q.topic), q.suggested_intent or "", q.confidence)
               for n, q in enumerate(report.unanswered, start=1)]),
        write(out / "groups.csv", ["closest topic", "questions", "example 1", "example 2", "example 3"],
              [[g.title, g.count] + (g.examples + ["", "", ""])[:3] for g in report.groups]),
        write(out / "ratings.csv", ["entry", "id", "helpful", "not helpful"],
              [(entry_title(kb, e), e, c["helpful"], c["not_helpful"]) for e, c in report.ratings.items()]),
        write(out / "comments.csv", ["entries", "rating", "comment (redacted)"],
              [(c["entries"], c["rating"], c["comment"]) for c in report.comments]),
        write(out / "stale.csv", ["entry", "id", "kind", "why", "stale since", "answers citing it", "file", "check against"],
              [(s.title, s.id, s.kind, s.why, s.due.isoformat(), s.cited, s.file, s.source or "") for s in report.stale]),
        write(out / "topics.csv", ["topic", "questions"], [(topic_title(kb, t), n) for t, n in report.topics]),
    ]
