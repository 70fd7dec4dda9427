"""Charts as inline SVG (no library, nothing fetched): horizontal bars, stacked bars and week-by-week
grouped bars. Colours are from the Okabe-Ito palette (told apart with colour-vision deficiency), each
with at least 3:1 contrast on white; the second and third series also carry a pattern, so the page
still reads in greyscale print. Every chart has a <title> and a <desc> (its alt text), and every bar
its value written beside it.
"""
from __future__ import annotations

import datetime as dt
import math
import textwrap
from html import escape
from typing import List, Sequence, Tuple

from reporting.titles import cut

BLACK, BLUE, VERMILION, GREEN = "#000000", "#0072B2", "#D55E00", "#009E73"
GRID, INK, MUTED = "#d0d0d0", "#1a1a1a", "#4d4d4d"
WIDTH = 360            # viewBox width, about a phone's: the page scales the chart to its column
FONT = 14
ROW = 46               # height of one labelled bar


def fill(chart_id: str, series: int, colour: str) -> str:
    """The fill of series 0, 1, 2, ...: plain, then hatched, then dotted."""
    return colour if series == 0 or series > 2 else f"url(#{chart_id}-p{series})"


def patterns(chart_id: str, colours: Sequence[str]) -> str:
    out = []
    if len(colours) > 1:
        out.append(f'<pattern id="{chart_id}-p1" width="6" height="6" patternUnits="userSpaceOnUse" '
                   f'patternTransform="rotate(45)"><rect width="6" height="6" fill="{colours[1]}"/>'
                   '<line x1="0" y1="0" x2="0" y2="6" stroke="#ffffff" stroke-width="1.5"/></pattern>')
    if len(colours) > 2:
        out.append(f'<pattern id="{chart_id}-p2" width="5" height="5" patternUnits="userSpaceOnUse">'
                   f'<rect width="5" height="5" fill="{colours[2]}"/><circle cx="2.5" cy="2.5" r="1" fill="#ffffff"/></pattern>')
    return f"<defs>{''.join(out)}</defs>" if out else ""


def svg(chart_id: str, height: int, title: str, desc: str, body: str, width: int = WIDTH) -> str:
    return (f'<svg class="chart" id="{chart_id}" viewBox="0 0 {width} {height}" role="img" '
            f'aria-labelledby="{chart_id}-title {chart_id}-desc" font-family="inherit" font-size="{FONT}">'
            f'<title id="{chart_id}-title">{escape(title)}</title><desc id="{chart_id}-desc">{escape(desc)}</desc>'
            f"{body}</svg>")


def text(x: float, y: float, words: str, anchor: str = "start", colour: str = INK, size: int = FONT,
         weight: str = "normal") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="{colour}" font-size="{size}" '
            f'font-weight="{weight}">{escape(words)}</text>')


def rect(x: float, y: float, width: float, height: float, colour: str) -> str:
    return f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(width, 0):.1f}" height="{height:.1f}" fill="{colour}"/>'


def legend(chart_id: str, names: Sequence[str], colours: Sequence[str], y: float = 4) -> Tuple[str, float]:
    """Swatches with their names, wrapped over lines; (svg, height used)."""
    out, x, line = [], 0.0, 0
    for index, (name, colour) in enumerate(zip(names, colours)):
        room = 26 + len(name) * FONT * 0.56
        if x and x + room > WIDTH:
            x, line = 0.0, line + 1
        top = y + line * 24
        out.append(rect(x, top, 16, 16, fill(chart_id, index, colour)) + f'<rect x="{x:.1f}" y="{top:.1f}" width="16" '
                   f'height="16" fill="none" stroke="{INK}" stroke-width="0.5"/>' + text(x + 22, top + 13, name))
        x += room + 12
    return "".join(out), (line + 1) * 24 + 8


def label_lines(label: str, width: int = 46) -> List[str]:
    """A label on at most two lines (the second cut with an ellipsis)."""
    lines = textwrap.wrap(" ".join(label.split()), width, break_long_words=True) or [""]
    return lines if len(lines) <= 2 else [lines[0], cut(" ".join(lines[1:]), width)]


def labelled_rows(rows) -> Tuple[List[List[str]], List[float]]:
    """Each row's label lines and the y at which the row starts (and, last, the total height)."""
    lines, tops, y = [], [], 0.0
    for label, _ in rows:
        lines.append(label_lines(label))
        tops.append(y)
        y += ROW + 18 * (len(lines[-1]) - 1)
    return lines, tops + [y]


def label_text(lines: List[str], top: float) -> str:
    return "".join(text(0, top + 16 + 18 * i, line) for i, line in enumerate(lines))


