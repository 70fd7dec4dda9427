"""Which file holds what: the top-level keys of each knowledge file and the record type of each."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from kb import records as r


@dataclass(frozen=True)
class Section:
    key: str                 # top-level key in the file
    shape: str               # list (of records), one (record), strs, messages, int, date
    record: Optional[type] = None
    kind: str = ""           # the entry kind, for references between files
    required: bool = True


MESSAGE_KEYS = ("disclaimer", "privacy_reminder", "privacy_notice", "apology", "unreachable", "not_covered", "help",
                "greet", "thanks", "goodbye", "bot_challenge", "search_intro",
                "check_intro", "check_question", "check_resumed", "check_stopped", "check_complete",
                "check_gaps", "learning_choose", "learning_no_path", "learning_question", "learning_right",
                "learning_wrong", "learning_finished", "learning_no_question", "learning_stopped", "nothing_to_resume",
                "feedback_question", "feedback_thanks", "feedback_ask_comment", "feedback_comment_thanks",
                "not_covered_subject", "partly_covered", "way_forward", "procedure_pointer",
                "definition_part", "whole_definition",
                "area_question", "area_contacts", "area_remembered", "area_not_sure", "area_all",
                "contacts_title", "area_button_not_sure")

REVIEW_DATE = Section("review_date", "date", required=False)

FILES = {
    "sources.yml": (Section("sources", "list", r.Source, "source"),),
    "topics.yml": (REVIEW_DATE, Section("topics", "list", r.Topic, "topic")),
    "findings.yml": (REVIEW_DATE, Section("findings", "list", r.Finding, "finding")),
    "checklists.yml": (REVIEW_DATE, Section("checklists", "list", r.Checklist, "checklist")),
    "definitions.yml": (REVIEW_DATE, Section("definitions", "list", r.Definition, "definition")),
    "glossary.yml": (REVIEW_DATE, Section("terms", "list", r.Term, "term")),
    "links.yml": (REVIEW_DATE, Section("links", "list", r.Link, "link")),
    "audit.yml": (REVIEW_DATE, Section("facts", "list", r.AuditFact, "audit_fact"),
                  Section("agencies", "list", r.Agency, "agency")),
    "local_settings.yml": (REVIEW_DATE, Section("max_age_days", "int"),
                           Section("fail_after_months", "int", required=False),
                           Section("areas", "list", r.Area, "area"),
                           Section("contacts", "list", r.Contact, "contact")),
    "safety.yml": (REVIEW_DATE, Section("urgent_guidance", "one", r.UrgentGuidance, "urgent"),
                   Section("child_guidance", "one", r.ChildGuidance, "child_guidance"),
                   Section("urgent_phrases", "strs")),
    "coverage.yml": (REVIEW_DATE, Section("not_covered", "list", r.Gap, "gap"),
                     Section("procedures", "list", r.Procedure, "procedure")),
    "assistant.yml": (REVIEW_DATE, Section("choices", "one", r.Choices, "choices"), Section("messages", "messages")),
    "learning.yml": (REVIEW_DATE, Section("paths", "list", r.LearningPath, "learning_path")),
}

# Nested record types, by field kind.
NESTED = {"items": r.ChecklistItem, "steps": r.UrgentStep, "lessons": r.LessonStep,
          "questions": r.QuizQuestion, "parts": r.DefinitionPart}
