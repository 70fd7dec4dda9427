"""Settings and deploy files: the credentials `make run` writes, the Slack manifest, the Teams package."""
from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
import rasa.shared.utils.io
import yaml
from rasa.core.run import create_http_input_channels

from channels import credentials
from channels.rest import RestChannel
from channels.slack import SlackChannel
from channels.teams import TeamsChannel
from channels.webchat import WebChat

ROOT = Path(__file__).resolve().parents[2]
SECRETS = {"SLACK_BOT_TOKEN": "xoxb-secret-1", "SLACK_SIGNING_SECRET": "signing-secret-2",
           "MICROSOFT_APP_ID": "5a0c3d8e-0000-4000-8000-00000000a11d", "MICROSOFT_APP_PASSWORD": "app-secret-3"}


def test_the_repository_credentials_hold_no_secret_and_load_without_settings():
    loaded = rasa.shared.utils.io.read_config_file(str(ROOT / "credentials.yml"))
    assert loaded == {"channels.rest.RestChannel": None, "channels.webchat.WebChat": None}


def test_without_settings_only_rest_and_the_web_chat_are_on(tmp_path):
    notes = credentials.write(tmp_path / "c.yml", {})
    assert notes[0] == "REST and web chat: on" and all("off" in n for n in notes[1:])
    assert list(yaml.safe_load((tmp_path / "c.yml").read_text())) == ["channels.rest.RestChannel",
                                                                       "channels.webchat.WebChat"]


@pytest.mark.parametrize("settings,expected", [
    ({k: v for k, v in SECRETS.items() if k.startswith("SLACK")}, {"channels.slack.SlackChannel"}),
    ({k: v for k, v in SECRETS.items() if k.startswith("MICROSOFT")}, {"channels.teams.TeamsChannel"}),
    ({"SLACK_BOT_TOKEN": "x"}, set()),  # both Slack settings are needed
    (SECRETS, {"channels.slack.SlackChannel", "channels.teams.TeamsChannel"}),
])
def test_slack_and_teams_are_on_when_their_settings_are_set(tmp_path, monkeypatch, settings, expected):
    path = tmp_path / "c.yml"
    credentials.write(path, settings)
    text = path.read_text()
    assert not any(secret in text for secret in SECRETS.values()), "the file names variables, never values"
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    channels = create_http_input_channels(None, str(path))  # what `rasa run` does; nothing is fetched
    kinds = {type(c) for c in channels}
    assert {RestChannel, WebChat} <= kinds
    assert {c.__module__ + "." + c.__name__ for c in kinds - {RestChannel, WebChat}} == expected
    for channel in channels:
        if isinstance(channel, SlackChannel):
            assert channel.slack_token == "xoxb-secret-1" and channel.conversation_granularity == "thread"
        if isinstance(channel, TeamsChannel):
            assert channel.app_id == SECRETS["MICROSOFT_APP_ID"]


def test_teams_defaults_follow_the_tenant(monkeypatch):
    for name in ("BOTFRAMEWORK_OPENID_METADATA_URL", "BOTFRAMEWORK_TOKEN_URL", "MICROSOFT_APP_TENANT_ID"):
        monkeypatch.delenv(name, raising=False)
    multi = TeamsChannel.from_credentials({"app_id": "a", "app_password": "p"})
    assert multi.tokens.url == "https://login.microsoftonline.com/botframework.com/oauth2/v2.0/token"
    assert multi.validator.issuers == ["https://api.botframework.com"]
    single = TeamsChannel.from_credentials({"app_id": "a", "app_password": "p", "tenant_id": "t1"})
    assert single.tokens.url == "https://login.microsoftonline.com/t1/oauth2/v2.0/token"
    assert single.validator.issuers == ["https://api.botframework.com", "https://sts.windows.net/t1/",
                                        "https://login.microsoftonline.com/t1/v2.0"]
    assert single.validator.keys.metadata == [
        "https://login.botframework.com/v1/.well-known/openidconfiguration",
        "https://login.microsoftonline.com/t1/v2.0/.well-known/openid-configuration"]
    monkeypatch.setenv("BOTFRAMEWORK_TOKEN_URL", "http://127.0.0.1:9/token")
    monkeypatch.setenv("BOTFRAMEWORK_OPENID_METADATA_URL", "http://127.0.0.1:9/a http://127.0.0.1:9/b")
    local = TeamsChannel.from_credentials({"app_id": "a", "app_password": "p"})
    assert local.tokens.url == "http://127.0.0.1:9/token"
    assert local.validator.keys.metadata == ["http://127.0.0.1:9/a", "http://127.0.0.1:9/b"]


def test_the_slack_manifest_points_events_and_clicks_at_our_webhook():
    manifest = yaml.safe_load((ROOT / "deploy" / "slack" / "manifest.yml").read_text())
    settings = manifest["settings"]
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == {"app_mentions:read", "chat:write", "im:history"}
    assert set(settings["event_subscriptions"]["bot_events"]) == {"app_mention", "message.im"}
    assert settings["event_subscriptions"]["request_url"].endswith("/webhooks/slack/webhook")
    assert settings["interactivity"]["is_enabled"] and settings["interactivity"]["request_url"].endswith(
        "/webhooks/slack/webhook")
    assert len(manifest["display_information"]["long_description"]) >= 175  # Slack's minimum


def test_the_teams_package_carries_the_bot_id(tmp_path):
    import teams_package

    bot = SECRETS["MICROSOFT_APP_ID"]
    path = teams_package.build(tmp_path / "app.zip", {"MICROSOFT_APP_ID": bot})
    with zipfile.ZipFile(path) as package:
        assert sorted(package.namelist()) == ["color.png", "manifest.json", "outline.png"]
        manifest = json.loads(package.read("manifest.json"))
        assert teams_package.png_size(package.read("color.png")) == (192, 192)
        assert teams_package.png_size(package.read("outline.png")) == (32, 32)
    assert manifest["id"] == bot and manifest["bots"][0]["botId"] == bot
    assert "${" not in json.dumps(manifest) and manifest["$schema"].startswith("https://")
    assert len(manifest["name"]["short"]) <= 30 and len(manifest["description"]["short"]) <= 80
    with pytest.raises(SystemExit):
        teams_package.build(tmp_path / "bad.zip", {"MICROSOFT_APP_ID": "not-a-guid"})
