"""The guided flows' actions on real trackers and the real knowledge base: learning paths, quizzes,
the self-check summary, feedback, and progress kept across sessions."""
from __future__ import annotations

import pytest

from actions.feedback import ActionFeedback, ActionFeedbackComment
from actions.learning import ActionLearning, chosen_number, quiz_options, step_text
from actions.resume import ActionResume
from actions.self_check import ActionStartCheck, ValidateSelfCheckForm, summary_text
from actions.session import ActionSessionStart
from actions.conversation import Turn
from tests.helpers import answer_buttons, cited, make_tracker, run_action, slot, texts
from tests.test_validator import edit, problems, the_one


def all_questions(kb):
    return [(path, q) for path in kb.learning_paths.values() for q in path.quiz]


def test_every_theme_with_a_checklist_named_in_the_issue_has_a_path(kb):
    assert {"voice_of_child", "referrals", "plans", "gps", "record_keeping"} <= \
        {p.topic for p in kb.learning_paths.values()}


def test_steps_show_the_entries_they_name_with_their_sources(kb):
    for path in kb.learning_paths.values():
        for number, step in enumerate(path.steps, start=1):
            answer = step_text(kb, path, number)
            text = answer.text
            for finding in step.findings:
                assert kb.findings[finding].text in text and finding in answer.ids
            for item_id in step.items:
                assert kb.item(step.checklist, item_id).why in text
            assert any(p["kind"] == "source" for p in answer.parts)


def test_quiz_options_hold_the_right_reason_once_and_are_stable(kb):
    for path, question in all_questions(kb):
        options, right = quiz_options(kb, path, question)
        assert len(options) == len(set(options)) == 3
        assert options[right - 1] == kb.item(question.checklist, question.item).why
        assert quiz_options(kb, path, question) == (options, right)
        own = {i.why for c in kb.checklists.values() if c.topic == path.topic for i in c.items}
        assert not (set(options) - {options[right - 1]}) & own  # distractors come from other themes


@pytest.mark.parametrize("text, entities, expected", [
    ("2", (), 2), ("option 3", (), 3), ("the first one", (), 1), ("b", (), 2), ("I think it's 1", (), 1),
    ("/choose_option", (("choice", "3"),), 3), ("no idea", (), None),
])
def test_typed_and_clicked_answers_are_read(text, entities, expected):
    turn = Turn(text=text, intent="choose_option", entities=list(entities))
    assert chosen_number(turn) == expected


def walk(kb, path_topic):
    """Start a path, read every step, answer every question right; return the last reply and state."""
    action = ActionLearning()
    messages, events = run_action(action, "teach me", "start_learning", [("topic", path_topic)])
    state = slot(events, "learning")
    path = kb.learning_paths[state["path"]]
    for _ in range(len(path.steps)):
        messages, events = run_action(action, "next", "learn_next", slots={"learning": state})
        state = slot(events, "learning")
    assert "Question 1 of" in texts(messages)
    for question in path.quiz:
        _, right = quiz_options(kb, path, question)
        messages, events = run_action(action, str(right), "choose_option", slots={"learning": state})
        state = slot(events, "learning")
    return messages, events, state, path


def test_a_path_runs_from_first_step_to_a_full_score(kb):
    messages, events, state, path = walk(kb, "voice_of_child")
    assert f"{len(path.quiz)} of {len(path.quiz)} right" in texts(messages)
    assert state["finished"] and slot(events, "activity") is None


def test_a_wrong_answer_gets_the_right_one_and_the_reason(kb):
    path = kb.learning_paths["learn.referrals"]
    state = {"path": path.id, "step": len(path.steps), "question": 0, "score": 0, "awaiting": True}
    options, right = quiz_options(kb, path, path.quiz[0])
    wrong = 1 if right != 1 else 2
    messages, events = run_action(ActionLearning(), str(wrong), "choose_option", slots={"learning": state})
    said = texts(messages)
    assert f"The answer is {right}" in said and options[right - 1] in said
    assert slot(events, "learning")["score"] == 0 and slot(events, "learning")["question"] == 1


