"""`make run`'s endpoints with the redacting SQL tracker store on a local SQLite file.

    python -m production.local_store endpoints.yml var/conversations.db results/run/endpoints.yml

Conversations then survive a restart and `make report` can read them; nothing external is needed.
"""
from __future__ import annotations

import sys
from pathlib import Path

import yaml


def with_sqlite_store(endpoints: dict, database: Path) -> dict:
    return {**endpoints, "tracker_store": {"type": "production.tracker_store.RedactingSQLTrackerStore",
                                           "dialect": "sqlite", "db": str(database.resolve())}}


def main(argv=None) -> int:
    source, database, target = (argv or sys.argv[1:])[:3]
    endpoints = yaml.safe_load(Path(source).read_text()) or {}
    Path(target).write_text(yaml.safe_dump(with_sqlite_store(endpoints, Path(database))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
