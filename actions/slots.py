"""The conversation's slots, named once here; domain.yml declares them (tests/test_routing.py checks
that the two agree)."""
from __future__ import annotations

# what the last answer was, for follow-ups ("where does that come from?", "and about plans?")
LAST_TOPIC = "last_topic"
LAST_KIND = "last_kind"
LAST_ENTRIES = "last_entries"
LAST_TERM = "last_term"
# local contacts: the practitioner's area, and a contact question waiting for it
AREA = "area"
CONTACT_REQUEST = "contact_request"
# the guided flows: which one is in progress ("check" or "learning"), and each one's state
ACTIVITY = "activity"
CHECK_LIST = "check_list"
CHECK_ANSWERS = "check_answers"
CHECK_REPLY = "check_reply"
LEARNING = "learning"
# a rating of the last answer and its comment (redacted)
FEEDBACK = "feedback"
FEEDBACK_COMMENT = "feedback_comment"

ALL = (LAST_TOPIC, LAST_KIND, LAST_ENTRIES, LAST_TERM, AREA, CONTACT_REQUEST, ACTIVITY, CHECK_LIST,
       CHECK_ANSWERS, CHECK_REPLY, LEARNING, FEEDBACK, FEEDBACK_COMMENT)
