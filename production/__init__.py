"""Production parts: the redacting tracker store, retention, logging without message text, the
action server's shared-secret check, the action-server-down reply, and the local topology
(PostgreSQL, Redis, two Rasa replicas, the action server, nginx). See README, "Production"."""
