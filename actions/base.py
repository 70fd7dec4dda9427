"""The base class of every answering action: safety checks first, then the answer, never a crash."""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import Turn
from actions.knowledge import knowledge
from actions.replies import FEEDBACK_BUTTONS, Reply
from actions.safety_net import safety_messages
from kb import KnowledgeBase

logger = logging.getLogger(__name__)


RATED_KINDS = ("checklist", "findings", "definition", "term", "links", "audit", "contacts", "search")


def asks_for_feedback(reply: Reply, turn: Turn) -> bool:
    """'Was this helpful?' under answers from the knowledge base, not in the middle of a form."""
    return bool(reply.entries) and reply.kind in RATED_KINDS and not turn.active_loop


class KnowledgeAction(Action):
    """Subclasses implement answer(); run() adds the urgent and privacy checks around it."""

    action_name = ""
    urgent_itself = False  # True for the action that answers urgent_risk in full

    def name(self) -> str:
        return self.action_name

    def answer(self, kb: KnowledgeBase, turn: Turn) -> Reply:
        raise NotImplementedError

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: Dict[str, Any]) -> List[Dict[str, Any]]:
        kb = knowledge()
        turn = Turn.from_tracker(tracker)
        try:
            for text in self.preamble(kb, turn):
                dispatcher.utter_message(text=text)
            reply = self.answer(kb, turn)
        except Exception:  # a knowledge or code fault must not silence the assistant
            logger.exception("action %s failed", self.name())
            dispatcher.utter_message(text=self.apology(kb))
            return []
        return reply.send(dispatcher, FEEDBACK_BUTTONS if asks_for_feedback(reply, turn) else [])

    def preamble(self, kb: KnowledgeBase, turn: Turn) -> List[str]:
        return safety_messages(kb, turn.text, urgent=not self.urgent_itself) if turn.typed else []

    @staticmethod
    def apology(kb: Optional[KnowledgeBase]) -> str:
        url = kb.links["link.llr_procedures"].url if kb else "http://llrscb.proceduresonline.com/"
        return ("Sorry, I couldn't answer that just now. If a child is in immediate danger call 999. "
                f"Otherwise please check the LLR procedures: {url}")
