"""Custom actions: every answer is built from knowledge/ by the kb package.

One module per concern: topics (checklists and findings), reference (definitions, glossary, links,
audit, contacts, sources), safety (urgent guidance), fallback (search), small_talk.
"""
from actions.fallback import ActionSearchFallback
from actions.knowledge import warm_up
from actions.reference import (ActionAudit, ActionContacts, ActionDefine, ActionGlossary, ActionLinks,
                               ActionSource)
from actions.safety import ActionUrgentGuidance
from actions.small_talk import ActionSmallTalk
from actions.topics import ActionAnswerFindings, ActionAnswerTopic

warm_up()

__all__ = ["ActionAnswerFindings", "ActionAnswerTopic", "ActionAudit", "ActionContacts", "ActionDefine",
           "ActionGlossary", "ActionLinks", "ActionSearchFallback", "ActionSmallTalk", "ActionSource",
           "ActionUrgentGuidance"]
