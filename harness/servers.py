"""Start the action server and the Rasa server as child processes, and stop them cleanly.

    with running_assistant() as assistant:
        replies = assistant.ask("sender-1", "what must a referral include?")
"""
from __future__ import annotations

import contextlib
import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import uuid
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Sequence

from harness.questions import reply_text  # noqa: F401 - importable from here, as tests and scripts do

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "models" / "assistant.tar.gz"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def plain_sender(prefix: str = "test") -> str:
    """A new sender id that the stores keep as sent, for tests that look it up in a database.

    A random hex id can hold ten digits in a row, which looks like a phone number, and is then
    stored as a keyed hash (production.sender_ids): about one id in twelve.
    """
    from production.sender_ids import looks_personal
    while True:
        sender = f"{prefix}-{uuid.uuid4().hex}"
        if not looks_personal(sender):
            return sender


def wait_until_up(url: str, process: subprocess.Popen, timeout: float) -> float:
    """Seconds until `url` answers 200; raise if the process dies or time runs out."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with code {process.returncode} before {url} answered")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return time.monotonic() - start
        except (urllib.error.URLError, ConnectionError, OSError):
            pass
        time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer within {timeout:.0f} s")


@dataclass
class Assistant:
    rasa_url: str
    actions_url: str
    processes: Dict[str, subprocess.Popen] = field(default_factory=dict)
    started_in: float = 0.0
    ready_in: Dict[str, float] = field(default_factory=dict)  # seconds from launch until each answered
    action_secret: str = ""  # what the action server wants in X-Action-Secret (Rasa sends it)

    @property
    def webhook(self) -> str:
        return f"{self.rasa_url}/webhooks/rest/webhook"

    def post(self, path: str, body: bytes, content_type: str = "application/json", timeout: float = 30):
        """(status, text) of a raw POST, for bad-input tests."""
        request = urllib.request.Request(self.rasa_url + path, data=body, headers={"Content-Type": content_type})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8", "replace")

    def ask(self, sender: str, message: str, timeout: float = 30, button: Optional[bool] = None) -> List[dict]:
        """The replies to `message`; a "/..." message is sent as a button's payload unless button=False."""
        button = message.startswith("/") if button is None else button
        body = {"sender": sender, "message": message, "button": button}
        status, text = self.post("/webhooks/rest/webhook", json.dumps(body).encode(), timeout=timeout)
        if status != 200:
            raise RuntimeError(f"REST channel answered {status}: {text[:200]}")
        return json.loads(text)

    def pid(self, name: str) -> int:
        return self.processes[name].pid


def _python() -> str:
    venv = ROOT / ".venv" / "bin" / "python"
    return str(venv) if venv.exists() else sys.executable


# The two servers' command lines, the same for every launcher: `make run` (harness/local_run.py), the
# tests, `make evaluate` and `make bench` (running_assistant below) and the production topology
# (harness/topology.py, whose replicas run production/rasa_run.py, the same lean start).
def action_server_command(port: int) -> List[str]:
    """The action server; it takes calls only with ACTION_SERVER_SECRET (production/action_server.py)."""
    return [_python(), "-m", "production.action_server", "--actions", "actions", "--port", str(port)]


def rasa_command(verb: str, model: Path, endpoints: Path, *args: str) -> List[str]:
    """`rasa run` or `rasa shell` through the lean start-up (production/lean_rasa.py)."""
    return [_python(), "-m", "production.lean_rasa", verb, "--model", str(model), "--endpoints", str(endpoints),
            *args]


@contextlib.contextmanager
def running_assistant(model: Path = MODEL, endpoints: Optional[Path] = None, extra_env: Optional[dict] = None,
                      log_dir: Optional[Path] = None, timeout: float = 240,
                      rasa_args: Sequence[str] = (), credentials: Optional[Path] = None,
                      tracker_store: Optional[dict] = None) -> Iterator[Assistant]:
    """Both servers on free loopback ports; `rasa_args` are added to `rasa run` (e.g. "--enable-api");
    `credentials` replaces credentials.yml (e.g. a file from channels/credentials.py);
    `tracker_store` replaces endpoints.yml's store (e.g. a SQL store on a SQLite file)."""
    if not Path(model).exists():
        raise FileNotFoundError(f"{model} is missing: run `make train` first")
    actions_port, rasa_port = free_port(), free_port()
    # Both servers on the loopback interface only (Rasa and rasa_sdk default to 0.0.0.0).
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "2", "RASA_TELEMETRY_ENABLED": "false",
           "SANIC_HOST": "127.0.0.1", "ACTION_SERVER_SECRET": secrets.token_urlsafe(32),
           **(extra_env or {})}  # extra_env wins
    log_dir = Path(log_dir or ROOT / "results" / "logs")
    log_dir.mkdir(parents=True, exist_ok=True)
    endpoints_file = endpoints or _endpoints_for(actions_port, log_dir, tracker_store)
    assistant = Assistant(f"http://127.0.0.1:{rasa_port}", f"http://127.0.0.1:{actions_port}",
                          action_secret=env["ACTION_SERVER_SECRET"])
    start = time.monotonic()
    try:
        assistant.processes["actions"] = _spawn(action_server_command(actions_port), env, log_dir / "actions.log")
        assistant.processes["rasa"] = _spawn(
            rasa_command("run", model, endpoints_file, "--credentials", str(credentials or ROOT / "credentials.yml"),
                         "--interface", "127.0.0.1", "--port", str(rasa_port), *rasa_args),
            env, log_dir / "rasa.log")
        wait_until_up(f"{assistant.actions_url}/health", assistant.processes["actions"], timeout)
        assistant.ready_in["actions"] = time.monotonic() - start
        wait_until_up(f"{assistant.rasa_url}/", assistant.processes["rasa"], timeout)
        assistant.ready_in["rasa"] = time.monotonic() - start
        assistant.started_in = time.monotonic() - start
        yield assistant
    finally:
        for process in assistant.processes.values():
            process.terminate()
        for process in assistant.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def _spawn(command: List[str], env: dict, log: Path) -> subprocess.Popen:
    handle = open(log, "w")
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT)


def _endpoints_for(actions_port: int, folder: Path, tracker_store: Optional[dict] = None) -> Path:
    """The project's endpoints.yml (its stores, unless `tracker_store` replaces them), pointed at this
    action server with the shared secret, as `make run` writes it."""
    from harness.local_run import write_endpoints
    return write_endpoints(ROOT / "endpoints.yml", folder / f"endpoints-{actions_port}.yml", actions_port,
                           tracker_store=tracker_store)

