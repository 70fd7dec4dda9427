"""`python -m production.lean_rasa run ...`: Rasa's own command line, started without TensorFlow.

Rasa 3.6 imports TensorFlow (about 500 MB and several seconds) in every server process, even when no
component of the model uses it, through three imports that serving never needs:

1. `rasa.nlu.extractors.extractor` imports `rasa.utils.train_utils`, which it does not use; that
   module imports TensorFlow.
2. Loading a model also builds its *training* graph schema, whose recipe validator imports DIET,
   ResponseSelector and TED. Prediction only uses the predict schema; the training schema is now
   built from its dictionary the first time anything asks for its nodes.
3. thinc (under spaCy) imports TensorFlow at import time, only to note that it is there. It is told
   that it is not: no part of our spaCy pipeline runs on TensorFlow.

A model with a TensorFlow component (DIET) still loads: its own imports load TensorFlow then.
These reach into Rasa's internals, so they are pinned: any Rasa but 3.6.21 stops the start with a
clear message.
"""
from __future__ import annotations

import sys
import types
from typing import Any, Dict, Optional

RASA_VERSION = "3.6.21"
_UNUSED_BY_EXTRACTOR = "rasa.utils.train_utils"


def version_problem() -> Optional[str]:
    from rasa.version import __version__
    if __version__ != RASA_VERSION:
        return (f"production.lean_rasa is written for Rasa {RASA_VERSION} (it defers imports inside Rasa); "
                f"this is Rasa {__version__}. Install Rasa {RASA_VERSION} (make setup), or start "
                f"`python -m rasa` instead.")
    return None


def _import_without(module: str, missing: str, stand_in: Any) -> None:
    """Import `module` while `missing` is replaced by `stand_in` (None: absent), then put it back."""
    before = sys.modules.get(missing)
    sys.modules[missing] = stand_in
    try:
        __import__(module)
    finally:
        if before is None:
            del sys.modules[missing]
        else:
            sys.modules[missing] = before


def _train_schema_on_demand() -> None:
    from rasa.engine.graph import GraphSchema
    from rasa.engine.storage.storage import ModelMetadata

    class TrainSchemaOnDemand(GraphSchema):
        """The training schema, built from its dictionary (importing its classes) when first used."""

        def __init__(self, serialized: Dict[str, Any]) -> None:  # replaces the dataclass __init__
            self._serialized, self._schema = serialized, None

        @property
        def nodes(self) -> Dict[str, Any]:
            if self._schema is None:
                self._schema = GraphSchema.from_dict(self._serialized)
            return self._schema.nodes

    original = ModelMetadata.from_dict
    if getattr(original, "deferred_train_schema", False):
        return

    def from_dict(serialized: Dict[str, Any]) -> ModelMetadata:
        metadata = original({**serialized, "train_schema": {"nodes": {}}})
        metadata.train_schema = TrainSchemaOnDemand(serialized["train_schema"])
        return metadata

    from_dict.deferred_train_schema = True
    ModelMetadata.from_dict = staticmethod(from_dict)


def install() -> None:
    """Defer the three imports (idempotent: a second call finds them done)."""
    if "tensorflow" not in sys.modules:
        _import_without("rasa.nlu.extractors.extractor", _UNUSED_BY_EXTRACTOR,
                        types.ModuleType(_UNUSED_BY_EXTRACTOR))
        _import_without("thinc.compat", "tensorflow", None)
    _train_schema_on_demand()


def _shell_shows_text_not_parts() -> None:
    """`rasa shell` prints a message's custom JSON after its text; our answers carry their parts there
    (kb/parts.py) beside the same content as text, so the shell prints the text and buttons only."""
    from rasa.core.channels import console
    show = console._print_bot_output

    def print_bot_output(message: Dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        if isinstance(message, dict) and message.get("text") and isinstance(message.get("custom"), dict):
            message = {key: value for key, value in message.items() if key != "custom"}
        return show(message, *args, **kwargs)

    console._print_bot_output = print_bot_output


def main() -> None:
    import os
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
    problem = version_problem()
    if problem:
        sys.exit(problem)
    install()
    if sys.argv[1:2] == ["shell"]:
        _shell_shows_text_not_parts()
    from rasa.__main__ import main as rasa_main
    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()
