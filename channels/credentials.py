"""Write the credentials file `rasa run` uses: credentials.yml, plus Slack and Teams when their settings are
in the environment. Secrets stay in the environment: the file names them as ${VARIABLES}, which Rasa
fills in when it reads the file (and refuses to start if one is unset, hence this step).

    python -m channels.credentials results/run/credentials.yml    # prints which channels are on
"""
from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path
from typing import Dict, List, Mapping, Optional, Tuple

import yaml

ROOT = Path(__file__).resolve().parent.parent
BASE = ROOT / "credentials.yml"
ENV_REFERENCE = re.compile(r"\$\{[A-Z][A-Z0-9_]*\}")

# channel -> (name, variables it needs, its credentials with ${VARIABLE} references)
OPTIONAL_CHANNELS: Dict[str, Tuple[str, Tuple[str, ...], Dict[str, object]]] = {
    "channels.slack.SlackChannel": (
        "Slack", ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"),
        {"slack_token": "${SLACK_BOT_TOKEN}", "slack_signing_secret": "${SLACK_SIGNING_SECRET}"}),
    "channels.teams.TeamsChannel": (
        "Teams", ("MICROSOFT_APP_ID", "MICROSOFT_APP_PASSWORD"),
        {"app_id": "${MICROSOFT_APP_ID}", "app_password": "${MICROSOFT_APP_PASSWORD}"}),
}


def build(env: Mapping[str, str], base: Path = BASE) -> Tuple[Dict[str, Optional[dict]], List[str]]:
    """(credentials, notes): the base channels, and each optional channel whose variables are all set."""
    credentials = yaml.safe_load(base.read_text()) or {}
    notes = ["REST and web chat: on"]
    for channel, (name, variables, settings) in OPTIONAL_CHANNELS.items():
        missing = [v for v in variables if not env.get(v)]
        if missing:
            notes.append(f"{name}: off (set {' and '.join(missing)} to turn it on)")
        else:
            credentials[channel] = dict(settings)
            notes.append(f"{name}: on, webhook /webhooks/{name.lower()}/webhook")
    return credentials, notes


def dump(credentials: Mapping[str, Optional[dict]]) -> str:
    """YAML with ${VARIABLES} left unquoted, as Rasa's loader only expands plain scalars."""
    lines = ["# Written by channels/credentials.py from credentials.yml and the environment. Do not edit."]
    for channel, settings in credentials.items():
        lines.append(f"{channel}:")
        for key, value in (settings or {}).items():
            plain = isinstance(value, str) and ENV_REFERENCE.fullmatch(value)
            lines.append(f"  {key}: {value if plain else json.dumps(value)}")
    return "\n".join(lines) + "\n"


def write(path: Path, env: Mapping[str, str] = os.environ, base: Path = BASE,
          extra: Optional[Mapping[str, dict]] = None) -> List[str]:
    """Write the file; `extra` adds settings to channels that are on (tests use it). Returns the notes."""
    credentials, notes = build(env, base)
    for channel, settings in (extra or {}).items():
        if channel in credentials:
            credentials[channel] = {**(credentials[channel] or {}), **settings}
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dump(credentials))
    return notes


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "results" / "run" / "credentials.yml")
    for note in write(target):
        print(f"  {note}")
