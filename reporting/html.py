"""The knowledge owners' report as one self-contained HTML page (results/report/report.html).

Everything is in the file: the style sheet (reporting/style.css, allowed by its hash in a strict
Content-Security-Policy), the charts as inline SVG (reporting/charts.py), no script, no font and
nothing else fetched. Topics and entries are shown by their titles from knowledge/; questions and
comments are redacted (reporting/analysis.py) and long ones cut with an ellipsis.
"""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
from html import escape
from pathlib import Path
from typing import List, Optional

from kb import KnowledgeBase
from reporting import charts
from reporting.analysis import DECLINED, Report
from reporting.stale import day
from reporting.titles import cut, entry_title, topic_title

STYLE = (Path(__file__).with_name("style.css")).read_text(encoding="utf-8")
QUESTION_CHARS = 200       # a question longer than this is cut with an ellipsis
COMMENT_CHARS = 300
STALE_ROWS = 30            # the rest are in stale.csv (--csv)
CHART_ROWS = 10
HANDOFFS_NOT_AVAILABLE = "Hand-offs: not available yet"
NO_RATINGS = "No ratings in this period"
SECTIONS = (("summary", "At a glance"), ("trend", "Week by week"), ("gaps", "Unanswered and declined questions"),
            ("ratings", "Ratings per entry"), ("stale", "Past their review or check date"),
            ("handoffs", "Hand-offs"), ("topics", "Most asked topics"))


def policy(style: str = STYLE) -> str:
    digest = base64.b64encode(hashlib.sha256(style.encode("utf-8")).digest()).decode()
    return (f"default-src 'none'; img-src data:; style-src 'sha256-{digest}'; base-uri 'none'; "
            "form-action 'none'")


def period_text(since: Optional[dt.date], until: Optional[dt.date], today: dt.date) -> str:
    return f"{day(since) if since else 'the first conversation'} to {day(until or today)}"


def empty(words: str, key: str) -> str:
    return f'<p class="empty" data-empty="{key}">{escape(words)}</p>'


def section(key: str, heading: str, body: str) -> str:
    return f'<section id="{key}" aria-labelledby="{key}-h"><h2 id="{key}-h">{escape(heading)}</h2>{body}</section>'


def table(caption: str, heads: List[str], rows: List[List[str]], numeric=()) -> str:
    """A table; `rows` hold HTML already escaped; columns in `numeric` are right-aligned."""
    head = "".join(f'<th scope="col"{" class=n" if i in numeric else ""}>{h}</th>' for i, h in enumerate(heads))
    body = "".join("<tr>" + "".join(f'<td{" class=n" if i in numeric else ""}>{c}</td>' for i, c in enumerate(row))
                   + "</tr>" for row in rows)
    return f"<table><caption>{escape(caption)}</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def card(key: str, label: str, value: str, hint: str, words: bool = False) -> str:
    number = f'<span class="number{" words" if words else ""}">{escape(value)}</span>'
    return (f'<li class="card" data-count="{key}">{number}<span class="label">{escape(label)}</span>'
            f'<span class="hint">{escape(hint)}</span></li>')


def summary(report: Report) -> str:
    cards = [card("conversations", "Conversations", str(report.conversations), "with at least one typed question"),
             card("questions", "Questions", str(report.questions), "typed by practitioners"),
             card("urgent", "Urgent messages", str(report.urgent), "answered with the emergency guidance"),
             card("declines", "Honest declines", str(report.declines), "the knowledge base does not cover it"),
             card("handoffs", "Hand-offs", "not available yet", "no hand-off to a person yet", words=True)]
    return f'<ul class="cards">{"".join(cards)}</ul>'


TREND = (("conversations", "Conversations", charts.BLACK), ("questions", "Questions", charts.BLUE),
         ("urgent", "Urgent messages", charts.VERMILION), ("declines", "Honest declines", charts.GREEN))
HEADS = ("Week", "Conver&shy;sations", "Ques&shy;tions", "Urgent mes&shy;sages", "Honest de&shy;clines")  # may break


