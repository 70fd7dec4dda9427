"""What the detector reads at run time: the knowledge base's own names and published phone numbers,
and the word lists kept next to this file.

knowledge/*.yml is read with PyYAML (not through the actions package, which is heavy, nor through
kb's validation, which a half-edited knowledge file would make fail). KNOWLEDGE_DIR, as for `kb`,
points elsewhere. If the files cannot be read the detector works without them: it then redacts
more, never less.
"""
from __future__ import annotations

import functools
import os
import re
from pathlib import Path
from typing import FrozenSet, Iterator, Tuple

HERE = Path(__file__).resolve().parent
KNOWLEDGE_DIR = Path(os.environ.get("KNOWLEDGE_DIR", HERE.parent / "knowledge"))

# Keys whose values are names of things (services, agencies, terms, topics, tools, places), never of
# people: glossary terms and synonyms, agencies, contacts, areas, topics, links, coverage subjects.
PHRASE_KEYS = frozenset(("term", "expansion", "synonyms", "name", "published_name", "title", "council",
                         "districts", "keywords", "asks", "subject"))
PHONE_KEYS = frozenset(("phones", "phone"))


def read_words(file_name: str) -> FrozenSet[str]:
    """Lower-case words of a list file next to this module ('#' comments)."""
    words = []
    for line in (HERE / file_name).read_text(encoding="utf-8").splitlines():
        words += line.split("#", 1)[0].lower().split()
    return frozenset(words)


def read_lines(file_name: str) -> Tuple[str, ...]:
    """Non-empty lines of a list file next to this module ('#' comments)."""
    lines = (line.split("#", 1)[0].strip() for line in (HERE / file_name).read_text(encoding="utf-8").splitlines())
    return tuple(line for line in lines if line)


def _walk(value, key: str = "") -> Iterator[Tuple[str, str]]:
    """(key, string) for every string in a YAML document, under the nearest mapping key."""
    if isinstance(value, dict):
        for k, item in value.items():
            yield from _walk(item, str(k))
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _walk(item, key)
    elif isinstance(value, str):
        yield key, value


def _documents(directory: Path) -> Iterator[object]:
    try:
        import yaml
    except ImportError:  # pragma: no cover - PyYAML is pinned in requirements.txt
        return
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's when there is one: faster
    for path in sorted(directory.glob("*.yml")):
        try:
            yield yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
        except Exception:  # noqa: BLE001 - a file being edited: skip it
            continue


@functools.lru_cache(maxsize=4)
def knowledge_strings(directory: str = str(KNOWLEDGE_DIR)) -> Tuple[Tuple[str, str], ...]:
    return tuple(_walk(list(_documents(Path(directory)))))


def knowledge_phrases(directory: str = str(KNOWLEDGE_DIR)) -> Tuple[str, ...]:
    """Names of services, agencies, terms and tools in knowledge/ ('*' of coverage asks removed)."""
    phrases = (text.replace("*", "") for key, text in knowledge_strings(directory) if key in PHRASE_KEYS)
    return tuple(dict.fromkeys(p for p in phrases if len(p) <= 200))


def knowledge_phones(directory: str = str(KNOWLEDGE_DIR)) -> Tuple[str, ...]:
    """Phone numbers as published in knowledge/ (every `phones:` list)."""
    return tuple(dict.fromkeys(text for key, text in knowledge_strings(directory) if key in PHONE_KEYS))


@functools.lru_cache(maxsize=1)
def service_phrases() -> Tuple[str, ...]:
    """Services, tools and case systems that practitioners name (privacy/services.txt + knowledge/)."""
    return tuple(dict.fromkeys(read_lines("services.txt") + knowledge_phrases()))


def national_digits(number: str) -> str:
    """'+44 (0)116 454 1004', '0044 116 454 1004', '0116 454 1004' -> '44:1164541004': country code
    and national number, as phonenumbers reads them (used for the published numbers, once)."""
    try:
        import phonenumbers
        parsed = phonenumbers.parse(number, "GB")
        return f"{parsed.country_code}:{parsed.national_number}"
    except Exception:  # noqa: BLE001 - not a number phonenumbers can read
        return quick_digits(number)


def quick_digits(number: str) -> str:
    """The same key as national_digits for UK numbers, without parsing (for every number found in
    a message, so that 100 kB of phone numbers stays fast)."""
    digits = re.sub(r"\D", "", number)
    stripped = number.lstrip(" \t(")
    if stripped.startswith("+") or stripped.startswith("00"):
        digits = digits[2:] if stripped.startswith("00") else digits
        if not digits.startswith("44"):
            return "+" + digits  # another country: never one of the published numbers
        digits = digits[2:]
    return "44:" + digits.lstrip("0") if digits else ""


@functools.lru_cache(maxsize=1)
def published_phones() -> FrozenSet[str]:
    """Published numbers of services (knowledge/ `phones:`), normalised by national_digits."""
    return frozenset(filter(None, (national_digits(p) for p in knowledge_phones())))


def clear_caches() -> None:
    """Forget what was read (after knowledge/ changes, or KNOWLEDGE_DIR points elsewhere)."""
    for function in (knowledge_strings, service_phrases, published_phones):
        function.cache_clear()
