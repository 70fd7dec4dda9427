"""The risk detector: does a typed message describe a child who is being harmed or is at risk now?

A learned classifier of its own, separate from the intent classifier, because missing a disclosure
is the worst failure this assistant can have. It is trained when the action server starts (about a
second) from data/risk/examples.yml, written for this project in our own words, plus the intent
examples of data/nlu/: urgent_risk's as positives, every other intent's as negatives. A second
classifier, trained on the positives only, tells a child's own voice from an adult's, so a child
also gets Childline.

Both are scikit-learn pipelines (Rasa already installs scikit-learn): TF-IDF over words and word
pairs plus TF-IDF over character n-grams, which tolerate typos and text-speak, into a balanced
logistic regression. The thresholds lean towards recall; they were chosen by cross-validation on
the training data (scripts/risk_cv.py), never on the held-out real wordings in tests/real/.
The urgent phrases of knowledge/safety.yml stay as a safety net: a message containing one is
urgent whatever the model says.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, List, Optional, Sequence, Tuple


from kb import yamlio

ROOT = Path(__file__).resolve().parent.parent
RISK_DATA = ROOT / "data" / "risk" / "examples.yml"
NLU_DATA = ROOT / "data" / "nlu"
URGENT_INTENT = "urgent_risk"

RISK_THRESHOLD = 0.3     # P(risk) at or above this is urgent (recall first; scripts/risk_cv.py)
CHILD_THRESHOLD = 0.5    # P(child's own voice | risk) at or above this also gets Childline
MAX_CHARS = 2000         # the classifier reads at most this much of one message
ANNOTATION = re.compile(r"\[([^\]]*)\](?:\([^)]*\)|\{[^}]*\})")


@dataclass(frozen=True)
class Risk:
    urgent: bool
    child: bool = False
    score: float = 0.0
    by: str = ""         # "model", "phrase" or "" (not urgent)


NO_RISK = Risk(False)


def clean(text: str) -> str:
    """What the classifiers see: lower case, straight apostrophes, single spaces, bounded."""
    text = (text or "")[:MAX_CHARS].replace("\u2019", "'").replace("\u2018", "'")
    return " ".join(text.lower().split())


def _plain(example: str) -> str:
    return ANNOTATION.sub(r"\1", example)


def nlu_examples(folder: Path) -> Iterable[Tuple[str, str]]:
    """(intent, text) for every intent example under data/nlu/, entity annotations removed."""
    for path in sorted(folder.rglob("*.yml")):
        for block in (yamlio.load(path.read_text(encoding="utf-8")) or {}).get("nlu") or []:
            for line in str(block.get("examples") or "").splitlines():
                line = line.strip()
                if "intent" in block and line.startswith("- "):
                    yield block["intent"], _plain(line[2:].strip())


@dataclass(frozen=True)
class TrainingSet:
    texts: Tuple[str, ...]
    risk: Tuple[int, ...]      # 1 = risk
    child: Tuple[int, ...]     # 1 = a child's own voice (meaningful where risk == 1)


def knowledge_phrases(kb) -> List[str]:
    """The knowledge base's own headings and terms: questions about them are never a disclosure."""
    texts = [t.title for t in kb.topics.values()] + [k for t in kb.topics.values() for k in t.keywords]
    texts += [n for t in kb.terms.values() for n in t.names] + [d.title for d in kb.definitions.values()]
    texts += [c.title for c in kb.checklists.values()] + [i.text for c in kb.checklists.values() for i in c.items]
    texts += [a.title for a in kb.audit_facts.values()] + [a.name for a in kb.agencies.values()]
    texts += [l.title for l in kb.links.values()] + [g.subject for g in kb.gaps.values()]
    return texts


def load_training(risk_file: Path = RISK_DATA, nlu_folder: Optional[Path] = NLU_DATA, kb=None) -> TrainingSet:
    data = yamlio.load(Path(risk_file).read_text(encoding="utf-8")) or {}
    rows: List[Tuple[str, int, int]] = []
    positives = data.get("risk") or {}
    rows += [(str(t), 1, 1) for t in positives.get("child") or []]
    rows += [(str(t), 1, 0) for t in positives.get("adult") or []]
    rows += [(str(t), 0, 0) for t in data.get("not_risk") or []]
    if nlu_folder is not None and Path(nlu_folder).exists():
        rows += [(t, int(i == URGENT_INTENT), 0) for i, t in nlu_examples(Path(nlu_folder))]
    if kb is not None:
        rows += [(t, 0, 0) for t in knowledge_phrases(kb)]
    seen, unique = set(), []
    for text, risk, child in rows:
        key = clean(text)
        if key and key not in seen:
            seen.add(key)
            unique.append((key, risk, child))
    if not any(r for _, r, _ in unique) or all(r for _, r, _ in unique):
        raise ValueError(f"{risk_file}: the risk detector needs examples of both risk and not_risk")
    texts, risk, child = zip(*unique)
    return TrainingSet(texts, risk, child)


def make_pipeline():
    """Words and word pairs, plus character n-grams, into a balanced logistic regression."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline as pipeline, make_union

    features = make_union(
        TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True, token_pattern=r"[a-z0-9']+"),
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, max_features=40000),
    )
    return pipeline(features, LogisticRegression(C=8.0, class_weight="balanced", max_iter=3000))


class RiskDetector:
    def __init__(self, training: TrainingSet):
        self.risk_model = make_pipeline().fit(training.texts, training.risk)
        child_texts = [t for t, r in zip(training.texts, training.risk) if r]
        child_labels = [c for c, r in zip(training.child, training.risk) if r]
        self.child_model = (make_pipeline().fit(child_texts, child_labels)
                            if 0 < sum(child_labels) < len(child_labels) else None)

    def risk_scores(self, texts: Sequence[str]) -> List[float]:
        return [float(p[1]) for p in self.risk_model.predict_proba([clean(t) for t in texts])]

    def child_score(self, text: str) -> float:
        if self.child_model is None:
            return 0.0
        return float(self.child_model.predict_proba([clean(text)])[0][1])

    def assess(self, text: str, phrase_hit: bool = False) -> Risk:
        if not clean(text):
            return NO_RISK
        score = self.risk_scores([text])[0]
        if score < RISK_THRESHOLD and not phrase_hit:
            return Risk(False, score=score)
        by = "model" if score >= RISK_THRESHOLD else "phrase"
        return Risk(True, self.child_score(text) >= CHILD_THRESHOLD, score, by)


@functools.lru_cache(maxsize=1)
def detector() -> RiskDetector:
    """One detector per process, trained on first use (the action server warms it at start-up)."""
    from kb import get_knowledge
    return RiskDetector(load_training(RISK_DATA, NLU_DATA, get_knowledge()))
