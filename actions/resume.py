"""'Continue', 'where was I?': pick up the paused self-check or learning path, whichever was last."""
from __future__ import annotations

from rasa_sdk.events import FollowupAction, SlotSet

from actions import slots as slot
from actions.base import KnowledgeAction
from actions.conversation import Turn
from actions.learning import PathSession, in_progress, path_buttons
from actions.out_of_context import answer_out_of_context
from actions.reference import ActionContacts
from actions.replies import Reply, payload
from actions.self_check import FORM, is_paused, progress
from kb import KnowledgeBase

CHECK_BUTTON = {"title": "Check a referral", "payload": payload("start_self_check")}


class ActionResume(KnowledgeAction):
    action_name = "action_resume"
    in_flow = True

    def answer(self, kb: KnowledgeBase, turn: Turn) -> Reply:
        if turn.intent == "not_sure" and isinstance(turn.slots.get(slot.CONTACT_REQUEST), dict):
            return ActionContacts().answer(kb, turn)  # "not sure" to "which area is this for?"
        learning = turn.slots.get(slot.LEARNING)
        if turn.intent == "stop" and in_progress(learning):
            return Reply([kb.messages["learning_stopped"]], events=[SlotSet(slot.ACTIVITY, None)])
        check = is_paused(*progress(turn.slots))
        if check and (turn.slots.get(slot.ACTIVITY) == "check" or not in_progress(learning)):
            return Reply([kb.messages["check_resumed"]],
                         events=[SlotSet(slot.ACTIVITY, "check"), FollowupAction(FORM)])
        if in_progress(learning):
            return PathSession(kb, learning).reply(turn)
        nothing = Reply([kb.messages["nothing_to_resume"]], [CHECK_BUTTON] + path_buttons(kb)[:3])
        return nothing if turn.intent == "resume" else answer_out_of_context(kb, turn, nothing)
