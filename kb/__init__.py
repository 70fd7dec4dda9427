"""The knowledge base: load and check knowledge/, look entries up, and search them.

    from kb import get_knowledge
    kb = get_knowledge()            # loaded once per process
    kb.checklists["checklist.referral"]
"""
from __future__ import annotations

import functools
import os
from pathlib import Path

from kb.base import KnowledgeBase, Passage
from kb.loader import load_knowledge
from kb.problems import KnowledgeError, Problem

KNOWLEDGE_DIR = Path(os.environ.get("KNOWLEDGE_DIR", Path(__file__).resolve().parent.parent / "knowledge"))


@functools.lru_cache(maxsize=None)
def get_knowledge(directory: str = str(KNOWLEDGE_DIR)) -> KnowledgeBase:
    return load_knowledge(directory)


__all__ = ["KnowledgeBase", "KnowledgeError", "Passage", "Problem", "get_knowledge", "load_knowledge",
           "KNOWLEDGE_DIR"]
