"""Small text helpers shared by the loader, look-ups and search."""
import re

_SPACES = re.compile(r"\s+")
_EDGE_PUNCT = re.compile(r"^[\W_]+|[\W_]+$")


def normalise(phrase: str) -> str:
    """Lower case, straight apostrophes, single spaces, no punctuation at the ends."""
    phrase = (phrase or "").replace("\u2019", "'").replace("\u2018", "'").lower()
    return _EDGE_PUNCT.sub("", _SPACES.sub(" ", phrase).strip())


def singular(word: str) -> str:
    """A crude singular for look-ups: 'gps' -> 'gp', 'chronologies' -> 'chronology'."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 2 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word
