"""What each conversation store costs per answer, in process, on conversations shaped like ours.

    python scripts/bench_store.py               # 40 conversations of 20 turns, every store
    python scripts/bench_store.py --turns 50    # longer conversations

Each turn is what Rasa does for one answer: load the conversation, add the turn's events (the user's
message with its intent ranking, the action, a long bot reply with its structured parts, slots,
action_listen), save it. Prints the median and 95th percentile of CPU milliseconds per turn (process
time, so a busy machine changes little), and each store's cost over Rasa's plain in-memory store.
A report: nothing fails.
"""
from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, Dict, List, Tuple

ROOT = Path(__file__).resolve().parent.parent

from rasa.core.tracker_store import InMemoryTrackerStore  # noqa: E402
from rasa.shared.core.domain import Domain  # noqa: E402
from rasa.shared.core.events import (ActionExecuted, BotUttered, Event, SessionStarted,  # noqa: E402
                                     SlotSet, UserUttered)

from production.tracker_store import (EmbeddedTrackerStore, RedactingInMemoryTrackerStore,  # noqa: E402
                                      RedactingSQLTrackerStore)

QUESTION = "Jane Smith's GP asked what a referral must include, her dob is 12/03/2015 - what do I put in it?"
ANSWER = ("What a referral must include\n" + "\n".join(f"{n}. An item of the checklist, with why it matters "
                                                       "according to the audit's findings." for n in range(1, 9)))


def turn_events(turn: int) -> List[Event]:
    ranking = [{"name": f"intent_{n}", "confidence": 1 / (n + 2)} for n in range(10)]
    parse = {"intent": ranking[0], "entities": [], "intent_ranking": ranking, "text": QUESTION}
    return [UserUttered(QUESTION, ranking[0], [], parse_data=parse, metadata={"out_channel": "C0123"}),
            ActionExecuted("action_answer_checklist"),
            BotUttered(ANSWER, {"custom": {"kind": "answer", "entry": "checklist.referral", "turn": turn}}),
            SlotSet("last_entries", ["checklist.referral"]), SlotSet("area", "leicester"),
            ActionExecuted("action_listen")]


SESSION_START = [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")]


async def conversation_costs(store, sender: str, turns: int) -> List[Tuple[float, float]]:
    """(CPU, wall) milliseconds of each turn's load and save (the events are made outside the clock)."""
    costs = []
    for turn in range(turns):
        new = (SESSION_START if turn == 0 else []) + turn_events(turn)
        cpu, wall = time.process_time(), time.perf_counter()
        tracker = await store.retrieve(sender) or store.init_tracker(sender)
        for event in new:
            tracker.update(event)
        await store.save(tracker)
        costs.append(((time.process_time() - cpu) * 1000, (time.perf_counter() - wall) * 1000))
    return costs


def measure(make_store: Callable[[], object], conversations: int, turns: int) -> List[Tuple[float, float]]:
    store = make_store()

    async def run() -> List[Tuple[float, float]]:
        costs: List[Tuple[float, float]] = []
        for index in range(conversations):
            costs += await conversation_costs(store, f"bench-{index}", turns)
        return costs
    return asyncio.run(run())


def stores(domain: Domain, folder: Path) -> Dict[str, Callable[[], object]]:
    return {
        "Rasa in-memory (no redaction)": lambda: InMemoryTrackerStore(domain),
        "redacting in-memory (endpoints.yml)": lambda: RedactingInMemoryTrackerStore(domain),
        "embedded SQLite (make run)": lambda: EmbeddedTrackerStore(domain=domain, db=str(folder / "embedded.db")),
        "redacting SQL on SQLite (production's class)": lambda: RedactingSQLTrackerStore(
            domain=domain, dialect="sqlite", db=str(folder / "sql.db")),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--conversations", type=int, default=40)
    parser.add_argument("--turns", type=int, default=20)
    args = parser.parse_args()
    domain = Domain.load(str(ROOT / "domain.yml"))
    with tempfile.TemporaryDirectory() as folder:
        results = {name: measure(make, args.conversations, args.turns)
                   for name, make in stores(domain, Path(folder)).items()}
    floor = statistics.median(cpu for cpu, _ in next(iter(results.values())))
    print(f"ms per answer (load + save), {args.conversations} conversations of {args.turns} turns")
    print(f"{'store':46} {'CPU p50':>8} {'CPU p95':>8} {'wall p50':>9} {'CPU over Rasa in-memory':>24}")
    for name, costs in results.items():
        cpu = [c for c, _ in costs]
        p50, p95 = statistics.median(cpu), statistics.quantiles(cpu, n=20)[-1]
        wall = statistics.median(w for _, w in costs)
        print(f"{name:46} {p50:8.2f} {p95:8.2f} {wall:9.2f} {p50 - floor:+24.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
