"""The one routing table: which action answers each intent, outside a form and inside one.

Read by scripts/generate_rules.py, which writes data/rules/generated/ (`make generate`; `make
validate` fails if it is out of date), and by actions/out_of_context.py, which answers a question
asked where a flow word was expected. Theme intents are not listed: every topic in
knowledge/topics.yml with an intent and a checklist is answered by action_answer_topic.

A new checklist theme needs only knowledge/ and its NLU examples; a new form is one name in
FORMS, with no hand-written interruption rules. Flow intents (yes, no, next, the quiz's options,
ratings) are not here: data/rules/guided.yml routes them, because what they mean depends on the flow.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Tuple

from kb import KnowledgeBase

THEME_ACTION = "action_answer_topic"


@dataclass(frozen=True)
class Route:
    name: str                  # the rule's name (inside a form: "... during the form")
    intents: Tuple[str, ...]
    action: str
    in_forms: bool = True      # answered inside a form, which then goes on where it was
    question: bool = True      # a question (answered when asked where a flow word was expected)


ROUTES: Tuple[Route, ...] = (
    Route("a child may be in danger now - emergency guidance first", ("urgent_risk",), "action_urgent_guidance"),
    Route("what the audit found", ("ask_findings",), "action_answer_findings"),
    Route("definitions", ("ask_definition",), "action_define"),
    Route("glossary terms", ("ask_glossary",), "action_glossary"),
    Route("procedure links", ("ask_links",), "action_links"),
    Route("about the audit", ("ask_audit",), "action_about_audit"),
    Route("contacts", ("ask_contacts",), "action_contacts"),
    Route("the area for contacts, typed or by button", ("choose_area",), "action_contacts", question=False),
    Route("where an answer comes from", ("ask_source",), "action_show_source"),
    Route("small talk", ("greet", "thanks", "help", "bot_challenge"), "action_small_talk"),
    Route("goodbye", ("goodbye",), "action_small_talk", in_forms=False),  # in a form it pauses it: guided.yml
    Route("not understood or out of scope - search, or say it is not covered", ("nlu_fallback", "out_of_scope"),
          "action_search_knowledge", question=False),
)

# Forms in which a question is answered and the form then goes on. The feedback form is not one:
# a question typed as a comment is kept as the comment and answered by the form's own action.
FORMS: Tuple[str, ...] = ("self_check_form",)


def theme_intents(kb: KnowledgeBase) -> List[str]:
    return [t.intent for t in kb.topics.values() if t.intent and t.checklists]


def all_routes(kb: KnowledgeBase) -> List[Route]:
    """The theme route (from knowledge/) first, then the table."""
    return [Route("theme questions get the theme's checklist", tuple(theme_intents(kb)), THEME_ACTION)] + list(ROUTES)


def question_actions(kb: KnowledgeBase) -> Dict[str, str]:
    """intent -> action name, for every intent that is a question."""
    return {intent: route.action for route in all_routes(kb) if route.question for intent in route.intents}
