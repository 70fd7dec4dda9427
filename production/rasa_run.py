"""`rasa run` for a production replica, with the HTTP API's secret taken from the environment:

    python -m production.rasa_run ARGS...    # what the topology (harness/topology.py) and the containers run

No secret is put on a command line (`ps` shows command lines to every local user): the token or JWT
secret is added to sys.argv inside this process, after exec.
"""
from __future__ import annotations

import os
import sys
from typing import Dict, List, Mapping

from production import lean_rasa


class ConfigurationError(RuntimeError):
    pass


def api_enabled(settings: Mapping[str, str]) -> bool:
    return settings.get("RASA_ENABLE_API", "false").lower() == "true"


def rasa_api_args(settings: Dict[str, str]) -> List[str]:
    """`rasa run` flags for the HTTP API (off unless enabled, then authenticated) and CORS. The token
    or JWT secret itself is not among them: rasa_run adds it from the environment."""
    args: List[str] = []
    if api_enabled(settings):
        if settings.get("RASA_AUTH_TOKEN"):
            args += ["--enable-api"]
        elif settings.get("RASA_JWT_SECRET"):
            args += ["--enable-api", "--jwt-method", settings.get("RASA_JWT_METHOD", "HS256")]
        else:
            raise ConfigurationError("RASA_ENABLE_API=true needs RASA_AUTH_TOKEN or RASA_JWT_SECRET")
    origins = settings.get("RASA_CORS_ORIGINS", "").replace(",", " ").split()
    if "*" in origins:
        raise ConfigurationError("RASA_CORS_ORIGINS must list origins, not '*'")
    if origins:
        args += ["--cors", *origins]
    return args


def rasa_secret_args(environ: Mapping[str, str]) -> List[str]:
    """The API's secret flags, built inside the replica from its environment (never on its command line)."""
    if not api_enabled(environ):
        return []
    if environ.get("RASA_AUTH_TOKEN"):
        return ["--auth-token", environ["RASA_AUTH_TOKEN"]]
    if environ.get("RASA_JWT_SECRET"):
        return ["--jwt-secret", environ["RASA_JWT_SECRET"]]
    return []


def rasa_run(args: List[str]) -> int:
    """`rasa run ARGS` plus the secret flags: they are added to sys.argv in this process, after exec,
    so /proc/<pid>/cmdline (what `ps` shows) holds only ARGS."""
    sys.argv = ["rasa", "run", *args, *rasa_secret_args(os.environ)]
    lean_rasa.main()  # Rasa's command line, without TensorFlow unless the model needs it
    return 0


if __name__ == "__main__":
    raise SystemExit(rasa_run(sys.argv[1:]))
