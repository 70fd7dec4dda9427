"""The floor for the benchmark: a bare Sanic server (Rasa's own web framework and version) on the
REST channel's path, answering each message with itself, measured with the same client as the
assistant. Whatever the assistant costs above it is the assistant's own work.

    python -m harness.echo --port 5099        # serves POST /webhooks/rest/webhook
"""
from __future__ import annotations

import argparse
import contextlib
import subprocess
import sys
from pathlib import Path
from typing import Iterator

from harness.servers import ROOT, free_port, wait_until_up

WEBHOOK = "/webhooks/rest/webhook"


def app():
    from sanic import Sanic, response

    echo = Sanic("echo_floor")

    @echo.get("/")
    async def health(_request):
        return response.text("ok")

    @echo.post(WEBHOOK)
    async def webhook(request):
        body = request.json or {}
        return response.json([{"recipient_id": body.get("sender"), "text": body.get("message")}])

    return echo


@contextlib.contextmanager
def running_echo(log_dir: Path) -> Iterator[tuple]:
    """(webhook URL, process) of an echo server on a free loopback port."""
    port = free_port()
    log_dir.mkdir(parents=True, exist_ok=True)
    with open(log_dir / "echo.log", "w") as log:
        process = subprocess.Popen([sys.executable, "-m", "harness.echo", "--port", str(port)], cwd=ROOT,
                                   stdout=log, stderr=subprocess.STDOUT, env={"PYTHONPATH": str(ROOT),
                                                                             "PATH": "/usr/bin:/bin"})
    try:
        wait_until_up(f"http://127.0.0.1:{port}/", process, timeout=60)
        yield f"http://127.0.0.1:{port}{WEBHOOK}", process
    finally:
        process.terminate()
        process.wait(timeout=20)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=free_port())
    args = parser.parse_args()
    app().run(host="127.0.0.1", port=args.port, workers=1, access_log=False, debug=False)


if __name__ == "__main__":
    main()
