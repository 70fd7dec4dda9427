"""Secured endpoints, and recovery: action server down, PostgreSQL and Redis restarts."""
from __future__ import annotations

import os
import secrets
import subprocess
import sys
import urllib.error
import urllib.request
import uuid

import pytest

from harness.questions import cited_ids
from harness.servers import reply_text
from production.settings import EXAMPLE_FILE, check_secret, read_env_file, secret_problems
from harness.topology import ROOT, Topology, install_services
from production.rasa_run import ConfigurationError, rasa_api_args, rasa_secret_args


def redis_cli(settings, *args: str) -> str:
    """redis-cli with the password in its environment (REDISCLI_AUTH), not on its command line."""
    return subprocess.run(["redis-cli", "-p", settings["REDIS_PORT"], *args], capture_output=True, text=True,
                          timeout=30, env=dict(os.environ, REDISCLI_AUTH=settings["REDIS_PASSWORD"])).stdout


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
    # the token / JWT secret is never a `rasa run` argument on the command line: the replica's
    # wrapper (python -m production.rasa_run) adds it from its environment
    assert rasa_api_args({"RASA_ENABLE_API": "true", "RASA_AUTH_TOKEN": "t"}) == ["--enable-api"]
    assert rasa_api_args({"RASA_ENABLE_API": "true", "RASA_JWT_SECRET": "j"}) == \
        ["--enable-api", "--jwt-method", "HS256"]
    assert rasa_secret_args({"RASA_ENABLE_API": "true", "RASA_AUTH_TOKEN": "t"}) == ["--auth-token", "t"]
    assert rasa_secret_args({"RASA_ENABLE_API": "true", "RASA_JWT_SECRET": "j"}) == ["--jwt-secret", "j"]
    assert rasa_secret_args({"RASA_AUTH_TOKEN": "t"}) == []  # API off: no token either
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
    assert "checklist.referral" in cited_ids(topology.nginx.ask(uuid.uuid4().hex, "what must a referral include?"))


def _conversation_survives(topology, sender: str):
    assert "term.uava" in cited_ids(topology.replica(0).ask(sender, "who are UAVA?", timeout=120))


def test_postgresql_restart(topology, settings):
    sender = uuid.uuid4().hex
    _conversation_survives(topology, sender)
    version = subprocess.run("ls /usr/lib/postgresql | sort -n | tail -1", shell=True, capture_output=True,
                             text=True).stdout.strip()
    subprocess.run(["pg_ctlcluster", version, settings["PG_CLUSTER"], "restart"], check=True, timeout=120)
    for index in range(2):  # both replicas reconnect; context kept
        replies = topology.replica(index).ask(sender, "when should I refer to them?", timeout=120)
        assert "checklist.refer_to_uava" in cited_ids(replies), reply_text(replies)[:300]


def test_redis_restart(topology, settings):
    sender = uuid.uuid4().hex
    _conversation_survives(topology, sender)
    redis_cli(settings, "shutdown", "nosave")
    assert install_services(settings).returncode == 0  # starts Redis again
    answers = []
    for _ in range(3):  # the first call on a dropped connection may get the apology; bounded
        answers.append(topology.replica(0).ask(sender, "when should I refer to them?", timeout=120))
        if "checklist.refer_to_uava" in cited_ids(answers[-1]):
            break
    assert "checklist.refer_to_uava" in cited_ids(answers[-1]), [reply_text(a)[:200] for a in answers]
    assert "checklist.refer_to_uava" in cited_ids(topology.replica(1).ask(sender, "when should I refer to them?"))


def test_no_secret_in_any_command_the_topology_runs(tmp_path):
    values = {name: secrets.token_urlsafe(24) for name in
              ("DB_PASSWORD", "REDIS_PASSWORD", "ACTION_SERVER_SECRET", "SENDER_ID_KEY", "RASA_AUTH_TOKEN",
               "RASA_JWT_SECRET")}
    for api in ({"RASA_AUTH_TOKEN": values["RASA_AUTH_TOKEN"]}, {"RASA_JWT_SECRET": values["RASA_JWT_SECRET"]}):
        settings = dict(values, RASA_PORTS="5005 5006", ACTION_SERVER_PORT="5055", NGINX_PORT="8080",
                        RASA_ENABLE_API="true")
        settings.update({"RASA_AUTH_TOKEN": "", "RASA_JWT_SECRET": "", **api})
        topology = Topology(settings, tmp_path)
        commands = " ".join(" ".join(topology.replica_command(i)) for i in range(2))
        assert "--enable-api" in commands
        assert [name for name, value in values.items() if value in commands] == []
        assert [name for name, value in values.items() if value in topology.render_nginx().read_text()] == []


@pytest.mark.parametrize("value", ["change-me-at-least-16-characters", "changeme", "CHANGEME-PLEASE-NOW-1234",
                                   "secret", "Password", "password", "example-secret-0123456789",
                                   "your-secret-here-123456", "x" * 32, "", "   ", "short", "0123456789abcde"])
def test_placeholder_or_short_secrets_are_refused(value):
    problem = check_secret("ACTION_SERVER_SECRET", value)
    assert problem and "ACTION_SERVER_SECRET" in problem and "\n" not in problem
    assert "secrets.token_urlsafe(32)" in problem
    if len(value.strip()) >= 10:
        assert value not in problem  # the (would-be) secret is never echoed


@pytest.mark.parametrize("value", [secrets.token_urlsafe(32), secrets.token_hex(24), "test-" + secrets.token_hex(8)])
def test_random_secrets_are_accepted(value):
    assert check_secret("ACTION_SERVER_SECRET", value) is None


def test_the_example_settings_are_refused():
    problems = secret_problems(read_env_file(EXAMPLE_FILE))
    assert {problem.split()[0] for problem in problems} == {"DB_PASSWORD", "REDIS_PASSWORD", "ACTION_SERVER_SECRET",
                                                            "SENDER_ID_KEY"}
    assert secret_problems({"RASA_AUTH_TOKEN": "", "RASA_JWT_SECRET": ""}) != []  # the three required still missing


def test_topology_refuses_to_start_with_a_placeholder_secret(tmp_path):
    values = dict(read_env_file(EXAMPLE_FILE), DB_PASSWORD=secrets.token_urlsafe(32),
                  REDIS_PASSWORD=secrets.token_urlsafe(32),
                  SENDER_ID_KEY=secrets.token_urlsafe(32))  # only ACTION_SERVER_SECRET is the example's
    env_file = tmp_path / "production.env"
    env_file.write_text("".join(f"{key}={value}\n" for key, value in values.items()))
    env = {k: v for k, v in os.environ.items() if k not in values}
    env.update(PYTHONPATH=str(ROOT), PRODUCTION_ENV_FILE=str(env_file))
    result = subprocess.run([sys.executable, "-m", "harness.topology", "up", "--run-dir", str(tmp_path / "run")],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2, (result.returncode, result.stderr[-1000:])
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "ACTION_SERVER_SECRET" in lines[0] and "placeholder" in lines[0]
    assert "secrets.token_urlsafe(32)" in lines[0]
    assert not (tmp_path / "run" / "actions.log").exists()  # nothing was started


def test_web_chat_is_served_behind_nginx(topology):
    request = urllib.request.Request(f"{topology.nginx.rasa_url}/webhooks/webchat/")
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/html")
        assert "app.js" in response.read().decode()
    assert _status(f"{topology.nginx.rasa_url}/webhooks/webchat/app.js") == 200
    assert _status(f"{topology.nginx.rasa_url}/webhooks/webchat/nothing-here") == 404
