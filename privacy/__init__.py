"""Detection and redaction of personal identifiers in chat messages."""
from .identifiers import *  # noqa: F401,F403 - the public API is identifiers.__all__
from .identifiers import __all__  # noqa: F401
