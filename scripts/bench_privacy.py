"""The privacy benchmark: recall and precision of privacy.find_identifiers per kind, on synthetic UK
practitioner messages made from templates (benchmarks/privacy/templates.yml, lists.yml).

    make bench-privacy
    python scripts/bench_privacy.py --errors 20          # also show the first 20 misses and false alarms
    python scripts/bench_privacy.py --split train        # only one split (tune on train only)

Deterministic: the messages come from a seeded generator (--seed, --per-template). Templates are
split into train and test by template: every message of a template is in the same split.

Spans are matched by kind and overlap: a labelled span is found (recall) if a detected span of the
same kind overlaps it by at least one character; a detected span is right (precision) if it
overlaps a labelled span of its kind. `whole` is the share of found spans that are redacted whole
(no letter or digit of the labelled span left outside every detected span). Anything detected in a
message where nothing is labelled (a service's name, its published phone number) is a false
positive of the kind it was given.
Exits 1 if the test split misses a target: recall >= 0.99 for every kind, precision >= 0.95.
"""
from __future__ import annotations

import argparse
import hashlib
import random
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

ROOT = Path(__file__).resolve().parent.parent

import yaml  # noqa: E402

from privacy import KINDS, REMINDER_KINDS, find_identifiers, needs_reminder, redact  # noqa: E402
from privacy.knowledge import knowledge_phones  # noqa: E402

BENCH = ROOT / "benchmarks" / "privacy"
SEED = 2026
PER_TEMPLATE = 8
TEST_EVERY = 3            # templates without a `split`: one in three goes to test (seeded hash)
RECALL_TARGET = 0.99
PRECISION_TARGET = 0.95

SLOT_KINDS = {
    "first": "name", "first_lc": "name", "full": "name", "full_lc": "name", "title_name": "name",
    "dob": "date_of_birth", "dob_year": "date_of_birth", "dob_month": "date_of_birth", "date": "date",
    "address": "address", "street": "address", "postcode": "postcode", "phone": "phone",
    "email": "email", "nhs": "nhs_number", "ni": "ni_number", "case_id": "case_id", "school": "school",
    # not identifiers
    "service": None, "tool": None, "system": None, "duty_phone": None, "town": None, "age": None,
}
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
SLOT = re.compile(r"\{(\w+)\}")
Span = Tuple[int, int, str]


@dataclass
class Message:
    template: str
    split: str
    text: str
    spans: List[Span] = field(default_factory=list)


# ---- values --------------------------------------------------------------------------------
def _ordinal(day: int) -> str:
    suffix = "th" if 10 <= day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def _full_date(rng: random.Random, years: Tuple[int, int]) -> str:
    y, m, d = rng.randint(*years), rng.randint(1, 12), rng.randint(1, 28)
    month = MONTHS[m - 1]
    return rng.choice([
        f"{d:02d}/{m:02d}/{y}", f"{d}/{m}/{y}", f"{d}.{m}.{y % 100:02d}", f"{d:02d}-{m:02d}-{y}",
        f"{_ordinal(d)} {month} {y}", f"{d} {month[:3]} {y}", f"{month} {d} {y}", f"{y}-{m:02d}-{d:02d}",
    ])


def _nhs_number(rng: random.Random) -> str:
    while True:
        digits = [rng.randint(0, 9) for _ in range(9)]
        check = 11 - sum(d * w for d, w in zip(digits, range(10, 1, -1))) % 11
        check = 0 if check == 11 else check
        if check != 10:
            break
    s = "".join(map(str, digits + [check]))
    return rng.choice([f"{s[:3]} {s[3:6]} {s[6:]}", s, f"{s[:3]}-{s[3:6]}-{s[6:]}"])


def _ni_number(rng: random.Random) -> str:
    first, second = "ABCEGHJKLMNOPRSTWXYZ", "ABCEGHJKLMNPRSTWXYZ"
    prefix = "QQ" if rng.random() < 0.3 else rng.choice(first) + rng.choice(second)
    digits = "".join(str(rng.randint(0, 9)) for _ in range(6))
    suffix = rng.choice("ABCD")
    ni = rng.choice([f"{prefix}{digits}{suffix}", f"{prefix} {digits[:2]} {digits[2:4]} {digits[4:]} {suffix}"])
    return ni.lower() if rng.random() < 0.25 else ni


def _phone(rng: random.Random) -> str:
    n = rng.randint(0, 999)
    return rng.choice([
        f"07700 900{n:03d}", f"07700900{n:03d}", f"07700-900-{n:03d}", f"+44 7700 900{n:03d}",
        f"+447700900{n:03d}", f"0116 496 0{n:03d}", f"(0116) 496 0{n:03d}", f"01164960{n:03d}",
        f"020 7946 0{n:03d}", f"0113 496 0{n:03d}", f"01632 960{n:03d}", f"07700 900 {n:03d}",
    ])


