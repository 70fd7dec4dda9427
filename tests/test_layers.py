"""The packages' layers: what the running servers load (production/) never imports the code that starts
them or tests them (harness/, scripts/, tests/) nor the actions package; the knowledge and privacy
layers import neither channels nor actions."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = {
    "production": ("harness", "scripts", "tests", "actions"),
    "kb": ("harness", "scripts", "tests", "actions", "channels", "production"),
    "privacy": ("harness", "scripts", "tests", "actions", "channels", "production"),
}


def imported(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            yield node.module


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_a_lower_layer_imports_no_higher_one(package):
    found = [(path.name, name) for path in sorted((ROOT / package).rglob("*.py")) for name in imported(path)
             if name.split(".")[0] in FORBIDDEN[package]]
    assert found == []
