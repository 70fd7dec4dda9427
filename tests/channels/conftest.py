"""The channel tests use the assistant all server tests share (tests/shared_server.py)."""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # fakes.py and browser.py
