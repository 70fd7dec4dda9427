"""What kind of answer a reply is, named once here. The kind is kept in the `last_kind` slot, so a
follow-up keeps it ("and about plans?" after findings gets findings); it also decides which replies
ask for a rating and which are checked against what the knowledge base covers (actions/coverage.py)."""
from __future__ import annotations

CHECKLIST = "checklist"
FINDINGS = "findings"
DEFINITION = "definition"
TERM = "term"
LINKS = "links"
AUDIT = "audit"
CONTACTS = "contacts"
SEARCH = "search"            # the closest passages, for a question the assistant did not recognise
NOT_COVERED = "not_covered"  # the honest decline
URGENT = "urgent"            # the emergency guidance (and Childline) on its own
LEARNING = "learning"        # a step or question of a learning path

ANSWERS = (CHECKLIST, FINDINGS, DEFINITION, TERM, LINKS, AUDIT, CONTACTS)  # an answer from knowledge entries
RATED = ANSWERS + (SEARCH,)              # followed by "Was this answer helpful?"
CHECKED = ANSWERS + (SEARCH, NOT_COVERED)  # checked for coverage before they are given
