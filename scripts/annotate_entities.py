"""Re-annotate `term`, `topic` and `area` entities in the NLU training files with what the entity ruler
(built from knowledge/) finds, so annotations never drift from the knowledge base.

    python scripts/annotate_entities.py          # rewrite data/nlu/*.yml in place
    python scripts/annotate_entities.py --check  # exit 1 if any file would change

The held-out test set (tests/nlu/) is annotated by people and is left alone: it measures the ruler.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NLU_DIR = ROOT / "data" / "nlu"
SPACY_MODEL = ROOT / ".spacy" / "en_safeguarding"
EXAMPLE = re.compile(r"^(\s*- )(.*)$")
ANNOTATION = re.compile(r"\[([^\]]+)\]\((term|topic|area)\)")


def annotate(nlp, example: str) -> str:
    text = ANNOTATION.sub(r"\1", example)
    out, last = [], 0
    for ent in nlp(text).ents:
        out.append(text[last:ent.start_char])
        out.append(f"[{ent.text}]({ent.label_})")
        last = ent.end_char
    out.append(text[last:])
    return "".join(out)


def rewrite(nlp, path: Path) -> str:
    lines, in_examples = [], False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip().startswith("examples:"):
            in_examples = True
        elif line.strip().startswith("- intent:") or not line.startswith(" "):
            in_examples = False
        match = EXAMPLE.match(line)
        if in_examples and match and not line.strip().startswith("- intent"):
            line = match.group(1) + annotate(nlp, match.group(2))
        lines.append(line)
    return "\n".join(lines) + "\n"


def main(argv) -> int:
    import spacy
    nlp = spacy.load(SPACY_MODEL)
    changed = []
    for path in sorted(NLU_DIR.glob("*.yml")):
        new = rewrite(nlp, path)
        if new != path.read_text(encoding="utf-8"):
            changed.append(path)
            if "--check" not in argv:
                path.write_text(new, encoding="utf-8")
    if "--check" in argv and changed:
        print("Entity annotations are out of date in: " + ", ".join(str(p.relative_to(ROOT)) for p in changed)
              + ". Run `make annotate`.", file=sys.stderr)
        return 1
    print(f"{'Would change' if '--check' in argv else 'Updated'} {len(changed)} file(s).")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
