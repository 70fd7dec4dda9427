"""Low confidence or out of scope: search the knowledge base, or say plainly it is not covered."""
from __future__ import annotations


from actions import kinds
from actions.base import KnowledgeAction
from actions.conversation import Turn
from actions.coverage import decline, entry_topics, way_forward
from actions.formatting import source_part
from actions.knowledge import searcher
from actions.replies import Reply, related_buttons
from kb import KnowledgeBase
from kb.parts import Answer

MIN_SCORE = 0.2


def _excerpt(text: str, limit: int = 220) -> str:
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "..."


class ActionSearchFallback(KnowledgeAction):
    action_name = "action_search_knowledge"

    def answer(self, kb: KnowledgeBase, turn: Turn) -> Reply:
        # out_of_scope was recognised as such: say so rather than stretch a weak match
        searchable = turn.typed and turn.intent != "out_of_scope"
        hits = searcher().search(turn.text, limit=2, min_score=MIN_SCORE) if searchable else []
        if not hits:
            return decline(kb, [])
        answer = Answer.plain(kb.messages["search_intro"]).with_lines(
            *(f"*{hit.passage.title}*: {_excerpt(hit.passage.text)}" for hit in hits))
        answer = answer.with_parts(source_part(kb, [h.passage.source for h in hits], [h.passage.id for h in hits]))
        topics = entry_topics(kb, [h.passage.id for h in hits])
        return Reply([answer.with_lines(way_forward(kb))], related_buttons(kb, topics or list(kb.home_topics)),
                     topics[0] if topics else None, kinds.SEARCH, [h.passage.id for h in hits])
