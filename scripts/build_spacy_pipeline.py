"""Build the spaCy pipeline that Rasa's SpacyNLP loads: blank English plus an entity ruler whose
patterns are every glossary term (label `term`) and topic keyword (label `topic`) in knowledge/, and
every name of a local area (label `area`: Leicester, Leicestershire, Rutland, their councils and the
districts knowledge/local_settings.yml lists for them; the pattern id is the area's key).

    python scripts/build_spacy_pipeline.py [OUTPUT_DIR]

A term added to knowledge/ is recognised after this runs again (make does so when knowledge
changes); the Rasa model does not need retraining, since spaCy's folder is read at start-up.
"""
from __future__ import annotations

import shutil
import sys
from pathlib import Path


import spacy  # noqa: E402

from kb import get_knowledge  # noqa: E402

DEFAULT_OUTPUT = Path(__file__).resolve().parent.parent / ".spacy" / "en_safeguarding"
LABELS = ("term", "topic")


def patterns(kb) -> list:
    """Phrase patterns, each with its plural, labelled and tagged with the entry id."""
    out = []
    for label in LABELS:
        for phrase, entry_id in sorted(kb.phrases(label)):
            for variant in {phrase, phrase + "s"}:
                out.append({"label": label, "pattern": variant, "id": entry_id})
    for phrase, area in sorted(kb.area_phrases()):  # names, not plurals: "Meltons" is not a place
        out.append({"label": "area", "pattern": phrase, "id": area})
    return out


def build(output: Path) -> Path:
    kb = get_knowledge()
    nlp = spacy.blank("en")
    nlp.meta.update({"name": "safeguarding", "version": "1.0.0",
                     "description": "Blank English with an entity ruler built from knowledge/"})
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER"})
    ruler.add_patterns(patterns(kb))
    if output.exists():
        shutil.rmtree(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(output)
    return output


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUTPUT
    path = build(target)
    print(f"spaCy pipeline with {len(patterns(get_knowledge()))} patterns written to {path}")
