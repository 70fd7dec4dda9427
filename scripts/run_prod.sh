#!/usr/bin/env bash
# The production topology on this machine: PostgreSQL + Redis (Debian packages, no systemd), the
# action server (shared secret), two Rasa replicas (redacting SQL store, Redis locks) and nginx at
# http://localhost:8080. Settings: deploy/production.env (created with fresh secrets if missing).
set -euo pipefail
cd "$(dirname "$0")/.."
ENV_FILE=${PRODUCTION_ENV_FILE:-deploy/production.env}

if [ ! -f "$ENV_FILE" ]; then
  echo "Creating $ENV_FILE from deploy/production.env.example with fresh secrets."
  secret() { python3 -c 'import secrets; print(secrets.token_hex(24))'; }
  sed -e "s/^DB_PASSWORD=.*/DB_PASSWORD=$(secret)/" -e "s/^REDIS_PASSWORD=.*/REDIS_PASSWORD=$(secret)/" \
      -e "s/^ACTION_SERVER_SECRET=.*/ACTION_SERVER_SECRET=$(secret)/" \
      -e "s/^SENDER_ID_KEY=.*/SENDER_ID_KEY=$(secret)/" deploy/production.env.example > "$ENV_FILE"
  chmod 600 "$ENV_FILE"
fi

# Export the settings (comments after values stripped).
while IFS='=' read -r key value; do
  [[ "$key" =~ ^[A-Z_][A-Z0-9_]*$ ]] || continue
  value=${value%%#*}; value=$(echo "$value" | sed -e 's/[[:space:]]*$//')
  export "$key=$value"
done < "$ENV_FILE"

# Refuse placeholder or short secrets before anything is installed or started.
"${VENV:-.venv}/bin/python" -m harness.topology check
bash scripts/install_prod_services.sh
exec "${VENV:-.venv}/bin/python" -m harness.topology up
