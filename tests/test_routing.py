"""The one routing table (actions/routing.py): every intent is routed once, the rules are generated
from it, and a new theme or form needs no hand-written rule."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path


from kb import yamlio

from actions import routing
from actions.out_of_context import ANSWERING, question_action
from kb import get_knowledge

ROOT = Path(__file__).resolve().parent.parent
import generate_rules  # noqa: E402


def flow_intents() -> set:
    """Intents that the guided-flow rules route (what "yes" or "next" means depends on the flow)."""
    rules = yamlio.load((ROOT / "data" / "rules" / "guided.yml").read_text(encoding="utf-8"))["rules"]
    found = set()
    for rule in rules:
        for step in rule.get("steps", []):
            found |= {step["intent"]} if "intent" in step else {o["intent"] for o in step.get("or", []) if "intent" in o}
    return found


def test_every_domain_intent_is_routed_once_or_is_a_flow_intent():
    domain = yamlio.load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    routed = [i for route in routing.all_routes(get_knowledge()) for i in route.intents]
    assert len(routed) == len(set(routed)), "an intent is in two routes"
    unrouted = set(domain["intents"]) - set(routed) - flow_intents()
    assert unrouted == set()
    assert set(routed) - {"nlu_fallback"} <= set(domain["intents"])  # nothing routed that NLU cannot predict


def test_the_slots_the_actions_name_are_the_domains():
    from actions import slots
    assert set(slots.ALL) == set(yamlio.load((ROOT / "domain.yml").read_text())["slots"])


def test_every_routed_action_exists_and_every_question_has_its_answering_action():
    domain = yamlio.load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    kb = get_knowledge()
    assert {r.action for r in routing.all_routes(kb)} <= set(domain["actions"])
    for intent, action in routing.question_actions(kb).items():
        assert question_action(kb, intent) is ANSWERING[action]


def test_the_generated_rules_are_up_to_date():
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "generate_rules.py"), "--check"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_a_new_theme_and_a_new_form_need_no_hand_written_rule(monkeypatch):
    """A theme in knowledge/topics.yml (with a checklist) is routed by the generated rules, outside
    every form and inside each one; a new form is one name in routing.FORMS."""
    kb = get_knowledge()
    assert set(routing.theme_intents(kb)) == {t.intent for t in kb.topics.values() if t.intent and t.checklists}
    monkeypatch.setattr(routing, "theme_intents", lambda kb: ["ask_new_theme"])
    monkeypatch.setattr(generate_rules, "FORMS", ("self_check_form", "another_form"))
    routes = routing.all_routes(kb)
    answers = yamlio.load(generate_rules.answers(routes))["rules"]
    inside = yamlio.load(generate_rules.interruptions(routes))["rules"]
    assert [r["steps"][-1]["action"] for r in answers if "ask_new_theme" in str(r["steps"])] == [routing.THEME_ACTION]
    assert {r["condition"][0]["active_loop"] for r in inside if "ask_new_theme" in str(r["steps"])} == \
        {"self_check_form", "another_form"}


def test_goodbye_inside_a_form_is_not_answered_there():
    """In the self-check, goodbye pauses the check (guided.yml) instead of being small talk."""
    rules = yamlio.load((ROOT / "data" / "rules" / "generated" / "interruptions.yml").read_text())["rules"]
    assert not any("goodbye" in str(rule["steps"]) for rule in rules)
    assert "goodbye" in flow_intents()


def test_the_action_server_registers_every_action_by_its_name_and_no_base_class():
    from rasa_sdk.executor import ActionExecutor
    executor = ActionExecutor()
    executor.register_package("actions")
    assert "" not in executor.actions
    assert set(routing.question_actions(get_knowledge()).values()) <= set(executor.actions)
