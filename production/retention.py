"""Delete conversations whose last event is older than N days from the SQL tracker store.

    python -m production.retention                # N = RETENTION_DAYS from the settings file
    python -m production.retention --days 30 --dry-run
    python -m production.retention --db sqlite:///var/conversations.db   # `make run`'s store

Run it daily (cron, a Kubernetes CronJob). A conversation is one sender id; all its events go.
"""
from __future__ import annotations

import argparse
import time
from typing import List, Optional

import sqlalchemy as sa

from production import settings as production_settings

EVENTS = sa.table("events", sa.column("sender_id"), sa.column("timestamp"))


def stale_senders(connection, cutoff: float) -> List[str]:
    query = (sa.select([EVENTS.c.sender_id]).group_by(EVENTS.c.sender_id)
             .having(sa.func.max(EVENTS.c.timestamp) < cutoff))
    return [row[0] for row in connection.execute(query)]


def delete_older_than(engine, days: float, dry_run: bool = False, now: Optional[float] = None) -> List[str]:
    """Sender ids of the conversations deleted (or that would be, with `dry_run`)."""
    if days < 0:
        raise ValueError("days must be zero or more")
    cutoff = (now or time.time()) - days * 86400
    with engine.begin() as connection:
        senders = stale_senders(connection, cutoff)
        if senders and not dry_run:
            for start in range(0, len(senders), 500):
                batch = senders[start:start + 500]
                connection.execute(EVENTS.delete().where(EVENTS.c.sender_id.in_(batch)))
    return senders


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=float, help="keep conversations active within this many days "
                                                   "(default: RETENTION_DAYS from the settings)")
    parser.add_argument("--env-file", help="settings file (default deploy/production.env)")
    parser.add_argument("--dry-run", action="store_true", help="count, delete nothing")
    parser.add_argument("--db", help="database URL instead of the production settings "
                                     "(e.g. sqlite:///var/conversations.db for `make run`)")
    args = parser.parse_args(argv)
    settings = production_settings.load(args.env_file)
    days = args.days if args.days is not None else float(settings["RETENTION_DAYS"])
    engine = sa.create_engine(args.db or production_settings.database_url(settings))
    deleted = delete_older_than(engine, days, dry_run=args.dry_run)
    verb = "would delete" if args.dry_run else "deleted"
    print(f"{verb} {len(deleted)} conversation(s) older than {days:g} days")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
