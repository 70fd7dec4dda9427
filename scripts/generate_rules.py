"""Write the answering rules from the routing table (actions/routing.py), so routing is typed once.

    python scripts/generate_rules.py           # (re)write data/rules/generated/*.yml
    python scripts/generate_rules.py --check   # exit 1 if they are out of date

answers.yml: one rule per route. interruptions.yml: the same routes inside each form of
routing.FORMS, after which the form goes on where it was.
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

from actions.routing import FORMS, all_routes  # noqa: E402
from kb import get_knowledge  # noqa: E402
from generated import sync  # noqa: E402 (scripts/generated.py, beside this script)

FOLDER = ROOT / "data" / "rules" / "generated"
HEADER = "# GENERATED from actions/routing.py and knowledge/topics.yml by scripts/generate_rules.py - do not edit.\n"


def _intents(route, indent: str) -> list:
    if len(route.intents) == 1:
        return [f"{indent}- intent: {route.intents[0]}"]
    return [f"{indent}- or:"] + [f"{indent}    - intent: {i}" for i in route.intents]


def answers(routes) -> str:
    lines = [HEADER + 'version: "3.1"', "rules:"]
    for route in routes:
        lines += [f"  - rule: {route.name}", "    steps:"] + _intents(route, "      ")
        lines += [f"      - action: {route.action}", ""]
    return "\n".join(lines)


def interruptions(routes) -> str:
    lines = [HEADER + 'version: "3.1"', "rules:"]
    for form in FORMS:
        for route in (r for r in routes if r.in_forms):
            lines += [f"  - rule: {route.name} during {form}", "    condition:", f"      - active_loop: {form}",
                      "    steps:"] + _intents(route, "      ")
            lines += [f"      - action: {route.action}", f"      - action: {form}", f"      - active_loop: {form}", ""]
    return "\n".join(lines)


def files() -> dict:
    routes = all_routes(get_knowledge())
    return {FOLDER / "answers.yml": answers(routes), FOLDER / "interruptions.yml": interruptions(routes)}


def main(argv) -> int:
    return sync(files(), ROOT, "--check" in argv, "the routing table")

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
