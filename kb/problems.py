"""Validation problems, worded for a knowledge editor who is not a programmer."""
from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional


@dataclass(frozen=True)
class Problem:
    file: str
    message: str
    entry: str = ""
    line: Optional[int] = None

    def __str__(self) -> str:
        where = f"knowledge/{self.file}"
        if self.line:
            where += f", line {self.line}"
        if self.entry:
            where += f", entry '{self.entry}'"
        return f"{where}: {self.message}"


class KnowledgeError(Exception):
    """The knowledge files have problems; `problems` lists every one found."""

    def __init__(self, problems: List[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
