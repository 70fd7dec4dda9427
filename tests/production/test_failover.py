"""Parts of the topology killed mid-run: the supervisor starts them again, nginx routes around a dead
replica meanwhile (no question fails), context is kept. And `python -m harness.topology up` as
an operator runs it: no secret on any command line, a killed replica does not take the rest down,
and two signals in a row (SIGTERM then SIGINT) leave no process of it behind."""
from __future__ import annotations

import os
import secrets
import signal
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import sqlalchemy as sa

from harness import procs
from harness.servers import free_port, plain_sender
from prod_checks import ask_checked, log_tails
from harness.topology import PYTHON, ROOT


def _wait_for(condition, timeout: float, what: str, topology=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.5)
    pytest.fail(f"{what} within {timeout:.0f} s\n{log_tails(topology)}")


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


@pytest.mark.destructive
def test_replica_killed_is_started_again_while_nginx_answers_every_question(topology, engine):
    senders = [plain_sender(f"failover-{i}") for i in range(10)]
    with ThreadPoolExecutor(max_workers=10) as pool:
        list(pool.map(lambda s: ask_checked(topology.nginx, s, "who are UAVA?", "term.uava", topology), senders))
        killed = topology.processes["rasa-0"].pid
        os.kill(killed, signal.SIGKILL)  # as an operator's `kill -9`: the topology is not told
        # gone (its sockets closed): a request already accepted by a dying replica is reset after it
        # was sent, and nginx never resends a POST (it could be processed twice)
        _wait_for(lambda: not procs.alive(killed), 30, "the replica did not die")
        # the next 20 questions, 2 a sender: every one answered, by the replica still up
        list(pool.map(lambda s: [ask_checked(topology.nginx, s, "when should I refer to them?",
                                             "checklist.refer_to_uava", topology) for _ in range(2)], senders))
    with engine.connect() as connection:
        for sender in senders:
            stored = connection.execute(sa.text("SELECT count(*) FROM events WHERE sender_id = :s "
                                                "AND type_name = 'user'"), s=sender).scalar()
            assert stored == 3, sender
    # ... and the killed replica comes back on its port, a new process, answering itself
    _wait_for(lambda: topology.processes.get("rasa-0") is not None and topology.processes["rasa-0"].pid != killed,
              30, "rasa-0 was not started again", topology)
    _wait_for(lambda: _answers(f"{topology.replica(0).rasa_url}/"), 400, "rasa-0 did not answer again", topology)
    ask_checked(topology.replica(0), senders[0], "where does that come from?", "checklist.refer_to_uava", topology)
    assert "rasa-0" in (topology.run_dir / "topology.log").read_text()


@pytest.mark.destructive
def test_action_server_killed_is_started_again(topology):
    killed = topology.processes["actions"].pid
    os.kill(killed, signal.SIGKILL)
    _wait_for(lambda: topology.processes.get("actions") is not None and topology.processes["actions"].pid != killed
              and _answers(f"{topology.actions_url}/health"), 120, "the action server did not come back", topology)
    ask_checked(topology.nginx, uuid.uuid4().hex, "what must a referral include?", "checklist.referral", topology)


# --- the topology as a process ------------------------------------------------------------------
def _cmdlines() -> dict:
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                found[int(entry.name)] = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
            except OSError:
                continue
    return found


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_topology_process_hides_secrets_survives_a_kill_and_stops_on_two_signals(settings, tmp_path):
    values = dict(settings, RASA_PORTS=str(free_port()), ACTION_SERVER_PORT=str(free_port()),
                  NGINX_PORT=str(free_port()), RASA_ENABLE_API="true",
                  RASA_AUTH_TOKEN=secrets.token_urlsafe(32), RASA_JWT_SECRET=secrets.token_urlsafe(32))
    env_file = tmp_path / "production.env"
    env_file.write_text("".join(f"{key}={value}\n" for key, value in values.items()))
    run_dir = tmp_path / "run"
    env = {k: v for k, v in os.environ.items() if k not in values}
    env.update(PYTHONPATH=str(ROOT), PRODUCTION_ENV_FILE=str(env_file))
    process = subprocess.Popen([PYTHON, "-m", "harness.topology", "up", "--run-dir", str(run_dir)], cwd=ROOT,
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)
    seen = set()
    commands = {}
    try:
        nginx, replica = f"http://127.0.0.1:{values['NGINX_PORT']}", f"http://127.0.0.1:{values['RASA_PORTS']}"
        _wait_for(lambda: process.poll() is not None or _answers(nginx + "/"), 400, "the topology did not start")
        assert process.poll() is None, process.communicate(timeout=5)
        seen.update(procs.descendants(process.pid))
        commands.update(_cmdlines())

        # 1. no secret on any command line of the machine (ps shows them to every local user)
        secret_names = ["RASA_AUTH_TOKEN", "RASA_JWT_SECRET", "REDIS_PASSWORD", "DB_PASSWORD", "ACTION_SERVER_SECRET"]
        leaks = [(pid, name) for pid, line in _cmdlines().items() for name in secret_names if values[name] in line]
        assert leaks == []
        # ... and the token still reached Rasa: the API wants it
        assert _status(f"{replica}/status") == 401
        assert _status(f"{replica}/status?token={values['RASA_AUTH_TOKEN']}") == 200

        # 2. a replica killed: the topology stays up and starts it again
        rasa = [pid for pid in procs.children(process.pid) if "production.rasa_run" in _cmdlines().get(pid, "")]
        assert len(rasa) == 1
        os.kill(rasa[0], signal.SIGKILL)
        log = run_dir / "topology.log"
        _wait_for(lambda: log.exists() and "rasa-0 started again" in log.read_text(), 30,
                  "the killed replica was not started again")
        assert process.poll() is None

        # 3. SIGTERM then SIGINT at once, while the new replica is still loading: nothing left behind
        seen.update(procs.descendants(process.pid))
        seen.discard(process.pid)
        commands.update(_cmdlines())
        assert len(seen) >= 4  # action server, replica, nginx master and worker
        assert not [pid for pid in seen if any(name in _cmdlines().get(pid, "") for name in ("postgres", "redis"))]
        os.kill(process.pid, signal.SIGTERM)
        time.sleep(0.05)
        os.kill(process.pid, signal.SIGINT)
        out, err = process.communicate(timeout=120)
        assert "Traceback" not in err, err[-2000:]
        left = [pid for pid in seen if procs.alive(pid)]
        marker = str(run_dir)
        strays = [pid for pid, line in _cmdlines().items()
                  if (marker in line or f"--port {values['RASA_PORTS']}" in line) and procs.alive(pid)]
        assert left == [] and strays == [], (left, strays, err[-2000:])
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)
        now = _cmdlines()
        for pid in seen:  # never leave them to the next test, whatever happened (same pid, same command)
            if procs.alive(pid) and now.get(pid) and now.get(pid) == commands.get(pid):
                os.kill(pid, signal.SIGKILL)
