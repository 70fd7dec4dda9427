"""`make validate` as a knowledge owner runs it: the validator speaks before anything is built from
knowledge/, and what it prints is about their data, never a library's warning or a traceback. These
run make and Rasa's command line, so they are in the server tier, not the unit tier."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from test_validator import edit

ROOT = Path(__file__).resolve().parent.parent


def test_make_validate_shows_no_library_warnings():
    """A knowledge owner runs `make validate`: what it prints is about their data, never a library's."""
    done = subprocess.run(["make", "-s", "validate"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    output = done.stdout + done.stderr
    assert "Knowledge OK" in output
    assert "Warning" not in output and "deprecated" not in output.lower(), output[-2000:]


def test_rasa_data_errors_still_fail_without_the_warnings(tmp_path):
    domain = tmp_path / "domain.yml"
    domain.write_text('version: "3.1"\nintents: [greet]\nresponses:\n  utter_x: [{text: hi}]\nactions: [nonexistent_action]\n')
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "quiet_rasa.py"), "data", "validate", "--quiet",
                           "--fail-on-warnings", "--domain", str(domain), "--data", str(ROOT / "data")],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode != 0
    assert "DeprecationWarning" not in done.stdout + done.stderr


def test_make_validate_speaks_before_anything_is_built(tmp_path):
    """A knowledge editor who broke a file sees the validator's message, never a traceback from a
    build step (the spaCy pipeline and the generated NLU data are built from knowledge/)."""
    import shutil
    broken = tmp_path / "knowledge"
    shutil.copytree(ROOT / "knowledge", broken)
    edit(broken, "local_settings.yml", 'last_checked: 2026', 'last_checked: 2026-13', count=1)
    done = subprocess.run(["make", "-s", "validate", f"KNOWLEDGE_DIR={broken}"], cwd=ROOT, capture_output=True,
                          text=True, timeout=600)
    output = done.stdout + done.stderr
    assert done.returncode != 0
    assert "local_settings.yml" in output and "problem" in output, output[-2000:]
    assert "Traceback" not in output, output[-3000:]


def test_in_a_fresh_build_the_validator_runs_before_the_builds_from_knowledge():
    plan = subprocess.run(["make", "-n", "-B", "validate"], cwd=ROOT, capture_output=True, text=True,
                          timeout=120).stdout.splitlines()
    first = lambda words: next(i for i, line in enumerate(plan) if words in line)  # noqa: E731
    assert first("kb.validate") < first("build_spacy_pipeline.py") < first("quiet_rasa.py")
    assert first("kb.validate") < first("generate_nlu.py")
