"""Secured endpoints, and recovery: action server down, PostgreSQL and Redis restarts."""
from __future__ import annotations

import subprocess
import urllib.error
import urllib.request
import uuid

import pytest

from harness.servers import reply_text
from production.topology import ConfigurationError, install_services, rasa_api_args



def redis_cli(settings, *args: str) -> str:
    return subprocess.run(["redis-cli", "-p", settings["REDIS_PORT"], "-a", settings["REDIS_PASSWORD"],
                           "--no-auth-warning", *args], capture_output=True, text=True, timeout=30).stdout


def _status(url: str, data: bytes = None, headers: dict = None) -> int:
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_action_server_requires_the_shared_secret(topology, settings):
    webhook = f"{topology.actions_url}/webhook"
    body = b'{"next_action": "action_small_talk", "tracker": {}, "domain": {}}'
    assert _status(webhook, body, {"Content-Type": "application/json"}) == 403
    assert _status(webhook, body, {"Content-Type": "application/json", "X-Action-Secret": "wrong"}) == 403
    assert _status(f"{topology.actions_url}/actions") == 403
    assert _status(f"{topology.actions_url}/health") == 200


def test_http_api_is_off_and_not_exposed(topology):
    assert _status(f"{topology.replica(0).rasa_url}/conversations/x/tracker") == 404
    assert _status(f"{topology.nginx.rasa_url}/conversations/x/tracker") == 404
    assert _status(f"{topology.nginx.rasa_url}/model/parse", b"{}") == 404


def test_api_needs_authentication_and_cors_needs_origins():
    assert rasa_api_args({}) == []
    with pytest.raises(ConfigurationError):
        rasa_api_args({"RASA_ENABLE_API": "true"})
    assert rasa_api_args({"RASA_ENABLE_API": "true", "RASA_AUTH_TOKEN": "t"}) == ["--enable-api", "--auth-token", "t"]
    with pytest.raises(ConfigurationError):
        rasa_api_args({"RASA_CORS_ORIGINS": "*"})
    assert rasa_api_args({"RASA_CORS_ORIGINS": "https://a.example https://b.example"})[-2:] == \
        ["https://a.example", "https://b.example"]


def test_action_server_down_gets_a_short_reply_with_the_procedures_link(topology):
    topology.stop("actions")
    try:
        replies = topology.nginx.ask(uuid.uuid4().hex, "what must a referral include?", timeout=120)
        text = reply_text(replies)
        assert "cannot be reached" in text and "llrscb.proceduresonline.com" in text
        assert len(replies) == 1
    finally:
        topology.start_actions()
    assert "checklist.referral" in reply_text(topology.nginx.ask(uuid.uuid4().hex, "what must a referral include?"))


def _conversation_survives(topology, sender: str):
    assert "term.uava" in reply_text(topology.replica(0).ask(sender, "who are UAVA?", timeout=120))


def test_postgresql_restart(topology, settings):
    sender = uuid.uuid4().hex
    _conversation_survives(topology, sender)
    version = subprocess.run("ls /usr/lib/postgresql | sort -n | tail -1", shell=True, capture_output=True,
                             text=True).stdout.strip()
    subprocess.run(["pg_ctlcluster", version, settings["PG_CLUSTER"], "restart"], check=True, timeout=120)
    for index in range(2):  # both replicas reconnect; context kept
        text = reply_text(topology.replica(index).ask(sender, "when should I refer to them?", timeout=120))
        assert "checklist.refer_to_uava" in text


def test_redis_restart(topology, settings):
    sender = uuid.uuid4().hex
    _conversation_survives(topology, sender)
    redis_cli(settings, "shutdown", "nosave")
    assert install_services(settings).returncode == 0  # starts Redis again
    texts = []
    for _ in range(3):  # the first call on a dropped connection may get the apology; bounded
        texts.append(reply_text(topology.replica(0).ask(sender, "when should I refer to them?", timeout=120)))
        if "checklist.refer_to_uava" in texts[-1]:
            break
    assert "checklist.refer_to_uava" in texts[-1], texts
    assert "checklist.refer_to_uava" in reply_text(topology.replica(1).ask(sender, "when should I refer to them?"))
