"""The guided flows through a running server (REST channel, trained model, action server): the
self-check with an interruption, a stop, a resume and a restart; a learning path to the end; and
feedback stored without identifiers (read back over Rasa's HTTP API)."""
from __future__ import annotations

import json
import urllib.request
import uuid


from actions.learning import quiz_options
from harness.questions import cited_ids
from harness.servers import reply_text

class User:
    def __init__(self, assistant):
        self.assistant, self.sender = assistant, uuid.uuid4().hex

    def says(self, message: str) -> str:
        self.last = self.assistant.ask(self.sender, message)
        return reply_text(self.last)

    def cites(self, message: str) -> set:
        self.says(message)
        return cited_ids(self.last)

    def stored(self) -> dict:
        url = f"{self.assistant.rasa_url}/conversations/{self.sender}/tracker?token={self.assistant.token}"
        with urllib.request.urlopen(url, timeout=30) as response:
            return json.loads(response.read().decode())


def point(kb, number: int) -> str:
    return kb.checklists["checklist.referral"].items[number - 1].text


def test_self_check_with_a_question_in_the_middle_a_stop_and_a_resume(assistant, kb):
    user = User(assistant)
    assert point(kb, 1) in user.says("check my referral")
    assert point(kb, 2) in user.says("yes")
    interrupted = user.says("what is a chronology?")
    assert kb.terms["term.chronology"].text in interrupted and point(kb, 2) in interrupted  # asked again
    assert point(kb, 3) in user.says("no")
    assert "point 3 of 5" in user.says("stop")
    assert "term.lpt" in user.cites("what's LPT?")  # answered normally, no check question
    resumed = user.says("continue")
    assert point(kb, 3) in resumed
    user.says("not sure")
    user.says("yes")
    summary = user.says("yes")
    items = kb.checklists["checklist.referral"].items
    assert items[1].why in summary and items[2].why in summary and items[0].why not in summary
    assert kb.links["link.llr_procedures"].url in summary and "checklist.referral" in cited_ids(user.last)


def test_restarting_the_check_clears_the_answers(assistant, kb):
    user = User(assistant)
    user.says("check my referral")
    user.says("yes")
    assert point(kb, 1) in user.says("restart the check")
    assert user.stored()["slots"]["check_answers"] == []


def test_a_learning_path_from_the_first_step_to_the_score(assistant, kb):
    user = User(assistant)
    path = kb.learning_paths["learn.voice_of_child"]
    first = user.says("I'm new, can you teach me about hearing the voice of the child?")
    assert path.intro in first and "step 1 of" in first
    for _ in range(len(path.steps) - 1):
        user.says("next")
    assert "term.uava" in user.cites("who are UAVA?")  # a question in the middle
    assert f"step {len(path.steps)} of" in user.says("continue learning")
    assert "Question 1 of" in user.says("next")
    for index, question in enumerate(path.quiz):
        _, right = quiz_options(kb, path, question)
        said = user.says(f'/choose_option{{"choice":"{right}"}}')
        assert said.startswith(kb.messages["learning_right"])
    assert f"{len(path.quiz)} of {len(path.quiz)} right" in said
    assert user.stored()["slots"]["learning"]["finished"] is True


def test_feedback_is_stored_with_the_entry_and_without_identifiers(assistant):
    user = User(assistant)
    user.says("should the GP get the plan?")
    assert "Sorry it didn't help" in user.says("/rate_unhelpful")
    assert "Thank you" in user.says("Jane Smith's GP on 07700 900123 never got it, say who sends it")
    stored = user.stored()
    text = json.dumps(stored)
    assert "Jane Smith" not in text and "07700 900123" not in text
    feedback = [e["value"] for e in stored["events"] if e.get("event") == "slot" and e.get("name") == "feedback"]
    assert feedback == [{"rating": "not_helpful", "entries": ["checklist.gp_involvement"], "topic": "gps"}]
    comments = [e["value"] for e in stored["events"]
                if e.get("event") == "slot" and e.get("name") == "feedback_comment" and e["value"]]
    assert comments and "never got it" in comments[-1]


def test_a_disclosure_in_the_middle_of_a_self_check_comes_first_and_the_point_is_asked_again(assistant, kb):
    user = User(assistant)
    user.says("check my referral")
    assert point(kb, 2) in user.says("yes")
    replies = user.assistant.ask(user.sender, "no - and she's just told me her stepdad hurts her, "
                                              "she has to go home to him tonight")
    assert cited_ids(replies[:1]) >= {kb.urgent.id}
    assert point(kb, 2) in reply_text(replies)             # the same point again
    assert user.stored()["slots"]["check_answers"] == ["yes"]  # the disclosure is not an answer
    assert point(kb, 3) in user.says("yes")


def test_a_disclosure_in_the_middle_of_a_quiz_comes_first_and_the_quiz_waits(assistant, kb):
    user = User(assistant)
    path = kb.learning_paths["learn.voice_of_child"]
    user.says("I'm new, can you teach me about hearing the voice of the child?")
    for _ in range(len(path.steps)):
        user.says("next")
    replies = user.assistant.ask(user.sender, "sorry one sec, a boy in my group just told me his dad "
                                              "punches him when he's drunk")
    assert cited_ids(replies[:1]) >= {kb.urgent.id}
    assert user.stored()["slots"]["learning"]["awaiting"] is True
    assert "Question 1 of" in user.says("continue learning")


def test_a_disclosure_in_a_feedback_comment_gets_the_emergency_guidance(assistant, kb):
    user = User(assistant)
    user.says("should the GP get the plan?")
    user.says("/rate_unhelpful")
    replies = user.assistant.ask(user.sender, "not what i needed, the little girl i'm seeing says her "
                                              "uncle touches her")
    assert cited_ids(replies[:1]) >= {kb.urgent.id}