def trend(report: Report) -> str:
    if not report.weeks or not report.questions:
        return empty("No questions in this period", "trend")
    fields, names, colours = zip(*TREND)
    desc = "; ".join(f"week of {day(w.start)}: " + ", ".join(f"{getattr(w, f)} {n.lower()}" for f, n in zip(fields, names))
                     for w in report.weeks)
    chart = charts.week_chart("chart-trend", report.weeks, names, fields, colours,
                              "Conversations, questions, urgent messages and honest declines per week", desc)
    rows = [[escape(f"{w.start.day} {w.start:%b} {w.start:%y}")] + [str(getattr(w, f)) for f in fields] for w in report.weeks]
    return (f"<figure>{chart}<figcaption>Each group of bars is one week, Monday to Sunday.</figcaption></figure>"
            + table("Week by week, in numbers (each week starts on the Monday shown)", list(HEADS), rows,
                    numeric=(1, 2, 3, 4)))


REASONS = {DECLINED: "honest decline: not covered", "not understood": "not understood", "out of scope": "out of scope",
           "answered by search": "answered with the closest passages only", "low confidence": "unsure of the question"}


def question(text: str) -> str:
    return f'<q class="question">{escape(cut(text, QUESTION_CHARS))}</q>'


def gaps(report: Report) -> str:
    if not report.unanswered:
        return empty("No unanswered or declined questions in this period", "gaps")
    total = sum(q.count for q in report.unanswered)
    out = [f"<p>{total} question{'s' if total != 1 else ''} the assistant could not answer well, grouped by the "
           "closest topic in the knowledge base, the largest group first. Each group shows its most typical "
           "questions, with names, numbers and other identifiers removed.</p>"]
    for index, group in enumerate(report.groups):
        examples = "".join(f"<li>{question(text)}</li>" for text in group.examples)
        out.append(f'<section class="group" aria-labelledby="group-{index}" data-group="{escape(group.title)}">'
                   f'<h3 id="group-{index}">{escape(group.title)}: <span data-group-count>{group.count}</span> '
                   f'question{"s" if group.count != 1 else ""}</h3><p class="muted">Most typical:</p>'
                   f"<ol>{examples}</ol></section>")
    numbered = "".join(f"<li>{question(q.text)} <span class=muted>({escape(REASONS.get(q.reason, q.reason))}"
                       f"{f', asked {q.count} times' if q.count > 1 else ''})</span></li>" for q in report.unanswered)
    out.append(f'<details><summary>Every question, numbered (for <code>--export</code>)</summary>'
               f'<ol class="questions">{numbered}</ol></details>')
    return "".join(out)


def ratings(report: Report, kb: KnowledgeBase) -> str:
    if not report.ratings:
        return empty(NO_RATINGS, "ratings")
    ordered = sorted(report.ratings.items(), key=lambda item: (-sum(item[1].values()), item[0]))
    rows = [(f"{entry_title(kb, e, 50)} ({e})", [c["helpful"], c["not_helpful"]]) for e, c in ordered[:CHART_ROWS]]
    desc = "; ".join(f"{label}: {v[0]} helpful, {v[1]} not helpful" for label, v in rows)
    chart = charts.stacked_chart("chart-ratings", rows, ["helpful", "not helpful"], [charts.BLUE, charts.VERMILION],
                                 "Ratings per knowledge entry", desc)
    cells = [[named(entry_title(kb, e), e), str(c["helpful"]), str(c["not_helpful"])] for e, c in ordered]
    heads = ["Entry and id", "Helpful", "Not helpful"]
    return f"<figure>{chart}</figure>" + table("Ratings per entry", heads, cells, (1, 2)) + comments(report, kb)


def comments(report: Report, kb: KnowledgeBase) -> str:
    if not report.comments:
        return '<p class="muted">No comments in this period.</p>'
    items = []
    for comment in report.comments:
        ids = [e for e in comment["entries"].split(", ") if e]
        about = "; ".join(f"{escape(entry_title(kb, e))} (<code>{escape(e)}</code>)" for e in ids) or "no entry"
        items.append(f"<li>On {about}, rated {escape(comment['rating'].replace('_', ' '))}:"
                     f"<blockquote>{escape(cut(comment['comment'], COMMENT_CHARS))}</blockquote></li>")
    return f'<h3 id="comments">Comments (redacted)</h3><ul class="comments">{"".join(items)}</ul>'


def stale(report: Report, today: dt.date) -> str:
    if not report.stale:
        return empty(f"Nothing is past its review or check date on {day(today)}", "stale")
    shown = report.stale[:STALE_ROWS]
    intro = (f"<p>{len(report.stale)} entries and contacts are past their review or check date on {day(today)}, "
             "the ones most used in answers in this period first. Check these before the others.</p>")
    cells = [[named(s.title, s.id), escape(s.why), str(s.cited),
              f"<code>{escape(s.file)}</code>{source_link(s.source)}"] for s in shown]
    more = (f"<p class=muted>And {len(report.stale) - len(shown)} more: all are in <code>stale.csv</code> "
            "(run the report with <code>--csv</code>).</p>") if len(report.stale) > len(shown) else ""
    heads = ["Entry and id", "Why", "Answers citing it", "Where to update it"]
    return intro + stale_chart(shown) + table("Entries and contacts to check", heads, cells, (2,)) + more


