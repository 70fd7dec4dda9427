"""The production topology, for real: PostgreSQL and Redis (Debian packages, a dedicated test
cluster and Redis instance), the action server, two Rasa replicas and nginx, started once per
session. Skipped only when the services cannot be installed (scripts/install_prod_services.sh
exits 3). Destructive tests (a replica killed) run last."""
from __future__ import annotations

import secrets
import os
import shutil
import uuid

import pytest
import sqlalchemy as sa

from harness.servers import free_port
from production import settings as production_settings
from harness.topology import ROOT, Topology, install_services
from prod_checks import ask_checked  # noqa: E402 (tests/production is on sys.path, as tests/channels' fakes)

MODEL = ROOT / "models" / "assistant.tar.gz"


# PostgreSQL's and Redis's ports are fixed, so they lie below Linux's ephemeral range (32768-60999, where
# free_port() and every outgoing connection take theirs): a port there was once taken by another
# test's server and PostgreSQL could not start.
DB_PORT, REDIS_PORT = "25432", "26379"


def _test_settings() -> dict:
    return dict(
        DB_HOST="127.0.0.1", DB_PORT=DB_PORT, DB_NAME="rasa_prod_test", DB_USER="rasa_test",
        DB_PASSWORD="test-" + secrets.token_hex(8), PG_CLUSTER="rasatest",
        REDIS_HOST="127.0.0.1", REDIS_PORT=REDIS_PORT, REDIS_PASSWORD="test-" + secrets.token_hex(8), REDIS_DB="1",
        REDIS_DIR="/tmp/redis-rasa-test",
        ACTION_SERVER_SECRET=secrets.token_hex(24), SENDER_ID_KEY=secrets.token_hex(24), RASA_PORTS=f"{free_port()} {free_port()}",
        ACTION_SERVER_PORT=str(free_port()), NGINX_PORT=str(free_port()), RETENTION_DAYS="30")


def pytest_collection_modifyitems(items):
    items.sort(key=lambda item: item.get_closest_marker("destructive") is not None)


def pytest_configure(config):
    config.addinivalue_line("markers", "destructive: kills part of the topology; runs last")


@pytest.fixture(scope="session")
def settings():
    # in CI a missing service is a failure, never a quiet skip
    give_up = pytest.fail if os.environ.get("CI") else pytest.skip
    if not MODEL.exists():
        give_up("models/assistant.tar.gz is missing: run `make train` first")
    values = _test_settings()
    result = install_services(values)
    if result.returncode == 3:
        give_up(f"PostgreSQL/Redis/nginx cannot be installed here: {result.stderr.strip()[-300:]}")
    assert result.returncode == 0, result.stderr[-2000:]
    assert shutil.which("nginx"), "nginx missing after install"
    return values


@pytest.fixture(scope="session")
def engine(settings):
    engine = sa.create_engine(production_settings.database_url(settings), pool_pre_ping=True)
    with engine.begin() as connection:
        connection.execute(sa.text("DROP TABLE IF EXISTS events"))
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def topology(settings, engine):
    run_dir = ROOT / "results" / "prod-test"
    shutil.rmtree(run_dir, ignore_errors=True)
    running = Topology(settings, run_dir)
    try:
        running.up()
        # Each replica's first answer is slow (TensorFlow traces its graphs, the action server loads
        # the knowledge base): paid here, with a generous timeout, not by whichever test runs first.
        for index in range(len(running.ports)):
            ask_checked(running.replica(index), "warm-up-" + uuid.uuid4().hex, "who are UAVA?", "term.uava",
                        running, timeout=300)
        yield running
    finally:
        running.down()

