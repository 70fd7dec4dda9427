"""Time a full `rasa train` into a temporary folder (never into models/), with an empty cache.

    seconds, cpu_seconds, model = train_model(Path("config.yml"), Path(tmp), "ours")

CPU seconds (user + system of `rasa train`) are reported too: on a shared machine they vary far less
than the wall-clock time.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path
from typing import Tuple

from tqdm import tqdm

from harness.servers import ROOT, _python

TRAIN_TIMEOUT = 1800  # seconds


def train_model(config: Path, work_dir: Path, name: str) -> Tuple[float, float, Path]:
    """(wall seconds, CPU seconds, model path). The config is copied first: Rasa may write its defaults into it.

    The training cache (RASA_CACHE_DIRECTORY) is a fresh folder, so nothing is reused and the time is
    that of a full training. Runs in the project folder so relative paths (the spaCy pipeline) resolve.
    """
    work_dir = Path(work_dir)
    work_dir.mkdir(parents=True, exist_ok=True)
    config_copy = work_dir / f"{name}_config.yml"
    shutil.copyfile(config, config_copy)
    env = dict(os.environ, PYTHONPATH=str(ROOT), TF_CPP_MIN_LOG_LEVEL="2",
               RASA_CACHE_DIRECTORY=str(work_dir / f"{name}_cache"), SQLALCHEMY_SILENCE_UBER_WARNING="1")
    command = [_python(), "-m", "rasa", "train", "--config", str(config_copy), "--domain", str(ROOT / "domain.yml"),
               "--data", str(ROOT / "data"), "--out", str(work_dir), "--fixed-model-name", name, "--quiet"]
    log = work_dir / f"{name}_train.log"
    started = time.monotonic()
    with open(log, "w") as handle, tqdm(desc=f"training {name}", bar_format="{desc}: {elapsed}", leave=False) as bar:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT)
        returncode, cpu = _wait(process, started, bar, f"training {name} took over {TRAIN_TIMEOUT} s; see {log}")
    seconds = time.monotonic() - started
    model = work_dir / f"{name}.tar.gz"
    if returncode != 0 or not model.exists():
        raise RuntimeError(f"training {name} failed (exit {returncode}): {_tail(log)}")
    return seconds, cpu, model


def _wait(process: subprocess.Popen, started: float, bar: tqdm, timeout_message: str) -> Tuple[int, float]:
    """(exit code, CPU seconds of the process and the children it waited for), ticking the bar."""
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            process.returncode = os.waitstatus_to_exitcode(status)
            return process.returncode, usage.ru_utime + usage.ru_stime
        if time.monotonic() - started > TRAIN_TIMEOUT:
            process.kill()
            process.wait()
            raise TimeoutError(timeout_message)
        time.sleep(0.5)
        bar.refresh()


def _tail(path: Path, lines: int = 15) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def size_mb(path: Path) -> float:
    return Path(path).stat().st_size / 1e6
