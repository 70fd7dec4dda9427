"""`make run`'s start-up checks and endpoints (scripts/run.sh), each a subcommand that exits 1 with
one clear line on a problem:

    python -m harness.local_run check-secret ACTION_SERVER_SECRET
    python -m harness.local_run port-free 127.0.0.1 5055
    python -m harness.local_run endpoints endpoints.yml results/run/endpoints.yml 5055 var/conversations.db

The endpoints written call the action server at its port with the shared secret (as ${VAR}: the
value stays in the environment) and keep conversations in the redacting SQL store on a local SQLite
file (checked first: a damaged file is named, with what to do), or in memory if the path is empty.
"""
from __future__ import annotations

import os
import socket
import sqlite3
import sys
from pathlib import Path
from typing import Optional

import yaml

SECRET_HEADER = "X-Action-Secret"


def with_local_settings(endpoints: dict, actions_port: int, database: Optional[Path], secret: bool = True,
                        tracker_store: Optional[dict] = None) -> dict:
    """endpoints.yml's settings pointed at the local action server (with the shared secret as
    ${ACTION_SERVER_SECRET}, unless `secret` is False), keeping conversations in `make run`'s store on
    `database` (or in `tracker_store`, or as endpoints.yml says when both are None)."""
    action = {"url": f"http://127.0.0.1:{actions_port}/webhook"}
    if secret:
        action["headers"] = {SECRET_HEADER: "${ACTION_SERVER_SECRET}"}
    result = {**endpoints, "action_endpoint": action}
    if database is not None:
        result["tracker_store"] = {"type": "production.tracker_store.EmbeddedTrackerStore",
                                   "dialect": "sqlite", "db": str(database.resolve())}
    if tracker_store:
        result["tracker_store"] = tracker_store
    return result


def write_endpoints(source: Path, target: Path, actions_port: int, database: Optional[Path] = None,
                    secret: bool = True, tracker_store: Optional[dict] = None) -> Path:
    """The one place an endpoints file is written: by `make run` and by the harness (tests, evaluate,
    bench)."""
    endpoints = yaml.safe_load(Path(source).read_text()) or {}
    Path(target).write_text(yaml.safe_dump(with_local_settings(endpoints, actions_port, database, secret,
                                                               tracker_store)))
    return Path(target)


def database_problem(database: Path) -> Optional[str]:
    """Why the SQLite file cannot be used, or None (a missing file is made on start)."""
    if not database.exists():
        return None
    try:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
            result = connection.execute("PRAGMA quick_check").fetchone()[0]
    except sqlite3.DatabaseError as error:
        result = str(error)
    if result == "ok":
        return None
    return (f"The conversation database {database} is damaged ({result}). Move it aside "
            f"(mv {database} {database}.damaged) and start again: a new, empty one is made.")


def secret_problem(name: str, value: str) -> Optional[str]:
    from production.settings import check_secret
    return check_secret(name, value)


def port_problem(host: str, port: int) -> Optional[str]:
    with socket.socket() as probe:
        try:
            probe.bind((host, port))
        except OSError:
            return f"Port {port} on {host} is already in use: stop what uses it, or choose another port."
    return None


def _endpoints(source: str, target: str, port: str, database: str) -> Optional[str]:
    path = Path(database) if database else None
    problem = database_problem(path) if path else None
    if problem:
        return problem
    if path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.chmod(0o600)
    write_endpoints(Path(source), Path(target), int(port), path)
    return None


def main(argv=None) -> int:
    command, *args = argv if argv is not None else sys.argv[1:]
    if command == "check-secret":
        problem = secret_problem(args[0], os.environ.get(args[0], ""))
    elif command == "port-free":
        problem = port_problem(args[0], int(args[1]))
    elif command == "endpoints":
        problem = _endpoints(*args[:4])
    else:
        problem = f"unknown command {command!r}"
    if problem:
        print(problem, file=sys.stderr)
    return 1 if problem else 0


if __name__ == "__main__":
    raise SystemExit(main())
