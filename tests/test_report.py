"""`make report` on a real SQL tracker store (SQLite) filled by a running assistant."""
from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import yaml

from harness.servers import running_assistant

ROOT = Path(__file__).resolve().parent.parent
GIBBERISH = "xqzt plor vvv blorf"


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    path = tmp_path_factory.mktemp("report") / "conversations.db"
    store = {"type": "production.tracker_store.RedactingSQLTrackerStore", "dialect": "sqlite", "db": str(path)}
    with running_assistant(tracker_store=store) as assistant:
        first, second = uuid.uuid4().hex, uuid.uuid4().hex
        for message in ("should the GP get the plan?", "/rate_unhelpful",
                        "Jane Smith's GP 07700 900123 needs a named sender", GIBBERISH):
            assistant.ask(first, message)
        for message in ("what must a referral include?", "/rate_helpful", "can you book me a meeting room"):
            assistant.ask(second, message)
    return f"sqlite:///{path}"


def report(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "scripts" / "report.py"), *args],
                          capture_output=True, text=True, timeout=300, cwd=ROOT)


def test_report_lists_gaps_ratings_and_topics(database, tmp_path):
    run = report("--db", database, "--out", str(tmp_path), "--export", "all")
    assert run.returncode == 0, run.stderr
    data = json.loads((tmp_path / "report.json").read_text())
    assert data["conversations"] == 2 and data["questions"] == 5
    unanswered = {q["text"]: q for q in data["unanswered"]}
    assert GIBBERISH in unanswered and "can you book me a meeting room" in unanswered
    assert "should the GP get the plan?" not in unanswered
    assert data["ratings"]["checklist.gp_involvement"] == {"helpful": 0, "not_helpful": 1}
    assert data["ratings"]["checklist.referral"] == {"helpful": 1, "not_helpful": 0}
    assert [c["entries"] for c in data["comments"]] == ["checklist.gp_involvement"]
    topics = {t["topic"] for t in data["topics"]}
    assert {"gps", "referrals"} <= topics
    everything = run.stdout + json.dumps(data) + (tmp_path / "nlu_candidates.yml").read_text()
    assert "Jane Smith" not in everything and "07700 900123" not in everything
    assert (tmp_path / "report.png").stat().st_size > 10_000


def test_exported_questions_are_nlu_data_for_review(database, tmp_path):
    assert report("--db", database, "--out", str(tmp_path), "--export", "1").returncode == 0
    exported = yaml.safe_load((tmp_path / "nlu_candidates.yml").read_text())
    assert exported["version"] == "3.1" and len(exported["nlu"]) == 1
    domain = yaml.safe_load((ROOT / "domain.yml").read_text())
    assert exported["nlu"][0]["intent"] in domain["intents"]


def test_a_date_range_without_conversations_is_empty(database, tmp_path):
    tomorrow = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    run = report("--db", database, "--out", str(tmp_path), "--since", tomorrow)
    assert run.returncode == 0
    assert json.loads((tmp_path / "report.json").read_text())["questions"] == 0


@pytest.mark.parametrize("args, says", [
    (("--since", "26/11/2026"), "YYYY-MM-DD"),
    (("--db", "postgresql://nobody@127.0.0.1:1/none"), "Cannot read the conversations"),
])
def test_bad_settings_get_a_clear_message(args, says, tmp_path):
    run = report(*args, "--out", str(tmp_path))
    assert run.returncode != 0 and says in run.stderr and "Traceback" not in run.stderr
