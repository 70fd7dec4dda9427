"""The production topology on this machine: PostgreSQL and Redis (scripts/install_prod_services.sh),
the action server, N Rasa replicas and nginx in front. Used by scripts/run_prod.sh and the tests.

    python -m harness.topology up [--run-dir DIR]   # start everything, wait until it answers, stay in front
    python -m harness.topology check               # only check the settings (secrets, API, CORS)

Each replica runs `python -m production.rasa_run ARGS` (`rasa run ARGS` with the API secrets from its
environment), the same entry point the containers use.

While it runs, a part that stops (a replica, the action server, nginx) is started again after a
back-off that doubles from 1 s up to 60 s (reset once the part has run for 2 minutes); nginx sends
requests to the replicas still answering meanwhile. Ctrl+C or SIGTERM stops every part (each
child's process group, SIGTERM then SIGKILL), once, whatever further signals arrive. PostgreSQL and
Redis are system services (started by scripts/install_prod_services.sh) and are left running.

No secret is put on a command line (`ps` shows command lines to every local user): the replicas read
the database, Redis and action-server secrets from deploy/endpoints.prod.yml's ${VARS}, and the HTTP
API's token or JWT secret from the environment through production/rasa_run.py.
"""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Dict, List, Optional, TextIO

from harness import procs
from harness.servers import Assistant, action_server_command, wait_until_up
from production import settings as production_settings
from production.rasa_run import ConfigurationError, rasa_api_args

ROOT = production_settings.ROOT
DEPLOY = ROOT / "deploy"
PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv").exists() else sys.executable

RESTART_FIRST_DELAY = 1.0    # seconds before the first restart of a part that stopped
RESTART_MAX_DELAY = 60.0     # the back-off doubles up to this
RESTART_STABLE_AFTER = 120.0  # a part that ran this long starts again from the first delay
STOP_GRACE = 20.0            # seconds between SIGTERM and SIGKILL at tear-down
# Secrets a part does not need are left out of its environment.
NOT_FOR_ACTIONS = ("DB_PASSWORD", "REDIS_PASSWORD", "RASA_AUTH_TOKEN", "RASA_JWT_SECRET")
NOT_FOR_NGINX = production_settings.SECRETS


def install_services(settings: Dict[str, str]) -> subprocess.CompletedProcess:
    """Install (if needed) and start PostgreSQL and Redis; exit code 3 = cannot be installed."""
    return subprocess.run(["bash", str(ROOT / "scripts" / "install_prod_services.sh")], env=_env(settings),
                          capture_output=True, text=True, timeout=900)


def check_settings(settings: Dict[str, str]) -> List[str]:
    """Every reason not to start: weak or placeholder secrets, an unauthenticated API, CORS '*'."""
    problems = production_settings.secret_problems(settings)
    try:
        rasa_api_args(settings)
    except ConfigurationError as error:
        problems.append(str(error))
    return problems


def fill_template(text: str, values: Dict[str, str]) -> str:
    """Replace ${UPPER_CASE} names (nginx's own $variables are lower case and left alone)."""
    return re.sub(r"\$\{([A-Z][A-Z0-9_]*)\}", lambda match: str(values[match.group(1)]), text)


def _env(settings: Dict[str, str], without: tuple = ()) -> Dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT), TF_CPP_MIN_LOG_LEVEL="2", LOG_LEVEL="INFO",
               SQLALCHEMY_SILENCE_UBER_WARNING="1", SANIC_HOST="127.0.0.1", RASA_TELEMETRY_ENABLED="false",
               **settings)
    for name in without:
        env.pop(name, None)
    return env


