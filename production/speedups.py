"""Per-message work Rasa 3.6 repeats needlessly, done once instead.

`RemoteAction._validate_action_result` calls `jsonschema.validate`, which checks the schema itself and
builds a validator on every call: about 20 ms of a 40 ms answer here. `install()` builds the validator
once per schema and keeps Rasa's error message. Behaviour is otherwise unchanged.
"""
from __future__ import annotations

import functools
from typing import Any, Dict

from jsonschema import ValidationError
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
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


def install() -> None:
    """Replace the validation once (idempotent)."""
    RemoteAction._validate_action_result = _validate_action_result
