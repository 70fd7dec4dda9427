"""`make run` and `make shell` (scripts/run.sh calls this):

    python -m harness.local_run run      # the action server (restarted if it stops) and Rasa in front
    python -m harness.local_run shell    # the same action server, and `rasa shell` to chat in the terminal

Both servers listen on 127.0.0.1 only unless ASSISTANT_HOST says otherwise (ASSISTANT_HOST=0.0.0.0
opens them to the network), on ACTIONS_PORT (5055) and RASA_PORT (5005). The action server takes a
shared secret, made on first run (var/action_server.secret) unless ACTION_SERVER_SECRET is set; the
endpoints written (results/run/endpoints.yml) name it as ${ACTION_SERVER_SECRET}, so the value stays
in the environment. Conversations are kept, redacted, in a local SQLite file (CONVERSATIONS_DB,
var/conversations.db; checked first: a damaged file is named, with what to do), or only in memory
when CONVERSATIONS_DB is empty. Every problem stops the start with one clear line and exit code 1.
The commands are those of every launcher (harness/servers.py).
"""
from __future__ import annotations

import os
import secrets
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import Callable, List, Optional

import yaml

from harness.servers import ROOT, action_server_command, rasa_command

SECRET_HEADER = "X-Action-Secret"
SECRET_FILE = ROOT / "var" / "action_server.secret"
RUN_DIR = ROOT / "results" / "run"
MODEL = ROOT / "models" / "assistant.tar.gz"
RESTART_MAX_PAUSE = 30.0   # seconds: the action server's restart pause doubles up to this
RESTART_STABLE_AFTER = 60.0  # a run this long starts the pause from 1 s again


def with_local_settings(endpoints: dict, actions_port: int, database: Optional[Path],
                        tracker_store: Optional[dict] = None) -> dict:
    """endpoints.yml's settings pointed at the local action server, with the shared secret as
    ${ACTION_SERVER_SECRET}, keeping conversations in `make run`'s store on `database` (or in
    `tracker_store`, or as endpoints.yml says when both are None)."""
    action = {"url": f"http://127.0.0.1:{actions_port}/webhook",
              "headers": {SECRET_HEADER: "${ACTION_SERVER_SECRET}"}}
    result = {**endpoints, "action_endpoint": action}
    if database is not None:
        result["tracker_store"] = {"type": "production.tracker_store.EmbeddedTrackerStore",
                                   "dialect": "sqlite", "db": str(database.resolve())}
    if tracker_store:
        result["tracker_store"] = tracker_store
    return result


def write_endpoints(source: Path, target: Path, actions_port: int, database: Optional[Path] = None,
                    tracker_store: Optional[dict] = None) -> Path:
    """The one place an endpoints file is written: by `make run` and by the harness (tests, evaluate,
    bench)."""
    endpoints = yaml.safe_load(Path(source).read_text()) or {}
    Path(target).write_text(yaml.safe_dump(with_local_settings(endpoints, actions_port, database, tracker_store)))
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


def local_endpoints(target: Path, actions_port: int, database: Optional[Path]) -> Optional[str]:
    """Write `make run`'s endpoints; the reason not to, or None. The database file is made (0600)."""
    problem = database_problem(database) if database else None
    if problem:
        return problem
    if database:
        database.parent.mkdir(parents=True, exist_ok=True)
        database.touch(mode=0o600)
        database.chmod(0o600)
    write_endpoints(ROOT / "endpoints.yml", target, actions_port, database)
    return None


def shared_secret() -> str:
    """ACTION_SERVER_SECRET, or the one kept in var/ (made on first run, mode 0600)."""
    if os.environ.get("ACTION_SERVER_SECRET"):
        return os.environ["ACTION_SERVER_SECRET"]
    if not SECRET_FILE.exists() or not SECRET_FILE.read_text().strip():
        SECRET_FILE.parent.mkdir(parents=True, exist_ok=True)
        SECRET_FILE.write_text(secrets.token_urlsafe(32) + "\n")
    return SECRET_FILE.read_text().strip()