def test_an_unreadable_answer_is_asked_again(kb):
    path = kb.learning_paths["learn.referrals"]
    state = {"path": path.id, "step": len(path.steps), "question": 0, "score": 0, "awaiting": True}
    messages, events = run_action(ActionLearning(), "hmm", "choose_option", slots={"learning": state})
    assert "Please choose 1 to 3" in texts(messages)
    assert slot(events, "learning") == state


def test_continue_picks_up_the_step_or_question_in_progress(kb):
    path = kb.learning_paths["learn.plans"]
    state = {"path": path.id, "step": 2, "question": 0, "score": 0, "awaiting": False}
    messages, _ = run_action(ActionResume(), "continue learning", "resume", slots={"learning": state})
    assert f"step 2 of {len(path.steps)}" in texts(messages)


def test_continue_with_nothing_paused_says_so(kb):
    messages, _ = run_action(ActionResume(), "continue", "resume")
    assert kb.messages["nothing_to_resume"] in texts(messages)


def test_a_path_for_a_theme_without_one_offers_the_others(kb):
    messages, _ = run_action(ActionLearning(), "teach me about supervision", "start_learning",
                             [("topic", "supervision")])
    assert kb.messages["learning_no_path"] in texts(messages)
    assert len(answer_buttons(messages)) >= 4


def test_the_self_check_summary_lists_only_the_gaps_with_their_reasons(kb):
    checklist = kb.checklists["checklist.referral"]
    answers = ["yes", "no", "unsure", "yes", "yes"]
    text = summary_text(kb, checklist, answers).text
    assert checklist.items[1].why in text and checklist.items[2].why in text
    assert checklist.items[0].text not in text and kb.links["link.llr_procedures"].url in text
    assert kb.messages["check_complete"].format(title=checklist.title) in \
        summary_text(kb, checklist, ["yes"] * len(checklist.items)).text


def test_the_form_keeps_asking_until_every_point_has_an_answer(kb):
    validator = ValidateSelfCheckForm()
    checklist = kb.checklists["checklist.referral"]
    slots = {"check_list": checklist.id, "check_answers": ["yes"] * (len(checklist.items) - 2)}
    tracker = make_tracker("no", "deny", slots=slots)
    from rasa_sdk.executor import CollectingDispatcher
    result = validator.validate_check_reply("no", CollectingDispatcher(), tracker, {})
    assert result == {"check_answers": slots["check_answers"] + ["no"], "check_reply": None}
    slots["check_answers"] = result["check_answers"]
    result = validator.validate_check_reply("unsure", CollectingDispatcher(), make_tracker("x", "not_sure", slots=slots), {})
    assert result["check_reply"] == "unsure" and len(result["check_answers"]) == len(checklist.items)


def test_a_plan_check_uses_the_plans_checklist(kb):
    messages, events = run_action(ActionStartCheck(), "check my plan", "start_self_check", [("topic", "plans")])
    assert slot(events, "check_list") == "checklist.accessible_plans"
    assert kb.checklists["checklist.accessible_plans"].title in texts(messages)


def test_feedback_keeps_the_rating_with_the_answers_entries():
    slots = {"last_entries": ["checklist.referral"], "last_topic": "referrals"}
    _, events = run_action(ActionFeedback(), "/rate_unhelpful", "rate_unhelpful", slots=slots)
    assert slot(events, "feedback") == {"rating": "not_helpful", "entries": ["checklist.referral"],
                                        "topic": "referrals"}


def test_praise_with_no_answer_to_rate_is_thanked_and_not_stored(kb):
    messages, events = run_action(ActionFeedback(), "cheers, really useful", "rate_helpful")
    assert texts(messages) == kb.messages["thanks"] and slot(events, "feedback") is None


def test_a_feedback_comment_is_kept_without_identifiers():
    _, events = run_action(ActionFeedbackComment(), "x", "x",
                           slots={"feedback_comment": "Jane Smith on 07700 900123 needs UAVA info"})
    kept = slot(events, "feedback_comment")
    assert "Jane Smith" not in kept and "07700 900123" not in kept and "UAVA" in kept


