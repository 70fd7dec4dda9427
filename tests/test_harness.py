"""The evaluation and benchmark harness, without Rasa servers: maths, question files, reply scoring,
the load generator (against a tiny local HTTP server) and /proc memory readings."""
from __future__ import annotations

import asyncio
import os
import threading
from pathlib import Path

import numpy as np
import pytest
from aiohttp import web

from harness.load import run_load
from harness.procs import cpu_seconds, descendants, memory_mb
from harness.questions import (BENCH_QUESTIONS, E2E_QUESTIONS, Question, cited_ids, load_questions, missing,
                               nlu_examples, normalise, problems)
from harness.stats import latency_summary, percentile, ratio
from kb.parts import Answer, source

ROOT = Path(__file__).resolve().parent.parent
ACTION_KINDS = {"checklist", "findings", "definition", "glossary", "links", "audit", "contacts", "source",
                "urgent", "fallback", "small_talk"}


# --- maths ----------------------------------------------------------------------------------
@pytest.mark.parametrize("values", [[5.0], [3.0, 1.0, 2.0], list(range(1, 101)), [0.1, 9.7, 3.3, 3.3, 12.0, 0.4]])
@pytest.mark.parametrize("p", [0, 50, 95, 99, 100])
def test_percentile_matches_numpy(values, p):
    assert percentile(values, p) == pytest.approx(np.percentile(values, p))


def test_percentile_edge_cases():
    assert np.isnan(percentile([], 50))
    with pytest.raises(ValueError):
        percentile([1.0], 101)


def test_latency_summary_in_milliseconds_with_throughput():
    summary = latency_summary([0.010, 0.020, 0.030, 0.040], wall=2.0)
    assert summary["count"] == 4
    assert summary["p50_ms"] == pytest.approx(25.0)
    assert summary["max_ms"] == pytest.approx(40.0)
    assert summary["throughput_per_s"] == pytest.approx(2.0)


def test_ratio_handles_missing_figures():
    assert ratio(30.0, 10.0) == pytest.approx(3.0)
    assert ratio(None, 10.0) is None and ratio(1.0, 0) is None and ratio(1.0, None) is None


# --- question files -------------------------------------------------------------------------
@pytest.mark.parametrize("path", [E2E_QUESTIONS, BENCH_QUESTIONS, ROOT / "benchmarks" / "guided.yml"],
                         ids=["e2e", "bench", "guided"])
def test_question_files_load_and_name_only_real_entries(path, kb):
    questions = load_questions(path)
    assert questions
    assert problems(questions, kb) == []


def test_e2e_questions_are_held_out():
    training = nlu_examples(sorted((ROOT / "data" / "nlu").rglob("*.yml")))
    test_set = nlu_examples([ROOT / "tests" / "nlu" / "test_nlu.yml"])
    copied = [q.ask for q in load_questions(E2E_QUESTIONS) if normalise(q.ask) in training | test_set]
    assert copied == [], "held-out questions must not be copied from data/nlu or tests/nlu"


def test_e2e_questions_cover_every_checklist_and_enough_ground(kb):
    questions = load_questions(E2E_QUESTIONS)
    assert set(kb.checklists) <= {e for q in questions for e in q.expect}
    assert len(questions) >= 100 and all(len([q for q in questions if q.topic == t]) >= 4
                                         for t in {q.topic for q in questions})


def test_bench_mix_exercises_every_kind_of_action():
    assert {q.topic for q in load_questions(BENCH_QUESTIONS)} == ACTION_KINDS


def test_a_malformed_question_file_is_refused(tmp_path):
    path = tmp_path / "q.yml"
    path.write_text("topics:\n  referrals:\n    questions:\n      - {expect: checklist.referral}\n")
    with pytest.raises(ValueError):
        load_questions(path)


def test_problems_names_unknown_ids_messages_and_repeats(kb):
    questions = [Question("x", "a", ("checklist.nope",)), Question("x", "b", ("message.nope",)),
                 Question("x", "c", ()), Question("x", "d", ("term.lpt",)), Question("x", "d", ("term.lpt",))]
    found = problems(questions, kb)
    assert len(found) == 4 and any("checklist.nope" in f for f in found) and any("twice" in f for f in found)


def test_after_messages_come_first_in_the_script():
    question = Question("source", "where is that from?", ("def.contact_abuse",), ("what is contact abuse",))
    assert question.script == ("what is contact abuse", "where is that from?")


