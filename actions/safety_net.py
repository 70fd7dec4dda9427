"""Checks run on every typed message before it is answered: danger now, and identifiable details."""
from __future__ import annotations

import functools
import logging
import re
from typing import Dict, List, Optional, Tuple, Union

from actions import areas
from actions import kinds
from actions.formatting import checklist, child_guidance, urgent_guidance
from actions.replies import Reply, related_buttons
from actions.risk import NO_RISK, Risk, detector
from kb import KnowledgeBase
from kb.names import known_phrases
from kb.parts import Answer
from kb.text import normalise
from privacy import find_identifiers, REMINDER_KINDS, describe

logger = logging.getLogger(__name__)


@functools.lru_cache(maxsize=4)
def _urgent_pattern(phrases: Tuple[str, ...]) -> Optional[re.Pattern]:
    if not phrases:
        return None
    words = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in sorted(phrases, key=len, reverse=True))
    return re.compile(rf"(?<![a-z])({words})(?![a-z])")


def has_urgent_phrase(kb: KnowledgeBase, text: str) -> bool:
    """True when the message contains one of the urgent phrases in knowledge/safety.yml."""
    pattern = _urgent_pattern(kb.urgent_phrases)
    return bool(pattern and pattern.search(normalise(text).replace("\u2019", "'")))


def assess_risk(kb: KnowledgeBase, text: str) -> Risk:
    """Does the message describe a child harmed or at risk now? The learned detector, with the
    urgent phrases as a safety net (actions/risk.py)."""
    if not text or text.startswith("/"):
        return NO_RISK
    return detector().assess(text, phrase_hit=has_urgent_phrase(kb, text))


def is_urgent(kb: KnowledgeBase, text: str) -> bool:
    return assess_risk(kb, text).urgent


def privacy_reminder(kb: KnowledgeBase, text: str) -> Optional[str]:
    """The reminder to show, naming what was found, or None."""
    kinds = [i.kind for i in find_identifiers(text, known_phrases(kb)) if i.kind in REMINDER_KINDS]
    if not kinds:
        return None
    return kb.messages["privacy_reminder"].format(kinds=describe(dict.fromkeys(kinds)))


def urgent_area(kb: KnowledgeBase, text: str, slots: Optional[Dict] = None, user_key: Optional[str] = None) -> Optional[str]:
    """The area whose front door the urgent guidance names: the one the message itself names, else the
    practitioner's (this conversation's, or remembered for the person); None (all three) when unknown."""
    try:
        named = kb.areas_in(text) if text else []
        return named[0] if len(named) == 1 else areas.known_area(slots or {}, user_key)
    except Exception:  # noqa: BLE001 - never let this hold the guidance up: all three areas instead
        logger.exception("Could not tell the area for the urgent guidance.")
        return None


def risk_messages(kb: KnowledgeBase, risk: Risk, area: Optional[str] = None) -> List[Answer]:
    """The short emergency guidance, and Childline when a child seems to be writing."""
    if not risk.urgent:
        return []
    return [urgent_guidance(kb, brief=True, area=area)] + ([child_guidance(kb)] if risk.child and kb.child_guidance else [])


def safety_messages(kb: KnowledgeBase, text: str, urgent: bool = True, risk: Optional[Risk] = None,
                    slots: Optional[Dict] = None, user_key: Optional[str] = None) -> List[Union[Answer, str]]:
    """What comes before any answer to a typed message: the emergency guidance when a child may be
    in danger now (unless the answer is that guidance), then the privacy reminder. `slots` and
    `user_key` tell the practitioner's area, for the local front door."""
    risk = (risk or assess_risk(kb, text)) if urgent else NO_RISK
    texts = risk_messages(kb, risk, urgent_area(kb, text, slots, user_key) if risk.urgent else None)
    reminder = privacy_reminder(kb, text)
    return texts + ([reminder] if reminder else [])


def urgent_reply(kb: KnowledgeBase, risk: Risk, answer: Optional[Reply] = None, area: Optional[str] = None) -> Reply:
    """The emergency guidance in full (naming the front door of `area`, or of all three areas); then
    Childline for a child; for an adult, the answer to the question they asked with it (when there is
    a sure one), else the referral checklist."""
    then = kb.checklists[kb.urgent.then_checklist]
    buttons = related_buttons(kb, [then.topic, *kb.choices.related_to_urgent])
    guidance = urgent_guidance(kb, area=area)
    if risk.child and kb.child_guidance:
        return Reply([guidance, child_guidance(kb)], buttons, then.topic, kinds.URGENT,
                     [kb.urgent.id, kb.child_guidance.id])
    if answer is not None:
        return Reply([guidance] + list(answer.texts), answer.buttons, answer.topic, answer.kind,
                     [kb.urgent.id] + list(answer.entries), answer.term, answer.events)
    return Reply([guidance, checklist(kb, then)], buttons, then.topic, kinds.CHECKLIST,
                 [kb.urgent.id, then.id])
