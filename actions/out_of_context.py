"""Flow words out of their flow: "yes", "2" or "next" when no check or learning path is waiting.

A short reply like that gets a plain "nothing to pick up". A longer message that NLU took for one
(numbers in a date of birth can look like a quiz answer) is answered as the question it most likely
is: the best-ranked question intent, else a search of the knowledge base.
"""
from __future__ import annotations

import dataclasses
import re
from typing import Dict, Optional, Type

from actions.base import KnowledgeAction
from actions.conversation import Turn
from actions.coverage import checked
from actions.fallback import ActionSearchFallback
from actions.knowledge import knows_a_word
from actions.reference import (ActionAudit, ActionContacts, ActionDefine, ActionGlossary, ActionLinks,
                               ActionSource)
from actions.replies import Reply
from actions.routing import question_actions
from actions.safety import ActionUrgentGuidance
from actions.small_talk import ActionSmallTalk
from actions.topics import ActionAnswerFindings, ActionAnswerTopic
from kb import KnowledgeBase

SHORT_WORDS = 3          # "yes", "not sure", "option 2": an answer, not a question
SURE = 0.8               # ... when NLU is sure of it; gibberish gets a search instead
MIN_RUNNER_UP = 0.1      # below this the runner-up intent is a guess; search instead
SURE_QUESTION = 0.6      # a question typed where a feedback comment was asked for
QUESTION_START = re.compile(r"^\s*(what|when|where|who|whom|why|how|which|should|shall|can|could|do|does|"
                            r"is|are|must|may|would|will)\b", re.I)

# The actions that answer a question typed where a flow word was expected, by name (actions/routing.py)
ANSWERING: Dict[str, Type[KnowledgeAction]] = {action.action_name: action for action in (
    ActionAnswerTopic, ActionAnswerFindings, ActionDefine, ActionGlossary, ActionLinks, ActionAudit,
    ActionContacts, ActionSource, ActionUrgentGuidance, ActionSmallTalk)}


def question_action(kb: KnowledgeBase, intent: str) -> Optional[Type[KnowledgeAction]]:
    return ANSWERING.get(question_actions(kb).get(intent, ""))


def answer_out_of_context(kb: KnowledgeBase, turn: Turn, short_reply: Reply) -> Reply:
    confidence = dict(turn.ranking).get(turn.intent, 1.0)
    if not turn.typed or (len(turn.text.split()) <= SHORT_WORDS and confidence >= SURE):
        return short_reply
    if not knows_a_word(turn.text):  # keyboard mash: not a question NLU half-recognised
        return ActionSearchFallback().answer(kb, turn)
    for intent, confidence in turn.ranking:
        action = question_action(kb, intent)
        if action and confidence >= MIN_RUNNER_UP:
            return action().answer(kb, dataclasses.replace(turn, intent=intent))
    return ActionSearchFallback().answer(kb, turn)


def answer_if_question(kb: KnowledgeBase, turn: Turn) -> Optional[Reply]:
    """A question typed where a comment was asked for ("what about GPs?") is answered as well."""
    action = question_action(kb, turn.intent)
    confidence = dict(turn.ranking).get(turn.intent, 0.0)
    looks_like_question = turn.text.rstrip().endswith("?") or bool(QUESTION_START.match(turn.text))
    if not action or action is ActionSmallTalk or confidence < SURE_QUESTION or not looks_like_question:
        return None
    return checked(kb, turn, action().answer(kb, turn))
