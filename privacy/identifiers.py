"""Find and redact personal identifiers in free text (UK safeguarding context).

Regex heuristics and word lists (privacy/*.txt), plus two libraries: phonenumbers finds and reads
UK phone numbers in any format, and PyYAML reads knowledge/ at run time (privacy/knowledge.py) for
the names of services, tools and agencies, and their published phone numbers, which are not
personal and are never redacted. The regexes are compiled once at import time and written so that
they run in linear time (bounded quantifiers, anchored starts), so even 100 kB of input is handled
quickly.

Detection is heuristic: it errs towards redacting, but it is not a guarantee. The benchmark
(benchmarks/privacy/, `make bench-privacy`) measures it.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Iterable, List, Optional, Tuple

from privacy.knowledge import published_phones, quick_digits, read_words, service_phrases

try:  # the maintained library for phone formats; the regex below still runs without it
    from phonenumbers import Leniency, PhoneNumberMatcher
except ImportError:  # pragma: no cover - pinned in requirements.txt
    PhoneNumberMatcher = None

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

KINDS = ("name", "date_of_birth", "date", "address", "postcode", "phone", "email", "nhs_number",
         "ni_number", "school", "case_id")
REMINDER_KINDS = frozenset(KINDS) - {"date"}
PLACEHOLDERS = {kind: f"[{kind.upper()}]" for kind in KINDS}

# On overlap the longer span wins; for equal spans the more specific kind wins.
_SPECIFICITY = ("email", "nhs_number", "ni_number", "date_of_birth", "postcode", "phone", "case_id",
                "address", "school", "date", "name")
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
    "ni_number": "a National Insurance number",
    "school": "a school's name",
    "case_id": "a case record number",
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
    "can you hear me nobody everybody anybody somebody staff birth age dob old young older younger",
    "called named nicknamed",
    "teen teens kid kids dog dogs cat plea story stories video videos film films article post",
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
_GENERIC = _COMMON | _DOMAIN | _CALENDAR | _PEOPLES  # words that do not make a school's name
_STREET_GENERIC = _COMMON | _DOMAIN | _CALENDAR

# First names from the communities practitioners work with (privacy/first_names.txt): a capitalised
# one is a name on its own.  Those that are also ordinary words need context (a cue before, a
# verb after) in any case; lower-case names always need context.
_FIRST_NAMES = read_words("first_names.txt") - _NOT_NAMES
_SURNAMES = read_words("surnames.txt") - _words(  # lower case, only those that are not also words
    "young green white brown hall wood king bell cook price ward hill mason lee james bailey baker carter",
    "cooper turner parker walker wright marshall foster chapman powell webb rogers gray shaw miller scott",
    "rose morris moore gill may martin ellis richards",
)
_AMBIGUOUS = _words(
    "grace hope faith joy rose dawn summer amber bill pat sue frank jack max ray art guy angel sky",
    "skye river holly ivy jade ruby pearl crystal brook brooke hunter chase king prince star storm",
    "sandy cliff dean drew glen grant heath jay kay lee penny robin rusty sonny daisy hazel heather",
    "iris jasmine olive poppy sage violet willow wren mark carol don eve bob jean cherry misty",
    "melody honey precious blessing destiny miracle justice unique liberty harmony tiger dev rob",
    "les roger nick ion nisha victoria georgia jordan florence chelsea harley mason kerry",
    "leigh tyrone aden sardar amir wali krishna lily teddy chester noel cole carter cooper parker blake",
    "piper honor nova luna pixie dolly bonnie tara eden lincoln morgan hudson quinn grayson ryder",
    "sunny ty miles lan hung bo sade simi mae nell ada ari issa saba yue hua shu kaya",
)
# A single unknown capitalised word is a name when one of these verbs follows it ("Zaid disclosed").
_STRONG_VERBS = _words(
    "said says told tells disclosed discloses disclosing reported reports mentioned mentions stated",
    "states explained explains admitted admits alleged alleges alleging denied denies claimed claims",
    "revealed reveals confided confides cried screamed shouted hit punched kicked slapped absconded",
    "ran runs whispered wrote texted messaged rang phoned emailed called gave gives attends attended",
    "goes lives lived stays stayed hurt hurts touched touches hits assaulted raped abused threatened",
)
# ... and these after a listed first name, or a lower-case one ("john is", "amira has").
_WEAK_VERBS = _STRONG_VERBS | _words(
    "is was has had came comes went goes lives lived attends attended wants wanted seems seemed",
    "looked looks appears appeared got gets refused left arrived missed turned isn't wasn't",
    "hasn't hadn't doesn't didn't won't can't couldn't wouldn't does did who whose",
    "might may will would could should can must sometimes often never always also still",
)
# Words before a listed first name that make even an ambiguous one a name ("worried about Grace").
_PERSON_BEFORE = _words(
    "about with told tell telling saw see seen seeing meet met meeting visited visit visiting ask",
    "asked asking from to spoke speak speaking talked talking phoned rang emailed texted messaged",
    "worried concerned supporting supported helped helping",
)
_AGE_AFTER = re.compile(
    r"[ \t]{0,2}(?:,[ \t]{0,2})?(?:\(?[ \t]{0,2}(?:aged?|age:|dob|d\.o\.b|born|yr|y/o)\b"
    r"|\([ \t]{0,2}\d{1,2}[ \t]{0,2}(?:y(?:rs?|ears?)?(?:[ \t]{0,2}old)?)?[ \t]{0,2}\)"
    r"|\d{1,2}[ \t]{0,2}(?:yrs?|years?|y/o|yo)\b"
    r"|(?:who[ \t]+)?(?:is|was)[ \t]+born\b"
    r"|[ \t]*(?:and|&)[ \t]+[A-Z][\w'’-]{0,30}[ \t]+(?:are|were)[ \t]+"
    r"(?:siblings|brothers|sisters|twins|cousins|both)\b"
    r"|[ \t]*and[ \t]+(?:her|his|their)[ \t]+(?:mum|mother|dad|father|brother|sister|siblings?|nan|gran|baby)\b"
    r"|(?:who[ \t]+)?(?:is|was)[ \t]+\d{1,2}(?=[ \t]*(?:$|[,.;!?)]|(?:years?|yrs?|and|but|so|now)\b)))",
    re.I,
)
_RELATION_AFTER = _RELATIONS | _words(
    "mother's father's school teacher sw social keyworker person plan case file record records address",
    "number phone mobile attendance behaviour bedroom home house room needs safety wellbeing voice",
    "wishes views disclosure injuries injury bruises bruising key health",
)
# Words after which an unknown capitalised word is a person ("worried about Leyton", "met Ruairi").
_PERSON_BEFORE_STRONG = _words("about with told tell telling saw seen see met meet meeting visited visiting",
                               "asked ask asking re regarding fao")
_PERSON_BEFORE_PAIRS = _words("concerned worried spoke speak speaking talked talk talking scared")  # + for/to
_AUXILIARIES = _words("has had have is was just then also has never later today again")
_NOUNS = (_DOMAIN | _RELATIONS) - _COMMON  # "children", "family": after an adjective
_DETERMINERS = _words("the a an my his her their our your this that these those its some any no every each")

# Words that end the name of an organisation, service, programme or tool: a capitalised run
# ending in one is not a person ("Lucy Faithfull Foundation", "Rape Crisis", "Freedom Programme").
_ORG_SUFFIXES = _words(
    "foundation foundations programme programmes program tool tools toolkit trust trusts service",
    "services project projects centre centres center crisis aid network charity partnership",
    "partnerships team teams hub clinic clinics society association alliance group groups council",
    "board unit line helpline experiences model framework assessment scale questionnaire checklist",
    "pathway approach profile policy procedure guidance protocol initiative campaign forum panel",
    "hospital hospitals infirmary surgery practice church mosque temple gurdwara synagogue support",
    "care agency collective institute commission commissioner lodge house ltd limited cic plc",
    "fund coalition federation helpline advocacy",
)
_ROLE_WORDS = _words("manager managers leader leaders lead leads worker workers member members officer",
                     "officers coordinator co-ordinator administrator head chair")

# Schools: a capitalised run ending in one of these heads, with a proper word before it.
_SCHOOL_HEADS = _words("school schools academy college primary infants juniors nursery")
_SCHOOL_PARTS = _SCHOOL_HEADS | _words(
    "junior infant secondary high grammar community church england of c e ce cofe rc catholic",
    "methodist baptist anglican muslim islamic jewish free girls boys girls' boys' the and st st.",
    "saint upon on in le de la al el international independent special language sixth form",
    "day prep preparatory upper lower middle first",
)

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

# National Insurance numbers: two letters, six digits (grouped in pairs or not), a letter A-D.  Any
# two letters are accepted (the QQ prefix of HMRC's examples too); without the final letter a cue
# ("NI", "NINO", "national insurance") must come just before.
_NI = re.compile(
    r"(?<![\w-])[a-z]{2}(?P<sep>[ ]?)\d\d(?P=sep)\d\d(?P=sep)\d\d(?:[ ]?(?P<suffix>[a-d]))?(?![\w-])", re.I)
_NI_CUE = re.compile(r"\b(?:n\.?[ ]?i\.?|nino|nin|national[ \t]+insurance)\b", re.I)

# Case ids from case-recording systems: a number of 5-12 digits (letters before it allowed),
# with a cue before ("child ID 1234567", "case ref: LL-123456") or a case system after it
# ("1234567 on Liquid Logic").
_CASE_ID = re.compile(
    r"(?<![\w/#£$€.-])#?(?:[a-z]{1,4}[-/]?)?\d{5,12}(?:[-/]\d{1,8}){0,2}(?![\w/-]|\.\d)", re.I)
_CASE_SYSTEMS = (r"liquid[ ]?logic|mosaic|lcs|ehm|eclipse|systmone|emis|cpoms|my[ ]?concern|niche|rio|"
                 r"capita|synergy|carefirst|care[ ]?first|frameworki|paris|azeus|the[ ]system|our[ ]system")
_CASE_CUE = re.compile(
    r"(?:\b(?:id|ids|i\.d|ref|refs|reference|case|crn|upn|uln|urn|crime|incident|occurrence|log|record|"
    rf"file|person|client|child|family|pupil|referral|{_CASE_SYSTEMS})\b|#)",
    re.I,
)
_CASE_AFTER = re.compile(rf"[ \t]{{1,3}}(?:on|in|from|via|for)[ \t]{{1,3}}(?:{_CASE_SYSTEMS})\b", re.I)

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
_KNOWN_TOWN = re.compile(r",?[ \t]{1,2}(?P<town>(?-i:[A-Z][a-z]+(?:[ -][A-Z][a-z]+){0,2}))(?![\w'’-])")
_LOOSE_POSTCODE = re.compile(
    r",?[ \t]{1,2}(?:[A-PR-UWYZ][A-HK-Y]\d[A-Z\d]?|[BEGLMNSW]\d[A-Z\d]?)[ ]?\d[ABD-HJLNP-UW-Z]{2}\b", re.I)
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

# Streets without a house number ("lives on Saffron Lane").  Strong suffixes count anywhere after a
# proper word; weak ones (also ordinary words: Court, Park, Drive...) only after a place cue.
_STRONG_SUFFIX = r"(?-i:Road|Street|Lane|Avenue|Close|Crescent|Terrace|Grove|Gardens|Mews|Rd|Ave|Boulevard)"
_WEAK_SUFFIX = (
    r"(?-i:Drive|Way|Court|Place|Walk|Row|Hill|Park|Square|Green|View|Rise|Gate|Parade|Mount|Fields"
    r"|Vale|Meadows?|Wharf|Yard|St|Dr|Ln|Cl|Ct|Pl|Sq|Cres|Gdns|Tce)"
)
_STREET = re.compile(
    rf"""(?<![\w'’.-])
    (?P<words>(?:{_CAP_WORD}[ \t]+){{1,3}})(?P<suffix>{_STRONG_SUFFIX}|{_WEAK_SUFFIX})
    (?![\w'’-])
    (?:{_TOWN})?
    (?:,?[ \t]+{_POSTCODE_SRC})?""",
    re.I | re.X,
)
_STREET_CUE = re.compile(
    r"\b(?:on|in|at|off|near|along|to|from|opposite|lives|living|lived|address|moved|round|behind|via"
    r"|down|up|into|of|by|stays|staying|corner)[ \t]+(?:the[ \t]+)?$",
    re.I,
)
# Lower case, after "lives on", "moved to", "address is": "lives on saffron lane".
_STREET_LOWER = re.compile(
    rf"""\b(?:lives?|living|lived|moved|staying|stays|address(?:[ \t]+is)?)[ \t]+(?:on|in|at|to|:)?[ \t]*
    (?:the[ \t]+)?(?P<street>(?:{_LC_WORD}[ \t]+){{1,3}}
    (?:road|street|lane|avenue|crescent|terrace|mews|gardens|grove|rd)(?![\w'’-])(?:,?[ \t]+{_POSTCODE_SRC})?)""",
    re.I | re.X,
)
_COURT_WORDS = _words("magistrates magistrates' crown county family youth coroner's coroners high civil",
                      "supreme appeal justice combined district")

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
          | {_YEAR4}(?![/.-]\d)
        )(?!\w)
    )""",
    re.I | re.X,
)
_DOB_CUE = re.compile(
    r"\b(?:d\.?[ ]?o\.?[ ]?b|(?:date|year)[ \t]+of[ \t]+birth|birth[ ]?(?:day|date|year)|b-?day|born|yob)\b",
    re.I,
)
_DOB_AFTER_NAME = re.compile(r"[ \t]{0,2}(?:\(|,|-|–)[ \t]{0,2}")  # "Amira Khan (3/4/2015)"
_LABEL_END = re.compile(r"[ \t]*(?:[,;.)\n]|$)")
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


def _phones(text: str) -> Tuple[List[Candidate], List[Candidate]]:
    """(personal numbers, services' published numbers).

    The regex finds the usual UK formats; phonenumbers' matcher reads what it misses (other
    separators, "(+44)", dotted groups) and accepts any possible number starting 0, +, 00 or (0),
    so the drama ranges Ofcom keeps for fiction count too. A number that a service publishes
    (knowledge/ `phones:`, compared by country code and national number) is not personal: it,
    and anything inside it (an NHS-like 3-3-4 group), is left alone."""
    spans = {m.span() for m in _PHONE.finditer(text)}
    if PhoneNumberMatcher is not None:
        # The matcher only sees short windows that start like a number, that the regex has not
        # matched and whose digits could be a number, at most _MAX_MATCHER_CALLS a message: on
        # its own it is slow on long runs of digits and punctuation; this keeps the work linear.
        regex_spans = sorted(spans)
        starts = [s for s, _ in regex_spans]
        calls = 0
        for window in _PHONE_WINDOW.finditer(text):
            at = bisect_left(starts, window.start() + 1) - 1
            if at >= 0 and regex_spans[at][1] > window.start():
                continue  # the regex has this number already
            if not _PLAUSIBLE.match("".join(_DIGITS(window.group()))) or calls >= _MAX_MATCHER_CALLS:
                continue
            calls += 1
            for match in PhoneNumberMatcher(window.group(), "GB", leniency=Leniency.POSSIBLE):
                if match.raw_string[:1] in "+0" or match.raw_string[:2] == "(0":
                    spans.add((window.start() + match.start, window.start() + match.end))
    published = published_phones()
    personal, public = [], []
    for s, e in sorted(spans):
        if published and quick_digits(text[s:e]) in published:
            public.append((s, e, "phone"))
        elif len(_DIGITS(text[s:e])) >= 10:  # a UK number has 0 + 9 or 10 digits: "06-01-2025" is a date
            personal.append((s, e, "phone"))
    return personal, public


_DIGITS = re.compile(r"\d").findall
_PLAUSIBLE = re.compile(r"0[1-9]\d{8}|00[1-9]\d{8}|[1-9]\d{8}")  # 0 + area code, 00 + country code, +...
_MAX_MATCHER_CALLS = 200  # per message: past that, the regex alone (a message has not 200 odd numbers)
_PHONE_WINDOW = re.compile(r"(?<![\w+])(?:\+|00|\(?0)[\d \t().\-/]{8,28}")


def _outside(cands: List[Candidate], spans: List[Candidate]) -> List[Candidate]:
    return [c for c in cands if not any(c[0] < e and s < c[1] for s, e, _ in spans)] if spans else cands


def _ni_numbers(text: str) -> List[Candidate]:
    return [(m.start(), m.end(), "ni_number") for m in _NI.finditer(text)
            if m.group("suffix") or _cue_before(_NI_CUE, text, m.start(), max_words=3)]


def _case_ids(text: str) -> List[Candidate]:
    return [(m.start(), m.end(), "case_id") for m in _CASE_ID.finditer(text)
            if m.group().startswith("#") or _cue_before(_CASE_CUE, text, m.start(), max_words=4)
            or _CASE_AFTER.match(text, m.end())]


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
    return [(m.start(), _town_end(text, m.end()), "address") for m in _ADDRESS.finditer(text)]


def _town_end(text: str, end: int) -> int:
    """`end`, moved past ", Lutterworth" (a place the detector knows, whatever follows it) and a
    postcode after it, even a lower-case one that looks like an ordinal ("le18 0th")."""
    m = _KNOWN_TOWN.match(text, end)
    if m and all(w.lower() in _PLACES for w in m.group("town").replace("-", " ").split()):
        end = m.end()
    m = _LOOSE_POSTCODE.match(text, end)
    return m.end() if m else end


def _streets(text: str, is_known: Callable[[int, int], bool]) -> List[Candidate]:
    """Streets without a house number; `is_known(start, end)`: a service's or tool's name."""
    found = []
    for m in _STREET.finditer(text):
        words = [_norm(_strip_possessive(w)) for w in m.group("words").split()]
        proper = [w for w in words if w not in _STREET_GENERIC]  # "Church Way", "Temple Road" count
        if m.group("suffix") == "Court" and any(w in _COURT_WORDS for w in words):
            continue  # Family Court, Leicester Magistrates Court
        cue = bool(_STREET_CUE.search(text[max(0, m.start() - 24):m.start()]))
        strong = m.group("suffix") in _STRONG_SET
        if not (proper and (strong or cue)) and not (strong and cue):
            continue
        if is_known(m.start(), m.start("suffix") + len(m.group("suffix"))):
            continue
        found.append((m.start(), _town_end(text, m.end()), "address"))
    for m in _STREET_LOWER.finditer(text):
        found.append((m.start("street"), _town_end(text, m.end("street")), "address"))
    return found


_STRONG_SET = frozenset(_STRONG_SUFFIX[5:-1].split("|"))


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


def _key(word: str) -> str:
    return _norm(_strip_possessive(word))


@lru_cache(maxsize=64)
def _phrase_index(phrases: Tuple[str, ...]) -> dict:
    """first word -> list of word tuples, longest first."""
    index: dict = {}
    for phrase in phrases:
        words = tuple(_key(w) for w in _WORD.findall(phrase))
        if words:
            index.setdefault(words[0], []).append(words)
    for options in index.values():
        options.sort(key=len, reverse=True)
    return index


def _static_index() -> dict:
    """Services, tools and the knowledge base's own names (privacy/knowledge.py), read once."""
    try:
        return _phrase_index(service_phrases())
    except Exception:  # noqa: BLE001 - without them the detector redacts more, not less
        return {}


def _phrase_cover(toks: List[Token], phrases: Tuple[str, ...]) -> set:
    """Indexes of tokens that are part of an allowed phrase (the caller's or a known service's)."""
    indexes = [i for i in (_static_index(), _phrase_index(phrases) if phrases else {}) if i]
    if not indexes:
        return set()
    lows = [_key(t[2]) for t in toks]
    covered: set = set()
    for i, low in enumerate(lows):
        for index in indexes:
            for words in index.get(low, ()):
                if tuple(lows[i:i + len(words)]) == words:
                    covered.update(range(i, i + len(words)))
                    break
    return covered


def _org_cover(text: str, toks: List[Token]) -> set:
    """Indexes of tokens in capitalised runs that end in an organisation word ("Rape Crisis")."""
    covered: set = set()
    for k, tok in enumerate(toks):
        if not (_is_cap(tok[2]) and _key(tok[2]) in _ORG_SUFFIXES):
            continue
        nxt = toks[k + 1] if k + 1 < len(toks) else None
        if nxt and _is_space_gap(text[tok[1]:nxt[0]]) and _key(nxt[2]) in _ROLE_WORDS:
            continue  # "Team Manager" is a job, and the words before it may be a person
        j = k
        while j > 0 and k - j < 6 and _is_space_gap(text[toks[j - 1][1]:toks[j][0]]):
            word = toks[j - 1][2]
            if not (_is_cap(word) or word.isupper() or _key(word) in ("of", "for", "and", "the")):
                break
            j -= 1
        if j < k:
            covered.update(range(j, k + 1))
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
        return ("label", True) if gap == ":" else ("relation", False)
    return "", False


def _context_after(text: str, toks: List[Token], j: int, verbs: frozenset) -> bool:
    """After a name ending at token j-1: a verb from `verbs`, an age, or 's + a relation."""
    last = toks[j - 1]
    if _strip_possessive(last[2]) != last[2]:
        return j < len(toks) and _is_space_gap(text[last[1]:toks[j][0]]) and _key(toks[j][2]) in _RELATION_AFTER
    if _AGE_AFTER.match(text, last[1]):
        return True
    k = j
    while k < len(toks) and k - j < 2 and _is_space_gap(text[toks[k - 1][1]:toks[k][0]]) \
            and _norm(toks[k][2]) in _AUXILIARIES and k + 1 < len(toks) and _norm(toks[k + 1][2]) in _STRONG_VERBS:
        k += 1  # "has told", "had just said"
    if k < len(toks):
        gap = text[toks[k - 1][1]:toks[k][0]]
        return _is_space_gap(gap) and _norm(toks[k][2]) in verbs
    return False


def _context_before(text: str, toks: List[Token], i: int) -> bool:
    """A word before token i that is mostly followed by a person ("about", "told", "met")."""
    return i > 0 and _is_space_gap(text[toks[i - 1][1]:toks[i][0]]) and _prev_word(text, toks, i - 1) in _PERSON_BEFORE


def _coordinated(text: str, toks: List[Token], i: int) -> bool:
    """'Wei and Rhys', 'Rhys & Wei': an unknown capitalised word joined to a listed first name."""
    def joined(a: int, b: int) -> bool:  # tokens a < b joined by "and" or "&"
        if b - a == 2 and _key(toks[a + 1][2]) == "and":
            return _is_space_gap(text[toks[a][1]:toks[a + 1][0]]) and _is_space_gap(text[toks[a + 1][1]:toks[b][0]])
        return b - a == 1 and text[toks[a][1]:toks[b][0]] in (" & ", "&", " and ")

    def listed(k: int) -> bool:
        return 0 <= k < len(toks) and _is_cap(toks[k][2]) and _first_name(toks[k][2]) \
            and _key(toks[k][2]) not in _AMBIGUOUS
    return any(listed(k) and joined(min(i, k), max(i, k)) for k in (i - 2, i - 1, i + 1, i + 2))


def _strong_before(text: str, toks: List[Token], i: int) -> bool:
    """'about X', 'met X', 'concerned for X': words that are followed by a person, not a thing."""
    if not (i > 0 and _is_space_gap(text[toks[i - 1][1]:toks[i][0]])):
        return False
    prev = _prev_word(text, toks, i - 1)
    if not (toks[i - 1][2].islower() or prev == "re") or _key(toks[i][2]).endswith("s"):
        return False  # Title Case headings ("Frequently Asked Questions"), plurals
    nxt = toks[i + 1] if i + 1 < len(toks) else None
    if nxt and _is_space_gap(text[toks[i][1]:nxt[0]]) and _key(nxt[2]) in _NOUNS:
        return False  # an adjective: "with Disabled children"
    if prev in _PERSON_BEFORE_STRONG:
        return True
    return prev in ("for", "to") and i > 1 and _is_space_gap(text[toks[i - 2][1]:toks[i - 1][0]]) \
        and _prev_word(text, toks, i - 2) in _PERSON_BEFORE_PAIRS


def _unknown_lower_name(text: str, toks: List[Token], i: int) -> bool:
    """A lower-case word in no list is a name when a person-verb follows ("taiwo said") and no
    determiner comes before it ("the dog hit" is not); job-like endings are not names."""
    word = _key(toks[i][2])
    if len(word) < 3 or word.endswith(("er", "ers", "or", "ors", "ist", "ists", "s", "ian", "ians", "ent", "ly")):
        return False
    if i > 0 and _prev_word(text, toks, i - 1) in _DETERMINERS:
        return False
    return _context_after(text, toks, i + 1, _STRONG_VERBS)


def _first_name(word: str) -> bool:
    low = _key(word)
    return low in _FIRST_NAMES or ("-" in low and any(part in _FIRST_NAMES for part in low.split("-")))


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


def _names(text: str, toks: List[Token], covered: set) -> List[Candidate]:
    saints = {k + 1 for k, t in enumerate(toks[:-1]) if t[2] in ("St", "Saint", "ST")
              and text[t[1]:toks[k + 1][0]] in (" ", ". ")}  # St Mary's: a church, school, hospital
    covered = covered | saints

    def name_word(k: int) -> bool:
        word = toks[k][2]
        return _is_cap(word) and k not in covered and not _is_known_word(word)

    def free_lower(k: int) -> bool:  # a lower-case word that could be a typed name
        word = toks[k][2]
        return word[0].islower() and len(word) > 1 and k not in covered and not _is_known_word(word)

    found: List[Candidate] = []
    i, last_end = 0, -9  # last_end: index of the token after the last name found
    while i < len(toks):
        if name_word(i) and last_end == i - 1 and _key(toks[i - 1][2]) == "and" \
                and _is_space_gap(text[toks[i - 2][1]:toks[i - 1][0]]) \
                and _is_space_gap(text[toks[i - 1][1]:toks[i][0]]):
            j = _run_end(text, toks, i, name_word, initials=False)  # "met Rosheen and Oisin"
            span, i = (toks[i][0], _name_end(toks[j - 1]), "name"), j
        elif name_word(i) or _is_initial(toks[i][2]):
            span, i = _capitalised_name(text, toks, i, name_word)
        elif free_lower(i):
            span, i = _lower_case_name(text, toks, i, free_lower)
        else:
            span, i = None, i + 1
        if span:
            found.append(span)
            last_end = i
    return found


def _single_name_ok(text: str, toks: List[Token], i: int) -> bool:
    """One capitalised word with no cue: any word followed by a person-verb or an age, after
    "about"/"met"/..., or joined by "and" to a listed first name; or a listed first name itself
    (one that is also an ordinary word, "Grace", "Amber", needs context)."""
    word = toks[i][2]
    if _context_after(text, toks, i + 1, _STRONG_VERBS) or _strong_before(text, toks, i) \
            or _coordinated(text, toks, i):
        return True
    if not _first_name(word) or _in_placeholder(text, toks[i]):
        return False
    if _key(word) not in _AMBIGUOUS:
        return True
    return _context_before(text, toks, i) or _context_after(text, toks, i + 1, _WEAK_VERBS)


def _capitalised_name(text, toks, i, name_word) -> Tuple[Optional[Candidate], int]:
    """Cue + capitalised word(s), a run of two or more capitalised words, or one word that is a
    first name or is followed by a person-verb or an age."""
    cue, _ = _cue(text, toks, i)
    if _is_initial(toks[i][2]) and cue != "title":
        return None, i + 1
    j = _run_end(text, toks, i, name_word, initials=cue == "title")
    if not cue and j - i < 2 and not _single_name_ok(text, toks, i):
        return None, j
    start = toks[i - 1][0] if cue == "title" else toks[i][0]
    return (start, _name_end(toks[j - 1]), "name"), j


def _lower_case_name(text, toks, i, free_lower) -> Tuple[Optional[Candidate], int]:
    """'a girl called amira (khan)', 'mr smith', 'john said', 'worried about tyler'."""
    cue, lower_ok = _cue(text, toks, i)
    listed = _first_name(toks[i][2]) and _key(toks[i][2]) not in _AMBIGUOUS
    if not lower_ok:
        j = i + 1
        if j < len(toks) and _key(toks[j][2]) in _SURNAMES and toks[j][2].islower() \
                and _is_space_gap(text[toks[i][1]:toks[j][0]]):
            j += 1  # "amira khan said", "radu williams": a surname makes the word before it a name
        if j == i + 2:
            return (toks[i][0], _name_end(toks[j - 1]), "name"), j
        if not listed:
            if _unknown_lower_name(text, toks, i):
                return (toks[i][0], _name_end(toks[i]), "name"), i + 1
            return None, i + 1
        if i > 0 and _prev_word(text, toks, i - 1) in _DETERMINERS:
            return None, i + 1  # "the bobby on the beat"
        return (toks[i][0], _name_end(toks[j - 1]), "name"), j
    if cue == "label" and not listed and not _LABEL_END.match(text, toks[i][1]):
        return None, i + 1  # "child: amira, school: ..." but not "child: expert insights"
    j = i + 1
    if cue == "naming" and j < len(toks) and free_lower(j) and _is_space_gap(text[toks[i][1]:toks[j][0]]):
        j += 1  # a surname typed after the first name
    start = toks[i - 1][0] if cue == "title" else toks[i][0]
    return (start, _name_end(toks[j - 1]), "name"), j


def _schools(text: str, toks: List[Token], covered: set) -> List[Candidate]:
    """'St Mary's Primary School', 'Rushey Mead Academy', 'Oakfield Primary': a run of capitalised
    words (and 'of', 'the', '&') ending in a school word, with a proper word (a name or a place)
    in it; the names of services and tools do not count."""
    found: List[Candidate] = []
    k, n = 0, len(toks)
    while k < n:
        word = toks[k][2]
        if not (_is_cap(word) and _key(word) in _SCHOOL_HEADS):
            k += 1
            continue
        end = k
        while end + 1 < n and _is_cap(toks[end + 1][2]) and _key(toks[end + 1][2]) in _SCHOOL_HEADS \
                and _is_space_gap(text[toks[end][1]:toks[end + 1][0]]):
            end += 1
        j = k
        while j > 0 and k - j < 7:
            gap = text[toks[j - 1][1]:toks[j][0]]
            prev = toks[j - 1][2]
            if not (_is_space_gap(gap) or gap in (". ", " & ", "' ", "’ ")):
                break
            if not (_is_cap(prev) or _key(prev) in ("of", "the", "and", "upon", "on", "in", "le", "de", "la",
                                                    "al", "el", "e", "c") or prev in ("CE", "RC", "CofE")):
                break
            j -= 1
        while j < k and (toks[j][2] in ("The", "the") or _key(toks[j][2]) in ("of", "and", "in", "on")):
            j += 1
        proper = [m for m in range(j, k) if _is_cap(toks[m][2]) and _key(toks[m][2]) not in _SCHOOL_PARTS
                  and _key(toks[m][2]) not in _GENERIC and m not in covered]
        if proper:
            found.append((toks[j][0], toks[end][1], "school"))
        k = end + 1
    return found


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
        phones, published = _phones(text)
        numbers = phones + _nhs_numbers(text) + _ni_numbers(text) + _case_ids(text)
        cands += _outside(numbers, published) + _postcodes(text) + _addresses(text) + _dates(text)
    toks = _tokens(text)
    known = _phrase_cover(toks, _as_phrases(allowed_phrases))
    covered = known | _org_cover(text, toks)
    starts = [t[0] for t in toks]

    def is_known(start: int, end: int) -> bool:  # every word in text[start:end] is a known phrase's
        first, last = bisect_left(starts, start), bisect_left(starts, end)
        return last > first and all(k in known for k in range(first, last))

    cands += _streets(text, is_known) + _schools(text, toks, known) + _names(text, toks, covered)
    chosen = _resolve(cands)
    for k in range(1, len(chosen)):
        (_, pe, pkind), (s, e, kind) = chosen[k - 1], chosen[k]
        if kind == "date" and pkind == "name" and _DOB_AFTER_NAME.fullmatch(text, pe, s):
            chosen[k] = (s, e, "date_of_birth")
    return [Identifier(kind, s, e, text[s:e]) for s, e, kind in chosen]


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
