"""Production settings: environment variables, optionally read from one env file
(deploy/production.env; every setting is documented in deploy/production.env.example)."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Dict, List, Optional

ROOT = Path(__file__).resolve().parent.parent
ENV_FILE = ROOT / "deploy" / "production.env"
EXAMPLE_FILE = ROOT / "deploy" / "production.env.example"

DEFAULTS = {
    "DB_HOST": "127.0.0.1", "DB_PORT": "5432", "DB_NAME": "rasa", "DB_USER": "rasa",
    "REDIS_HOST": "127.0.0.1", "REDIS_PORT": "6379", "REDIS_DB": "1",
    "RETENTION_DAYS": "30", "PG_CLUSTER": "main",
    "RASA_PORTS": "5005 5006", "ACTION_SERVER_PORT": "5055", "NGINX_PORT": "8080",
    "RASA_ENABLE_API": "false", "RASA_CORS_ORIGINS": "",
}


def read_env_file(path: Path) -> Dict[str, str]:
    """KEY=VALUE lines; blank lines and # comments (also after a value) ignored; quotes removed."""
    values = {}
    for line in Path(path).read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.split("=", 1)
        values[key.strip()] = value.split("#", 1)[0].strip().strip("'\"")  # no '#' inside values
    return values


def load(env_file: Optional[Path] = None) -> Dict[str, str]:
    """Defaults, then the env file (if it exists), then the process environment."""
    path = Path(env_file or os.environ.get("PRODUCTION_ENV_FILE", ENV_FILE))
    values = dict(DEFAULTS)
    if path.exists():
        values.update(read_env_file(path))
    values.update({key: value for key, value in os.environ.items() if key in values or key in DEFAULTS})
    return values


def database_url(settings: Dict[str, str]) -> str:
    from sqlalchemy.engine.url import URL
    return str(URL.create("postgresql", username=settings["DB_USER"], password=settings.get("DB_PASSWORD"),
                          host=settings["DB_HOST"], port=int(settings["DB_PORT"]), database=settings["DB_NAME"]))


# --- secrets ---------------------------------------------------------------------------------
SECRETS = ("DB_PASSWORD", "REDIS_PASSWORD", "ACTION_SERVER_SECRET", "SENDER_ID_KEY", "RASA_AUTH_TOKEN",
           "RASA_JWT_SECRET")
# Blank is fine: without a token or JWT secret the HTTP API is off; without SENDER_ID_KEY the key file
# var/sender_id.key is used (one machine). Set, they must be real secrets.
OPTIONAL_SECRETS = ("SENDER_ID_KEY", "RASA_AUTH_TOKEN", "RASA_JWT_SECRET")
MIN_SECRET_CHARS = 16
GENERATE = 'python -c "import secrets; print(secrets.token_urlsafe(32))"'
_PLACEHOLDER_PARTS = ("change-me", "changeme", "change_me", "change me", "example", "placeholder",
                      "replace-me", "replaceme", "replace_me", "your-secret", "your_secret", "yoursecret",
                      "fill-me", "fill_me")
_PLACEHOLDER_VALUES = {"secret", "password", "passwd", "pass", "token", "default", "admin", "test",
                       "changeit", "letmein", "qwerty", "none", "null", "redis", "postgres", "rasa", "todo"}


def check_secret(name: str, value: Optional[str]) -> Optional[str]:
    """The problem with a secret, as one line naming `name` and how to make a good one; None if fine.
    Refused: empty, a placeholder ("change-me...", "example", "secret", "password", ...) or shorter
    than 16 characters. The value itself is never in the message."""
    value = (value or "").strip()
    how = f"set {name} to a random value, e.g. the output of: {GENERATE}"
    if not value:
        return f"{name} is not set: {how}"
    lowered = value.lower()
    bare = "".join(ch for ch in lowered if ch.isalnum())
    if (any(part in lowered for part in _PLACEHOLDER_PARTS) or lowered in _PLACEHOLDER_VALUES
            or bare in _PLACEHOLDER_VALUES or len(set(value)) == 1):
        return f"{name} is a placeholder, not a secret: {how}"
    if len(value) < MIN_SECRET_CHARS:
        return f"{name} is too short ({len(value)} characters, at least {MIN_SECRET_CHARS}): {how}"
    return None


def secret_problems(settings: Dict[str, str]) -> List[str]:
    """One line per weak secret in `settings` (the HTTP API secrets only when they are set or needed)."""
    problems = []
    for name in SECRETS:
        value = settings.get(name, "")
        if name in OPTIONAL_SECRETS and not value.strip():
            continue  # without either, RASA_ENABLE_API=true is refused by harness.topology
        problem = check_secret(name, value)
        if problem:
            problems.append(problem)
    return problems
