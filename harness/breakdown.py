"""Where the time of one answer goes: NLU alone, the action server alone, and the rest (Rasa core).

Needs `rasa run --enable-api` (for /model/parse, /domain and the tracker). One conversation at a time:

    NLU          POST /model/parse                      (tokenise, featurise, classify, extract)
    action call  POST the action server's /webhook with the real tracker and domain Rasa would send, on a
                 new connection each time as Rasa 3.6 does (a new aiohttp session per call); also on a
                 kept-alive connection, and without the domain (endpoints.yml `enable_selective_domain`)
    rest         end-to-end p50 - NLU p50 - action p50  (tracker store, lock, policies, channel, HTTP)
"""
from __future__ import annotations

import asyncio
import json
import time
import uuid
from typing import Dict, List, Optional

import aiohttp

from harness.questions import Question
from harness.stats import latency_summary

ROUNDS = 5


async def _timed(session: aiohttp.ClientSession, method: str, url: str, **kwargs) -> float:
    started = time.perf_counter()
    async with session.request(method, url, **kwargs) as response:
        await response.read()
        response.raise_for_status()
    return time.perf_counter() - started


async def _json(session: aiohttp.ClientSession, method: str, url: str, **kwargs):
    async with session.request(method, url, **kwargs) as response:
        response.raise_for_status()
        return await response.json(content_type=None)


def _last_custom_action(tracker: dict) -> Optional[str]:
    names = [e.get("name") for e in tracker.get("events", []) if e.get("event") == "action"]
    custom = [n for n in names if n and n.startswith("action_") and n not in ("action_listen", "action_session_start")]
    return custom[-1] if custom else None


def _as_sent(tracker: dict) -> dict:
    """The tracker as Rasa sends it to the action server: up to the user's message, before the action ran."""
    events = tracker.get("events", [])
    last_user = max((i for i, e in enumerate(events) if e.get("event") == "user"), default=len(events) - 1)
    return dict(tracker, events=events[:last_user + 1])


async def _action_calls(session, rasa_url: str, actions_url: str, questions: List[Question]) -> List[dict]:
    """One real action-server request body per question (from its tracker after the question)."""
    domain = await _json(session, "GET", f"{rasa_url}/domain", headers={"Accept": "application/json"})
    bodies = []
    for question in questions:
        sender = uuid.uuid4().hex
        for text in question.script:
            await _json(session, "POST", f"{rasa_url}/webhooks/rest/webhook", json={"sender": sender, "message": text})
        tracker = await _json(session, "GET", f"{rasa_url}/conversations/{sender}/tracker")
        action = _last_custom_action(tracker)
        if action:
            bodies.append({"next_action": action, "sender_id": sender, "tracker": _as_sent(tracker),
                           "domain": domain, "version": "3.6.21"})
    return bodies


async def _breakdown(rasa_url: str, actions_url: str, questions: List[Question], rounds: int,
                     secret: str) -> Dict[str, object]:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as session:
        bodies = await _action_calls(session, rasa_url, actions_url, questions)
        nlu, fresh, kept, lean = [], [], [], []
        url, sent = f"{actions_url}/webhook", {"X-Action-Secret": secret}  # as Rasa calls it
        for _ in range(rounds):
            for question in questions:
                nlu.append(await _timed(session, "POST", f"{rasa_url}/model/parse", json={"text": question.ask}))
            for body in bodies:
                async with aiohttp.ClientSession() as new_session:  # what Rasa 3.6 does per action call
                    fresh.append(await _timed(new_session, "POST", url, json=body, headers=sent))
                kept.append(await _timed(session, "POST", url, json=body, headers=sent))
                lean.append(await _timed(session, "POST", url, headers=sent,
                                         json={k: v for k, v in body.items() if k != "domain"}))
        sizes = [len(json.dumps(b)) for b in bodies] or [0]
        domain_sizes = [len(json.dumps(b.get("domain"))) for b in bodies] or [0]
        return {"nlu": latency_summary(nlu), "action_call": latency_summary(fresh),
                "action_call_kept_alive": latency_summary(kept),
                "action_call_kept_alive_without_domain": latency_summary(lean),
                "action_request_kb": sum(sizes) / len(sizes) / 1024,
                "domain_kb": sum(domain_sizes) / len(domain_sizes) / 1024}


def measure_breakdown(rasa_url: str, actions_url: str, questions: List[Question], rounds: int = ROUNDS,
                      secret: str = "") -> Dict[str, object]:
    """`secret`: the action server's shared secret (the running assistant's `action_secret`)."""
    return asyncio.run(_breakdown(rasa_url, actions_url, questions, rounds, secret))
