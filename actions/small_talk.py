"""Greetings, thanks, goodbyes, help and 'are you a bot?', worded in knowledge/assistant.yml."""
from __future__ import annotations

from actions.base import KnowledgeAction
from actions.conversation import Turn
from actions.coverage import way_forward
from actions.replies import Reply, related_buttons
from kb import KnowledgeBase



class ActionSmallTalk(KnowledgeAction):
    action_name = "action_small_talk"

    def answer(self, kb: KnowledgeBase, turn: Turn) -> Reply:
        messages = kb.messages
        if turn.intent == "greet":
            return Reply([f"{messages['greet']} {messages['privacy_notice']}"], related_buttons(kb, list(kb.home_topics)))
        if turn.intent == "help":
            topics = ", ".join(t.title.lower() for t in kb.topics.values())
            return Reply([f"{messages['help']}\nTopics: {topics}.\n{way_forward(kb)}\n"
                          f"{messages['privacy_notice']}\n{messages['disclaimer']}"], related_buttons(kb, list(kb.home_topics)))
        if turn.intent == "bot_challenge":
            return Reply([messages["bot_challenge"]])
        if turn.intent == "thanks":
            return Reply([messages["thanks"]])
        return Reply([messages["goodbye"]])
