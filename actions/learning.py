"""Learning paths for new staff (knowledge/learning.yml): short steps, then a short quiz.

Progress lives in the `learning` slot ({"path", "step", "question", "score", "awaiting"}), which
action_session_start carries into the user's next session, so "continue learning" resumes.
"""
from __future__ import annotations

import hashlib
import re
from typing import Any, Dict, List, Optional, Tuple

from rasa_sdk.events import SlotSet

from actions import slots as slot
from actions import formatting
from actions import kinds
from actions.base import KnowledgeAction
from actions.conversation import Turn
from actions.out_of_context import answer_out_of_context
from actions.replies import Reply, payload
from kb import KnowledgeBase
from kb import records as r
from kb.parts import Answer, bullet, detail, numbered, paragraph, title

OPTIONS = 3
NEXT_BUTTON = {"title": "Next", "payload": payload("learn_next")}
ORDINALS = {"first": 1, "one": 1, "a": 1, "second": 2, "two": 2, "b": 2, "third": 3, "three": 3, "c": 3}


# -- building the steps and questions from knowledge/ ----------------------------------------------
def step_text(kb: KnowledgeBase, path: r.LearningPath, number: int) -> Answer:
    step = path.steps[number - 1]
    parts = [title(f"*{path.title}*, step {number} of {len(path.steps)}: {step.title}", bold=False)]
    parts += [bullet(kb.findings[f].text) for f in step.findings]
    parts += [bullet(item.text, detail(item.why, "Why")) for item in (kb.item(step.checklist, i) for i in step.items)]
    parts += [bullet(formatting.link_text(kb.links[l])) for l in step.links]
    refs = [kb.findings[f].source for f in step.findings]
    refs += [kb.checklists[step.checklist].source] if step.checklist else []
    refs += [kb.links[l].source for l in step.links]
    ids = list(step.findings) + ([step.checklist] if step.checklist else []) + list(step.links)
    return Answer.of(*parts, formatting.source_part(kb, refs, ids))


def _stable_number(*parts: str) -> int:
    return int(hashlib.sha1("/".join(parts).encode()).hexdigest(), 16)


def quiz_options(kb: KnowledgeBase, path: r.LearningPath, question: r.QuizQuestion) -> Tuple[List[str], int]:
    """The options (the item's own reason and reasons from other themes' checklists) and the
    1-based number of the right one. The same question always gets the same options."""
    right = kb.item(question.checklist, question.item).why
    others = [i.why for c in kb.checklists.values() if c.topic != path.topic and c.id != question.checklist
              for i in c.items if i.why != right]
    seed = _stable_number(path.id, question.id)
    picked: List[str] = []
    for offset in range(len(others)):
        candidate = others[(seed + offset * 7) % len(others)]
        if candidate not in picked:
            picked.append(candidate)
        if len(picked) == OPTIONS - 1:
            break
    position = seed % OPTIONS
    options = picked[:position] + [right] + picked[position:]
    return options, position + 1


def question_text(kb: KnowledgeBase, path: r.LearningPath, index: int) -> Answer:
    question = path.quiz[index]
    options, _ = quiz_options(kb, path, question)
    item = kb.item(question.checklist, question.item)
    return Answer.of(paragraph(kb.messages["learning_question"].format(number=index + 1, total=len(path.quiz))),
                     paragraph(f"'{item.text}'"), *(numbered(n, option) for n, option in enumerate(options, start=1)))


def option_buttons(count: int) -> List[Dict[str, str]]:
    return [{"title": str(n), "payload": payload("choose_option", choice=str(n))} for n in range(1, count + 1)]


def path_buttons(kb: KnowledgeBase, exclude: str = "") -> List[Dict[str, str]]:
    return [{"title": p.title, "payload": payload("start_learning", topic=p.topic)}
            for p in kb.learning_paths.values() if p.id != exclude][:4]


def chosen_number(turn: Turn) -> Optional[int]:
    """The option a message picks: a button's choice, '2', 'option 2', 'the second one', 'b'."""
    for value in turn.values("choice") + [turn.text]:
        match = re.search(r"\b([1-9])\b", value)
        if match:
            return int(match.group(1))
        for word in re.findall(r"[a-z]+", value.lower()):
            if word in ORDINALS and (word not in ("a", "b", "c") or len(value.strip()) <= 10):
                return ORDINALS[word]
    return None


# -- the conversation -----------------------------------------------------------------------------
def in_progress(state: Optional[Dict[str, Any]]) -> bool:
    return bool(state) and not state.get("finished")


