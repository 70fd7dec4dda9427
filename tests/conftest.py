"""Shared fixtures: the real knowledge base, and a copy of knowledge/ that a test may break."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

import production.lean_rasa  # noqa: E402

# Tests import Rasa as the servers start it (production/lean_rasa.py): without TensorFlow, which
# Rasa 3.6 would import for nothing here (4 s of every test run).
production.lean_rasa.install()

from kb import KNOWLEDGE_DIR, get_knowledge  # noqa: E402

pytest_plugins = ["tests.shared_server"]  # the one running assistant of the server and channel tests


@pytest.fixture(scope="session")
def kb():
    return get_knowledge()


@pytest.fixture
def knowledge_copy(tmp_path) -> Path:
    target = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE_DIR, target)
    return target
