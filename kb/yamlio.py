"""Safe YAML, read with libyaml's parser when PyYAML has it: several times faster than the pure-Python
one on the NLU data, which the risk detector, the harness and the data checks read at every start."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Union

import yaml

SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load(text: str) -> Any:
    return yaml.load(text, Loader=SafeLoader)  # noqa: S506 (a SafeLoader)


def load_file(path: Union[str, Path]) -> Any:
    return load(Path(path).read_text(encoding="utf-8"))
