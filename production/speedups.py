"""Per-message work Rasa 3.6 repeats needlessly, done once instead.

- `RemoteAction._validate_action_result` calls `jsonschema.validate`, which checks the schema itself and
  builds a validator on every call: about 20 ms of a 40 ms answer here. The validator is built once,
  and Rasa's error message is kept.
- `Event.resolve_by_type` walks every Event subclass for each stored event it reads back (about 4 ms
  an answer). The name-to-class map is built once, in the same order, and rebuilt on a miss.
Behaviour is otherwise unchanged.
"""
from __future__ import annotations

import functools
from typing import Any, Dict

from jsonschema import ValidationError
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import Event
from rasa.shared.utils.common import all_subclasses
from rasa.shared.constants import DOCS_BASE_URL


@functools.lru_cache(maxsize=None)
def _validator():
    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def _validate_action_result(self: RemoteAction, result: Dict[str, Any]) -> bool:
    try:
        _validator().validate(result)
        return True
    except ValidationError as error:
        error.message += (". Failed to validate Action server response from API, make sure your response "
                          f"from the Action endpoint is valid. For more information visit {DOCS_BASE_URL}/custom-actions")
        raise error


_ORIGINAL_RESOLVE = Event.resolve_by_type
_EVENT_TYPES: Dict[str, type] = {}


def _event_types(refresh: bool = False) -> Dict[str, type]:
    if refresh or not _EVENT_TYPES:
        _EVENT_TYPES.clear()
        for cls in all_subclasses(Event):  # first class with a name wins, as in Rasa's loop
            _EVENT_TYPES.setdefault(cls.type_name, cls)
    return _EVENT_TYPES


def _resolve_by_type(type_name: str, default=None):
    cls = _event_types().get(type_name) or _event_types(refresh=True).get(type_name)
    return cls if cls is not None else _ORIGINAL_RESOLVE(type_name, default)


def install() -> None:
    """Replace both once (idempotent)."""
    RemoteAction._validate_action_result = _validate_action_result
    Event.resolve_by_type = staticmethod(_resolve_by_type)
