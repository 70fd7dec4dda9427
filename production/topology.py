"""The production topology on this machine: PostgreSQL and Redis (scripts/install_prod_services.sh),
the action server, N Rasa replicas and nginx in front. Used by scripts/run_prod.sh and the tests.

    python -m production.topology up      # start everything, wait until it answers, stay in front
"""
from __future__ import annotations

import os
import signal
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List, Optional

from harness.servers import Assistant, wait_until_up
from production import settings as production_settings

ROOT = production_settings.ROOT
DEPLOY = ROOT / "deploy"
PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv").exists() else sys.executable


class ConfigurationError(RuntimeError):
    pass


def install_services(settings: Dict[str, str]) -> subprocess.CompletedProcess:
    """Install (if needed) and start PostgreSQL and Redis; exit code 3 = cannot be installed."""
    return subprocess.run(["bash", str(ROOT / "scripts" / "install_prod_services.sh")], env=_env(settings),
                          capture_output=True, text=True, timeout=900)


def rasa_api_args(settings: Dict[str, str]) -> List[str]:
    """`rasa run` flags for the HTTP API (off unless enabled, then authenticated) and CORS."""
    args: List[str] = []
    if settings.get("RASA_ENABLE_API", "false").lower() == "true":
        if settings.get("RASA_AUTH_TOKEN"):
            args += ["--enable-api", "--auth-token", settings["RASA_AUTH_TOKEN"]]
        elif settings.get("RASA_JWT_SECRET"):
            args += ["--enable-api", "--jwt-secret", settings["RASA_JWT_SECRET"],
                     "--jwt-method", settings.get("RASA_JWT_METHOD", "HS256")]
        else:
            raise ConfigurationError("RASA_ENABLE_API=true needs RASA_AUTH_TOKEN or RASA_JWT_SECRET")
    origins = settings.get("RASA_CORS_ORIGINS", "").replace(",", " ").split()
    if "*" in origins:
        raise ConfigurationError("RASA_CORS_ORIGINS must list origins, not '*'")
    if origins:
        args += ["--cors", *origins]
    return args


def fill_template(text: str, values: Dict[str, str]) -> str:
    """Replace ${UPPER_CASE} names (nginx's own $variables are lower case and left alone)."""
    return re.sub(r"\$\{([A-Z][A-Z0-9_]*)\}", lambda match: str(values[match.group(1)]), text)


def _env(settings: Dict[str, str]) -> Dict[str, str]:
    return dict(os.environ, PYTHONPATH=str(ROOT), TF_CPP_MIN_LOG_LEVEL="2", LOG_LEVEL="INFO",
                SQLALCHEMY_SILENCE_UBER_WARNING="1", SANIC_HOST="127.0.0.1", RASA_TELEMETRY_ENABLED="false",
                **settings)


class Topology:
    def __init__(self, settings: Dict[str, str], run_dir: Path):
        self.settings = dict(settings)
        self.run_dir = Path(run_dir)
        self.run_dir.mkdir(parents=True, exist_ok=True)
        self.processes: Dict[str, subprocess.Popen] = {}
        self.ports = [int(p) for p in self.settings["RASA_PORTS"].replace(",", " ").split()]
        self.settings.setdefault("ACTION_SERVER_URL",
                                 f"http://127.0.0.1:{self.settings['ACTION_SERVER_PORT']}/webhook")

    # --- addresses ---------------------------------------------------------------------------
    @property
    def nginx(self) -> Assistant:
        return Assistant(f"http://127.0.0.1:{self.settings['NGINX_PORT']}", self.actions_url)

    def replica(self, index: int) -> Assistant:
        return Assistant(f"http://127.0.0.1:{self.ports[index]}", self.actions_url)

    @property
    def actions_url(self) -> str:
        return f"http://127.0.0.1:{self.settings['ACTION_SERVER_PORT']}"

    # --- processes ---------------------------------------------------------------------------
    def _spawn(self, name: str, command: List[str]) -> subprocess.Popen:
        log = open(self.run_dir / f"{name}.log", "a")
        process = subprocess.Popen(command, cwd=ROOT, env=_env(self.settings), stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        self.processes[name] = process
        return process

    def start_actions(self, timeout: float = 120) -> None:
        process = self._spawn("actions", [PYTHON, "-m", "production.action_server", "--actions", "actions",
                                          "--port", self.settings["ACTION_SERVER_PORT"]])
        wait_until_up(f"{self.actions_url}/health", process, timeout)

    def start_replica(self, index: int, wait: bool = True, timeout: float = 300) -> subprocess.Popen:
        model = self.settings.get("RASA_MODEL", str(ROOT / "models" / "assistant.tar.gz"))
        process = self._spawn(f"rasa-{index}", [
            PYTHON, "-m", "rasa", "run", "--model", model, "-i", "127.0.0.1", "--port", str(self.ports[index]),
            "--endpoints", str(DEPLOY / "endpoints.prod.yml"),
            "--credentials", str(DEPLOY / "credentials.prod.yml"),
            "--logging-config-file", str(DEPLOY / "logging.yml"), *rasa_api_args(self.settings)])
        if wait:
            wait_until_up(f"http://127.0.0.1:{self.ports[index]}/", process, timeout)
        return process

    def start_replicas(self, timeout: float = 400) -> None:
        started = [self.start_replica(i, wait=False) for i in range(len(self.ports))]
        for index, process in enumerate(started):
            wait_until_up(f"http://127.0.0.1:{self.ports[index]}/", process, timeout)

    def render_nginx(self) -> Path:
        servers = "\n".join(f"        server 127.0.0.1:{port} max_fails=1 fail_timeout=10s;" for port in self.ports)
        values = dict(self.settings, RUN_DIR=str(self.run_dir), UPSTREAM_SERVERS=servers,
                      NGINX_LISTEN=f"127.0.0.1:{self.settings['NGINX_PORT']}")
        values.setdefault("NGINX_RATE_PER_SECOND", "100")
        values.setdefault("NGINX_BURST", "200")
        text = fill_template((DEPLOY / "nginx.conf.template").read_text(), values)
        path = self.run_dir / "nginx.conf"
        path.write_text(text)
        return path

    def start_nginx(self, timeout: float = 30) -> None:
        config = self.render_nginx()
        process = self._spawn("nginx", ["nginx", "-c", str(config), "-g", "daemon off;"])
        wait_until_up(f"{self.nginx.rasa_url}/", process, timeout)

    def up(self) -> None:
        self.start_actions()
        self.start_replicas()
        self.start_nginx()

    def stop(self, name: str, kill: bool = False, timeout: float = 30) -> None:
        process = self.processes.pop(name, None)
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, signal.SIGKILL if kill else signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)

    def down(self) -> None:
        for name in list(self.processes):
            self.stop(name)


def _stop_on_sigterm(*_):
    raise KeyboardInterrupt


def main(argv: Optional[List[str]] = None) -> int:
    argv = argv if argv is not None else sys.argv[1:]
    if argv[:1] != ["up"]:
        print(__doc__)
        return 2
    settings = production_settings.load()
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    topology = Topology(settings, ROOT / "results" / "prod")
    try:
        topology.up()
        print(f"Production topology up: http://127.0.0.1:{settings['NGINX_PORT']}/webhooks/rest/webhook "
              f"(replicas on {settings['RASA_PORTS']}, logs in results/prod). Stop with Ctrl+C.", flush=True)
        while all(p.poll() is None for p in topology.processes.values()):
            time.sleep(1)
        print("A process stopped; see results/prod/*.log", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        topology.down()


if __name__ == "__main__":
    raise SystemExit(main())
