"""Check the knowledge files: `python -m kb.validate [--strict] [folder]`.

Prints every problem with the file, line and entry, and exits 1 if there is any.

Contacts whose last_checked is more than `fail_after_months` (18) months old are a warning; with
--strict (as in CI) they fail the check, naming the entry and the page to check it on.
--today YYYY-MM-DD checks as if it were that day (to see what will be stale by then).
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from kb import KNOWLEDGE_DIR, KnowledgeError, load_knowledge
from kb.checks import expired_contacts, expired_message, overdue_contacts, stale_entries


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date written as YYYY-MM-DD") from None


def _arguments(argv):
    parser = argparse.ArgumentParser(prog="python -m kb.validate", description="Check the knowledge files.")
    parser.add_argument("folder", nargs="?", default=str(KNOWLEDGE_DIR), help="the knowledge folder")
    parser.add_argument("--strict", action="store_true",
                        help="also fail on contacts last checked more than 18 months ago (for CI)")
    parser.add_argument("--today", type=_date, default=None, help="check as if today were YYYY-MM-DD")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = _arguments(sys.argv[1:] if argv is None else argv)
    directory = Path(args.folder)
    today = args.today or dt.date.today()
    try:
        kb = load_knowledge(directory)
    except KnowledgeError as error:
        print(f"The knowledge files have {len(error.problems)} problem(s):", file=sys.stderr)
        for problem in error.problems:
            print(f"  - {problem}", file=sys.stderr)
        return 1
    for entry_id in stale_entries(kb, today):
        print(f"  warning: knowledge/{kb.files[entry_id]}, entry '{entry_id}': its review date has passed.")
    expired = expired_contacts(kb, today)
    for contact in overdue_contacts(kb, today):
        if contact not in expired:
            print(f"  warning: knowledge/local_settings.yml, entry '{contact.id}': last checked on "
                  f"{contact.last_checked}, more than {kb.max_age_days} days ago; the assistant shows it with a "
                  f"warning. Check it on {contact.source_url or kb.source_label(contact.source)}.")
    if expired and args.strict:
        print(f"{len(expired)} contact(s) are past their check date (--strict):", file=sys.stderr)
        for contact in expired:
            print(f"  - {expired_message(kb, contact)}", file=sys.stderr)
        return 1
    for contact in expired:
        print(f"  warning: {expired_message(kb, contact)} (`--strict` fails on this.)")
    print(f"Knowledge OK: {len(kb.all_ids())} entries in {directory}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
