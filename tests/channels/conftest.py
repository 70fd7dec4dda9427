"""One Rasa server (with its action server) for all channel tests: REST, the web chat, Slack (talking to
a fake Slack Web API) and Teams (trusting a fake OpenID publisher, replying to a fake Bot Connector).
All on 127.0.0.1; the credentials file is written by channels/credentials.py and conversations are
kept in the redacting SQLite store, as `make run` does.
Slack's replay store is a real Redis (redis-server on a free port, in a temporary folder) when
redis-server is installed, as in production; else the in-process fallback, as `make run` has."""
from __future__ import annotations

import secrets
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

from channels import credentials  # noqa: E402
from fakes import (APP_ID, APP_PASSWORD, KEY_ID, SLACK_SECRET, SLACK_TOKEN, TENANT,  # noqa: E402
                   FakeMicrosoft, FakeSlack)
from harness.servers import free_port, running_assistant  # noqa: E402

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
    server = FakeSlack()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def fake_microsoft():
    server = FakeMicrosoft()
    server.add_key(KEY_ID)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def assistant(tmp_path_factory, fake_slack, fake_microsoft, redis_url):
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
    with running_assistant(credentials=path, extra_env=env, log_dir=ROOT / "results" / "logs" / "channels",
                           tracker_store=store) as running:
        running.database, running.log_dir = database, ROOT / "results" / "logs" / "channels"
        running.area_memory = Path(env["AREA_MEMORY_DB"])
        running.metadata_fetches_at_start = fake_microsoft.count("/openid")
        running.redis_url = redis_url
        yield running
