"""The TensorFlow-free intent classifier (components/linear_intent.py): trained by Rasa on a small
fixture, saved, loaded again from the model file, and giving calibrated rankings."""
from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "linear_intent"


@pytest.fixture(scope="module")
def model(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("linear")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "RASA_TELEMETRY_ENABLED": "false"}
    done = subprocess.run([sys.executable, "-m", "rasa", "train", "nlu", "--config", str(FIXTURE / "config.yml"),
                           "--nlu", str(FIXTURE / "nlu.yml"), "--out", str(out), "--fixed-model-name", "linear"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return out / "linear.tar.gz"


def parse(model: Path, texts):
    from rasa.core.agent import Agent
    agent = Agent.load(str(model))
    return [asyncio.run(agent.parse_message(t)) for t in texts]


def test_a_loaded_model_answers_unseen_wordings_with_a_calibrated_ranking(model):
    referral, gp, hello = parse(model, ["what do I need to include in my referral?", "does the GP get sent the plan",
                                        "hi"])
    assert referral["intent"]["name"] == "ask_referral"
    assert gp["intent"]["name"] == "ask_gp"
    assert hello["intent"]["name"] == "greet"
    for result in (referral, gp, hello):
        confidences = [i["confidence"] for i in result["intent_ranking"]]
        assert confidences == sorted(confidences, reverse=True)
        assert sum(confidences) == pytest.approx(1.0, abs=1e-6)
        assert all(0.0 <= c <= 1.0 for c in confidences)


def test_gibberish_gets_no_confident_intent(model):
    [result] = parse(model, ["zzkq vvbn"])
    assert result["intent"]["confidence"] < 0.9
