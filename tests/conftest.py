"""Shared fixtures: the real knowledge base, and a copy of knowledge/ that a test may break."""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kb import KNOWLEDGE_DIR, get_knowledge  # noqa: E402


@pytest.fixture(scope="session")
def kb():
    return get_knowledge()


@pytest.fixture
def knowledge_copy(tmp_path) -> Path:
    target = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE_DIR, target)
    return target
