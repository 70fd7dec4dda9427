#!/usr/bin/env bash
# Start the action server in the background and Rasa in the foreground (`run.sh shell` to chat
# in the terminal). Stops the action server when Rasa stops.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${VENV:-.venv}/bin/python
export RASA_TELEMETRY_ENABLED=false  # no usage data or crash reports leave the machine
ACTIONS_PORT=${ACTIONS_PORT:-5055}
RASA_PORT=${RASA_PORT:-5005}

$PY -m rasa_sdk --actions actions --port "$ACTIONS_PORT" &
actions_pid=$!
trap 'kill $actions_pid 2>/dev/null || true' EXIT

for _ in $(seq 60); do
  curl -sf "http://localhost:$ACTIONS_PORT/health" >/dev/null && break
  kill -0 $actions_pid 2>/dev/null || { echo "The action server failed to start." >&2; exit 1; }
  sleep 0.5
done

# Conversations: kept in a local SQLite file (embedded, redacted, read by `make report`), or only
# in memory with CONVERSATIONS_DB= (empty).
ENDPOINTS=endpoints.yml
CONVERSATIONS_DB=${CONVERSATIONS_DB-var/conversations.db}
if [ -n "$CONVERSATIONS_DB" ]; then
  mkdir -p "$(dirname "$CONVERSATIONS_DB")" results/run
  ENDPOINTS=results/run/endpoints.yml
  PYTHONPATH=. $PY -m production.local_store endpoints.yml "$CONVERSATIONS_DB" "$ENDPOINTS"
  echo "Conversations are stored, without identifiers, in $CONVERSATIONS_DB"
fi

if [ "${1:-}" = "shell" ]; then
  $PY -m rasa shell --model models/assistant.tar.gz --endpoints "$ENDPOINTS"
  exit
fi

# Channels: REST and the web chat always; Slack and Teams when their settings are in the environment.
# The file names secrets as ${VARS} only (Rasa reads them from the environment).
CREDENTIALS=${CREDENTIALS:-results/run/credentials.yml}
echo "Channels:"
PYTHONPATH=. $PY -m channels.credentials "$CREDENTIALS"

cat <<MSG
Starting the assistant on port $RASA_PORT. When it says "Rasa server is up and running":
  web chat:  http://localhost:$RASA_PORT/webhooks/webchat/
  REST:      curl -s http://localhost:$RASA_PORT/webhooks/rest/webhook -H 'Content-Type: application/json' \\
                  -d '{"sender": "me", "message": "what must a referral include?"}'
or run 'make shell' in another terminal. Stop with Ctrl+C.
MSG
$PY -m rasa run --model models/assistant.tar.gz --endpoints "$ENDPOINTS" --credentials "$CREDENTIALS" \
  --port "$RASA_PORT"
