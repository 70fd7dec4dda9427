"""Greetings, thanks, goodbyes, help and 'are you a bot?', worded in knowledge/assistant.yml."""
from __future__ import annotations

from actions.base import KnowledgeAction
from actions.conversation import Turn
from actions.replies import Reply, related_buttons
from kb import KnowledgeBase

HELP_TOPICS = ("referrals", "plans", "voice_of_child", "record_keeping")


class ActionSmallTalk(KnowledgeAction):
    action_name = "action_small_talk"

    def answer(self, kb: KnowledgeBase, turn: Turn) -> Reply:
        messages = kb.messages
        if turn.intent == "greet":
            return Reply([f"{messages['greet']} {messages['privacy_notice']}"], related_buttons(kb, HELP_TOPICS))
        if turn.intent == "help":
            topics = ", ".join(t.title.lower() for t in kb.topics.values())
            return Reply([f"{messages['help']}\nTopics: {topics}.\n{messages['privacy_notice']}\n"
                          f"{messages['disclaimer']}"], related_buttons(kb, HELP_TOPICS))
        if turn.intent == "bot_challenge":
            return Reply([messages["bot_challenge"]])
        if turn.intent == "thanks":
            return Reply([messages["thanks"]])
        return Reply([messages["goodbye"]])
