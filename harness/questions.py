"""Question files (tests/e2e/questions.yml, benchmarks/questions.yml): load, validate, and score replies.

    questions = load_questions(E2E_QUESTIONS)
    problems(questions, get_knowledge())          # [] when every expectation names something real
    missing(questions[0], replies, kb)            # [] when the replies (REST messages) carry what they must

A question "expects" knowledge ids the reply must cite, `message.<key>` for a standing message
from knowledge/assistant.yml (small talk, "not covered"), or `text:<words>` for words the reply must
contain (for replies that cite no id).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterable, List, Set, Tuple, Union


from kb import yamlio

from kb.parts import ids_of

ROOT = Path(__file__).resolve().parent.parent
E2E_QUESTIONS = ROOT / "tests" / "e2e" / "questions.yml"
BENCH_QUESTIONS = ROOT / "benchmarks" / "questions.yml"
MESSAGE_PREFIX = "message."
TEXT_PREFIX = "text:"


@dataclass(frozen=True)
class Question:
    topic: str
    ask: str
    expect: Tuple[str, ...]
    after: Tuple[str, ...] = ()  # earlier messages of the same conversation

    @property
    def script(self) -> Tuple[str, ...]:
        """Every message to send, in order; the last one's reply is scored."""
        return self.after + (self.ask,)


def _as_tuple(value: Union[None, str, Iterable[str]]) -> Tuple[str, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def _question(topic: str, item: Union[str, Dict[str, Any]], default_expect: Any) -> Question:
    if isinstance(item, str):
        item = {"ask": item}
    if not isinstance(item, dict) or not isinstance(item.get("ask"), str):
        raise ValueError(f"{topic}: each question is a string or has a text 'ask': {item!r}")
    expect = _as_tuple(item.get("expect", default_expect))
    return Question(topic, item["ask"].strip(), expect, _as_tuple(item.get("after")))


def load_questions(path: Path = E2E_QUESTIONS) -> List[Question]:
    data = yamlio.load(Path(path).read_text(encoding="utf-8")) or {}
    topics = data.get("topics")
    if not isinstance(topics, dict) or not topics:
        raise ValueError(f"{path}: needs a 'topics' mapping")
    questions = []
    for topic, block in topics.items():
        if not isinstance(block, dict) or not block.get("questions"):
            raise ValueError(f"{path}: topic {topic!r} needs a 'questions' list")
        questions += [_question(topic, item, block.get("expect")) for item in block["questions"]]
    return questions


def problems(questions: List[Question], kb) -> List[str]:
    """What is wrong with a question list: no expectation, unknown ids or messages, repeats."""
    known, messages = set(kb.all_ids()), set(kb.messages)
    found, seen = [], set()
    for q in questions:
        if not q.ask or not q.expect:
            found.append(f"{q.topic}: {q.ask!r} needs a question and an expectation")
        for item in q.expect:
            if item.startswith(TEXT_PREFIX):
                continue
            if item.startswith(MESSAGE_PREFIX) and item[len(MESSAGE_PREFIX):] not in messages:
                found.append(f"{q.topic}: {q.ask!r} expects unknown message {item!r}")
            elif not item.startswith(MESSAGE_PREFIX) and item not in known:
                found.append(f"{q.topic}: {q.ask!r} expects unknown id {item!r}")
        if q.script in seen:
            found.append(f"{q.topic}: {q.ask!r} is listed twice")
        seen.add(q.script)
    return found


def cited_ids(replies: List[Dict[str, Any]]) -> Set[str]:
    """The knowledge ids some replies cite, read from their answer parts (kb/parts.py)."""
    return set(ids_of(replies))


def reply_text(replies: List[Dict[str, Any]]) -> str:
    """What the practitioner reads: the replies' plain text, one after another."""
    return "\n\n".join(r.get("text") or "" for r in replies if isinstance(r, dict))


def _squash(text: str) -> str:
    return " ".join(text.split())


def missing(question: Question, replies: List[Dict[str, Any]], kb) -> List[str]:
    """The expectations the replies to a question do not meet ([] means the answer is right): ids
    from the answers' parts; standing messages and `text:` words from what the practitioner reads."""
    cited = cited_ids(replies)
    squashed = _squash(reply_text(replies))
    gaps = []
    for item in question.expect:
        if item.startswith(TEXT_PREFIX):
            if _squash(item[len(TEXT_PREFIX):]).lower() not in squashed.lower():
                gaps.append(item)
        elif item.startswith(MESSAGE_PREFIX):
            if _squash(kb.messages.get(item[len(MESSAGE_PREFIX):], "\0")) not in squashed:
                gaps.append(item)
        elif item not in cited:
            gaps.append(item)
    return gaps


def normalise(text: str) -> str:
    """For comparing questions with training examples: lower case, no annotations or punctuation."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)        # [gp](term) -> gp
    text = re.sub(r"\[([^\]]*)\]\{[^}]*\}", r"\1", text)        # [gp]{"entity": ...} -> gp
    return " ".join(re.sub(r"[^a-z0-9 ]+", " ", text.lower()).split())


def nlu_examples(paths: Iterable[Path]) -> Set[str]:
    """Every example in Rasa NLU YAML files, normalised."""
    examples = set()
    for path in paths:
        for block in (yamlio.load(Path(path).read_text(encoding="utf-8")) or {}).get("nlu") or []:
            for line in str(block.get("examples") or "").splitlines():
                if line.strip().startswith("- "):
                    examples.add(normalise(line.strip()[2:]))
    return examples
