"""urgent_risk: emergency guidance first, then the referral checklist."""
from __future__ import annotations

from actions import formatting
from actions.base import KnowledgeAction
from actions.conversation import Turn
from actions.replies import Reply, related_buttons
from kb import KnowledgeBase


class ActionUrgentGuidance(KnowledgeAction):
    action_name = "action_urgent_guidance"
    urgent_itself = True

    def answer(self, kb: KnowledgeBase, turn: Turn) -> Reply:
        then = kb.checklists[kb.urgent.then_checklist]
        texts = [formatting.urgent_guidance(kb), formatting.checklist(kb, then)]
        return Reply(texts, related_buttons(kb, [then.topic, "uava", "voice_of_child"]), then.topic, "checklist",
                     [kb.urgent.id, then.id])
