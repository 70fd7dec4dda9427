"""Cross-validation of the risk detector on its own training data (never on tests/real/).

    python scripts/risk_cv.py [--folds 5]

Prints, for each threshold, recall and precision of 'urgent', and the child-voice accuracy, so the
thresholds in actions/risk.py can be chosen for recall first.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

import numpy as np  # noqa: E402
from sklearn.model_selection import StratifiedKFold  # noqa: E402

from kb import get_knowledge  # noqa: E402
from actions.risk import CHILD_THRESHOLD, RISK_THRESHOLD, make_pipeline, load_training  # noqa: E402

THRESHOLDS = (0.2, 0.25, 0.3, 0.35, 0.4, 0.5)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    data = load_training(kb=get_knowledge())
    texts, risk, child = np.array(data.texts, dtype=object), np.array(data.risk), np.array(data.child)
    scores, child_scores = np.zeros(len(texts)), np.zeros(len(texts))
    for train, test in StratifiedKFold(args.folds, shuffle=True, random_state=42).split(texts, risk):
        scores[test] = make_pipeline().fit(texts[train], risk[train]).predict_proba(texts[test])[:, 1]
        positives = train[risk[train] == 1]
        voice = make_pipeline().fit(texts[positives], child[positives])
        test_positives = test[risk[test] == 1]
        child_scores[test_positives] = voice.predict_proba(texts[test_positives])[:, 1]
    print(f"{len(texts)} examples, {risk.sum()} risk ({child.sum()} in a child's voice); {args.folds}-fold CV")
    print(f"{'threshold':>9} {'recall':>7} {'precision':>9} {'missed':>6} {'false':>6}")
    for threshold in THRESHOLDS:
        flagged = scores >= threshold
        tp = int((flagged & (risk == 1)).sum())
        fp = int((flagged & (risk == 0)).sum())
        mark = "  <- actions/risk.py" if threshold == RISK_THRESHOLD else ""
        print(f"{threshold:9.2f} {tp / risk.sum():7.1%} {tp / max(tp + fp, 1):9.1%} {int(risk.sum()) - tp:6d} "
              f"{fp:6d}{mark}")
    positives = risk == 1
    voice_right = ((child_scores[positives] >= CHILD_THRESHOLD) == (child[positives] == 1)).mean()
    child_recall = (child_scores[positives & (child == 1)] >= CHILD_THRESHOLD).mean()
    print(f"child voice at {CHILD_THRESHOLD}: {voice_right:.1%} right, child recall {child_recall:.1%}")
    missed = [t for t, s, r in zip(texts, scores, risk) if r == 1 and s < RISK_THRESHOLD]
    print("missed at the chosen threshold:" if missed else "none missed at the chosen threshold")
    for text in missed[:30]:
        print(f"  {text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