def stale_chart(shown) -> str:
    rows = [(f"{s.title} ({s.id})", s.cited) for s in shown[:CHART_ROWS] if s.cited]
    if not rows:
        return '<p class="muted">No answer in this period cited any of them.</p>'
    desc = "; ".join(f"{label}: cited by {n} answers" for label, n in rows)
    chart = charts.bar_chart("chart-stale", rows, "Stale entries and contacts most cited by answers", desc, charts.VERMILION)
    return f"<figure>{chart}<figcaption>Answers in this period that gave each entry.</figcaption></figure>"


def named(title: str, entry_id: str) -> str:
    """An entry's title with its id under it."""
    return f'{escape(title)}<br><code class="id">{escape(entry_id)}</code>'


def source_link(url: Optional[str]) -> str:
    """A contact's source page, to check its values against."""
    if not url:
        return ""
    return f'<br>check against <a href="{escape(url)}" rel="noopener noreferrer">{escape(cut(url, 60))}</a>'


def handoffs() -> str:
    return (empty(HANDOFFS_NOT_AVAILABLE, "handoffs") + "<p>The assistant cannot yet pass a question to a "
            "safeguarding lead, so there are no open hand-offs or answer times to show.</p>")


def topics(report: Report, kb: KnowledgeBase) -> str:
    if not report.topics:
        return empty("No questions were answered on a topic in this period", "topics")
    rows = [(topic_title(kb, t), n) for t, n in report.topics[:CHART_ROWS]]
    desc = "; ".join(f"{title}: {n} questions" for title, n in rows)
    chart = charts.bar_chart("chart-topics", rows, "Most asked topics", desc)
    cells = [[escape(title), str(n)] for title, n in rows]
    return f"<figure>{chart}</figure>" + table("Most asked topics, in numbers", ["Topic", "Questions"], cells, (1,))


def footer(generated: dt.datetime) -> str:
    terms = (("Conversation", "one chat (a web chat tab, a Slack thread, a Teams chat) with a typed question."),
             ("Urgent message", "a message that got the emergency guidance (a child may be in danger now)."),
             ("Honest decline", "the assistant said the knowledge base does not cover the question, and pointed "
                                "to the LLR procedures."),
             ("Unanswered", "declined, not understood, out of scope, answered only with the closest passages, "
                            "or unsure of the question."))
    items = "".join(f"<dt>{escape(t)}</dt><dd>{escape(d)}</dd>" for t, d in terms)
    return (f'<footer><p>Made by <code>make report</code> on {escape(day(generated.date()))} at '
            f"{generated:%H:%M} UTC from the stored conversations, which keep no names or other identifiers.</p>"
            f"<dl>{items}</dl></footer>")


def page(report: Report, kb: KnowledgeBase, period: str, today: dt.date, generated: dt.datetime) -> str:
    """The page for `period` (as period_text says it); `today` is the day review dates are judged on."""
    parts = {"summary": summary(report), "trend": trend(report), "gaps": gaps(report),
             "ratings": ratings(report, kb), "stale": stale(report, today), "handoffs": handoffs(),
             "topics": topics(report, kb)}
    nav = "".join(f'<li><a href="#{key}">{escape(heading)}</a></li>' for key, heading in SECTIONS)
    body = "".join(section(key, heading, parts[key]) for key, heading in SECTIONS)
    return ("<!doctype html>\n<html lang=\"en-GB\"><head><meta charset=\"utf-8\">"
            f'<meta http-equiv="Content-Security-Policy" content="{policy()}">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            '<meta name="referrer" content="no-referrer">'
            f"<title>Safeguarding guidance assistant: report, {escape(period)}</title><style>{STYLE}</style></head>"
            f'<body><header><h1>What practitioners asked the safeguarding guidance assistant</h1>'
            f'<p class="period" id="period">{escape(period)}</p>'
            f'<nav aria-label="Sections"><ul>{nav}</ul></nav></header>'
            f"<main>{body}</main>{footer(generated)}</body></html>\n")
