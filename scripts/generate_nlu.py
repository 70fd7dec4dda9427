"""Write the NLU examples that come from knowledge/, so no term is typed twice.

    python scripts/generate_nlu.py           # (re)write data/nlu/generated/glossary.yml and areas.yml
    python scripts/generate_nlu.py --check   # exit 1 if either file is out of date

Glossary questions ("what does LPT stand for?") are made from every glossary term and its
synonyms with a rotating set of phrasings, annotated with the `term` entity. Answers to "which
area is this for?" ("I work in Charnwood") are made from every name knowledge/local_settings.yml
gives a local area (its name, its council, the districts listed for it), annotated with `area`.
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

from kb import get_knowledge  # noqa: E402
from generated import sync  # noqa: E402 (scripts/generated.py, beside this script)

OUTPUT = ROOT / "data" / "nlu" / "generated" / "glossary.yml"
AREAS_OUTPUT = ROOT / "data" / "nlu" / "generated" / "areas.yml"

ACRONYM_TEMPLATES = (
    "what does {t} stand for?", "what's {t}", "who are {t}?", "what is {t}", "{t}?",
    "what do {t} do", "meaning of {t}", "{t} stands for what", "explain {t} please",
    "who is {t}", "what's {t} short for", "can you tell me what {t} is", "{t}: what's that",
    "not sure what {t} is", "and {t} is who?", "what does the acronym {t} mean",
)
PHRASE_TEMPLATES = (
    "what is a {t}?", "what's a {t}", "what does {t} mean", "meaning of {t}",
    "explain what a {t} is", "{t} - what is that?", "what do you mean by {t}",
    "can you explain {t}", "what is meant by {t}?",
)
PER_NAME = 2  # with one example per other name: about as many as a hand-written intent has
AREA_TEMPLATES = (
    "{a}", "I work in {a}", "in {a}", "{a} please", "the child lives in {a}", "we're based in {a}",
    "it's {a}", "for {a}", "{a} one", "I'm in {a}", "family is in {a}", "covering {a}",
)
AREA_PER_NAME = 2


def is_acronym(name: str) -> bool:
    return name.replace(".", "").isupper() and " " not in name


def examples(kb) -> list:
    lines, turn = [], 0
    for term in kb.terms.values():
        for index, name in enumerate(term.names):
            if index > 1 or (index > 0 and "definitions" in term.topics):
                break  # the term and its expansion; definitions are asked elsewhere
            templates = ACRONYM_TEMPLATES if is_acronym(name) or index == 0 else PHRASE_TEMPLATES
            for _ in range(PER_NAME if index == 0 else 1):
                template = templates[turn % len(templates)]
                turn += 1
                lines.append(template.replace("{t}", f"[{name}](term)"))
    return sorted(set(lines), key=lines.index)


def area_names(kb) -> list:
    """Every name of a local area as written in knowledge/ (kb.area_phrases has them lower case)."""
    wanted = {phrase for phrase, _ in kb.area_phrases()}
    names = []
    for record in kb.areas.values():
        for name in [record.name.split(" (")[0], record.council or ""] + list(record.districts):
            if name and name.lower() in wanted and name not in names:
                names.append(name)
    return names


def area_examples(kb) -> list:
    lines, turn = [], 0
    main = {r.name.split(" (")[0] for r in kb.areas.values()}
    for name in area_names(kb):
        if name in main:  # the area's own name is often typed alone
            lines.append(f"[{name}](area)")
        for _ in range(AREA_PER_NAME):
            template = AREA_TEMPLATES[1 + turn % (len(AREA_TEMPLATES) - 1)]
            turn += 1
            lines.append(template.replace("{a}", f"[{name}](area)"))
    return sorted(set(lines), key=lines.index)


def nlu_file(source: str, intent: str, lines: list) -> str:
    """A generated NLU file: one intent, its examples, and a header naming where they come from."""
    body = "\n".join(f"      - {line}" for line in lines)
    return (f"# GENERATED from {source} by scripts/generate_nlu.py - do not edit by hand.\n"
            "version: \"3.1\"\n"
            "nlu:\n"
            f"  - intent: {intent}\n"
            "    examples: |\n"
            f"{body}\n")


def render_areas(kb) -> str:
    return nlu_file("knowledge/local_settings.yml (areas)", "choose_area", area_examples(kb))


def render(kb) -> str:
    return nlu_file("knowledge/glossary.yml", "ask_glossary", examples(kb))


def main(argv) -> int:
    kb = get_knowledge()
    return sync({OUTPUT: render(kb), AREAS_OUTPUT: render_areas(kb)}, ROOT, "--check" in argv, "knowledge/")

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