def test_a_new_session_keeps_the_learning_progress():
    state = {"path": "learn.plans", "step": 2, "question": 0, "score": 0, "awaiting": False}
    tracker = make_tracker("", "", slots={"learning": state, "activity": "learning", "last_topic": "plans"})
    events = ActionSessionStart().run(None, tracker, {})
    kept = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    assert kept == {"learning": state, "activity": "learning"}
    assert events[0]["event"] == "session_started" and events[-1]["name"] == "action_listen"


def test_a_learning_step_naming_a_missing_item_is_caught(knowledge_copy):
    edit(knowledge_copy, "learning.yml", "items: [range_of_methods, non_verbal_cues",
         "items: [range_of_methods, non_verbal_queues")
    problem = the_one(problems(knowledge_copy), "learning.yml", "learn.voice_of_child", "non_verbal_queues")
    assert "Its items:" in problem


def test_a_quiz_question_with_an_unknown_checklist_is_caught(knowledge_copy):
    edit(knowledge_copy, "learning.yml", "{id: q1, checklist: checklist.voice_of_child",
         "{id: q1, checklist: checklist.voice")
    the_one(problems(knowledge_copy), "learning.yml", "learn.voice_of_child", "checklist.voice")


def test_a_comment_about_danger_now_gets_the_emergency_guidance(kb):
    messages, _ = run_action(ActionFeedbackComment(), "x", "x",
                             slots={"feedback_comment": "a child has just told me she is being abused"})
    assert "999" in messages[0]["text"]


def ranked(text: str, ranking, slots=None):
    """A tracker whose NLU ranking is given: [(intent, confidence), ...], best first."""
    tracker = make_tracker(text, ranking[0][0], slots=slots)
    tracker.latest_message["intent"]["confidence"] = ranking[0][1]
    tracker.latest_message["intent_ranking"] = [{"name": n, "confidence": c} for n, c in ranking]
    return tracker


def run_on(action, tracker):
    from rasa_sdk.executor import CollectingDispatcher
    dispatcher = CollectingDispatcher()
    action.run(dispatcher, tracker, {})
    return dispatcher.messages


def test_a_question_taken_for_a_quiz_answer_is_answered_as_a_question(kb):
    tracker = ranked("child born 03/04/2012, what must the referral include?",
                     [("choose_option", 0.5), ("ask_referral", 0.3), ("out_of_scope", 0.1)])
    assert "checklist.referral" in cited(run_on(ActionLearning(), tracker))


def test_a_clear_yes_with_nothing_to_answer_says_so(kb):
    said = texts(run_on(ActionResume(), ranked("yes", [("affirm", 0.98), ("thanks", 0.01)])))
    assert kb.messages["nothing_to_resume"] in said


def test_gibberish_taken_for_a_flow_word_gets_an_honest_answer(kb):
    said = texts(run_on(ActionResume(), ranked("qwertyuiop zxcv", [("stop", 0.6), ("out_of_scope", 0.2)])))
    assert kb.links["link.llr_procedures"].url in said  # a decline or the closest parts: the procedures either way


def test_a_question_typed_as_a_comment_is_answered_too(kb):
    tracker = ranked("what must a referral include?", [("ask_referral", 0.95), ("ask_findings", 0.02)],
                     slots={"feedback_comment": "what must a referral include?"})
    said = run_on(ActionFeedbackComment(), tracker)
    assert kb.messages["feedback_comment_thanks"] in texts(said) and "checklist.referral" in cited(said)


def test_a_plain_comment_is_not_answered_as_a_question(kb):
    tracker = ranked("it should name who sends the plan", [("ask_plans", 0.7), ("ask_gp", 0.2)],
                     slots={"feedback_comment": "it should name who sends the plan"})
    said = run_on(ActionFeedbackComment(), tracker)
    assert kb.messages["feedback_comment_thanks"] in texts(said) and not cited(said)
