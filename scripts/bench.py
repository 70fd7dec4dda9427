"""Speed and size: our assistant against the configuration `rasa init` writes, on the same data.

    python scripts/bench.py                  # full run: train both into a temp folder, benchmark both
    python scripts/bench.py --quick          # models/assistant.tar.gz only, fewer messages (about 1 min)
    python scripts/bench.py --skip-baseline  # ours only
    python scripts/bench.py --model PATH     # benchmark this model (training is still timed from --config)
    python scripts/bench.py --config PATH    # train and benchmark this configuration as "ours"

For each assistant, through the REST channel of a running `rasa run` with its action server (loopback);
ours twice, as `make run` ships it (the embedded SQLite store) and with the in-memory store of endpoints.yml:
latency p50/p95/p99 and throughput at 1, 10 and 50 concurrent conversations (benchmarks/questions.yml:
every kind of action), cold start (launching both processes to the first answer), resident memory of
each process after the load, training time (`rasa train` into a temp folder with an empty cache) and
model size; for ours also where one answer's time goes. Prints each figure, the baseline's and the
ratio, what the SQLite store costs over memory, and where each target of the issue stands (a report:
nothing fails). Writes results/bench/.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Dict, List, Optional

ROOT = Path(__file__).resolve().parent.parent

from tqdm import tqdm  # noqa: E402

from harness import charts  # noqa: E402
from harness.breakdown import measure_breakdown  # noqa: E402
from harness.echo import running_echo  # noqa: E402
from harness.load import run_load  # noqa: E402
from harness.procs import cpu_seconds, load_average, memory_mb  # noqa: E402
from harness.questions import BENCH_QUESTIONS, Question, load_questions, missing, problems  # noqa: E402
from harness.servers import MODEL, running_assistant  # noqa: E402
from harness.stats import latency_summary, ratio  # noqa: E402
from harness.training import size_mb, train_model  # noqa: E402
from kb import get_knowledge  # noqa: E402

OUT = ROOT / "results" / "bench"
BASELINE_CONFIG = ROOT / "benchmarks" / "baseline_config.yml"
FULL = {"requests": {1: 300, 10: 800, 50: 1200}, "max_seconds": 60}
QUICK = {"requests": {1: 80, 10: 200, 50: 300}, "max_seconds": 20}
GUIDED_QUESTIONS = ROOT / "benchmarks" / "guided.yml"

# (label, path into a result, "<=" or ">=", target), for `make run` as shipped (issue 13); ratios to
# the baseline and the store's cost over memory are separate
TARGETS = [
    ("p50, 1 conversation (ms)", ("load", "1", "p50_ms"), "<=", 15),
    ("answers/s, 10 conversations", ("load", "10", "throughput_per_s"), ">=", 150),
    ("cold start (s)", ("cold_start_s",), "<=", 5),
    ("Rasa server RSS (MB)", ("memory", "rasa", "tree_rss_mb"), "<=", 350),
    ("action server RSS (MB)", ("memory", "actions", "tree_rss_mb"), "<=", 150),
    ("training (s)", ("training_s",), "<=", 30),
]
THROUGHPUT_RATIO_TARGET = 5.0
STORE_COST_TARGET_MS = 2.0  # Rasa CPU per answer, SQLite store over in-memory
ECHO_RATIO_TARGET = 6.0  # round trip against a bare Sanic echo's


def log(message: str) -> None:
    tqdm.write(message, file=sys.stderr)


def dig(result: Optional[dict], path) -> Optional[float]:
    for key in path:
        if not isinstance(result, dict) or key not in result:
            return None
        result = result[key]
    return result


# --- measuring one assistant ----------------------------------------------------------------
def first_answer(assistant, question: Question) -> float:
    """Seconds for one answer (the cold start ends when it arrives)."""
    started = time.monotonic()
    assistant.ask(uuid.uuid4().hex, question.ask, timeout=120)
    return time.monotonic() - started


def warm_up(assistant, questions: List[Question], kb) -> List[str]:
    """Every script once, in its own conversation; the questions answered wrong."""
    wrong = []
    for question in tqdm(questions, desc="warm-up", leave=False):
        sender = uuid.uuid4().hex
        for text in question.after:
            assistant.ask(sender, text)
        if missing(question, assistant.ask(sender, question.ask), kb):
            wrong.append(question.ask)
    return wrong


def loads(webhook: str, pids: Dict[str, int], questions: List[Question], kb, settings: dict, name: str,
          levels: Optional[List[int]] = None, turns_per_conversation: int = 12) -> Dict[str, dict]:
    """Latency, throughput and each process's CPU per answer (`<name>_cpu_ms_per_answer` for each of
    `pids`, the first one logged) at each concurrency of `settings` (or only `levels`)."""
    results = {}
    for concurrency, requests in settings["requests"].items():
        if levels and concurrency not in levels:
            continue
        cpu_before = {p: cpu_seconds(pid) for p, pid in pids.items()}
        run = run_load(webhook, questions, kb, concurrency, requests, settings["max_seconds"],
                       turns_per_conversation=turns_per_conversation, label=f"{name}: {concurrency} conversation(s)")
        summary = latency_summary(run.latencies, run.wall)
        answered = max(len(run.latencies), 1)
        summary.update({f"{p}_cpu_ms_per_answer": (cpu_seconds(pid) - cpu_before[p]) * 1000 / answered
                        for p, pid in pids.items()})
        summary.update(errors=run.errors, wrong=run.wrong, scored=run.scored, wall_s=run.wall,
                       first_error=run.first_error, load_average=load_average())
        results[str(concurrency)] = summary
        first = next(iter(pids))
        log(f"  {name}: {concurrency:>2} conversation(s): p50 {summary['p50_ms']:.2f} ms, p95 {summary['p95_ms']:.1f} ms, "
            f"p99 {summary['p99_ms']:.1f} ms, {summary['throughput_per_s']:.1f} answers/s, {first} CPU "
            f"{summary[first + '_cpu_ms_per_answer']:.2f} ms/answer ({run.errors} errors, {run.wrong} wrong of {run.scored})")
    return results


def measure(name: str, model: Path, questions: List[Question], kb, settings: dict, breakdown: bool,
            tracker_store: Optional[dict] = None, guided: Optional[List[Question]] = None) -> dict:
    """One assistant's figures; `tracker_store` replaces endpoints.yml's (the in-memory store);
    `guided`, a second mix (the guided flows), is loaded at 10 conversations after the questions."""
    log(f"{name}: starting the servers with {model}")
    result = {"model": str(model), "model_mb": size_mb(model), "load_average_before": load_average(),
              "tracker_store": (tracker_store or {}).get("type", "endpoints.yml")}
    launched = time.monotonic()
    with running_assistant(model=model, log_dir=OUT / "logs" / name, rasa_args=["--enable-api"],
                           tracker_store=tracker_store) as assistant:
        result["first_answer_s"] = first_answer(assistant, questions[0])
        result["cold_start_s"] = time.monotonic() - launched
        result["ready_s"] = dict(assistant.ready_in)
        log(f"  {name}: cold start {result['cold_start_s']:.1f} s (Rasa ready after {assistant.ready_in['rasa']:.1f} s)")
        result["memory_after_start"] = {p: memory_mb(assistant.pid(p)) for p in ("rasa", "actions")}
        result["warm_up_wrong"] = warm_up(assistant, questions, kb)
        if result["warm_up_wrong"]:
            log(f"  {name}: answered wrong (and so counted wrong under load): {result['warm_up_wrong']}")
        pids = {p: assistant.pid(p) for p in ("rasa", "actions")}
        result["load"] = loads(assistant.webhook, pids, questions, kb, settings, name)
        if guided:
            # each script in a conversation of its own: a flow left open would change how the next begins
            result["load_guided"] = loads(assistant.webhook, pids, guided, kb, settings, f"{name}, guided flows",
                                          levels=[10],
                                          turns_per_conversation=max(len(q.script) for q in guided))
        result["memory"] = {p: memory_mb(assistant.pid(p)) for p in ("rasa", "actions")}
        if breakdown:
            result["breakdown"] = measure_breakdown(assistant.rasa_url, assistant.actions_url, questions,
                                                    secret=assistant.action_secret)
    return result


def measure_echo(questions: List[Question], kb, settings: dict) -> dict:
    """The floor: a bare Sanic echo on the same path, loaded by the same client at 1 and 10 conversations."""
    with running_echo(OUT / "logs" / "echo") as (webhook, process):
        return loads(webhook, {"echo": process.pid}, questions, kb, settings, "echo floor", levels=[1, 10])


def print_floor(ours: dict, echo: dict) -> None:
    """Each of `make run`'s figures against the bare echo's, measured the same way in the same run."""
    print(f"\n{'against the bare echo (same path, same client)':46} {'make run':>9} {'echo':>8} {'ratio':>7}")
    for label, mine, floor in (
            ("p50 at 1 conversation (ms)", dig(ours, ("load", "1", "p50_ms")), dig(echo, ("1", "p50_ms"))),
            ("p50 at 10 conversations (ms)", dig(ours, ("load", "10", "p50_ms")), dig(echo, ("10", "p50_ms"))),
            ("answers/s at 10 conversations", dig(ours, ("load", "10", "throughput_per_s")),
             dig(echo, ("10", "throughput_per_s"))),
            ("server CPU per answer, 1 conversation (ms)", dig(ours, ("load", "1", "rasa_cpu_ms_per_answer")),
             dig(echo, ("1", "echo_cpu_ms_per_answer")))):
        share = ratio(mine, floor)
        print(f"{label:46} {fmt(mine):>9} {fmt(floor):>8} {('%.3gx' % share) if share else '-':>7}")


# --- reporting ------------------------------------------------------------------------------
def figure_rows(ours: dict, baseline: Optional[dict]) -> List[tuple]:
    rows = []
    for level in ours["load"]:
        for key, unit in (("p50_ms", "ms"), ("p95_ms", "ms"), ("p99_ms", "ms"), ("throughput_per_s", "answers/s")):
            rows.append((f"{key.split('_')[0]} at {level} conv. ({unit})", ("load", level, key)))
        rows.append((f"Rasa CPU per answer at {level} conv. (ms)", ("load", level, "rasa_cpu_ms_per_answer")))
        rows.append((f"actions CPU per answer at {level} (ms)", ("load", level, "actions_cpu_ms_per_answer")))
        rows.append((f"errors / wrong at {level} conv.", ("load", level, "errors"), ("load", level, "wrong")))
    rows += [("guided flows: p50 at 10 conv. (ms)", ("load_guided", "10", "p50_ms")),
             ("guided flows: answers/s at 10 conv.", ("load_guided", "10", "throughput_per_s")),
             ("guided flows: Rasa CPU per answer (ms)", ("load_guided", "10", "rasa_cpu_ms_per_answer")),
             ("guided flows: errors / wrong", ("load_guided", "10", "errors"), ("load_guided", "10", "wrong"))]
    rows += [("cold start (s)", ("cold_start_s",)), ("Rasa ready (s)", ("ready_s", "rasa")),
             ("Rasa RSS after load (MB)", ("memory", "rasa", "tree_rss_mb")),
             ("Rasa peak RSS (MB)", ("memory", "rasa", "peak_rss_mb")),
             ("actions RSS after load (MB)", ("memory", "actions", "tree_rss_mb")),
             ("training (s)", ("training_s",)), ("training CPU, user+system (s)", ("training_cpu_s",)),
             ("model size (MB)", ("model_mb",))]
    return rows


def fmt(value: Optional[float]) -> str:
    if value is None:
        return "-"
    return f"{value:.0f}" if abs(value) >= 100 else f"{value:.1f}" if abs(value) >= 10 else f"{value:.2f}"


def print_figures(ours: dict, in_memory: Optional[dict], baseline: Optional[dict]) -> None:
    """`make run` as shipped first, ours on the in-memory store beside it, the baseline, the ratio of
    the first to the baseline."""
    print(f"\n{'figure':40} {'make run':>9} {'in-memory':>9} {'baseline':>9} {'ratio':>7}")
    for row in figure_rows(ours, baseline):
        label, path = row[0], row[1]
        if len(row) == 3:  # errors / wrong
            pair = lambda r: "-" if dig(r, path) is None else f"{dig(r, path)}/{dig(r, row[2])}"  # noqa: E731
            print(f"{label:40} {pair(ours):>9} {pair(in_memory):>9} {pair(baseline):>9}")
            continue
        mine, theirs = dig(ours, path), dig(baseline, path)
        share = ratio(mine, theirs)
        print(f"{label:40} {fmt(mine):>9} {fmt(dig(in_memory, path)):>9} {fmt(theirs):>9} "
              f"{('%.2fx' % share) if share else '-':>7}")


def store_cost(ours: dict, in_memory: Optional[dict]) -> Optional[float]:
    """Rasa CPU per answer that the SQLite store adds over the in-memory one, one conversation at a time."""
    path = ("load", "1", "rasa_cpu_ms_per_answer")
    if in_memory is None or dig(ours, path) is None or dig(in_memory, path) is None:
        return None
    return dig(ours, path) - dig(in_memory, path)


def target_status(ours: dict, in_memory: Optional[dict], baseline: Optional[dict], echo: dict) -> List[dict]:
    status = []
    for label, path, op, goal in TARGETS:
        value = dig(ours, path)
        met = None if value is None else (value <= goal if op == "<=" else value >= goal)
        status.append({"target": label, "goal": f"{op} {goal}", "value": value, "met": met})
    share = ratio(dig(ours, ("load", "10", "throughput_per_s")), dig(baseline, ("load", "10", "throughput_per_s")))
    status.append({"target": "throughput vs baseline, 10 conversations", "goal": f">= {THROUGHPUT_RATIO_TARGET}x",
                   "value": share, "met": None if share is None else share >= THROUGHPUT_RATIO_TARGET})
    share = ratio(dig(ours, ("load", "1", "p50_ms")), dig(echo, ("1", "p50_ms")))
    status.append({"target": "p50 over the bare echo's, 1 conversation", "goal": f"<= {ECHO_RATIO_TARGET}x",
                   "value": share, "met": None if share is None else share <= ECHO_RATIO_TARGET})
    cost = store_cost(ours, in_memory)
    status.append({"target": "SQLite store over in-memory, Rasa CPU (ms)", "goal": f"<= {STORE_COST_TARGET_MS}",
                   "value": cost, "met": None if cost is None else cost <= STORE_COST_TARGET_MS})
    return status


def print_targets(status: List[dict]) -> None:
    print(f"\n{'target (issue 13, make run)':42} {'goal':>8} {'now':>9}  status")
    for row in status:
        word = {True: "met", False: "NOT MET", None: "not measured"}[row["met"]]
        print(f"{row['target']:42} {row['goal']:>8} {fmt(row['value']):>9}  {word}")


def print_breakdown(ours: dict) -> None:
    parts = ours.get("breakdown")
    one = dig(ours, ("load", "1", "p50_ms"))
    if not parts or one is None:
        return
    nlu, action = parts["nlu"]["p50_ms"], parts["action_call"]["p50_ms"]
    print(f"\nWhere one answer's time goes (ours, p50, one conversation at a time): end to end {one:.1f} ms")
    print(f"  NLU (/model/parse)                        {nlu:6.1f} ms")
    print(f"  action call, new connection (as Rasa 3.6) {action:6.1f} ms   request {parts['action_request_kb']:.0f} kB, "
          f"of which domain {parts['domain_kb']:.0f} kB")
    print(f"    ... on a kept-alive connection          {parts['action_call_kept_alive']['p50_ms']:6.1f} ms")
    print(f"    ... kept alive, without the domain      {parts['action_call_kept_alive_without_domain']['p50_ms']:6.1f} ms")
    print(f"  the rest (tracker store, lock, policies, channel) {one - nlu - action:6.1f} ms")


# --- main -----------------------------------------------------------------------------------
def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="fewer messages, no baseline; models/assistant.tar.gz unless --model or --config")
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument("--skip-training", action="store_true", help="no training-time figure for ours")
    parser.add_argument("--model", type=Path, help="benchmark this model instead of one trained from --config")
    parser.add_argument("--config", type=Path, help="our configuration to train (default config.yml)")
    parser.add_argument("--baseline-config", type=Path, default=BASELINE_CONFIG)
    parser.add_argument("--baseline-model", type=Path, help="reuse a trained baseline (its training is not timed)")
    parser.add_argument("--questions", type=Path, default=BENCH_QUESTIONS)
    parser.add_argument("--keep", action="store_true", help="keep the temp folder with the trained models")
    args = parser.parse_args()
    if args.quick:  # ours only; the given model, else the one trained from --config, else models/
        args.skip_baseline = True
        args.skip_training = args.skip_training or args.config is None
        args.model = args.model or (None if args.config else MODEL)
    args.config = args.config or ROOT / "config.yml"
    return args


def timed_training(config: Path, work: Path, name: str) -> tuple:
    """(model, {training_s, training_cpu_s, load averages})."""
    log(f"Training {name} from {config} (timed)")
    before = load_average()
    seconds, cpu, model = train_model(config, work, name)
    log(f"  {name}: trained in {seconds:.1f} s ({cpu:.0f} s of CPU)")
    return model, {"training_s": seconds, "training_cpu_s": cpu,
                   "training_load_average": [before, load_average()]}


def ours_model(args, work: Path) -> tuple:
    """(model to benchmark, training figures)."""
    model, figures = None, {}
    if not args.skip_training:
        model, figures = timed_training(args.config, work, "ours")
    return (args.model or model or MODEL), figures


def baseline_model(args, work: Path) -> tuple:
    if args.baseline_model:
        return args.baseline_model, {}
    return timed_training(args.baseline_config, work, "baseline")


def main() -> int:
    args = parse_args()
    kb = get_knowledge()
    questions = load_questions(args.questions)
    wrong = problems(questions, kb) + problems(load_questions(GUIDED_QUESTIONS), kb)
    if wrong:
        raise SystemExit("The benchmark questions have problems:\n  " + "\n  ".join(wrong))
    settings = QUICK if args.quick else FULL
    OUT.mkdir(parents=True, exist_ok=True)
    if load_average() > 0.5:
        log(f"Note: the load average is {load_average():.1f}; other work on this machine will slow the figures.")
    work = Path(tempfile.mkdtemp(prefix="bench-"))
    try:
        model, ours_training = ours_model(args, work)
        base_model, base_training = (None, {}) if args.skip_baseline else baseline_model(args, work)
        shipped = {"type": "production.tracker_store.EmbeddedTrackerStore", "db": str(work / "conversations.db")}
        ours = dict(measure("ours", model, questions, kb, settings, breakdown=True, tracker_store=shipped,
                            guided=load_questions(GUIDED_QUESTIONS)), **ours_training)
        in_memory = measure("ours, in memory", model, questions, kb, settings, breakdown=False)
        echo = measure_echo(questions, kb, settings)
        baseline = None
        if base_model:
            baseline = dict(measure("baseline", base_model, questions, kb, settings, breakdown=False), **base_training)
    finally:
        if args.keep:
            log(f"Trained models kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    status = target_status(ours, in_memory, baseline, echo)
    print_figures(ours, in_memory, baseline)
    print_floor(ours, echo)
    print_breakdown(ours)
    print_targets(status)
    report = {"machine": {"cpus": os.cpu_count(), "load_average_at_end": load_average()},
              "settings": {"requests": settings["requests"], "max_seconds": settings["max_seconds"],
                           "questions": str(args.questions), "config": str(args.config),
                           "baseline_config": None if args.skip_baseline else str(args.baseline_config)},
              "ours": ours, "ours_in_memory": in_memory, "echo_floor": echo, "baseline": baseline,
              "targets": status}
    (OUT / "bench.json").write_text(json.dumps(report, indent=2, default=str))
    charts.bench(ours, baseline, OUT / "bench.png")
    print(f"\nWritten {(OUT / 'bench.json').relative_to(ROOT)} and {(OUT / 'bench.png').relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
