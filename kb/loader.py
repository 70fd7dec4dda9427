"""Read every file in knowledge/, check it, and build a KnowledgeBase.

All problems are collected before failing, so an editor sees every mistake at once.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Tuple
from urllib.parse import urlparse

import yaml

from kb import records as r
from kb import yamlio
from kb.problems import KnowledgeError, Problem
from kb.schema import FILES, MESSAGE_KEYS, NESTED, Section

if TYPE_CHECKING:  # kb.base imports this module
    from kb.base import KnowledgeBase

ID_PATTERN = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)*$")
EMAIL_PATTERN = re.compile(r"^[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
EXAMPLE_SOURCE = "source: {document: fsa_briefing, section: \"Key points: Referrals\"}"


class _YamlLoader(yamlio.SafeLoader):
    """Safe YAML, except that an impossible date (2026-13-01) stays text, so the checks can name the
    entry and field instead of the whole file failing to load."""


def _lenient_timestamp(loader, node):
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


_YamlLoader.add_constructor("tag:yaml.org,2002:timestamp", _lenient_timestamp)


class _FileReader:
    """Checks one file's raw YAML against its record types."""

    def __init__(self, name: str, text: str, problems: List[Problem]):
        self.name = name
        self.lines = text.splitlines()
        self.problems = problems

    def problem(self, message: str, entry: str = "", line: Optional[int] = None) -> None:
        if line is None and entry:
            line = self.line_of(entry)
        self.problems.append(Problem(self.name, message, entry, line))

    def line_of(self, entry_id: str) -> Optional[int]:
        pattern = re.compile(r"^\s*-?\s*id:\s*['\"]?" + re.escape(entry_id) + r"['\"]?\s*$")
        for number, line in enumerate(self.lines, start=1):
            if pattern.match(line):
                return number
        return None

    # -- records ---------------------------------------------------------------------------
    def build(self, cls: type, raw: Any, where: str, defaults: Dict[str, Any]):
        if not isinstance(raw, dict):
            self.problem(f"{where} should be a set of 'field: value' lines, not {_describe(raw)}.")
            return None
        entry = str(raw.get("id", "")) or where
        fields = {f.name: f for f in dataclasses.fields(cls)}
        for key in raw:
            if key not in fields:
                self.problem(f"unknown field '{key}'. Allowed fields: {', '.join(fields)}.", entry)
        values = {}
        ok = True
        for name, f in fields.items():
            meta = f.metadata
            if name in raw:
                value = raw[name]
            elif name in defaults:
                value = defaults[name]
            elif meta["required"]:
                hint = f" For example: {EXAMPLE_SOURCE}" if meta["kind"] == "source" else ""
                self.problem(f"field '{name}' is missing.{hint}", entry)
                ok = False
                continue
            else:
                continue
            converted, error = self.convert(name, value, meta, entry)
            if error:
                self.problem(error, entry)
                ok = False
            else:
                values[name] = converted
        return cls(**values) if ok else None

    def convert(self, name: str, value: Any, meta: dict, entry: str) -> Tuple[Any, str]:
        kind = meta["kind"]
        if value is None:
            if meta["nullable"] or not meta["required"]:
                return None, ""
            return None, f"field '{name}' is empty; it needs a value."
        if kind in NESTED:
            result, error = self._nested(name, value, entry, NESTED[kind])
        else:
            result, error = getattr(self, f"_to_{kind}")(name, value, meta, entry)
        if not error and meta["choices"] and result not in meta["choices"]:
            return None, f"field '{name}' is '{result}'; it must be one of: {', '.join(meta['choices'])}."
        return result, error

    def _to_text(self, name, value, meta, entry):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            return None, f"field '{name}' should be text, not {_describe(value)}."
        if not value.strip():
            return None, f"field '{name}' is empty; write the text."
        return " ".join(value.split()), ""

    def _to_str(self, name, value, meta, entry):
        if not isinstance(value, str):
            return None, f"field '{name}' should be text, not {_describe(value)}."
        return value.strip(), ""

    def _to_int(self, name, value, meta, entry):
        if isinstance(value, bool) or not isinstance(value, int):
            return None, f"field '{name}' should be a whole number, not {_describe(value)}."
        return value, ""

    def _to_bool(self, name, value, meta, entry):
        if not isinstance(value, bool):
            return None, f"field '{name}' should be true or false, not {_describe(value)}."
        return value, ""

    def _to_date(self, name, value, meta, entry):
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, dt.date):
            return value, ""
        try:
            return dt.date.fromisoformat(str(value)), ""
        except ValueError:
            return None, (f"field '{name}' should be a real date written as YYYY-MM-DD (e.g. 2027-11-25), "
                          f"not '{value}'.")

    def _to_url(self, name, value, meta, entry):
        parsed = urlparse(str(value))
        if (not isinstance(value, str) or parsed.scheme not in ("http", "https") or not parsed.netloc
                or " " in value or "." not in parsed.netloc):
            return None, (f"field '{name}' is not a valid web address: '{value}'. "
                          "It must start with http:// or https://, e.g. http://llrscb.proceduresonline.com/")
        return value, ""

    def _to_urls(self, name, value, meta, entry):
        if not isinstance(value, list):
            return None, f"field '{name}' should be a list of web addresses, each on its own line starting with '- '."
        out = []
        for item in value:
            url, error = self._to_url(name, item, meta, entry)
            if error:
                return None, error
            out.append(url)
        return tuple(out), ""

    def _to_email(self, name, value, meta, entry):
        if not isinstance(value, str) or not EMAIL_PATTERN.match(value.strip()):
            return None, (f"field '{name}' is not an email address: '{value}'. "
                          "Write it as published, like childrensreferrals@rutland.gov.uk.")
        return value.strip(), ""

    def _to_id(self, name, value, meta, entry):
        if not isinstance(value, str) or not ID_PATTERN.match(value):
            return None, (f"field '{name}' should be an id in lower case letters, digits, '_' and '.', "
                          f"like finding.plans.gp, not '{value}'.")
        return value, ""

    def _to_ids(self, name, value, meta, entry):
        if not isinstance(value, list):
            return None, f"field '{name}' should be a list in square brackets, e.g. [{value}]."
        bad = [v for v in value if not isinstance(v, str) or not ID_PATTERN.match(v)]
        if bad:
            return None, f"field '{name}' has something that is not an id: {bad[0]!r}."
        return tuple(value), ""

    def _to_strs(self, name, value, meta, entry):
        if not isinstance(value, list):
            return None, f"field '{name}' should be a list in square brackets, e.g. [first, second]."
        out = []
        for item in value:
            if isinstance(item, (int, float)) and not isinstance(item, bool):
                item = str(item)
            if not isinstance(item, str) or not item.strip():
                return None, f"field '{name}' has an empty or non-text item: {item!r}."
            out.append(" ".join(item.split()))
        return tuple(out), ""

    def _to_source(self, name, value, meta, entry, allowed=("document", "section")):
        if not isinstance(value, dict):
            return None, f"field '{name}' should look like {EXAMPLE_SOURCE}."
        extra = [k for k in value if k not in allowed]
        missing = [k for k in ("document", "section") if not value.get(k)]
        if extra or missing:
            parts = []
            if missing:
                parts.append(f"it needs {' and '.join(missing)}")
            if extra:
                parts.append(f"'{extra[0]}' is not allowed (use {', '.join(allowed)})")
            return None, f"field '{name}': {'; '.join(parts)}. Example: {EXAMPLE_SOURCE}"
        return r.SourceRef(str(value["document"]), str(value["section"]), str(value.get("note") or "")), ""

    def _to_public_source(self, name, value, meta, entry):
        result, error = self._to_source(name, value, meta, entry, ("document", "section", "note"))
        if not error and not result.note:
            return None, f"field '{name}' needs a 'note' naming the public source (site or document)."
        return result, error

    def _nested(self, name, value, entry, cls):
        if not isinstance(value, list) or not value:
            return None, f"field '{name}' should be a non-empty list."
        built, seen = [], set()
        for index, raw in enumerate(value, start=1):
            record = self.build(cls, raw, f"{entry}, {name} #{index}", {})
            if record is None:
                continue
            if record.id in seen:
                self.problem(f"{name} id '{record.id}' is used twice in this entry.", entry)
            seen.add(record.id)
            built.append(record)
        if len(built) != len(value):
            return None, f"field '{name}' has problems (see above)."
        return tuple(built), ""


