"""Small text helpers shared by the loader, look-ups and search."""
import functools
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


_NON_WORD = re.compile(r"[^a-z0-9*]+")


def plain_words(text: str) -> str:
    """Lower case words and digits, single spaces: "Who's the LADO?" -> "whos the lado"."""
    text = (text or "").replace("\u2019", "'").replace("\u2018", "'").replace("'", "").lower()
    return " ".join(_NON_WORD.sub(" ", text.replace("*", " ")).split())


@functools.lru_cache(maxsize=2048)
def ask_parts(ask: str) -> tuple:
    """A knowledge owner's word pattern as one regular expression per part.

    Parts joined by ' + ' must all appear, in any order; each part is a word or a phrase matched as
    whole words; a word ending in '*' also matches longer words ("radicalis*": radicalisation).
    """
    parts = []
    for part in ask.split("+"):
        words = [w for w in _NON_WORD.sub(" ", part.lower().replace("'", "")).split() if w.strip("*")]
        if words:
            pieces = [re.escape(w.rstrip("*")) + (r"[a-z0-9]*" if w.endswith("*") else "") for w in words]
            parts.append(re.compile(rf"(?<![a-z0-9]){' '.join(pieces)}(?![a-z0-9])"))
    return tuple(parts)


def matches_ask(ask: str, text: str) -> bool:
    return matches_plain_words(ask, plain_words(text))


def matches_plain_words(ask: str, words: str) -> bool:
    """matches_ask for text already made plain_words (when one text meets many patterns)."""
    parts = ask_parts(ask)
    return bool(parts) and all(p.search(words) for p in parts)


def without_asks(asks, text: str) -> str:
    """The text's words with every matching pattern's words taken out ("what is emotional abuse"
    without 'emotional abuse' is "what is"), so they are not read as another subject."""
    words = plain_words(text)
    for ask in asks:
        if matches_ask(ask, words):
            for part in ask_parts(ask):
                words = part.sub(" ", words)
    return " ".join(words.split())
