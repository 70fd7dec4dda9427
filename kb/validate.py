"""Check the knowledge files: `python -m kb.validate [folder]`.

Prints every problem with the file, line and entry, and exits 1 if there is any.
"""
from __future__ import annotations

import sys
from pathlib import Path

from kb import KNOWLEDGE_DIR, KnowledgeError, load_knowledge
from kb.checks import stale_entries


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    directory = Path(argv[0]) if argv else KNOWLEDGE_DIR
    try:
        kb = load_knowledge(directory)
    except KnowledgeError as error:
        print(f"The knowledge files have {len(error.problems)} problem(s):", file=sys.stderr)
        for problem in error.problems:
            print(f"  - {problem}", file=sys.stderr)
        return 1
    for entry_id in stale_entries(kb):
        print(f"  warning: knowledge/{kb.files[entry_id]}, entry '{entry_id}': its review date has passed.")
    print(f"Knowledge OK: {len(kb.all_ids())} entries in {directory}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
