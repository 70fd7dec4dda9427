"""What the knowledge owners need from the turns and ratings: gaps, ratings per entry, top topics."""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Optional

from privacy import redact
from reporting.events import Rating, Turn

LOW_CONFIDENCE = 0.6
UNANSWERED_INTENTS = ("nlu_fallback", "out_of_scope")
UNANSWERED_KINDS = ("not_covered", "search")   # no answer, or only the closest passages


@dataclass
class Question:
    text: str
    intent: str
    confidence: float
    suggested_intent: Optional[str]
    reason: str


@dataclass
class Report:
    questions: int = 0
    conversations: int = 0
    unanswered: List[Question] = field(default_factory=list)
    ratings: Dict[str, Dict[str, int]] = field(default_factory=dict)   # entry -> {helpful, not_helpful}
    comments: List[Dict[str, str]] = field(default_factory=list)
    topics: List[tuple] = field(default_factory=list)                  # (topic, count), most asked first

    def as_dict(self) -> Dict:
        return {"questions": self.questions, "conversations": self.conversations,
                "unanswered": [q.__dict__ for q in self.unanswered], "ratings": self.ratings,
                "comments": self.comments, "topics": [{"topic": t, "count": c} for t, c in self.topics]}


def why_unanswered(turn: Turn) -> Optional[str]:
    if turn.intent in UNANSWERED_INTENTS:
        return "not understood" if turn.intent == "nlu_fallback" else "out of scope"
    if turn.kind in UNANSWERED_KINDS:
        return "not covered" if turn.kind == "not_covered" else "answered by search"
    if turn.confidence < LOW_CONFIDENCE:
        return "low confidence"
    return None


def build_report(turns: Iterable[Turn], ratings: Iterable[Rating], allowed_phrases=()) -> Report:
    turns, report = list(turns), Report()
    report.questions = len(turns)
    report.conversations = len({t.sender for t in turns})
    seen = set()
    for turn in turns:
        reason = why_unanswered(turn)
        text = redact(turn.text, allowed_phrases)  # stored text is redacted already; never trust it
        if reason and text.lower() not in seen:
            seen.add(text.lower())
            suggested = next((i for i in turn.ranking if i not in UNANSWERED_INTENTS), None)
            report.unanswered.append(Question(text, turn.intent, round(turn.confidence, 3), suggested, reason))
    counts: Dict[str, Counter] = defaultdict(Counter)
    for rating in ratings:
        for entry in rating.entries or ["(no entry)"]:
            counts[entry][rating.rating] += 1
        if rating.comment and rating.comment != "(skipped)":
            report.comments.append({"entries": ", ".join(rating.entries), "rating": rating.rating,
                                    "comment": redact(rating.comment, allowed_phrases)})
    report.ratings = {entry: {"helpful": c["helpful"], "not_helpful": c["not_helpful"]}
                      for entry, c in sorted(counts.items())}
    report.topics = Counter(t.topic for t in turns if t.topic).most_common()
    return report
