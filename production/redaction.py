"""Redact personal identifiers from Rasa events before they are stored.

User messages (text, parse data text, entity values) and every slot value are redacted with
`privacy.redact`; every other event (bot replies, action data) has any identifier that the user typed
in the same batch of events replaced by its placeholder, so an echo cannot leak it. Dictionary keys
are redacted too. Metadata keeps only the keys a channel needs (STORED_METADATA), each bounded and
redacted: Rasa copies the first message's metadata into the session_started_metadata slot. Events
keep their type, count and order: Rasa's SQL store relies on the count.
"""
from __future__ import annotations

import functools
from typing import Any, Callable, Dict, Iterable, List, Tuple

from privacy import PLACEHOLDERS, find_identifiers, redact

Echoes = List[Tuple[str, str]]  # (identifier text, placeholder), longest first

# Metadata keys kept in storage (anything else a client sends is dropped), and their bounds.
STORED_METADATA = ("out_channel", "thread_id", "teams",  # the channels' own
                   "model_id", "assistant_id", "utter_action", "fallback")  # Rasa's and ours
MAX_METADATA_CHARS = 200  # per string
METADATA_SLOT = "session_started_metadata"


@functools.lru_cache(maxsize=1)
def allowed_phrases() -> Tuple[str, ...]:
    """The knowledge base's own names (glossary terms, agencies, topics, links): never redacted."""
    try:
        from kb import get_knowledge
        from kb.names import known_phrases
        return known_phrases(get_knowledge())
    except Exception:  # noqa: BLE001 - without the knowledge base, redact more rather than less
        return ()


def _map_strings(value: Any, change: Callable[[str], str]) -> Any:
    """`value` with `change` applied to every string inside it, dictionary keys included."""
    if isinstance(value, str):
        return change(value)
    if isinstance(value, dict):
        return {(change(key) if isinstance(key, str) else key): _map_strings(item, change)
                for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_map_strings(item, change) for item in value]
    return value


def echoes_in(events: Iterable[Dict[str, Any]], phrases: Tuple[str, ...]) -> Echoes:
    """Identifiers typed in the user messages among `events`, to remove wherever else they appear."""
    found = {}
    for event in events:
        if event.get("event") == "user" and isinstance(event.get("text"), str):
            for identifier in find_identifiers(event["text"], phrases):
                found[identifier.text] = PLACEHOLDERS[identifier.kind]
    return sorted(found.items(), key=lambda pair: len(pair[0]), reverse=True)


def _without_echoes(text: str, echoes: Echoes) -> str:
    for identifier, placeholder in echoes:
        if identifier in text:
            text = text.replace(identifier, placeholder)
    return text


def stored_metadata(metadata: Any, clean: Callable[[str], str]) -> Any:
    """Only the allow-listed keys, strings bounded and redacted; None or {} stay as they are."""
    if not isinstance(metadata, dict):
        return {} if metadata is not None else None
    kept = {key: metadata[key] for key in STORED_METADATA if key in metadata}
    return _map_strings(kept, lambda text: clean(text[:MAX_METADATA_CHARS]))


def _redact_user_event(event: Dict[str, Any], clean: Callable[[str], str]) -> Dict[str, Any]:
    event = dict(event)
    if event.get("text") is not None:
        event["text"] = _map_strings(event["text"], clean)
    parse_data = dict(event.get("parse_data") or {})
    for key in ("text", "entities"):
        if parse_data.get(key) is not None:
            parse_data[key] = _map_entities(parse_data[key], clean) if key == "entities" \
                else _map_strings(parse_data[key], clean)
    if parse_data:
        event["parse_data"] = parse_data
    return event


def _redact_event(event: Dict[str, Any], clean: Callable[[str], str]) -> Dict[str, Any]:
    """One event's user text, slot value and metadata redacted (other fields are left to echoes)."""
    if event.get("event") == "user":
        event = _redact_user_event(event, clean)
    elif event.get("event") == "slot":
        value = event.get("value")
        value = stored_metadata(value, clean) if event.get("name") == METADATA_SLOT else _map_strings(value, clean)
        event = {**event, "value": value}
    if "metadata" in event:
        event = {**event, "metadata": stored_metadata(event["metadata"], clean)}
    parse_data = event.get("parse_data")
    if isinstance(parse_data, dict) and "metadata" in parse_data:
        event = {**event, "parse_data": {**parse_data, "metadata": stored_metadata(parse_data["metadata"], clean)}}
    return event


def _map_entities(entities: Any, clean: Callable[[str], str]) -> Any:
    """Entities with their `value` and `text` redacted; offsets, types and extractor kept."""
    if not isinstance(entities, list):
        return entities
    return [{key: (_map_strings(item, clean) if key in ("value", "text") else item) for key, item in e.items()}
            if isinstance(e, dict) else e for e in entities]


def redact_events(events: List[Dict[str, Any]], phrases: Tuple[str, ...] = None) -> List[Dict[str, Any]]:
    """Serialised events (`Event.as_dict()`), redacted, same length and order."""
    phrases = allowed_phrases() if phrases is None else phrases
    clean = functools.partial(redact, allowed_phrases=phrases)
    echoes = echoes_in(events, phrases)
    result = []
    for event in events:
        event = _redact_event(event, clean)
        result.append(_map_strings(event, lambda text: _without_echoes(text, echoes)) if echoes else event)
    return result