def bar_chart(chart_id: str, rows: Sequence[Tuple[str, int]], title: str, desc: str, colour: str = BLUE,
              unit: str = "") -> str:
    """One bar per row, its label above it and its value after it."""
    peak = max([value for _, value in rows] + [1])
    room = WIDTH - 50
    body = []
    lines, tops = labelled_rows(rows)
    for index, (label, value) in enumerate(rows):
        top = tops[index] + 18 * (len(lines[index]) - 1)
        length = room * value / peak
        body.append(label_text(lines[index], tops[index]) + rect(0, top + 22, length, 16, colour)
                    + text(length + 6, top + 35, f"{value}{unit}", weight="bold"))
    return svg(chart_id, int(max(tops[-1], ROW)) + 4, title, desc, "".join(body))


def stacked_chart(chart_id: str, rows: Sequence[Tuple[str, Sequence[int]]], names: Sequence[str],
                  colours: Sequence[str], title: str, desc: str) -> str:
    """One bar per row made of its series end to end, with each series' count written after it."""
    keys, height = legend(chart_id, names, colours)
    peak = max([sum(values) for _, values in rows] + [1])
    room = WIDTH - 175
    body = [patterns(chart_id, colours), keys]
    lines, tops = labelled_rows(rows)
    for index, (label, values) in enumerate(rows):
        body.append(label_text(lines[index], height + tops[index]))
        top, x = height + tops[index] + 18 * (len(lines[index]) - 1), 0.0
        for series, value in enumerate(values):
            body.append(rect(x, top + 22, room * value / peak, 16, fill(chart_id, series, colours[series])))
            x += room * value / peak
        counts = ", ".join(f"{v} {n}" for v, n in zip(values, names))
        body.append(text(x + 6, top + 35, counts, size=13))
    return svg(chart_id, int(height + max(tops[-1], ROW) + 4), title, desc, "".join(body))


def nice_step(peak: int) -> int:
    """A round gap between the value axis' marks: 1, 2, 5, 10, 20, 50, ..."""
    raw = max(peak, 1) / 4
    power = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    return next(power * m for m in (1, 2, 5, 10) if power * m >= raw)


def week_label(day: dt.date) -> str:
    return f"{day.day} {day:%b}"


def value_axis(top: float, plot_h: float, left: float, step: int, peak: int) -> str:
    """Grid lines with their values, from 0 to `peak`."""
    scale, out = plot_h / peak, []
    for mark in range(0, peak + 1, step):
        y = top + plot_h - mark * scale
        out.append(f'<line x1="{left}" x2="{WIDTH}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}" stroke-width="1"/>'
                   + text(left - 6, y + 5, str(mark), "end", MUTED, 12))
    return "".join(out)


def week_chart(chart_id: str, weeks: List, names: Sequence[str], fields: Sequence[str],
               colours: Sequence[str], title: str, desc: str) -> str:
    """Grouped bars: one group per week (labelled with its Monday), one bar per series."""
    keys, top = legend(chart_id, names, colours)
    left, plot_h, highest = 34, 200, max([getattr(w, f) for w in weeks for f in fields] + [1])
    step = nice_step(highest)
    peak = step * math.ceil(highest / step)
    scale, group = plot_h / peak, (WIDTH - left) / max(len(weeks), 1)
    bar = min(22.0, group * 0.8 / len(fields))
    every = max(1, math.ceil(len(weeks) * 52 / (WIDTH - left)))   # a label every n weeks: no overlap
    body = [patterns(chart_id, colours), keys, value_axis(top, plot_h, left, step, peak)]
    for index, week in enumerate(weeks):
        x0 = left + index * group + (group - bar * len(fields)) / 2
        for series, name in enumerate(fields):
            value, x = getattr(week, name), x0 + series * bar
            body.append(rect(x, top + plot_h - value * scale, bar - (bar > 4), value * scale,
                             fill(chart_id, series, colours[series])))
            if bar >= 11 and value:
                body.append(text(x + bar / 2, top + plot_h - value * scale - 4, str(value), "middle", INK, 11))
        if index % every == 0:
            body.append(text(left + (index + 0.5) * group, top + plot_h + 18, week_label(week.start), "middle", INK, 12))
    body.append(f'<line x1="{left}" x2="{WIDTH}" y1="{top + plot_h}" y2="{top + plot_h}" stroke="{INK}" stroke-width="1"/>'
                + text(left, top + plot_h + 36, "Week starting (Monday)", "start", MUTED, 12))
    return svg(chart_id, int(top + plot_h + 40), title, desc, "".join(body))
