"""One Rasa server (with its action server) for all channel tests: REST, the web chat, Slack (talking to
a fake Slack Web API) and Teams (trusting a fake OpenID publisher, replying to a fake Bot Connector).
All on 127.0.0.1; the credentials file is written by channels/credentials.py, as `make run` does."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

from channels import credentials  # noqa: E402
from fakes import (APP_ID, APP_PASSWORD, KEY_ID, SLACK_SECRET, SLACK_TOKEN, TENANT,  # noqa: E402
                   FakeMicrosoft, FakeSlack)
from harness.servers import running_assistant  # noqa: E402


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
def assistant(tmp_path_factory, fake_slack, fake_microsoft):
    env = {
        "SLACK_BOT_TOKEN": SLACK_TOKEN, "SLACK_SIGNING_SECRET": SLACK_SECRET, "SLACK_API_URL": fake_slack.api_url,
        "MICROSOFT_APP_ID": APP_ID, "MICROSOFT_APP_PASSWORD": APP_PASSWORD, "MICROSOFT_APP_TENANT_ID": TENANT,
        "BOTFRAMEWORK_OPENID_METADATA_URL": fake_microsoft.metadata_url,
        "BOTFRAMEWORK_TOKEN_URL": fake_microsoft.token_url,
        "HTTP_PROXY": "", "HTTPS_PROXY": "", "http_proxy": "", "https_proxy": "",  # loopback only
    }
    path = tmp_path_factory.mktemp("channels") / "credentials.yml"
    notes = credentials.write(path, env, extra={"channels.teams.TeamsChannel": {"key_refresh_seconds": 0}})
    assert [n.split(":")[1].split(",")[0].strip() for n in notes] == ["on", "on", "on"], notes
    with running_assistant(credentials=path, extra_env=env, log_dir=ROOT / "results" / "logs" / "channels") as running:
        running.metadata_fetches_at_start = fake_microsoft.count("/openid")
        yield running