def _describe(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a set of fields"
    return f"'{value}'"


def read_files(directory: Path) -> Tuple[Dict[str, Dict[str, Any]], List[Problem]]:
    """Parse each knowledge file and build its records. Returns {file: {key: value}}."""
    problems: List[Problem] = []
    contents: Dict[str, Dict[str, Any]] = {}
    for name, sections in FILES.items():
        path = directory / name
        if not path.exists():
            problems.append(Problem(name, "this file is missing."))
            continue
        text = path.read_text(encoding="utf-8")
        try:
            raw = yaml.load(text, Loader=_YamlLoader)  # noqa: S506 (a SafeLoader)
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            line = mark.line + 1 if mark else None
            what = getattr(error, "problem", None) or str(error).splitlines()[0]
            problems.append(Problem(name, f"the file is not valid YAML ({what}). Check indentation, "
                                          "colons and quotes around this line.", line=line))
            continue
        contents[name] = _read_sections(_FileReader(name, text, problems), raw, sections)
    for name in sorted(p.name for p in directory.glob("*.yml")):
        if name not in FILES:
            problems.append(Problem(name, f"unknown knowledge file. Known files: {', '.join(FILES)}."))
    return contents, problems


def _read_sections(reader: _FileReader, raw: Any, sections: Tuple[Section, ...]) -> Dict[str, Any]:
    if not isinstance(raw, dict):
        reader.problem("the file should start with top-level keys: "
                       + ", ".join(s.key for s in sections) + ".")
        return {}
    keys = {s.key for s in sections}
    for key in raw:
        if key not in keys:
            reader.problem(f"unknown top-level key '{key}'. Allowed: {', '.join(sorted(keys))}.")
    out: Dict[str, Any] = {}
    defaults = {}
    if isinstance(raw.get("review_date"), (dt.date, str)):
        defaults["review_date"] = raw["review_date"]
    for section in sections:
        value = raw.get(section.key)
        if value is None:
            if section.required:
                reader.problem(f"top-level key '{section.key}' is missing or empty.")
            continue
        out[section.key] = _read_section(reader, section, value, defaults)
    return out


def _read_section(reader: _FileReader, section: Section, value: Any, defaults: dict) -> Any:
    meta = {"kind": section.shape, "nullable": False, "required": True, "choices": ()}
    if section.shape == "list":
        if not isinstance(value, list):
            reader.problem(f"'{section.key}' should be a list of entries, each starting with '- id:'.")
            return []
        built = [reader.build(section.record, item, f"{section.key} #{i}", defaults)
                 for i, item in enumerate(value, start=1)]
        return [b for b in built if b is not None]
    if section.shape == "one":
        return reader.build(section.record, value, section.key, defaults)
    if section.shape == "messages":
        return _read_messages(reader, value)
    converted, error = reader.convert(section.key, value, meta, "")
    if error:
        reader.problem(error)
    return converted


def _read_messages(reader: _FileReader, value: Any) -> Dict[str, str]:
    if not isinstance(value, dict):
        reader.problem("'messages' should be a set of 'name: text' lines.")
        return {}
    for key in MESSAGE_KEYS:
        if not isinstance(value.get(key), str) or not value[key].strip():
            reader.problem(f"message '{key}' is missing or empty.")
    for key in value:
        if key not in MESSAGE_KEYS:
            reader.problem(f"unknown message '{key}'. Known messages: {', '.join(MESSAGE_KEYS)}.")
    return {k: " ".join(str(v).split()) for k, v in value.items() if k in MESSAGE_KEYS and v}


def load_knowledge(directory) -> "KnowledgeBase":
    """Load and check knowledge/; raise KnowledgeError listing every problem."""
    from kb.base import KnowledgeBase
    from kb.checks import check_knowledge

    directory = Path(directory)
    contents, problems = read_files(directory)
    kb = KnowledgeBase.from_contents(contents)
    problems.extend(_with_lines(check_knowledge(kb, contents, directory), directory))
    if problems:
        raise KnowledgeError(problems)
    return kb


def _with_lines(problems: List[Problem], directory: Path) -> List[Problem]:
    """Give a cross-file problem the line of its entry's id, so an editor can find it."""
    readers: Dict[str, _FileReader] = {}
    out = []
    for problem in problems:
        if problem.entry and problem.line is None and (directory / problem.file).exists():
            if problem.file not in readers:
                text = (directory / problem.file).read_text(encoding="utf-8")
                readers[problem.file] = _FileReader(problem.file, text, [])
            problem = dataclasses.replace(problem, line=readers[problem.file].line_of(problem.entry))
        out.append(problem)
    return out
