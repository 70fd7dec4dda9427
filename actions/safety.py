"""urgent_risk: emergency guidance first, then Childline (a child writing) or the referral checklist."""
from __future__ import annotations

from actions.base import KnowledgeAction
from actions.conversation import Turn
from actions.replies import Reply
from actions.risk import Risk
from actions.safety_net import assess_risk, urgent_reply
from kb import KnowledgeBase


class ActionUrgentGuidance(KnowledgeAction):
    action_name = "action_urgent_guidance"
    urgent_itself = True

    def answer(self, kb: KnowledgeBase, turn: Turn) -> Reply:
        # NLU said urgent_risk: urgent whatever the detector says; it still tells a child's voice
        found = assess_risk(kb, turn.text) if turn.typed else Risk(True)
        return urgent_reply(kb, Risk(True, found.child, found.score, found.by or "intent"))
