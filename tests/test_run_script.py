"""`make run` as shipped (scripts/run.sh, harness/local_run.py): loopback only, an action server that takes the shared
secret and is restarted when it dies, the ports it is given, files only its user reads, and a clear
message for a damaged database."""
from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import stat
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from harness.questions import cited_ids
from harness.servers import ROOT, free_port, wait_until_up

QUESTION = {"sender": "run-script", "message": "what must a referral include?"}


def _start(tmp_path: Path, **env: str) -> subprocess.Popen:
    environment = {**os.environ, "CONVERSATIONS_DB": str(tmp_path / "conversations.db"),
                   "CREDENTIALS": str(tmp_path / "credentials.yml"), "SENDER_ID_KEY": "",
                   "SENDER_ID_KEY_FILE": str(tmp_path / "sender_id.key"),
                   "SLACK_BOT_TOKEN": "", "MICROSOFT_APP_ID": "", **env}
    return subprocess.Popen(["bash", "scripts/run.sh"], cwd=ROOT, env=environment, start_new_session=True,
                            stdout=open(tmp_path / "run.log", "w"), stderr=subprocess.STDOUT)


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def _post(url: str, body: dict, headers: dict = None):
    request = urllib.request.Request(url, data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def _listening_addresses(port: int) -> set:
    """Local addresses with a listening TCP socket on `port` (from /proc/net/tcp and tcp6)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.rsplit(":", 1)
            if state == "0A" and int(hex_port, 16) == port:
                found.add(address)
    return found


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("run")
    ports = {"ACTIONS_PORT": str(free_port()), "RASA_PORT": str(free_port())}
    process = _start(folder, **ports)
    try:
        wait_until_up(f"http://127.0.0.1:{ports['RASA_PORT']}/", process, timeout=240)
        yield folder, int(ports["ACTIONS_PORT"]), int(ports["RASA_PORT"]), process
    finally:
        _stop(process)


def test_answers_on_the_ports_it_is_given(run):
    _, _, rasa_port, _ = run
    status, text = _post(f"http://127.0.0.1:{rasa_port}/webhooks/rest/webhook", QUESTION)
    assert status == 200 and "checklist.referral" in cited_ids(json.loads(text))  # Rasa found the action server


def test_both_servers_listen_on_loopback_only(run):
    _, actions_port, rasa_port, _ = run
    for port in (actions_port, rasa_port):
        addresses = _listening_addresses(port)
        assert addresses and addresses <= {"0100007F", "00000000000000000000000001000000"}, addresses


def test_the_action_server_refuses_calls_without_the_secret(run):
    _, actions_port, _, _ = run
    assert _post(f"http://127.0.0.1:{actions_port}/webhook", {"next_action": "action_answer_topic"})[0] == 403
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"http://127.0.0.1:{actions_port}/actions", timeout=10)
    assert refused.value.code == 403


def test_each_answer_is_in_the_conversation_file_while_it_runs(run):
    """The embedded store writes through: another process (`make report`) reads it at once."""
    folder, _, rasa_port, _ = run
    sender = {"sender": "run-script-file", "message": "who are UAVA?"}
    assert "term.uava" in cited_ids(json.loads(_post(f"http://127.0.0.1:{rasa_port}/webhooks/rest/webhook", sender)[1]))
    with sqlite3.connect(f"file:{folder / 'conversations.db'}?mode=ro", uri=True) as connection:
        texts = [json.loads(data).get("text") for (data,) in connection.execute(
            "SELECT data FROM events WHERE sender_id = ? AND type_name = 'user'", ("run-script-file",))]
    assert texts == ["who are UAVA?"]


def test_files_are_readable_by_their_user_only(run):
    folder, _, _, _ = run
    for name in ("conversations.db", "conversations.db-wal", "sender_id.key"):
        path = folder / name
        if name != "conversations.db" and not path.exists():
            continue  # the key is made on the first personal sender id; the log goes at a checkpoint
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, name
    secret = ROOT / "var" / "action_server.secret"
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600


def test_an_action_server_that_dies_is_started_again(run):
    _, actions_port, rasa_port, _ = run
    pid = int(subprocess.run(["pgrep", "-f", f"production.action_server.*--port {actions_port}"],
                             capture_output=True, text=True).stdout.split()[0])
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        status, text = _post(f"http://127.0.0.1:{rasa_port}/webhooks/rest/webhook", QUESTION)
        if status == 200 and "checklist.referral" in cited_ids(json.loads(text)):
            break
        time.sleep(1)
    assert "checklist.referral" in cited_ids(json.loads(text)), text[:300]


def test_a_damaged_database_stops_the_start_with_a_clear_message(tmp_path):
    damaged = tmp_path / "conversations.db"
    damaged.write_bytes(b"not a database " * 200)
    process = _start(tmp_path, ACTIONS_PORT=str(free_port()), RASA_PORT=str(free_port()))
    try:
        assert process.wait(timeout=120) == 1
    finally:
        _stop(process)
    log = (tmp_path / "run.log").read_text()
    assert str(damaged) in log and "Move it aside" in log and "Traceback" not in log


def test_a_port_in_use_is_named_and_nothing_else_is_used(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        process = _start(tmp_path, ACTIONS_PORT=str(taken.getsockname()[1]), RASA_PORT=str(free_port()))
        try:
            assert process.wait(timeout=60) == 1
        finally:
            _stop(process)
    assert "already in use" in (tmp_path / "run.log").read_text()


def test_a_placeholder_secret_is_refused(tmp_path):
    process = _start(tmp_path, ACTIONS_PORT=str(free_port()), RASA_PORT=str(free_port()),
                     ACTION_SERVER_SECRET="change-me-at-least-16-characters")
    try:
        assert process.wait(timeout=60) == 1
    finally:
        _stop(process)
    assert "ACTION_SERVER_SECRET" in (tmp_path / "run.log").read_text()
