"""Files generated from knowledge/ and the routing table: written only when they change (so make
does not retrain for nothing), or checked (`--check`, for `make validate`)."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Dict


def sync(files: Dict[Path, str], root: Path, check: bool, source: str) -> int:
    """Write (or with check=True, compare) each file; 1 if a checked file is out of date."""
    if check:
        stale = [p for p, text in files.items() if not p.exists() or p.read_text(encoding="utf-8") != text]
        for path in stale:
            print(f"{path.relative_to(root)} is out of date with {source}: run `make generate`.", file=sys.stderr)
        if not stale:
            print(f"Generated files are in sync with {source}.")
        return 1 if stale else 0
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists() and path.read_text(encoding="utf-8") == text:
            print(f"{path.relative_to(root)} is up to date")
            continue
        path.write_text(text, encoding="utf-8")
        print(f"Wrote {path.relative_to(root)} ({text.count(chr(10) + '      - ')} entries)")
    return 0
