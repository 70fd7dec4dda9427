"""An intent classifier without TensorFlow: a linear SVM on the pipeline's sparse sentence features,
calibrated so that its confidences behave like probabilities (FallbackClassifier's threshold and
ambiguity check, and RulePolicy's core fallback, rely on them).

Each featurizer's block (word counts, character n-grams) is scaled on its own (log counts, then unit
length), so that neither block outweighs the other by its size. scikit-learn's LinearSVC and
CalibratedClassifierCV (sigmoid, stratified folds) do the work; the model is saved with skops, as
Rasa's own LogisticRegressionClassifier does, and only scikit-learn, NumPy and SciPy types are
trusted when it is loaded.

    - name: components.linear_intent.LinearIntentClassifier
      C: 3.0
"""
from __future__ import annotations

import logging
from collections import Counter
from typing import Any, Dict, List, Optional, Text, Type

import numpy as np
from scipy.sparse import csr_matrix, hstack, vstack
from sklearn.preprocessing import normalize

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.featurizers.featurizer import Featurizer
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

logger = logging.getLogger(__name__)

MODEL_FILE = "linear_intent.skops"
TRUSTED_PREFIXES = ("sklearn.", "numpy.", "scipy.", "builtins.")


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class LinearIntentClassifier(IntentClassifier, GraphComponent):
    @classmethod
    def required_components(cls) -> List[Type]:
        return [Featurizer]

    @staticmethod
    def required_packages() -> List[Text]:
        return ["sklearn", "skops"]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"C": 3.0, "folds": 5, "random_seed": 42, "ranking_length": 10}

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
                 model: Optional[Dict[str, Any]] = None) -> None:
        self.config = {**self.get_default_config(), **config}
        self._model_storage, self._resource = model_storage, resource
        self.model = model  # {"classifier": fitted CalibratedClassifierCV, "blocks": [(origin, width)]}

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "LinearIntentClassifier":
        return cls(config, model_storage, resource)

    # --- features ---------------------------------------------------------------------------
    @staticmethod
    def _blocks(message: Message) -> Dict[str, csr_matrix]:
        """The message's sparse sentence features, one block per featurizer."""
        found: Dict[str, csr_matrix] = {}
        for feature in message.features:
            if feature.attribute == TEXT and feature.is_sparse() and feature.type == FEATURE_TYPE_SENTENCE:
                found[str(feature.origin)] = csr_matrix(feature.features)
        return found

    def _matrix(self, messages: List[Message], blocks: List[tuple]) -> csr_matrix:
        rows = []
        for message in messages:
            found = self._blocks(message)
            parts = []
            for origin, width in blocks:
                block = found.get(origin)
                if block is None or block.shape[1] != width:
                    block = csr_matrix((1, width))
                block = block.copy()
                block.data = np.log1p(np.abs(block.data))
                parts.append(normalize(block))
            rows.append(hstack(parts, format="csr"))
        return vstack(rows, format="csr")

    # --- training and prediction ---------------------------------------------------------------
    def train(self, training_data: TrainingData) -> Resource:
        from sklearn.calibration import CalibratedClassifierCV
        from sklearn.model_selection import StratifiedKFold
        from sklearn.svm import LinearSVC

        examples = [e for e in training_data.intent_examples if e.get(INTENT) and e.get(TEXT)]
        if not examples:
            logger.debug("No intent examples: %s is not trained.", self.__class__.__name__)
            return self._resource
        blocks = sorted({(o, b.shape[1]) for e in examples for o, b in self._blocks(e).items()})
        X, y = self._matrix(examples, blocks), np.asarray([e.get(INTENT) for e in examples])
        smallest = min(Counter(y).values())
        if smallest < 2:
            raise ValueError(f"every intent needs at least 2 examples; {Counter(y).most_common()[-1][0]} has 1")
        folds = StratifiedKFold(n_splits=min(self.config["folds"], smallest), shuffle=True,
                                random_state=self.config["random_seed"])
        svm = LinearSVC(C=self.config["C"], class_weight="balanced", random_state=self.config["random_seed"],
                        max_iter=10000)
        classifier = CalibratedClassifierCV(svm, method="sigmoid", cv=folds).fit(X, y)
        self.model = {"classifier": classifier, "blocks": blocks}
        self.persist()
        return self._resource

    def process(self, messages: List[Message]) -> List[Message]:
        if not self.model:
            return messages
        classifier = self.model["classifier"]
        probabilities = classifier.predict_proba(self._matrix(messages, self.model["blocks"]))
        for message, row in zip(messages, probabilities):
            ranking = sorted(({"name": str(name), "confidence": float(p)} for name, p in zip(classifier.classes_, row)),
                             key=lambda item: -item["confidence"])
            message.set(INTENT, ranking[0], add_to_output=True)
            length = self.config["ranking_length"]
            message.set("intent_ranking", ranking[:length] if length > 0 else ranking, add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data

    # --- storage ---------------------------------------------------------------------------
    def persist(self) -> None:
        import skops.io as sio
        with self._model_storage.write_to(self._resource) as folder:
            sio.dump(self.model, folder / MODEL_FILE)

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "LinearIntentClassifier":
        import skops.io as sio
        try:
            with model_storage.read_from(resource) as folder:
                path = folder / MODEL_FILE
                untrusted = sio.get_untrusted_types(file=path)
                unexpected = [t for t in untrusted if not t.startswith(TRUSTED_PREFIXES)]
                if unexpected:
                    raise ValueError(f"unexpected types in the intent model: {unexpected}")
                return cls(config, model_storage, resource, sio.load(path, trusted=untrusted))
        except ValueError as error:
            logger.warning("The intent classifier could not be loaded (%s); it is untrained.", error)
            return cls.create(config, model_storage, resource, execution_context)