def _postcode(rng: random.Random) -> str:
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    code = f"LE{rng.randint(1, 19)} {rng.randint(0, 9)}{rng.choice(letters)}{rng.choice(letters)}"
    return code.lower() if rng.random() < 0.15 else code


def _case_id(rng: random.Random) -> str:
    digits = str(rng.randint(10 ** (rng.randint(5, 7)), 10 ** 8 - 1))
    return rng.choice([digits, digits, digits, f"LL{digits}", f"CS-{digits}", f"#{digits}"])


class Values:
    def __init__(self, lists: dict, rng: random.Random, duty_phones: Sequence[str], rare: bool = False):
        self.lists, self.rng, self.rare = lists, rng, rare
        self.duty_phones = list(duty_phones)

    def first(self) -> str:
        if self.rare:
            return self.rng.choice(self.lists["rare_first_names"])
        culture = self.rng.choice(sorted(self.lists["first_names"]))
        return self.rng.choice(self.lists["first_names"][culture])

    def pick(self, key: str) -> str:
        return self.rng.choice(self.lists[key])

    def street(self) -> str:
        return f"{self.pick('streets')} {self.pick('street_suffixes')}"

    def value(self, slot: str) -> str:
        rng = self.rng
        if slot == "first":
            return self.first()
        if slot == "first_lc":
            return self.first().lower()
        if slot in ("full", "full_lc"):
            full = f"{self.first()} {self.pick('surnames')}"
            return full.lower() if slot == "full_lc" else full
        if slot == "title_name":
            return f"{self.pick('titles')} {self.pick('surnames')}"
        if slot == "dob":
            return _full_date(rng, (2006, 2025))
        if slot == "dob_year":
            return str(rng.randint(2006, 2025))
        if slot == "dob_month":
            month = rng.choice(MONTHS)
            return f"{rng.choice([month, month[:3]])} {rng.randint(2006, 2025)}"
        if slot == "date":
            return _full_date(rng, (2023, 2026))
        if slot == "street":
            return self.street()
        if slot == "address":
            house = str(rng.randint(1, 220)) + rng.choice(["", "", "", "a", "b"])
            address = f"{house} {self.street()}"
            if rng.random() < 0.2:
                address = f"Flat {rng.randint(1, 12)}, {address}"
            if rng.random() < 0.4:
                address += f", {self.pick('towns')}"
            if rng.random() < 0.4:
                address += f" {_postcode(rng)}"
            return address
        if slot == "postcode":
            return _postcode(rng)
        if slot == "phone":
            return _phone(rng)
        if slot == "duty_phone":
            number = rng.choice(self.duty_phones)
            return number if rng.random() < 0.7 else number.replace(" ", "")
        if slot == "email":
            first, last = self.first().lower(), self.pick("surnames").lower().replace("'", "")
            return f"{first}{rng.choice(['.', '_', ''])}{last}{rng.choice(['', str(rng.randint(1, 99))])}@" \
                   f"{self.pick('email_domains')}"
        if slot == "nhs":
            return _nhs_number(rng)
        if slot == "ni":
            return _ni_number(rng)
        if slot == "case_id":
            return _case_id(rng)
        if slot in ("school", "service", "tool", "town"):
            return self.pick(slot + "s")
        if slot == "system":
            return self.pick("case_systems")
        if slot == "age":
            return str(rng.randint(3, 17))
        raise KeyError(f"unknown slot {{{slot}}}")


# ---- messages -------------------------------------------------------------------------------
def load(directory: Path = BENCH) -> Tuple[dict, List[dict]]:
    lists = yaml.safe_load((directory / "lists.yml").read_text(encoding="utf-8"))
    templates = yaml.safe_load((directory / "templates.yml").read_text(encoding="utf-8"))["templates"]
    return lists, templates


def assign_splits(templates: List[dict], seed: int = SEED) -> Dict[str, str]:
    """Template id -> 'train' or 'test'. A template's own `split` wins (the file's templates each
    have one, assigned once by a seeded shuffle within each group, so that adding a template never
    moves another); a template without one goes by a seeded hash of its id (one in three: test)."""
    split = {}
    for template in templates:
        given = template.get("split")
        if given not in (None, "train", "test"):
            raise ValueError(f"template {template['id']}: split must be train or test, not {given!r}")
        digest = hashlib.sha256(f"{seed}:{template['id']}".encode()).digest()[0]
        split[template["id"]] = given or ("test" if digest % TEST_EVERY == 0 else "train")
    return split