# --- scoring replies ------------------------------------------------------------------------
def test_cited_ids_come_from_the_answer_parts_not_the_text():
    cited = Answer.of(source("Source: FSA audit briefing (ref: checklist.referral)", ["checklist.referral"]))
    named = Answer(about="urgent.now")
    replies = [{"text": cited.text, "custom": cited.payload()}, {"text": "term.lpt", "custom": named.payload()},
               {"text": "(ref: def.contact_abuse)"}]
    assert cited_ids(replies) == {"checklist.referral", "urgent.now"}


def test_missing_checks_ids_messages_and_text(kb):
    answer = Answer.plain(kb.messages["greet"]).with_parts(source("Source: x", ["checklist.referral"]))
    reply = [{"text": answer.text, "custom": answer.payload()}]
    assert missing(Question("t", "q", ("checklist.referral", "message.greet")), reply, kb) == []
    assert missing(Question("t", "q", ("checklist.gp_involvement",)), reply, kb) == ["checklist.gp_involvement"]
    assert missing(Question("t", "q", ("message.thanks",)), reply, kb) == ["message.thanks"]
    assert missing(Question("t", "q", ("text:LLR familial",)), reply, kb) == []
    assert missing(Question("t", "q", ("checklist.referral",)), [{"text": "(ref: checklist.referral)"}], kb) \
        == ["checklist.referral"]


def test_normalise_drops_entity_annotations():
    assert normalise("does the [GP](term) get the [plan](topic)?") == "does the gp get the plan"


def test_confusion_matrix_from_report_and_errors():
    from evaluate_nlu import confusion
    report = {"a": {"support": 3}, "b": {"support": 2}, "accuracy": 0.8, "macro avg": {"support": 5}}
    errors = [{"intent": "a", "intent_prediction": {"name": "b"}}, {"intent": "b", "intent_prediction": {"name": "c"}}]
    labels, counts = confusion(report, errors)
    assert labels == ["a", "b", "c"]
    assert counts == [[2, 1, 0], [0, 1, 1], [0, 0, 0]]


# --- the load generator, against a tiny local server -----------------------------------------
@pytest.fixture(scope="module")
def fake_webhook():
    """A loopback HTTP server that answers like the REST channel; "fail" gets a 500."""
    async def webhook(request):
        body = await request.json()
        if body["message"] == "fail":
            return web.json_response({"error": "no"}, status=500)
        answer = Answer.of(source("Source: x (ref: checklist.referral)", ["checklist.referral"]))
        return web.json_response([{"recipient_id": body["sender"], "text": answer.text, "custom": answer.payload()}])

    loop = asyncio.new_event_loop()
    app = web.Application()
    app.router.add_post("/webhook", webhook)
    runner = web.AppRunner(app)
    loop.run_until_complete(runner.setup())
    site = web.TCPSite(runner, "127.0.0.1", 0)
    loop.run_until_complete(site.start())
    port = site._server.sockets[0].getsockname()[1]
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}/webhook"
    loop.call_soon_threadsafe(loop.stop)
    thread.join(5)


MIX = [Question("t", "right", ("checklist.referral",)), Question("t", "wrong", ("term.lpt",)),
       Question("t", "fail", ("checklist.referral",))]


def test_load_scores_every_reply_and_counts_errors(fake_webhook, kb):
    result = run_load(fake_webhook, MIX, kb, concurrency=1, requests=30, max_seconds=20)
    assert result.errors == 10 and result.scored == 20 and result.wrong == 10
    assert len(result.latencies) == 20 and result.wall > 0 and "500" in result.first_error


def test_concurrent_load_sends_exactly_the_budget(fake_webhook, kb):
    result = run_load(fake_webhook, MIX, kb, concurrency=8, requests=50, max_seconds=20)
    assert len(result.latencies) + result.errors == 50


def test_load_stops_at_the_time_limit(fake_webhook, kb):
    result = run_load(fake_webhook, [Question("t", "right", ("checklist.referral",))], kb, concurrency=2,
                      requests=10_000_000, max_seconds=0.5)
    assert result.wall < 5 and 0 < len(result.latencies) < 10_000_000


# --- /proc ------------------------------------------------------------------------------------
def test_memory_and_cpu_of_this_process():
    memory = memory_mb(os.getpid())
    assert memory["rss_mb"] > 10 and memory["tree_rss_mb"] >= memory["rss_mb"] and memory["peak_rss_mb"] > 0
    assert descendants(os.getpid())[0] == os.getpid()
    before = os.times()
    measured = cpu_seconds(os.getpid())
    # it counts live child processes too (servers other tests started), so only a lower bound holds
    assert measured >= before.user + before.system - 0.05
