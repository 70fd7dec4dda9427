"""The lean start-up (production/lean_rasa.py): a TensorFlow-free model is served without TensorFlow
in the process, a DIET model still loads and answers through it, and another Rasa is refused."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
import yaml

from harness.servers import free_port, wait_until_up

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "linear_intent"
ENV = {**os.environ, "PYTHONPATH": str(ROOT), "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"}
LOAD_AND_PARSE = """
import asyncio, json, sys
import production.lean_rasa as lean
lean.install()
from rasa.core.agent import Agent
agent = Agent.load(sys.argv[1])
parsed = asyncio.run(agent.parse_message(sys.argv[2]))
print(json.dumps({"intent": parsed["intent"]["name"], "tensorflow": "tensorflow" in sys.modules}))
"""


def _train(config: Path, out: Path) -> Path:
    done = subprocess.run([sys.executable, "-m", "rasa", "train", "nlu", "--config", str(config),
                           "--nlu", str(FIXTURE / "nlu.yml"), "--out", str(out), "--fixed-model-name", "model"],
                          cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return out / "model.tar.gz"


@pytest.fixture(scope="module")
def tensorflow_free_model(tmp_path_factory) -> Path:
    return _train(FIXTURE / "config.yml", tmp_path_factory.mktemp("lean"))


@pytest.fixture(scope="module")
def diet_model(tmp_path_factory) -> Path:
    """The fixture's pipeline with DIET (one epoch) in place of the linear classifier."""
    folder = tmp_path_factory.mktemp("diet")
    config = yaml.safe_load((FIXTURE / "config.yml").read_text())
    config["pipeline"][-1] = {"name": "DIETClassifier", "epochs": 20, "random_seed": 42}
    (folder / "config.yml").write_text(yaml.safe_dump(config))
    return _train(folder / "config.yml", folder)


def _load_and_parse(model: Path, text: str) -> dict:
    done = subprocess.run([sys.executable, "-c", LOAD_AND_PARSE, str(model), text], cwd=ROOT, env=ENV,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_tensorflow_free_model_loads_and_answers_without_tensorflow(tensorflow_free_model):
    assert _load_and_parse(tensorflow_free_model, "what do I need to include in my referral?") == {
        "intent": "ask_referral", "tensorflow": False}


def test_a_diet_model_still_loads_and_answers_through_it_with_tensorflow_loaded_when_needed(diet_model):
    assert _load_and_parse(diet_model, "what do I need to include in my referral?") == {
        "intent": "ask_referral", "tensorflow": True}


def test_the_served_process_has_no_tensorflow_in_its_memory(tensorflow_free_model, tmp_path):
    port = free_port()
    with open(tmp_path / "rasa.log", "w") as log:
        server = subprocess.Popen([sys.executable, "-m", "production.lean_rasa", "run", "--model",
                                   str(tensorflow_free_model), "--enable-api", "--interface", "127.0.0.1",
                                   "--port", str(port)], cwd=ROOT, env=ENV, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_until_up(f"http://127.0.0.1:{port}/", server, timeout=240)
        request = urllib.request.Request(f"http://127.0.0.1:{port}/model/parse", method="POST",
                                         data=json.dumps({"text": "does the GP get sent the plan"}).encode(),
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            assert json.load(response)["intent"]["name"] == "ask_gp"
        maps = Path(f"/proc/{server.pid}/maps").read_text()
        assert "tensorflow" not in maps and "libtensorflow" not in maps
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_another_rasa_version_is_refused_with_a_clear_message(monkeypatch):
    import rasa.version

    from production import lean_rasa
    monkeypatch.setattr(rasa.version, "__version__", "3.7.0")
    problem = lean_rasa.version_problem()
    assert "3.6.21" in problem and "3.7.0" in problem


def test_the_shell_prints_an_answers_text_and_buttons_not_its_parts(capsys, monkeypatch):
    from rasa.core.channels import console

    import production.lean_rasa as lean
    from kb.parts import Answer
    monkeypatch.setattr(console, "_print_bot_output", console._print_bot_output)  # undone after the test
    lean._shell_shows_text_not_parts()
    answer = Answer.plain("the answer")
    console._print_bot_output({"text": answer.text, "custom": answer.payload(),
                               "buttons": [{"title": "Next", "payload": "/next"}]})
    shown = capsys.readouterr().out
    assert "the answer" in shown and "Next" in shown and "parts" not in shown
    console._print_bot_output({"custom": {"other": 1}})  # custom JSON alone is still shown
    assert "other" in capsys.readouterr().out
