"""Find and redact personal identifiers in free text (UK safeguarding context).

Standard library only.  All regexes are compiled once at import time and are
written so that they run in linear time (bounded quantifiers, anchored starts),
so even 100 kB of input is handled quickly.

Detection is heuristic: it errs towards redacting, but it is not a guarantee.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Iterable, List, Optional, Tuple

__all__ = [
    "Identifier",
    "KINDS",
    "REMINDER_KINDS",
    "PLACEHOLDERS",
    "find_identifiers",
    "redact",
    "needs_reminder",
    "describe",
]

KINDS = ("name", "date_of_birth", "date", "address", "postcode", "phone", "email", "nhs_number")
REMINDER_KINDS = frozenset(KINDS) - {"date"}
PLACEHOLDERS = {kind: f"[{kind.upper()}]" for kind in KINDS}

# On overlap the longer span wins; for equal spans the more specific kind wins.
_SPECIFICITY = ("email", "nhs_number", "date_of_birth", "postcode", "phone", "address", "date", "name")
_RANK = {kind: rank for rank, kind in enumerate(_SPECIFICITY)}

_DESCRIPTIONS = {
    "name": "a name",
    "date_of_birth": "a date of birth",
    "date": "a date",
    "address": "an address",
    "postcode": "a postcode",
    "phone": "a phone number",
    "email": "an email address",
    "nhs_number": "an NHS number",
}

_MAX_PASSES = 4  # redact() repeats until nothing more is found (idempotence)

Candidate = Tuple[int, int, str]  # (start, end, kind)


@dataclass(frozen=True)
class Identifier:
    kind: str  # one of KINDS
    start: int
    end: int
    text: str


# --------------------------------------------------------------------------
# Word lists (lower case).  Capitalised words in these lists are never names.
# --------------------------------------------------------------------------
def _words(*chunks: str) -> frozenset:
    return frozenset(" ".join(chunks).split())


_TITLES = _words("mr mrs ms miss mx dr prof sir dame rev revd cllr pc dc ds di sgt insp")
_TITLES_LOWER_NAME_OK = _words("mr mrs ms mx")  # "mr smith" typed in lower case

_RELATIONS = _words(
    "mum mummy mother mom ma dad daddy father stepmum stepmother stepdad stepfather",
    "step-mum step-dad brother sister half-brother half-sister stepbrother stepsister",
    "sibling siblings son daughter stepson stepdaughter grandma grandmother gran granny",
    "nan nana nanna nanny grandad granddad grandfather grandpa grandparent aunt aunty",
    "auntie uncle cousin nephew niece partner ex-partner boyfriend girlfriend husband",
    "wife fiance fiancé fiancee ex carer guardian baby child girl boy twin friend",
    "neighbour lodger pupil student victim perpetrator suspect client patient worker",
    "teacher nurse officer colleague manager practitioner tutor coach",
)
# Words before "called"/"named" that make a following lower-case word a name.
_PERSON_CONTEXT = _RELATIONS | _words(
    "kid man woman lady guy bloke person someone somebody teenager toddler infant lad",
    "lass youngster adult male female is was are were be she's he's who's they're",
)
_NAMING_CUES = _words("called named nicknamed aka name's")
_NAMING_PAIRS = {("name", "is"), ("name", "was"), ("names", "are"), ("known", "as")}

_COMMON = _words(
    # function words, pronouns, auxiliaries, chat words
    "a about above across actually after again against ago ah all almost along already",
    "also although always am among an and another any anyone anything anyway are around",
    "as ask asked at away back be because been before being below best better between",
    "both but by can cannot could dear did do does doing done down during each either",
    "else even ever every everyone everything few first for from further get gets getting",
    "give go goes going gone good got great had has have having he hello her here hers",
    "herself hey hi him himself his how however i if in into is it its itself just kind",
    "know last later least less let like many may maybe me might more most much must my",
    "myself never new next no none nor not nothing now of off often ok okay on once one",
    "only or other others our ours out over own perhaps please quite rather really regards",
    "same second see seen shall she should since so some someone something sometimes soon",
    "sorry still such sure than thank thanks that the their them themselves then there",
    "these they thing things this those though through thus to today together tomorrow",
    "tonight too twice under unless until up upon us very via was we well were what",
    "whatever when where whether which while who whom whose why will with within without",
    "would yes yeah yesterday yet you your yours yourself earlier again ahead round",
    "i'm i've i'll i'd you're you've you'll you'd we're we've we'll we'd they're they've",
    "they'll they'd don't can't won't isn't aren't wasn't weren't doesn't didn't haven't",
    "hasn't hadn't shouldn't wouldn't couldn't mustn't shan't",
    # frequent sentence starters / verbs in practitioner messages
    "additionally apparently currently recently unfortunately sadly hopefully following",
    "regarding re fyi update urgent quick question query note explain tell show list",
    "describe summarise summarize find check confirm include includes refer referring make",
    "send share call phone ring speak spoke talk contact report reported record write",
    "complete fill attend visit meet met saw said says told think feel worried concerned",
    "concern concerns disclosed disclosure found noticed attended arrived came went left",
    "returned lives living moved staying stayed hear heard read cheers morning afternoon",
    "evening night week weekend month year years day days time times name names stupid",
    "home everyone what's who's where's when's how's that's there's here's it's let's",
    "can you hear me",
)
_DOMAIN = _words(
    "police school schools academy college nursery university council councils nhs gp",
    "gps hospital hospitals clinic surgery practice trust social care early help children",
    "childrens child young people person family families services service team teams hub",
    "hubs front door duty desk line helpline advice support worker workers officer",
    "officers lead leads manager managers designated safeguarding protection conference",
    "plan plans meeting strategy discussion assessment review reviews panel board",
    "partnership partnerships multi agency agencies referral referrals form forms",
    "procedure procedures policy policies guidance working together domestic abuse",
    "violence sexual exploitation criminal county lines missing neglect physical emotional",
    "harm significant risk toolkit threshold thresholds level levels emergency unit centre",
    "center act section order orders court courts education special needs educational",
    "send youth justice offending housing probation ambulance fire rescue department",
    "office adult adults practitioner practitioners supervisor supervision nurse nurses",
    "midwife midwives midwifery health visitor visitors visiting mental wellbeing",
    "paediatrician paediatric paediatrics doctor teacher teachers head headteacher deputy",
    "senior consultant advisor adviser specialist website portal online training course",
    "module framework model approach signs safety graded profile pathway looked leavers",
    "leaver fostering foster adoption private kinship residential placement placements",
    "carer carers parent parents parental responsibility consent information sharing data",
    "gdpr confidential confidentiality local authority authorities national government",
    "dfe keeping safe statutory operation encompass prevent channel honour based forced",
    "marriage female genital mutilation male harmful behaviour behaviours substance",
    "misuse alcohol drugs drug learning disability disabilities autism core group initial",
    "response single integrated transfer closure step continuum serious case rapid",
    "incident notification death overview royal infirmary general city district borough",
    "area region east west north south midlands society action women's women men aid",
    "refuge victim victims survivor survivors troubled supporting strengthening start",
    "foundation stage key primary secondary junior high sixth pupil alternative provision",
    "exclusion attendance elective educated virtual personal named designated officer",
    "flat apartment apt independent reviewing iro law public proceedings champion contextual ehm disclosure",
    "road street avenue lane close crescent terrace mews way place square drive st saint",
    # acronyms sometimes typed in title case, organisations, tools
    "marac mash mappa lado camhs cafcass ofsted nspcc childline barnardo barnardos uava",
    "lpt csc dsl senco sendco ehcp lscp llr cse cce fgm dbs adhd pep",
    "microsoft zoom outlook word excel google whatsapp facebook instagram snapchat tiktok",
    "youtube twitter internet email",
)
_CALENDAR = _words(
    "monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur",
    "thurs fri sat sun january february march april june july august september october",
    "november december jan feb mar apr jun jul aug sep sept oct nov dec christmas easter",
    "eid ramadan diwali vaisakhi hanukkah bank holiday holidays half term spring autumn",
    "winter",
)
_PEOPLES = _words(
    "muslim christian hindu sikh jewish islam islamic catholic church mosque temple",
    "gurdwara synagogue asian african caribbean indian pakistani bangladeshi somali polish",
    "romanian eastern european arabic urdu gujarati punjabi bengali english kurdish afghan",
    "syrian sudanese eritrean traveller gypsy roma irish british welsh scottish",
)
_PLACES = _words(
    "leicester leicestershire rutland england britain uk united kingdom wales scotland",
    "ireland europe loughborough hinckley melton mowbray oakham uppingham market",
    "harborough coalville wigston oadby lutterworth ashby zouch blaby charnwood bosworth",
    "braunstone beaumont leys belgrave highfields evington humberstone aylestone knighton",
    "westcotes rushey mead saffron stoneygate clarendon abbey fosse thurnby eyres monsell",
    "netherhall glenfield groby anstey birstall syston thurmaston enderby narborough",
    "shepshed sileby quorn mountsorrel rothley ibstock measham castle donington",
    "countesthorpe broughton astley earl shilton kibworth london birmingham nottingham",
    "nottinghamshire derby derbyshire coventry northampton northamptonshire lincolnshire",
    "warwickshire manchester liverpool leeds sheffield bristol peterborough corby",
    "kettering nuneaton tamworth",
)
_NOT_NAMES = _TITLES | _RELATIONS | _COMMON | _DOMAIN | _CALENDAR | _PEOPLES | _PLACES

# --------------------------------------------------------------------------
# Regexes: one per kind (plus small helpers).
# --------------------------------------------------------------------------
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}")

_PHONE = re.compile(
    r"""(?<![\w+])
    (?:
        (?:(?:\+|00)[ ]?44[ \t-]?(?:\(0\)[ \t-]?|0[ \t-]?)?|\(?0)  # +44 / 0044 / 0 / (0
        [1-9](?:[ \t)-]{0,2}\d){8,9}                            # 9-10 national digits
      | \+(?!44)[1-9]\d{0,2}(?:[ \t()-]{0,2}\d){6,12}           # other international
    )(?!\d)""",
    re.X,
)

# 10 digits, contiguous or grouped 3-3-4 with one consistent separator.
_NHS = re.compile(r"(?<![\w+])\d{3}(?P<sep>[ -]?)\d{3}(?P=sep)\d{4}(?!\d)")
_NHS_CUE = re.compile(r"\bnhs\b", re.I)
_NHS_AFTER = re.compile(r"[ \t]{0,3}[(:-]?[ \t]{0,3}nhs\b", re.I)  # "9434765919 (NHS)"

# Full UK postcode; single-letter areas are only B E G L M N S W, which keeps
# things like "Y6 2nd" out.  Lower-case ordinals ("ks2 3rd") are not postcodes.
_POSTCODE_SRC = (
    r"\b(?:[A-PR-UWYZ][A-HK-Y]\d[A-Z\d]?|[BEGLMNSW]\d[A-Z\d]?)"
    r"[ ]?(?!(?-i:1st|2nd|3rd|\dth)\b)\d[ABD-HJLNP-UW-Z]{2}\b"
)
_POSTCODE = re.compile(_POSTCODE_SRC, re.I)

_STOP = (
    "the|a|an|at|in|on|of|to|for|and|or|but|with|by|from|into|onto|near|off|over|under|up"
    "|down|my|his|her|their|our|your|its|is|was|are|were|be|been|has|have|had|very|so|too"
    "|not|no|all|some|this|that|these|those|last|next|every|per|about|than|then|also"
)
_HOUSE = r"\d{1,4}[a-z]?(?:[ ]?[-–/][ ]?\d{1,4}[a-z]?)?"
_LC_WORD = rf"(?-i:(?!(?:{_STOP})\b)[^\W\d_][\w'’.-]{{0,30}})"
_CAP_WORD = r"(?-i:[A-Z][\w'’.-]{0,30})"
# Suffixes that are safe in lower case, and ones that must be capitalised
# (with capitalised street words) because they are also ordinary words.
_SUFFIX_ANY = r"(?:road|street|avenue|lane|close|crescent|terrace|mews)"
_SUFFIX_CAP = (
    r"(?-i:Road|Street|Avenue|Lane|Close|Crescent|Terrace|Mews|Drive|Way|Court|Place"
    r"|Grove|Gardens|Walk|Row|Hill|Park|Square|Green|View|Rise|Gate|Parade|Mount|Fields"
    r"|Vale|Boulevard|Meadows?|Wharf|Yard|Rd|St|Dr|Ave|Ln|Cl|Ct|Pl|Sq|Cres|Gdns|Tce)"
)
_TOWN = (
    r"(?:,[ \t]*(?-i:[A-Z][a-z]+(?:[ -][A-Z][a-z]+){0,2})(?=[ \t]*(?:[,.;:!?)\n]|$))"
    rf"|,?[ \t]+[^\W\d_]{{1,30}}(?:[ -][^\W\d_]{{1,30}})?(?=,?[ \t]+{_POSTCODE_SRC}))"
)
_ADDRESS = re.compile(
    rf"""(?<![\w/.-])
    (?:(?:flat|apartment|apt|unit)\.?[ ]?\d{{1,4}}[a-z]?(?:,?[ \t]+{_HOUSE})?|{_HOUSE})
    (?!\w),?[ \t]+
    (?:(?:{_LC_WORD}[ \t]+){{1,4}}{_SUFFIX_ANY}|(?:{_CAP_WORD}[ \t]+){{1,4}}{_SUFFIX_CAP})
    (?![\w'’-])
    (?:{_TOWN})?
    (?:,?[ \t]+{_POSTCODE_SRC})?""",
    re.I | re.X,
)

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b\.?"
)
_ORD = r"(?:st|nd|rd|th)?"
_YEAR4 = r"(?:19|20)\d\d"  # 4-digit years 1900-2099 only
_YEAR = rf"(?:{_YEAR4}|'?\d\d)"
# Full dates (day, month, year) first; then partial dates, which only count
# when a date-of-birth cue precedes them.
_DATE = re.compile(
    rf"""(?<![\w/.-])(?:
        (?P<nd>\d{{1,2}})(?P<sep>[/.-])(?P<nm>\d{{1,2}})(?P=sep){_YEAR}(?!\d|[/.-]\d)
      | {_YEAR4}-(?P<im>\d{{1,2}})-(?P<id>\d{{1,2}})(?!\d|[/.-]\d)
      | \d{{1,2}}{_ORD}(?:[ \t]+of)?[ \t-]{{1,3}}{_MONTH},?[ \t-]{{1,3}}{_YEAR}(?![\w:])
      | {_MONTH}[ \t]{{1,3}}\d{{1,2}}{_ORD},?[ \t]{{1,3}}{_YEAR}(?![\w:])
      | (?P<partial>
            \d{{1,2}}{_ORD}(?:[ \t]+of)?[ \t]{{1,3}}{_MONTH}
          | {_MONTH}[ \t]{{1,3}}(?:{_YEAR4}|\d{{1,2}}{_ORD})
        )(?!\w)
    )""",
    re.I | re.X,
)
_DOB_CUE = re.compile(
    r"\b(?:d\.?[ ]?o\.?[ ]?b|date[ \t]+of[ \t]+birth|birth[ ]?(?:day|date)|b-?day|born)\b",
    re.I,
)
_WORDISH = re.compile(r"[^\W_]+")
_CUE_BLOCKER = re.compile(r"[\d\[\]]").search

# A word: letters (plus combining accents) with inner apostrophes or hyphens.
_LETTERS = r"(?:[^\W\d_]|[\u0300-\u036f])*"
_WORD = re.compile(rf"[^\W\d_]{_LETTERS}(?:['’-][^\W\d_]{_LETTERS})*")

_HAS_DIGIT = re.compile(r"\d").search


# --------------------------------------------------------------------------
# Detectors: each returns a list of (start, end, kind) candidates.
# --------------------------------------------------------------------------
def _emails(text: str) -> List[Candidate]:
    return [(m.start(), m.end(), "email") for m in _EMAIL.finditer(text)]


def _phones(text: str) -> List[Candidate]:
    return [(m.start(), m.end(), "phone") for m in _PHONE.finditer(text)]


def _nhs_checksum_ok(digits: str) -> bool:
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1)))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


def _nhs_numbers(text: str) -> List[Candidate]:
    found = []
    for m in _NHS.finditer(text):
        s, e = m.span()
        near_nhs = _cue_before(_NHS_CUE, text, s) or _NHS_AFTER.match(text, e)
        digits = m.group().replace(m.group("sep") or " ", "")
        if m.group("sep") or near_nhs or _nhs_checksum_ok(digits):
            found.append((s, e, "nhs_number"))
    return found


def _postcodes(text: str) -> List[Candidate]:
    return [(m.start(), m.end(), "postcode") for m in _POSTCODE.finditer(text)]


def _addresses(text: str) -> List[Candidate]:
    return [(m.start(), m.end(), "address") for m in _ADDRESS.finditer(text)]


def _valid_date(m: re.Match) -> bool:
    """Numeric dates need a real day and month (either UK or US order)."""
    day, month = (m["nd"], m["nm"]) if m["nd"] else (m["id"], m["im"])
    if day is None:
        return True  # month names are always valid
    d, mth = int(day), int(month)
    if mth > 12 and d <= 12:  # US order, 04/23/2015
        d, mth = mth, d
    return 1 <= d <= 31 and 1 <= mth <= 12


def _cue_before(cue_re: re.Pattern, text: str, start: int, max_words: int = 4) -> bool:
    """A cue within `max_words` words before `start`, with no number or placeholder
    between (so an earlier identifier, redacted or not, blocks the cue alike)."""
    window = text[max(0, start - 200):start]
    cue = None
    for cue in cue_re.finditer(window):
        pass
    if cue is None:
        return False
    between = window[cue.end():]
    return not _CUE_BLOCKER(between) and len(_WORDISH.findall(between)) <= max_words


def _dates(text: str) -> List[Candidate]:
    found = []
    for m in _DATE.finditer(text):
        if not _valid_date(m):
            continue
        dob = _cue_before(_DOB_CUE, text, m.start())
        if m.group("partial") and not dob:
            continue
        found.append((m.start(), m.end(), "date_of_birth" if dob else "date"))
    return found


# ---- names -------------------------------------------------------------
Token = Tuple[int, int, str]


def _strip_possessive(word: str) -> str:
    return word[:-2] if len(word) > 2 and word[-2:] in ("'s", "’s") else word


def _norm(word: str) -> str:
    return word.lower().replace("’", "'")


def _is_cap(word: str) -> bool:
    """Capitalised but not ALL CAPS (so acronyms and 'I' are excluded)."""
    base = _strip_possessive(word)
    return base[:1].isupper() and not base.isupper()


def _is_initial(word: str) -> bool:
    return len(word) == 1 and word.isupper()


def _is_known_word(word: str) -> bool:
    low = _norm(_strip_possessive(word))
    if low in _NOT_NAMES:
        return True
    return "-" in low and all(part in _NOT_NAMES for part in low.split("-"))


@lru_cache(maxsize=64)
def _phrase_index(phrases: Tuple[str, ...]) -> dict:
    """first word -> list of word tuples, longest first."""
    index: dict = {}
    for phrase in phrases:
        words = tuple(_norm(w) for w in _WORD.findall(phrase))
        if words:
            index.setdefault(words[0], []).append(words)
    for options in index.values():
        options.sort(key=len, reverse=True)
    return index


def _phrase_cover(toks: List[Token], phrases: Tuple[str, ...]) -> set:
    """Indexes of tokens that are part of an allowed phrase."""
    index = _phrase_index(phrases) if phrases else {}
    if not index:
        return set()
    lows = [_norm(t[2]) for t in toks]
    covered: set = set()
    for i, low in enumerate(lows):
        for words in index.get(low, ()):
            if tuple(lows[i:i + len(words)]) == words:
                covered.update(range(i, i + len(words)))
                break
    return covered


def _in_placeholder(text: str, tok: Token) -> bool:
    s, e, _ = tok
    return text[s - 1:s] in ("[", "_") and text[e:e + 1] in ("]", "_")


def _is_space_gap(gap: str) -> bool:
    return 0 < len(gap) <= 2 and gap.isspace() and "\n" not in gap


def _prev_word(text: str, toks: List[Token], k: int) -> str:
    """Normalised token k ('' if out of range or part of a placeholder)."""
    if k < 0 or _in_placeholder(text, toks[k]):
        return ""
    return _norm(toks[k][2])


def _cue(text: str, toks: List[Token], i: int) -> Tuple[str, bool]:
    """(cue kind or '', whether a lower-case name is acceptable) for token i."""
    prev = _prev_word(text, toks, i - 1)
    if not prev:
        return "", False
    raw_gap = text[toks[i - 1][1]:toks[i][0]]
    gap = raw_gap.strip()
    if "\n" in raw_gap or len(raw_gap) > 4:
        return "", False
    if prev in _TITLES and gap in ("", ".") and toks[i - 1][2] != "miss":
        return "title", prev in _TITLES_LOWER_NAME_OK
    if gap not in ("", ",", ":"):
        return "", False
    before = _prev_word(text, toks, i - 2)
    if prev in _NAMING_CUES and gap != ",":
        return "naming", prev in ("name's", "aka") or before in _PERSON_CONTEXT
    if (before, prev) in _NAMING_PAIRS:
        return "naming", True
    if prev in ("name", "names") and gap == ":":
        return "naming", True
    if prev in _RELATIONS:
        return "relation", False
    return "", False


def _run_end(text: str, toks: List[Token], i: int, ok: Callable[[int], bool], initials: bool) -> int:
    """End index (exclusive) of the run of name words starting at token i."""
    j = i + 1
    while j < len(toks):
        prev_word = toks[j - 1][2]
        gap = text[toks[j - 1][1]:toks[j][0]]
        dotted_initial = initials and _is_initial(prev_word) and gap.strip() == "."
        if _strip_possessive(prev_word) != prev_word or not (_is_space_gap(gap) or dotted_initial):
            break
        word = toks[j][2]
        if not (ok(j) or (initials and _is_initial(word))):
            break
        j += 1
    return j


def _name_end(tok: Token) -> int:
    return tok[1] - (len(tok[2]) - len(_strip_possessive(tok[2])))


def _tokens(text: str) -> List[Token]:
    """Words, skipping letter runs glued to digits or underscores ('le3', 'DATE_OF')."""
    def glued(ch: str) -> bool:
        return ch == "_" or ch.isdigit()

    return [
        (m.start(), m.end(), m.group())
        for m in _WORD.finditer(text)
        if not glued(text[m.start() - 1:m.start()]) and not glued(text[m.end():m.end() + 1])
    ]


def _names(text: str, phrases: Tuple[str, ...]) -> List[Candidate]:
    toks = _tokens(text)
    covered = _phrase_cover(toks, phrases)

    def name_word(k: int) -> bool:
        word = toks[k][2]
        return _is_cap(word) and k not in covered and not _is_known_word(word)

    def free_lower(k: int) -> bool:  # a lower-case word that could be a typed name
        word = toks[k][2]
        return word[0].islower() and len(word) > 1 and k not in covered and not _is_known_word(word)

    found: List[Candidate] = []
    i = 0
    while i < len(toks):
        if name_word(i) or _is_initial(toks[i][2]):
            span, i = _capitalised_name(text, toks, i, name_word)
        elif free_lower(i):
            span, i = _lower_case_name(text, toks, i, free_lower)
        else:
            span, i = None, i + 1
        if span:
            found.append(span)
    return found


def _capitalised_name(text, toks, i, name_word) -> Tuple[Optional[Candidate], int]:
    """Cue + capitalised word(s), or a run of two or more capitalised words."""
    cue, _ = _cue(text, toks, i)
    if _is_initial(toks[i][2]) and cue != "title":
        return None, i + 1
    j = _run_end(text, toks, i, name_word, initials=cue == "title")
    if not cue and j - i < 2:
        return None, j
    start = toks[i - 1][0] if cue == "title" else toks[i][0]
    return (start, _name_end(toks[j - 1]), "name"), j


def _lower_case_name(text, toks, i, free_lower) -> Tuple[Optional[Candidate], int]:
    """'a girl called amira (khan)', 'mr smith'."""
    cue, lower_ok = _cue(text, toks, i)
    if not lower_ok:
        return None, i + 1
    j = i + 1
    if cue == "naming" and j < len(toks) and free_lower(j) and _is_space_gap(text[toks[i][1]:toks[j][0]]):
        j += 1  # a surname typed after the first name
    start = toks[i - 1][0] if cue == "title" else toks[i][0]
    return (start, _name_end(toks[j - 1]), "name"), j


# --------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------
def _as_text(value) -> str:
    """None -> '', bytes -> decoded, other objects -> str(); never raises."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    try:
        if isinstance(value, (bytes, bytearray)):
            return bytes(value).decode("utf-8", "replace")
        return str(value)
    except Exception:
        return ""


_CHECKED: list = [None, ()]  # (last tuple seen, its checked form)


def _as_phrases(allowed_phrases) -> Tuple[str, ...]:
    if allowed_phrases is None:
        return ()
    if isinstance(allowed_phrases, str):
        return (allowed_phrases,)
    if allowed_phrases is _CHECKED[0]:
        return _CHECKED[1]  # the caller passes the same glossary tuple on every call
    if isinstance(allowed_phrases, tuple) and all(isinstance(p, str) for p in allowed_phrases):
        _CHECKED[:] = [allowed_phrases, allowed_phrases]
        return allowed_phrases
    try:
        return tuple(p for p in allowed_phrases if isinstance(p, str))
    except Exception:  # not iterable
        return ()


def _resolve(cands: List[Candidate]) -> List[Candidate]:
    """Non-overlapping, sorted; on overlap keep the longer, then more specific."""
    def strength(c: Candidate) -> Tuple[int, int]:
        return (c[1] - c[0], -_RANK[c[2]])

    chosen: List[Candidate] = []
    for cand in sorted(cands, key=lambda c: (c[0], c[0] - c[1], _RANK[c[2]])):
        if chosen and cand[0] < chosen[-1][1]:
            if strength(cand) > strength(chosen[-1]):
                chosen[-1] = cand
            continue
        chosen.append(cand)
    return chosen


def find_identifiers(text, allowed_phrases: Iterable[str] = ()) -> List[Identifier]:
    """Personal identifiers in `text`: non-overlapping, sorted by start.

    `allowed_phrases` are capitalised terms that are not names (e.g. a glossary),
    matched case-insensitively.
    """
    text = _as_text(text)
    if not text:
        return []
    cands: List[Candidate] = []
    if "@" in text:
        cands += _emails(text)
    if _HAS_DIGIT(text):
        cands += _phones(text) + _nhs_numbers(text) + _postcodes(text)
        cands += _addresses(text) + _dates(text)
    cands += _names(text, _as_phrases(allowed_phrases))
    return [Identifier(kind, s, e, text[s:e]) for s, e, kind in _resolve(cands)]


def _substitute(text: str, found: List[Identifier]) -> str:
    parts, pos = [], 0
    for ident in found:
        parts += [text[pos:ident.start], PLACEHOLDERS[ident.kind]]
        pos = ident.end
    parts.append(text[pos:])
    return "".join(parts)


def redact(text, allowed_phrases: Iterable[str] = ()) -> str:
    """Replace every identifier by its placeholder, e.g. '[NAME]'.

    Repeats until nothing more is found, so redact(redact(x)) == redact(x).
    """
    text = _as_text(text)
    phrases = _as_phrases(allowed_phrases)
    for _ in range(_MAX_PASSES):
        found = find_identifiers(text, phrases)
        if not found:
            break
        text = _substitute(text, found)
    return text


def needs_reminder(text, allowed_phrases: Iterable[str] = ()) -> bool:
    """True if the text holds an identifier that should trigger a privacy reminder."""
    return any(i.kind in REMINDER_KINDS for i in find_identifiers(text, allowed_phrases))


def describe(kinds) -> str:
    """Plain-English list, e.g. 'a name and a date of birth'.

    Accepts kinds (str) or Identifier objects; duplicates and unknown kinds are ignored.
    """
    if not kinds:
        return ""
    if isinstance(kinds, str):
        kinds = (kinds,)
    present = {getattr(k, "kind", k) for k in kinds if isinstance(getattr(k, "kind", k), str)}
    items = [_DESCRIPTIONS[kind] for kind in KINDS if kind in present]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