class Topology:
    def __init__(self, settings: Dict[str, str], run_dir: Path):
        self.settings = dict(settings)
        self.run_dir = Path(run_dir)
        self.run_dir.mkdir(parents=True, exist_ok=True)
        self.processes: Dict[str, subprocess.Popen] = {}
        self.ports = [int(p) for p in self.settings["RASA_PORTS"].replace(",", " ").split()]
        self.settings.setdefault("ACTION_SERVER_URL",
                                 f"http://127.0.0.1:{self.settings['ACTION_SERVER_PORT']}/webhook")
        self.restarts: Dict[str, int] = {}          # name -> restarts so far (for tests and the log)
        self._lock = threading.RLock()
        self._stopping = False
        self._commands: Dict[str, tuple] = {}
        self._logs: Dict[str, TextIO] = {}
        self._started: Dict[str, float] = {}
        self._failures: Dict[str, int] = {}
        self._due: Dict[str, float] = {}
        self._wake = threading.Event()
        self._supervisor: Optional[threading.Thread] = None

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
    def note(self, message: str) -> None:
        """A line for the operator: stderr and results/.../topology.log."""
        line = f"{time.strftime('%Y-%m-%d %H:%M:%S')} topology: {message}"
        print(line, file=sys.stderr, flush=True)
        with open(self.run_dir / "topology.log", "a") as log:
            log.write(line + "\n")

    def _spawn(self, name: str, command: List[str], without: tuple = ()) -> subprocess.Popen:
        with self._lock:
            if self._stopping:
                raise RuntimeError(f"the topology is stopping: {name} not started")
            old_log = self._logs.pop(name, None)
            if old_log:
                old_log.close()
            log = self._logs[name] = open(self.run_dir / f"{name}.log", "a")
            process = subprocess.Popen(command, cwd=ROOT, env=_env(self.settings, without), stdout=log,
                                       stderr=subprocess.STDOUT, start_new_session=True)
            self.processes[name] = process
            self._commands[name] = (command, without)
            self._started[name] = time.monotonic()
            return process

    def start_actions(self, timeout: float = 120) -> None:
        process = self._spawn("actions", action_server_command(int(self.settings["ACTION_SERVER_PORT"])),
                              NOT_FOR_ACTIONS)
        wait_until_up(f"{self.actions_url}/health", process, timeout)

    def replica_command(self, index: int) -> List[str]:
        model = self.settings.get("RASA_MODEL", str(ROOT / "models" / "assistant.tar.gz"))
        return [PYTHON, "-m", "production.rasa_run", "--model", model, "-i", "127.0.0.1",
                "--port", str(self.ports[index]),
                "--endpoints", str(DEPLOY / "endpoints.prod.yml"),
                "--credentials", str(DEPLOY / "credentials.prod.yml"),
                "--logging-config-file", str(DEPLOY / "logging.yml"), *rasa_api_args(self.settings)]

    def start_replica(self, index: int, wait: bool = True, timeout: float = 300) -> subprocess.Popen:
        process = self._spawn(f"rasa-{index}", self.replica_command(index))
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
        process = self._spawn("nginx", ["nginx", "-c", str(config), "-g", "daemon off;"], NOT_FOR_NGINX)
        # nginx's own 404 for an unknown path: a replica that dies just now must not hold up the start
        # (the supervisor, already running, starts it again)
        _wait_until_listening(f"{self.nginx.rasa_url}/nginx-listening", process, timeout)

    def up(self, supervise: bool = True) -> None:
        problems = check_settings(self.settings)
        if problems:
            raise ConfigurationError("; ".join(problems))
        self.start_actions()
        self.start_replicas()
        if supervise:
            self.start_supervisor()
        self.start_nginx()

    # --- supervision -------------------------------------------------------------------------
    def start_supervisor(self, interval: float = 0.5) -> None:
        """A thread that restarts every part that stops (see supervise_once)."""
        if self._supervisor is not None:
            return

        def loop():
            while not self._wake.wait(interval):
                try:
                    self.supervise_once()
                except Exception as error:  # noqa: BLE001 - keep supervising the other parts
                    self.note(f"supervision error: {error!r}")

        self._supervisor = threading.Thread(target=loop, name="topology-supervisor", daemon=True)
        self._supervisor.start()

    def supervise_once(self, now: Optional[float] = None) -> None:
        """Restart each part that stopped, after a back-off doubling from RESTART_FIRST_DELAY up to
        RESTART_MAX_DELAY; a part stopped on purpose (stop()) is not in self.processes."""
        now = time.monotonic() if now is None else now
        with self._lock:
            if self._stopping:
                return
            for name, process in list(self.processes.items()):
                code = process.poll()
                if code is None:
                    if now - self._started.get(name, now) >= RESTART_STABLE_AFTER:
                        self._failures[name] = 0
                    continue
                if name not in self._due:
                    failures = self._failures.get(name, 0)
                    delay = min(RESTART_MAX_DELAY, RESTART_FIRST_DELAY * 2 ** failures)
                    self._failures[name] = failures + 1
                    self._due[name] = now + delay
                    _signal_group(process.pid, signal.SIGKILL)  # what it left behind (nginx's worker)
                    self.note(f"{name} (pid {process.pid}) stopped (exit code {code}); starting it again "
                              f"in {delay:.0f} s (attempt {failures + 1}); log: {self.run_dir / (name + '.log')}")
                elif now >= self._due[name]:
                    del self._due[name]
                    command, without = self._commands[name]
                    new = self._spawn(name, command, without)
                    self.restarts[name] = self.restarts.get(name, 0) + 1
                    self.note(f"{name} started again (pid {new.pid})")

    # --- stopping ----------------------------------------------------------------------------
    def stop(self, name: str, kill: bool = False, timeout: float = 30) -> None:
        """Stop one part on purpose (it is not restarted)."""
        with self._lock:
            process = self.processes.pop(name, None)
            self._due.pop(name, None)
        if process is not None:
            _stop_groups([process], [], signal.SIGKILL if kill else signal.SIGTERM, timeout)

    def down(self, all_children: bool = False, timeout: float = STOP_GRACE) -> None:
        """Stop every part: SIGTERM to each process group, SIGKILL to what is left after `timeout`,
        then reap. Idempotent, and safe to call again from a signal handler or after an interruption.
        all_children: also every other child of this process (for `up`, which owns all of them)."""
        with self._lock:
            self._stopping = True
            processes = list(self.processes.values())
            self.processes.clear()
            self._due.clear()
        self._wake.set()
        if self._supervisor is not None and self._supervisor is not threading.current_thread():
            self._supervisor.join(timeout=10)
        known = {process.pid for process in processes}
        others = [pid for pid in procs.children(os.getpid()) if pid not in known] if all_children else []
        _stop_groups(processes, others, signal.SIGTERM, timeout)
        with self._lock:
            for log in self._logs.values():
                log.close()
            self._logs.clear()


