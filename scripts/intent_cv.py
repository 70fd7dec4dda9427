"""Cross-validate intent classifiers on the training data alone, on the features a trained model makes.

    python scripts/intent_cv.py [--model models/assistant.tar.gz] [--folds 5]

The model's featurizers (fitted on all of data/nlu: their vocabulary sees every fold, nothing else
does) turn each training example into its sparse blocks; each candidate classifier is then trained and
scored fold by fold with scikit-learn: weighted F1, accuracy, and how often the top intent is wrong
with confidence >= 0.4 (FallbackClassifier's threshold: a confident wrong answer). For choosing the
TensorFlow-free classifier's settings without looking at the held-out sets. A report: nothing fails.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Callable, Dict, List

ROOT = Path(__file__).resolve().parent.parent

import numpy as np  # noqa: E402


def featurized(model: Path, texts: List[str]) -> list:
    """The pipeline's messages (features included) for each text, through the model's own graph."""
    from rasa.core.agent import Agent
    from rasa.core.channels.channel import UserMessage
    from rasa.engine.constants import PLACEHOLDER_MESSAGE, PLACEHOLDER_TRACKER
    from rasa.shared.core.trackers import DialogueStateTracker

    processor = Agent.load(str(model)).processor
    target = processor.model_metadata.nlu_target
    tracker = DialogueStateTracker("cv", [])
    return [processor.graph_runner.run(inputs={PLACEHOLDER_MESSAGE: [UserMessage(text)], PLACEHOLDER_TRACKER: tracker},
                                       targets=[target])[target][0] for text in texts]


def candidates() -> Dict[str, Callable]:
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.linear_model import LogisticRegression
    from sklearn.svm import LinearSVC

    def svm(C: float) -> Callable:  # as components/linear_intent.py trains it
        return lambda folds: CalibratedClassifierCV(
            LinearSVC(C=C, class_weight="balanced", random_state=42, max_iter=10000), method="sigmoid", cv=folds)

    def logistic(C: float) -> Callable:
        return lambda folds: LogisticRegression(C=C, class_weight="balanced", max_iter=5000)

    found = {f"svm C={C}": svm(C) for C in (1.0, 3.0, 10.0)}
    found.update({f"logistic C={C}": logistic(C) for C in (100.0, 300.0)})
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "assistant.tar.gz")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--blocks", default="", help="only feature blocks whose origin contains this")
    args = parser.parse_args()

    from rasa.shared.nlu.training_data.loading import load_data
    from sklearn.metrics import f1_score
    from sklearn.model_selection import StratifiedKFold

    from components.linear_intent import LinearIntentClassifier

    examples = [e for e in load_data(str(ROOT / "data" / "nlu")).intent_examples if e.get("text")]
    texts, y = [e.get("text") for e in examples], np.asarray([e.get("intent") for e in examples])
    messages = featurized(args.model, texts)
    blocks = sorted({(o, b.shape[1]) for m in messages for o, b in LinearIntentClassifier._blocks(m).items()
                     if args.blocks in o})
    X = LinearIntentClassifier({}, None, None)._matrix(messages, blocks)
    print(f"{len(y)} examples, {len(set(y))} intents, blocks: {[o for o, _ in blocks]}")
    outer = StratifiedKFold(n_splits=args.folds, shuffle=True, random_state=42)
    for name, make in candidates().items():
        predicted, confidence = np.empty(len(y), dtype=object), np.zeros(len(y))
        for train, test in outer.split(X, y):
            inner = StratifiedKFold(n_splits=3, shuffle=True, random_state=42)
            classifier = make(inner).fit(X[train], y[train])
            probabilities = classifier.predict_proba(X[test])
            predicted[test] = classifier.classes_[probabilities.argmax(axis=1)]
            confidence[test] = probabilities.max(axis=1)
        wrong = predicted != y
        print(f"{name:22} F1 {f1_score(y, predicted, average='weighted'):.3f}  accuracy {np.mean(~wrong):.3f}  "
              f"confident wrong {np.mean(wrong & (confidence >= 0.4)):.3f}  below 0.4 {np.mean(confidence < 0.4):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
