#!/usr/bin/env bash
# `make run` (and `run.sh shell` for `make shell`): harness/local_run.py starts the action server
# (restarted if it stops) and Rasa in front, on 127.0.0.1 unless ASSISTANT_HOST says otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
export PYTHONPATH=.
export RASA_TELEMETRY_ENABLED=false  # no usage data or crash reports leave the machine
umask 077                            # the database, keys and logs are readable by this user only
exec "${VENV:-.venv}/bin/python" -m harness.local_run "${1:-run}"