def published_numbers() -> List[str]:
    """Services' published numbers from knowledge/ (long ones: 999 and 101 are never a phone)."""
    return [p for p in knowledge_phones() if len(re.sub(r"\D", "", p)) >= 8]


def fill(template: str, values: Values) -> Tuple[str, List[Span]]:
    parts, spans, pos, length = [], [], 0, 0
    for m in SLOT.finditer(template):
        literal = template[pos:m.start()]
        parts.append(literal)
        length += len(literal)
        value = values.value(m.group(1))
        kind = SLOT_KINDS[m.group(1)]
        if kind:
            spans.append((length, length + len(value), kind))
        parts.append(value)
        length += len(value)
        pos = m.end()
    parts.append(template[pos:])
    return "".join(parts), spans


def generate(seed: int = SEED, per_template: int = PER_TEMPLATE, directory: Path = BENCH,
             rare: bool = False) -> List[Message]:
    """The labelled messages; `rare`: every first name from lists.yml's rare_first_names."""
    lists, templates = load(directory)
    splits = assign_splits(templates, seed)
    values = Values(lists, random.Random(seed), published_numbers(), rare)
    messages = []
    for template in templates:
        for _ in range(per_template):
            text, spans = fill(template["text"], values)
            messages.append(Message(template["id"], splits[template["id"]], text, spans))
    return messages


# ---- scoring --------------------------------------------------------------------------------
@dataclass
class Score:
    found: int = 0      # labelled spans found
    labelled: int = 0
    right: int = 0      # detected spans that overlap a labelled span of their kind
    detected: int = 0
    whole: int = 0      # labelled spans whose every letter and digit is inside a detected span

    @property
    def recall(self) -> float:
        return self.found / self.labelled if self.labelled else 1.0

    @property
    def precision(self) -> float:
        return self.right / self.detected if self.detected else 1.0


@dataclass
class Result:
    scores: Dict[str, Score]
    messages: int
    errors: List[str]
    reminder_false: int = 0    # messages with no labelled identifier that would get the reminder
    reminder_missed: int = 0   # messages with one that would not
    unlabelled: int = 0        # messages with nothing labelled

    @property
    def overall(self) -> Score:
        total = Score()
        for s in self.scores.values():
            total.found += s.found
            total.labelled += s.labelled
            total.right += s.right
            total.detected += s.detected
            total.whole += s.whole
        return total

    def failures(self) -> List[str]:
        out = [f"{kind}: recall {s.recall:.3f} < {RECALL_TARGET}" for kind, s in self.scores.items()
               if s.labelled and s.recall < RECALL_TARGET]
        out += [f"{kind}: precision {s.precision:.3f} < {PRECISION_TARGET}" for kind, s in self.scores.items()
                if s.detected and s.precision < PRECISION_TARGET]
        if self.overall.precision < PRECISION_TARGET:
            out.append(f"overall precision {self.overall.precision:.3f} < {PRECISION_TARGET}")
        return out


def _overlaps(a: Span, b: Span) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def score(messages: Sequence[Message]) -> Result:
    scores = {kind: Score() for kind in KINDS}
    result = Result(scores, len(messages), [])
    for message in messages:
        detected = [(i.start, i.end, i.kind) for i in find_identifiers(message.text)]
        for gold in message.spans:
            s = scores[gold[2]]
            s.labelled += 1
            hits = [d for d in detected if d[2] == gold[2] and _overlaps(d, gold)]
            if hits:
                s.found += 1
                left = [ch for k, ch in enumerate(message.text[gold[0]:gold[1]], gold[0])
                        if ch.isalnum() and not any(d[0] <= k < d[1] for d in detected)]
                s.whole += not left
                if left:
                    result.errors.append(f"PART {gold[2]:13} {message.template} "
                                         f"{message.text[gold[0]:gold[1]]!r} in {message.text!r}")
            else:
                result.errors.append(f"MISS {gold[2]:13} {message.template} "
                                     f"{message.text[gold[0]:gold[1]]!r} in {message.text!r}")
        for d in detected:
            s = scores[d[2]]
            s.detected += 1
            if any(g[2] == d[2] and _overlaps(d, g) for g in message.spans):
                s.right += 1
            else:
                result.errors.append(f"FALSE {d[2]:12} {message.template} "
                                     f"{message.text[d[0]:d[1]]!r} in {message.text!r}")
        remind = any(g[2] in REMINDER_KINDS for g in message.spans)
        result.unlabelled += not message.spans
        if needs_reminder(message.text) and not remind:
            result.reminder_false += 1
        elif remind and not needs_reminder(message.text):
            result.reminder_missed += 1
    return result


