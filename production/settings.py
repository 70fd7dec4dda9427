"""Production settings: environment variables, optionally read from one env file
(deploy/production.env; every setting is documented in deploy/production.env.example)."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Dict, Optional

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
