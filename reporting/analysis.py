"""What the knowledge owners need from the turns and ratings: counts, gaps, ratings per entry, top
topics and which entries the answers cited."""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Optional

from privacy import redact
from reporting.events import Citation, Rating, Turn
from reporting.trend import Week, weeks

LOW_CONFIDENCE = 0.6
UNANSWERED_INTENTS = ("nlu_fallback", "out_of_scope")
UNANSWERED_KINDS = ("not_covered", "search")   # no answer, or only the closest passages
DECLINED = "not covered"                        # the reason of an honest decline


@dataclass
class Question:
    text: str
    intent: str
    confidence: float
    suggested_intent: Optional[str]
    reason: str
    count: int = 1                 # how many times it was asked (the same words, any case)
    topic: Optional[str] = None    # the closest topic's id (reporting.groups)


@dataclass
class Group:
    """Unanswered questions whose closest topic is the same (topic None: no topic is close)."""
    topic: Optional[str]
    title: str
    count: int
    examples: List[str]            # the most typical questions, at most three


@dataclass
class Report:
    questions: int = 0
    conversations: int = 0
    urgent: int = 0
    declines: int = 0
    unanswered: List[Question] = field(default_factory=list)
    ratings: Dict[str, Dict[str, int]] = field(default_factory=dict)   # entry -> {helpful, not_helpful}
    comments: List[Dict[str, str]] = field(default_factory=list)
    topics: List[tuple] = field(default_factory=list)                  # (topic, count), most asked first
    weeks: List[Week] = field(default_factory=list)
    cited: Dict[str, int] = field(default_factory=dict)                # entry -> answers that gave it
    groups: List[Group] = field(default_factory=list)                  # filled by reporting.groups
    stale: List = field(default_factory=list)                          # filled by reporting.stale

    def as_dict(self) -> Dict:
        return {"questions": self.questions, "conversations": self.conversations, "urgent": self.urgent,
                "declines": self.declines, "handoffs": None,
                "unanswered": [q.__dict__ for q in self.unanswered], "ratings": self.ratings,
                "comments": self.comments, "topics": [{"topic": t, "count": c} for t, c in self.topics],
                "weeks": [w.as_dict() for w in self.weeks], "cited": self.cited,
                "groups": [g.__dict__ for g in self.groups], "stale": [s.as_dict() for s in self.stale]}


def why_unanswered(turn: Turn) -> Optional[str]:
    """What the assistant did first (declined honestly), else what NLU made of the question."""
    if turn.kind == "not_covered":
        return DECLINED
    if turn.intent in UNANSWERED_INTENTS:
        return "not understood" if turn.intent == "nlu_fallback" else "out of scope"
    if turn.kind in UNANSWERED_KINDS:
        return DECLINED if turn.kind == "not_covered" else "answered by search"
    if turn.confidence < LOW_CONFIDENCE:
        return "low confidence"
    return None


def build_report(turns: Iterable[Turn], ratings: Iterable[Rating], allowed_phrases=(),
                 citations: Iterable[Citation] = (), since=None, until=None) -> Report:
    turns, report = list(turns), Report()
    report.questions = len(turns)
    report.conversations = len({t.sender for t in turns})
    report.urgent = sum(t.urgent for t in turns)
    report.declines = sum(t.kind == "not_covered" for t in turns)
    report.unanswered = unanswered(turns, allowed_phrases)
    report.ratings, report.comments = rated(ratings, allowed_phrases)
    report.topics = Counter(t.topic for t in turns if t.topic).most_common()
    report.cited = dict(Counter(e for c in citations for e in dict.fromkeys(c.entries)).most_common())
    report.weeks = weeks(turns, since, until)
    return report


def unanswered(turns: List[Turn], allowed_phrases=()) -> List[Question]:
    """The questions the assistant could not answer well, once each (first wording), in order."""
    found: Dict[str, Question] = {}
    for turn in turns:
        reason = why_unanswered(turn)
        if not reason:
            continue
        text = redact(turn.text, allowed_phrases)  # stored text is redacted already; never trust it
        key = " ".join(text.lower().split())
        if key in found:
            found[key].count += 1
            continue
        suggested = next((i for i in turn.ranking if i not in UNANSWERED_INTENTS), None)
        found[key] = Question(text, turn.intent, round(turn.confidence, 3), suggested, reason)
    return list(found.values())


def rated(ratings: Iterable[Rating], allowed_phrases=()) -> tuple:
    """({entry: {helpful, not_helpful}}, comments): the counts per entry, and the comments redacted."""
    counts: Dict[str, Counter] = defaultdict(Counter)
    comments: List[Dict[str, str]] = []
    for rating in ratings:
        for entry in rating.entries or ["(no entry)"]:
            counts[entry][rating.rating] += 1
        if rating.comment and rating.comment != "(skipped)":
            comments.append({"entries": ", ".join(rating.entries), "rating": rating.rating,
                             "comment": redact(rating.comment, allowed_phrases)})
    table = {entry: {"helpful": c["helpful"], "not_helpful": c["not_helpful"]} for entry, c in sorted(counts.items())}
    return table, comments
