"""Custom actions: every answer is built from knowledge/ by the kb package.

One module per concern: topics (checklists and findings), reference (definitions, glossary, links,
audit, contacts, sources), safety (urgent guidance), fallback (search), small_talk, and the guided
flows: self_check (a form), learning (paths and quizzes), resume, feedback, session (keeps progress).
"""
from actions.fallback import ActionSearchFallback
from actions.feedback import ActionAskFeedbackComment, ActionFeedback, ActionFeedbackComment
from actions.learning import ActionLearning
from actions.knowledge import warm_up
from actions.reference import (ActionAudit, ActionContacts, ActionDefine, ActionGlossary, ActionLinks,
                               ActionSource)
from actions.resume import ActionResume
from actions.safety import ActionUrgentGuidance
from actions.self_check import (ActionAskCheckReply, ActionCheckSummary, ActionStartCheck, ActionStopCheck,
                                ValidateSelfCheckForm)
from actions.session import ActionSessionStart
from actions.small_talk import ActionSmallTalk
from actions.topics import ActionAnswerFindings, ActionAnswerTopic

warm_up()

__all__ = ["ActionAskCheckReply", "ActionAskFeedbackComment", "ActionCheckSummary", "ActionFeedback",
           "ActionFeedbackComment", "ActionLearning", "ActionResume", "ActionSessionStart", "ActionStartCheck",
           "ActionStopCheck", "ValidateSelfCheckForm", "ActionAnswerFindings", "ActionAnswerTopic", "ActionAudit", "ActionContacts", "ActionDefine",
           "ActionGlossary", "ActionLinks", "ActionSearchFallback", "ActionSmallTalk", "ActionSource",
           "ActionUrgentGuidance"]
