"""The base class of every answering action: safety checks first, then the answer, never a crash."""
from __future__ import annotations

import abc
import logging
from typing import Any, Dict, List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import coverage
from actions import kinds
from actions.conversation import Turn
from actions.knowledge import knowledge
from actions.replies import Reply, utter
from actions.risk import NO_RISK, Risk
from actions.safety_net import assess_risk, privacy_reminder, safety_messages, urgent_area, urgent_reply
from kb import KnowledgeBase
from kb.failures import failure_message

logger = logging.getLogger(__name__)




def asks_for_feedback(reply: Reply, turn: Turn) -> bool:
    """'Was this helpful?' under answers from the knowledge base, not in the middle of a form."""
    return bool(reply.entries) and reply.kind in kinds.RATED and not turn.active_loop


class KnowledgeAction(Action, metaclass=abc.ABCMeta):  # abstract: the action server registers its subclasses only
    """Subclasses implement answer(); run() adds the risk, coverage and privacy checks around it.

    A message that describes a child at risk gets the emergency guidance as the answer, whatever
    the intent; inside a guided flow (in_flow, or a form in progress) the short guidance comes first
    and the flow goes on. Any other answer is checked against what the knowledge base covers.
    """

    action_name = ""
    urgent_itself = False  # True for the action that answers urgent_risk in full
    in_flow = False        # True for a guided flow's own steps (learning, check start, resume)
    checks_coverage = True # False where the answer is not about the question's subject (sources)

    def name(self) -> str:
        return self.action_name

    @abc.abstractmethod
    def answer(self, kb: KnowledgeBase, turn: Turn) -> Reply:
        """The reply to this turn, built from the knowledge base."""

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: Dict[str, Any]) -> List[Dict[str, Any]]:
        kb = knowledge()
        turn = Turn.from_tracker(tracker)
        try:
            risk = assess_risk(kb, turn.text) if turn.typed else NO_RISK
            replaced = self.urgent_itself or (risk.urgent and self.answers_risk_in_full(turn))
            if replaced:
                area = urgent_area(kb, turn.text if turn.typed else "", turn.slots, turn.user_key)
                reply = urgent_reply(kb, risk, None if self.urgent_itself else self.sure_answer(kb, turn), area)
                reminder = privacy_reminder(kb, turn.text)  # after the emergency guidance, never before
                reply.texts[1:1] = [reminder] if reminder else []
            else:
                reply = self.answer(kb, turn)
                reply = coverage.checked(kb, turn, reply) if self.checks_coverage else reply
                for text in self.preamble(kb, turn, risk):
                    utter(dispatcher, text)
        except Exception:  # a knowledge or code fault must not silence the assistant
            logger.exception("action %s failed", self.name())
            utter(dispatcher, failure_message("apology"))
            return []
        return reply.send(dispatcher, kb.messages["feedback_question"] if asks_for_feedback(reply, turn) else None)

    def sure_answer(self, kb: KnowledgeBase, turn: Turn) -> Optional[Reply]:
        """With a disclosure, the practice question asked alongside it ("...what goes in the plan?"): its
        checklist, if NLU is sure of it and the knowledge base covers it; None otherwise."""
        if dict(turn.ranking).get(turn.intent, 1.0) < coverage.SURE_INTENT:
            return None
        answer = coverage.checked(kb, turn, self.answer(kb, turn)) if self.checks_coverage else None
        return answer if answer and answer.kind == kinds.CHECKLIST and answer.entries else None

    def answers_risk_in_full(self, turn: Turn) -> bool:
        """Outside guided flows the emergency guidance replaces the answer."""
        return not (self.in_flow or turn.active_loop)

    def preamble(self, kb: KnowledgeBase, turn: Turn, risk: Risk = NO_RISK) -> List[str]:
        return safety_messages(kb, turn.text, risk=risk, slots=turn.slots, user_key=turn.user_key) if turn.typed else []

