"""Write the NLU examples that come from knowledge/, so no term is typed twice.

    python scripts/generate_nlu.py           # (re)write data/nlu/generated/glossary.yml
    python scripts/generate_nlu.py --check   # exit 1 if that file is out of date

Glossary questions ("what does LPT stand for?") are made from every glossary term and its
synonyms with a rotating set of phrasings, annotated with the `term` entity.
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kb import get_knowledge  # noqa: E402

OUTPUT = ROOT / "data" / "nlu" / "generated" / "glossary.yml"

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


def render(kb) -> str:
    body = "\n".join(f"      - {line}" for line in examples(kb))
    return ("# GENERATED from knowledge/glossary.yml by scripts/generate_nlu.py - do not edit by hand.\n"
            "version: \"3.1\"\n"
            "nlu:\n"
            "  - intent: ask_glossary\n"
            "    examples: |\n"
            f"{body}\n")


def main(argv) -> int:
    text = render(get_knowledge())
    if "--check" in argv:
        if not OUTPUT.exists() or OUTPUT.read_text(encoding="utf-8") != text:
            print(f"{OUTPUT.relative_to(ROOT)} is out of date with knowledge/: run `make generate`.",
                  file=sys.stderr)
            return 1
        print("Generated NLU data is in sync with knowledge/.")
        return 0
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    if OUTPUT.exists() and OUTPUT.read_text(encoding="utf-8") == text:
        print(f"{OUTPUT.relative_to(ROOT)} is up to date")
        return 0  # leave its date alone, so make does not retrain for nothing
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"Wrote {OUTPUT.relative_to(ROOT)} ({text.count(chr(10) + '      - ')} examples)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