def run(split: Optional[str] = None, seed: int = SEED, per_template: int = PER_TEMPLATE,
        rare: bool = False) -> Result:
    """Score one split ('train', 'test') or all messages (None)."""
    messages = [m for m in generate(seed, per_template, rare=rare) if split in (None, m.split)]
    return score(messages)


def rare_names_listed() -> List[str]:
    """rare_first_names that the detector's own list has after all (it should have none)."""
    from privacy.knowledge import read_words
    listed = read_words("first_names.txt")
    return [n for n in load()[0]["rare_first_names"] if n.lower() in listed]


def table(name: str, result: Result) -> str:
    lines = [f"{name}: {result.messages} messages, {result.overall.labelled} labelled spans",
             f"  {'kind':14} {'labelled':>8} {'recall':>7} {'detected':>8} {'precision':>9} {'whole':>6}"]
    for kind, s in list(result.scores.items()) + [("overall", result.overall)]:
        if not (s.labelled or s.detected):
            continue
        whole = f"{s.whole / s.found:.2f}" if s.found else "-"
        lines.append(f"  {kind:14} {s.labelled:8d} {s.recall:7.3f} {s.detected:8d} {s.precision:9.3f} {whole:>6}")
    lines.append(f"  reminder on a message with nothing personal: {result.reminder_false} of "
                 f"{result.unlabelled}; no reminder where one was due: {result.reminder_missed}")
    return "\n".join(lines)


# 100 kB of one pattern each: the detector must stay linear (tests/test_privacy_cases.py and
# tests/test_privacy.py check the output; the time is measured here only).
LARGE_INPUTS = ("Mohammed said ", "St Mary's Primary School ", "lives on Saffron Lane ", "QQ123456C ",
                "child ID 1234567 ", "born 2015 ", "07700 900123 ", "0116.496.0123 ", "0 1 ", "Wei and Rhys and ",
                "a", "1", "1 ", "a@", "a.", "+4", "1/1/", "12 Abc ", "1 a a a a ", "Jane ", "Mr J ", "called ",
                "dob 1 ", "March ", "\U0001F600 Jane Smith \U0001F648 ")


def slowest_large_input() -> str:
    """The slowest of LARGE_INPUTS, as a line: seconds to redact about 100 kB."""
    redact("warm up")  # the first call reads knowledge/
    timings = []
    for piece in LARGE_INPUTS:
        text = piece * (100_000 // len(piece))
        start = time.perf_counter()
        redact(text)
        timings.append((time.perf_counter() - start, piece.strip()))
    seconds, piece = max(timings)
    return f"Slowest 100 kB input: {seconds:.2f} s ('{piece}' repeated); median {sorted(timings)[len(timings) // 2][0]:.2f} s\n"


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--per-template", type=int, default=PER_TEMPLATE)
    parser.add_argument("--split", choices=("train", "test"), help="only this split")
    parser.add_argument("--errors", type=int, default=0, help="show this many misses and false alarms per split")
    args = parser.parse_args(argv)

    messages = generate(args.seed, args.per_template)
    templates = {m.template for m in messages}
    print(f"Privacy benchmark: {len(messages)} messages from {len(templates)} templates "
          f"(seed {args.seed}); spans matched by kind and overlap\n")
    results = {}
    for split in ("train", "test", None):
        if args.split and split != args.split:
            continue
        part = [m for m in messages if split in (None, m.split)]
        results[split] = result = score(part)
        print(table(split or "all", result))
        for line in result.errors[:args.errors]:
            print("   ", line)
        print()
    if args.split != "train":
        rare = score([m for m in generate(args.seed, args.per_template, rare=True) if m.split == "test"])
        s = rare.scores["name"]
        listed = rare_names_listed()
        print(f"Names not in the detector's list (test split again, every first name from rare_first_names"
              f"{'; but these ARE listed: ' + ', '.join(listed) if listed else ''}):\n"
              f"  name recall {s.recall:.3f} ({s.found} of {s.labelled}), precision {s.precision:.3f} "
              f"- reported, not a target")
        for line in [e for e in rare.errors if " name " in e][:args.errors]:
            print("   ", line)
        print()
    print(slowest_large_input())
    test = results.get("test")
    if test is None:
        return 0
    failures = test.failures()
    if failures:
        print("Test split misses the targets: " + "; ".join(failures))
        return 1
    print(f"Test split meets the targets (recall >= {RECALL_TARGET} per kind, precision >= {PRECISION_TARGET}).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