def _wait_until_listening(url: str, process: subprocess.Popen, timeout: float) -> None:
    """Return once `url` gets any HTTP answer; raise if the process dies or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"nginx exited with code {process.returncode} before {url} answered")
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except urllib.error.HTTPError:
            return
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer within {timeout:.0f} s")


def _signal_group(pid: int, sig: int, pid_is_ours: bool = False) -> None:
    """`sig` to the process group pid leads (each child leads its own); with pid_is_ours (a child
    not yet reaped, so its pid cannot belong to anyone else) to pid itself if it leads no group yet."""
    try:
        os.killpg(pid, sig)
    except ProcessLookupError:
        if pid_is_ours:
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass
    except PermissionError:
        pass


def _live_groups() -> set:
    """Process group ids with a live (not zombie) member."""
    groups = set()
    for entry in procs.PROC.iterdir():
        if entry.name.isdigit():
            try:
                fields = procs._stat_fields(int(entry.name))
                if fields[0] != "Z":
                    groups.add(int(fields[2]))
            except (OSError, IndexError, ValueError):
                continue
    return groups


def _stop_groups(processes: List[subprocess.Popen], others: List[int], sig: int, timeout: float) -> None:
    """`sig` to each process group, SIGKILL to the groups still alive after `timeout`, then reap.
    `others`: pids of children that are not Popen objects here (reaped with waitpid)."""

    def reap() -> None:
        for process in processes:
            process.poll()
        for pid in others:
            try:
                os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                pass

    def send(signal_number: int, pids: List[int]) -> None:
        for pid in pids:
            process = next((p for p in processes if p.pid == pid), None)
            _signal_group(pid, signal_number, pid_is_ours=process.poll() is None if process else True)

    pids = [process.pid for process in processes] + list(others)
    left = pids
    for signal_number, wait in ((sig, timeout), (signal.SIGKILL, 10.0)):
        send(signal_number, left)
        deadline = time.monotonic() + wait
        while True:
            reap()
            live = _live_groups()
            left = [pid for pid in pids if pid in live or procs.alive(pid)]
            if not left or time.monotonic() >= deadline:
                break
            time.sleep(0.1)
        if not left:
            break
    reap()


def _log_tails(run_dir: Path, lines: int = 8) -> str:
    """The last lines of each part's log that are not library deprecation warnings: why a part stopped."""
    parts = []
    for path in sorted(run_dir.glob("*.log")):
        kept = [line for line in path.read_text(errors="replace").splitlines()
                if line.strip() and "Deprecat" not in line and "declare_namespace" not in line
                and not line.startswith("  ")]
        if kept:
            parts.append(f"--- {path.name}:\n" + "\n".join(kept[-lines:]))
    return "\n".join(parts)


def main(argv: Optional[List[str]] = None) -> int:
    argv = argv if argv is not None else sys.argv[1:]
    if argv[:1] not in (["up"], ["check"]):
        print(__doc__)
        return 2
    run_dir = ROOT / "results" / "prod"
    if len(argv) == 3 and argv[1] == "--run-dir":
        run_dir = Path(argv[2])
    settings = production_settings.load()
    problems = check_settings(settings)
    if problems:
        source = os.environ.get("PRODUCTION_ENV_FILE", production_settings.ENV_FILE)
        for problem in problems:
            print(f"Refusing to start: {problem} (settings: {source} or the environment)", file=sys.stderr)
        return 2
    if argv[0] == "check":
        return 0

    stopping: List[int] = []

    def on_signal(signum, _frame):
        if stopping:  # tear-down runs to its end whatever arrives next
            print(f"topology: {signal.Signals(signum).name} while stopping: still stopping every part",
                  file=sys.stderr, flush=True)
            return
        stopping.append(signum)
        raise KeyboardInterrupt

    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, on_signal)
    topology = Topology(settings, run_dir)
    try:
        topology.up()
        print(f"Production topology up: http://127.0.0.1:{settings['NGINX_PORT']}/webhooks/rest/webhook "
              f"(replicas on {settings['RASA_PORTS']}, logs in {run_dir}). A part that stops is started "
              f"again. Stop with Ctrl+C.", flush=True)
        while True:
            time.sleep(1)
    except KeyboardInterrupt:
        return 0
    except (RuntimeError, TimeoutError) as error:
        print(f"The topology could not start: {error}; see {run_dir}/*.log", file=sys.stderr)
        print(_log_tails(run_dir), file=sys.stderr)
        return 1
    finally:
        stopping.append(0)
        topology.note("stopping every part")
        topology.down(all_children=True)
        topology.note("stopped")


if __name__ == "__main__":
    raise SystemExit(main())
