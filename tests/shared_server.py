"""The one assistant that the server and channel tests share: a Rasa server (with its action server)
for REST, the web chat, Slack (talking to a fake Slack Web API) and Teams (trusting a fake OpenID
publisher, replying to a fake Bot Connector), with Rasa's HTTP API behind a token (`assistant.token`).
All on 127.0.0.1; the credentials file is written by channels/credentials.py and conversations are
kept in the redacting SQLite store, as `make run` does. Slack's replay store is a real Redis
(redis-server on a free port, in a temporary folder) when redis-server is installed, as in
production; else the in-process fallback, as `make run` has.

Loaded by tests/conftest.py; the servers start only when a test asks for `assistant`."""
from __future__ import annotations

import secrets
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

from harness.servers import free_port, running_assistant  # noqa: E402
# The fakes and the credentials writer are imported by the fixtures that use them: every test run loads
# this module, and the unit tests need neither.

REDIS_PASSWORD = "test-" + secrets.token_hex(8)


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    """redis://:password@127.0.0.1:port/1 of a Redis started for these tests, or None without redis-server."""
    binary = shutil.which("redis-server")
    if not binary:
        yield None
        return
    folder = tmp_path_factory.mktemp("redis")
    port = free_port()
    process = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(folder),
                                "--save", "", "--appendonly", "no", "--requirepass", REDIS_PASSWORD],
                               stdout=open(folder / "redis.log", "w"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and process.poll() is None:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    up = process.poll() is None
    yield f"redis://:{REDIS_PASSWORD}@127.0.0.1:{port}/1" if up else None
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="session")
def fake_slack():
    from fakes import FakeSlack
    server = FakeSlack()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def fake_microsoft():
    from fakes import KEY_ID, FakeMicrosoft
    server = FakeMicrosoft()
    server.add_key(KEY_ID)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def assistant(tmp_path_factory, fake_slack, fake_microsoft, redis_url):
    from channels import credentials
    from fakes import APP_ID, APP_PASSWORD, SLACK_SECRET, SLACK_TOKEN, TENANT
    env = {
        "SLACK_BOT_TOKEN": SLACK_TOKEN, "SLACK_SIGNING_SECRET": SLACK_SECRET, "SLACK_API_URL": fake_slack.api_url,
        "MICROSOFT_APP_ID": APP_ID, "MICROSOFT_APP_PASSWORD": APP_PASSWORD, "MICROSOFT_APP_TENANT_ID": TENANT,
        "BOTFRAMEWORK_OPENID_METADATA_URL": fake_microsoft.metadata_url,
        "BOTFRAMEWORK_TOKEN_URL": fake_microsoft.token_url,
        "REDIS_URL": redis_url or "", "REDIS_HOST": "",  # the replay store: Redis if there is one
        "HTTP_PROXY": "", "HTTPS_PROXY": "", "http_proxy": "", "https_proxy": "",  # loopback only
    }
    path = tmp_path_factory.mktemp("channels") / "credentials.yml"
    env["AREA_MEMORY_DB"] = str(path.parent / "areas.db")  # the action server's area memory (actions/areas.py)
    notes = credentials.write(path, env, extra={"channels.teams.TeamsChannel": {"key_refresh_seconds": 0}})
    assert [n.split(":")[1].split(",")[0].strip() for n in notes] == ["on", "on", "on"], notes
    database = path.parent / "conversations.db"  # the store `make run` ships with
    store = {"type": "production.tracker_store.EmbeddedTrackerStore", "db": str(database)}
    token = secrets.token_hex(16)
    with running_assistant(credentials=path, extra_env=env, log_dir=ROOT / "results" / "logs" / "channels",
                           tracker_store=store, rasa_args=("--enable-api", "--auth-token", token)) as running:
        running.token = token
        running.database, running.log_dir = database, ROOT / "results" / "logs" / "channels"
        running.area_memory = Path(env["AREA_MEMORY_DB"])
        running.metadata_fetches_at_start = fake_microsoft.count("/openid")
        running.redis_url = redis_url
        yield running