class Supervised:
    """A process started again, after a pause that doubles up to 30 s, whenever it stops."""

    def __init__(self, start: Callable[[], subprocess.Popen], name: str) -> None:
        self.start, self.name = start, name
        self.process: Optional[subprocess.Popen] = None
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._watch, daemon=True)

    def run(self) -> "Supervised":
        self.process = self.start()
        self.thread.start()
        return self

    def _watch(self) -> None:
        pause = 1.0
        while not self.stopping.is_set():
            started = time.monotonic()
            self.process.wait()
            if self.stopping.is_set():
                return
            pause = 1.0 if time.monotonic() - started > RESTART_STABLE_AFTER else pause
            print(f"The {self.name} stopped; starting it again in {pause:.0f} s.", file=sys.stderr, flush=True)
            if self.stopping.wait(pause):
                return
            pause = min(pause * 2, RESTART_MAX_PAUSE)
            self.process = self.start()

    def stop(self) -> None:
        self.stopping.set()
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2):
            return True
    except OSError:
        return False


def _wait_for_actions(actions: Supervised, port: int, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if _answers(f"http://127.0.0.1:{port}/health"):
            return True
        time.sleep(0.5)
    return False


def _interrupt(_signum, _frame) -> None:
    raise KeyboardInterrupt


def _problem(message: str) -> int:
    print(message, file=sys.stderr, flush=True)
    return 1


def run(verb: str) -> int:
    """`make run` (verb "run") or `make shell` (verb "shell")."""
    os.umask(0o077)  # the database, keys and logs are readable by this user only
    host = os.environ.get("ASSISTANT_HOST", "127.0.0.1")
    actions_port, rasa_port = int(os.environ.get("ACTIONS_PORT", "5055")), int(os.environ.get("RASA_PORT", "5005"))
    RUN_DIR.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "RASA_TELEMETRY_ENABLED": "false",  # no usage data leaves
           "ACTION_SERVER_SECRET": shared_secret(), "SANIC_HOST": host}
    problem = (secret_problem("ACTION_SERVER_SECRET", env["ACTION_SERVER_SECRET"])
               or port_problem(host, actions_port) or port_problem(host, rasa_port))
    if problem:
        return _problem(problem)
    database = os.environ.get("CONVERSATIONS_DB", str(ROOT / "var" / "conversations.db"))
    endpoints = RUN_DIR / "endpoints.yml"
    problem = local_endpoints(endpoints, actions_port, Path(database) if database else None)
    if problem:
        return _problem(problem)
    signal.signal(signal.SIGTERM, _interrupt)  # stopped like Ctrl+C: both servers go, nothing is left behind
    actions = Supervised(lambda: subprocess.Popen(action_server_command(actions_port), cwd=ROOT, env=env),
                         "action server").run()
    try:
        if not _wait_for_actions(actions, actions_port):
            return _problem("The action server failed to start.")
        if database:
            print(f"Conversations are stored, without identifiers, in {database}", flush=True)
        return _front(verb, endpoints, env, host, rasa_port)
    except KeyboardInterrupt:
        return 0
    finally:
        actions.stop()


def _front(verb: str, endpoints: Path, env: dict, host: str, port: int) -> int:
    """Rasa in the foreground: the terminal chat, or the server with its channels."""
    if verb == "shell":
        return subprocess.call(rasa_command("shell", MODEL, endpoints), cwd=ROOT, env=env)
    # Channels: REST and the web chat always; Slack and Teams when their settings are in the environment.
    # The file names secrets as ${VARS} only (Rasa reads them from the environment).
    from channels import credentials
    path = Path(os.environ.get("CREDENTIALS") or RUN_DIR / "credentials.yml")
    print("Channels:")
    for note in credentials.write(path):
        print(f"  {note}")
    print(f"""Starting the assistant on {host} port {port}. When it says "Rasa server is up and running":
  web chat:  http://localhost:{port}/webhooks/webchat/
  REST:      curl -s http://localhost:{port}/webhooks/rest/webhook -H 'Content-Type: application/json' \\
                  -d '{{"sender": "me", "message": "what must a referral include?"}}'
or run 'make shell' in another terminal. Stop with Ctrl+C.""", flush=True)
    rasa = subprocess.Popen(rasa_command("run", MODEL, endpoints, "--credentials", str(path), "--interface", host,
                                         "--port", str(port)), cwd=ROOT, env=env)
    try:
        return rasa.wait()
    finally:
        if rasa.poll() is None:
            rasa.terminate()
            rasa.wait(timeout=30)


def main(argv: Optional[List[str]] = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    if args[:1] in (["run"], ["shell"]):
        return run(args[0])
    return _problem("usage: python -m harness.local_run run|shell")


if __name__ == "__main__":
    raise SystemExit(main())
