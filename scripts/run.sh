#!/usr/bin/env bash
# `make run`: the action server (restarted if it stops) in the background and Rasa in the foreground
# (`run.sh shell` to chat in the terminal). Both listen on 127.0.0.1 only unless ASSISTANT_HOST says
# otherwise (ASSISTANT_HOST=0.0.0.0 make run opens them to the network). The action server takes a
# shared secret, generated on first run (var/action_server.secret) unless ACTION_SERVER_SECRET is set.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${VENV:-.venv}/bin/python
export PYTHONPATH=.
export RASA_TELEMETRY_ENABLED=false  # no usage data or crash reports leave the machine
umask 077                            # the database, keys and logs are readable by this user only
HOST=${ASSISTANT_HOST:-127.0.0.1}
ACTIONS_PORT=${ACTIONS_PORT:-5055}
RASA_PORT=${RASA_PORT:-5005}
mkdir -p var results/run

# The shared secret and the key for hashing personal sender ids: made once, kept in var/ (mode 0600).
secret_file=var/action_server.secret
[ -s "$secret_file" ] || $PY -c "import secrets; print(secrets.token_urlsafe(32))" > "$secret_file"
export ACTION_SERVER_SECRET=${ACTION_SERVER_SECRET:-$(cat "$secret_file")}
$PY -m harness.local_run check-secret ACTION_SERVER_SECRET || exit 1

for port in "$ACTIONS_PORT" "$RASA_PORT"; do
  $PY -m harness.local_run port-free "$HOST" "$port" || exit 1
done

# The action server, restarted with a growing pause (at most 30 s) whenever it stops.
supervise_actions() {
  local child=0 pause=1
  trap 'kill $child 2>/dev/null; wait $child 2>/dev/null; exit 0' TERM INT
  while true; do
    SANIC_HOST=$HOST $PY -m production.action_server --actions actions --port "$ACTIONS_PORT" &
    child=$!
    started=$SECONDS
    wait $child || true
    [ $((SECONDS - started)) -gt 60 ] && pause=1
    echo "The action server stopped; starting it again in ${pause} s." >&2
    sleep "$pause" & wait $! || true
    pause=$((pause * 2 > 30 ? 30 : pause * 2))
  done
}
supervise_actions &
supervisor=$!
trap 'kill $supervisor 2>/dev/null; wait $supervisor 2>/dev/null || true' EXIT

for _ in $(seq 120); do
  kill -0 $supervisor 2>/dev/null || { echo "The action server failed to start." >&2; exit 1; }
  curl -sf "http://127.0.0.1:$ACTIONS_PORT/health" >/dev/null && break
  sleep 0.5
done

# Endpoints: the action server at its port with the secret, and conversations in a local SQLite
# file (embedded, redacted, read by `make report`), or only in memory with CONVERSATIONS_DB= (empty).
CONVERSATIONS_DB=${CONVERSATIONS_DB-var/conversations.db}
ENDPOINTS=results/run/endpoints.yml
$PY -m harness.local_run endpoints endpoints.yml "$ENDPOINTS" "$ACTIONS_PORT" "$CONVERSATIONS_DB" || exit 1
[ -n "$CONVERSATIONS_DB" ] && echo "Conversations are stored, without identifiers, in $CONVERSATIONS_DB"

if [ "${1:-}" = "shell" ]; then
  $PY -m production.lean_rasa shell --model models/assistant.tar.gz --endpoints "$ENDPOINTS"
  exit
fi

# Channels: REST and the web chat always; Slack and Teams when their settings are in the environment.
# The file names secrets as ${VARS} only (Rasa reads them from the environment).
CREDENTIALS=${CREDENTIALS:-results/run/credentials.yml}
echo "Channels:"
$PY -m channels.credentials "$CREDENTIALS"

cat <<MSG
Starting the assistant on $HOST port $RASA_PORT. When it says "Rasa server is up and running":
  web chat:  http://localhost:$RASA_PORT/webhooks/webchat/
  REST:      curl -s http://localhost:$RASA_PORT/webhooks/rest/webhook -H 'Content-Type: application/json' \\
                  -d '{"sender": "me", "message": "what must a referral include?"}'
or run 'make shell' in another terminal. Stop with Ctrl+C.
MSG
$PY -m production.lean_rasa run --model models/assistant.tar.gz --endpoints "$ENDPOINTS" --credentials "$CREDENTIALS" \
  --interface "$HOST" --port "$RASA_PORT"