class PathSession:
    """One turn of a learning path: reads the progress, answers, and leaves the new progress."""

    def __init__(self, kb: KnowledgeBase, state: Optional[Dict[str, Any]]):
        self.kb = kb
        self.state = dict(state or {})

    def reply(self, turn: Turn) -> Reply:
        reply = self._answer(turn)
        reply.events += [SlotSet(slot.LEARNING, self.state or None),
                         SlotSet(slot.ACTIVITY, "learning" if in_progress(self.state) else None)]
        return reply

    def _answer(self, turn: Turn) -> Reply:
        kb = self.kb
        if turn.intent == "start_learning":
            return self.start(turn)
        path = kb.learning_paths.get(self.state.get("path", ""))
        if path is None or not in_progress(self.state):
            message = "learning_no_question" if turn.intent == "choose_option" else "learning_choose"
            return answer_out_of_context(kb, turn, Reply([kb.messages[message]], path_buttons(kb)))
        if turn.intent == "choose_option":
            return self.mark(path, turn)
        if turn.intent == "learn_next":
            return self.advance(path)
        return self.current(path)  # "continue learning"

    def start(self, turn: Turn) -> Reply:
        kb = self.kb
        topics = turn.mentioned_topics(kb)
        path = next((p for p in (kb.learning_path_for(t.id) for t in topics) if p), None)
        if path is None and topics:
            return Reply([kb.messages["learning_no_path"]], path_buttons(kb))
        if path is None:
            current = kb.learning_paths.get(self.state.get("path", ""))
            if current and in_progress(self.state):
                return self.current(current)
            return Reply([kb.messages["learning_choose"]], path_buttons(kb))
        self.state = {"path": path.id, "step": 1, "question": 0, "score": 0, "awaiting": False}
        return Reply([path.intro, step_text(kb, path, 1)], [NEXT_BUTTON], path.topic, kinds.LEARNING, [path.id])

    def current(self, path: r.LearningPath) -> Reply:
        if self.state.get("awaiting"):
            return self.ask(path)
        text = step_text(self.kb, path, self.state["step"])
        return Reply([text], [NEXT_BUTTON], path.topic, kinds.LEARNING, [path.id])

    def advance(self, path: r.LearningPath) -> Reply:
        if self.state.get("awaiting"):
            return self.ask(path)
        if self.state["step"] < len(path.steps):
            self.state["step"] += 1
            return self.current(path)
        self.state["awaiting"] = True
        return self.ask(path)

    def ask(self, path: r.LearningPath) -> Reply:
        index = self.state["question"]
        options, _ = quiz_options(self.kb, path, path.quiz[index])
        return Reply([question_text(self.kb, path, index)], option_buttons(len(options)), path.topic,
                     kinds.LEARNING, [path.id])

    def mark(self, path: r.LearningPath, turn: Turn) -> Reply:
        kb = self.kb
        if not self.state.get("awaiting"):
            return answer_out_of_context(kb, turn, Reply([kb.messages["learning_no_question"]], [NEXT_BUTTON]))
        index = self.state["question"]
        question = path.quiz[index]
        options, right = quiz_options(kb, path, question)
        chosen = chosen_number(turn)
        if chosen is None or not 1 <= chosen <= len(options):
            return Reply([Answer.plain(f"Please choose 1 to {len(options)}.") + question_text(kb, path, index)],
                         option_buttons(len(options)))
        item = kb.item(question.checklist, question.item)
        verdict = kb.messages["learning_right"] if chosen == right else \
            kb.messages["learning_wrong"].format(answer=right)
        feedback = Answer.of(paragraph(f"{verdict} '{item.text}': {item.why}"),
                             formatting.source_part(kb, [kb.checklists[question.checklist].source], item.findings))
        self.state.update(score=self.state["score"] + (chosen == right), question=index + 1,
                          awaiting=index + 1 < len(path.quiz))
        if self.state["awaiting"]:
            following = self.ask(path)
            return Reply([feedback] + following.texts, following.buttons, path.topic, kinds.LEARNING, [path.id])
        self.state["finished"] = True
        done = kb.messages["learning_finished"].format(title=path.title, score=self.state["score"],
                                                       total=len(path.quiz))
        return Reply([feedback, done], path_buttons(kb, exclude=path.id), path.topic, kinds.LEARNING, [path.id])


class ActionLearning(KnowledgeAction):
    """start_learning, learn_next, choose_option and "continue learning"."""

    action_name = "action_learning"
    in_flow = True

    def answer(self, kb: KnowledgeBase, turn: Turn) -> Reply:
        return PathSession(kb, turn.slots.get(slot.LEARNING)).reply(turn)
