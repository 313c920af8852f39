"""De-duplication: find the same CCB project listed under different names.

Mappings list one project under many names ("GLACY+", "Global Action on Cybercrime
Extended", "Action globale sur la cybercriminalité élargie"), while successive phases of
one programme look alike but are separate projects (GLACY, GLACY+, GLACY-e). A wrong merge
is worse than a missed one, so the rules lean to keeping rows apart.

Judgement calls, in plain words:
- Names are compared after normalising spelling (programme/program, cyber security/
  cybersecurity, accents, punctuation) as weighted sets of words: common words of the field
  ("cyber", "capacity", "programme", ...) weigh 0.3, an organisation's acronym that the
  row's funders or implementers also name ("ITU" in "ITU CyberDrills") 0.5, other words 1.
  Words a longer name adds count half ("X" vs "ITU X" stays close), words only in
  parentheses half of that, but a place it adds counts in full: "Digital Access
  Programme: Brazil ..." is a part of the programme, not the programme. The same words in
  another order are the same name. Two acronyms of organisations that both records list
  ("OAS" and its "CICTE") match each other; an organisation's acronym written in capitals
  weighs 0.5 anyway and is read by its English acronym (ORGANISATIONS: "OEA" -> OAS, a
  committee -> its parent, "CICTE" -> OAS); an organisation named in full reads as its
  acronym ("Council of Europe Project to ..." -> coe). A possessive "'s" is dropped; years a
  name states are editions, not words (see Phases). A coined word matches the words its
  parts spell ("Digital4Development" = "Digital for Development"); "-ies" plurals match.
- Other languages: a name's language is read from its script (kana, hangul, ...) or from
  two or more words only English, French, Spanish, Portuguese, Italian or German use; such
  a name, and a Japanese one, is also read in English through data/dedupe_glossary.csv,
  general vocabulary of the field ("cybercriminalité" -> cybercrime, "camino a seguir" ->
  way forward, "能力構築" -> capacity building). Parts of coined words are read in any of
  these languages ("CyberSud" -> CyberSouth).
- An acronym matches a name that contains it or whose initials it spells ("DCCP",
  "Digital Connectivity and Cybersecurity Partnership"); three-letter acronyms score lower
  because they collide. "DCCP-Pacific" is a regional part, not "DCCP". Blocking also
  proposes an acronym against any run of words it spells with one to three letters a word
  ("GLACY" = GLobal ACtion on CYbercrime, "EAP" = Eastern Partnership; a compass compound
  gives both initials, "ASEAN" = Association of SouthEast Asian Nations), a coined word by
  its parts ("certTonga" meets "Tonga CERT") and any name by its words as compared ("OEA"
  meets "OAS"). Two names giving the same own acronym in
  parentheses (four letters or more, not an organisation's, no places apart) match: "...
  dei Caraibi (Lac4)" and "... Cyber Capacity Center (LAC4)"; so does a name of acronyms
  and common words only whose acronyms the other name holds ("MCD CSSF Programme"), and a
  name whose own acronym spells the whole of the other, which holds its other words ("...
  Acceleration Project (KDEAP)" / "Kenya ... Acceleration Project"). "4" or "2" in an
  acronym may read "for" / "to" ("DE4A"); an acronym in parentheses may spell a coined
  word's parts ("Partner2Connect (P2C)"); an organisation's acronym as written spells its
  name in that language ("UE" = Unión Europea) while it is compared as its English acronym.
  A name whose first words have its own acronym as initials is also those words ("Cyber
  Rapid Response Teams and ... (CRRTs)"), unless the rest names a place. An acronym a name
  spells out covers its expansion only when the other name writes it as an acronym too
  ("Rapid" in "Cyber Rapid Response Teams" is not RAPID, Rapid Assistance for ...).
- Parts and siblings that names alone give away: an acronym followed by a distinctive word
  or a place is a part of what it names ("SADA Benin", "NCSI methodology update"), words
  before it name a publisher ("SecDev Foundation Eurasia CyberSTAR"); a longer name whose
  own acronym spells the words it adds is a named part ("Tallinn Mechanism Project Office
  (TMPO)"), unless they are decoration ("Project"); "NCSI: Upgrading ..." is about the
  NCSI when its subtitle is not what another record spells NCSI out as. Two names in one
  language giving different own acronyms ("... Project (PATN)" / "... Project (PATNuC)")
  are treated like a phase marked on one side: the same only with the same start year.
- Phases: "+", "plus", "-e", "-2", "2.0", "II", "Phase 2", "Step 1" are symbol markers;
  "Extended" and "Enhanced" are word markers, because their meaning depends on the
  programme ("GLACY+" is "Global Action on Cybercrime Extended", but "GLACY-e" is
  "... Enhanced"). Markers are compared only between names that match. Two markers of the
  same kind that differ are a veto: no merge, also not through a third row. When one name
  is marked and the other is not, or both are but with markers of different kinds
  ("GLACY-e" vs "... Extended"), the phase is unknown, so the pair is accepted only with
  the same start year. A letter after an acronym marks a component ("OCWAR-C", "OCWAR-M",
  also after an en dash): a veto when the letters differ and against a name with the bare
  "OCWAR" (the umbrella). Two names stating different years ("ASEAN-ITU 2022 CyberDrill",
  "... 2023 ...") are other editions: a veto; a year on one side only says nothing.
- Portal codes ("Cybil code G0583", "GFCE Code GI-07", "ITU Project No 9RAS17059") are
  identifiers, not names: a code equals only itself. A shared code is decisive; two
  different codes of one portal series are two entries the portal keeps apart (a veto).
- Funders, implementers, countries and years add to the name score when they agree and
  take off more when they disagree (FIELD_WEIGHTS); an empty field says nothing. Years
  agree when the start years are at most a year apart, conflict when the spans are
  disjoint or the start years three or more apart. A pair is the same when its score
  reaches ACCEPT_SCORE (0.85) with name similarity of at least NAME_FLOOR (0.3).
- When names share little, the other fields may carry a pair, as a person would let them
  (`_corroboration`):
  - "full": funders AND implementers AND years agree AND the country lists overlap by at
    least half (Jaccard >= 0.5); also "funders absent" / "implementers absent": that field
    is empty on both sides and the other three agree, countries included. One side without
    countries is not enough: a programme without a list and its country part look alike.
    Such a pair is the same when the names give at least one cue (`_name_cue`): a shared
    distinctive word, a shared place ("Eastern" = east), a shared acronym (not one of the
    records' own funders or implementers), an acronym spelling a run of the other's words,
    a coined word's part, or names in two languages (then no shared word is expected); and
    the names name no places that fail to meet ("... Sub-Saharan Africa" vs "... Pacific").
    With "full" and the same 3+ countries (Jaccard >= 0.8) the fields alone are cue enough
    ("iPROCEEDS" / "Cooperation on Cybercrime under the Instrument of Pre-accession").
    Siblings share funders, implementers and years but not countries (CMM reviews per
    country, World Bank CSIRT projects, Digital Access Programme country projects), or
    name other regions (ITU-EC-ACP projects): they stay apart.
  - "countries absent" / "years absent": the other three agree and that field is empty on
    both sides. Then an acronym or a second language is cue enough (STRONG_CUES); a shared
    word or place only with names at least CUE_FLOOR (0.42) alike: such words are common
    among one donor's projects ("Commonwealth", "Singapore"; the nearest labelled different
    pair is at 0.38), and without years a later project of the same donor in the same
    country looks the same.
  Each of these corroborations also adds CORROBORATION_BONUS (0.10) to the score: three
  agreements together are rarer by chance than their separate weights say. The bonus was
  set before looking at its effect; 0.20 would find a few more pairs in the shipped set
  without a wrong merge there, but the nearest different pair would then pass within 0.02.
- `listed_in` is not used: a mapping may list one project twice (Cybil lists GFCE
  initiatives and projects separately), so a shared listing is no evidence either way.
- Known projects (`known`, the shipped inventory by default in the dedupe command): a
  record the rules accept as exactly one inventory row is linked to it; two records linked
  to one row are the same project unless a phase or code conflict between them says
  otherwise, and records linked to two rows stay apart. This is the knowledge a person who
  keeps the inventory has: every name, translation and former name it records.
- Clusters are built by merging accepted pairs from the highest score down; a merge is
  refused when any two rows of the two groups have a phase or code conflict or an override
  says "different". Overrides ("same" / "different") always win and are named in the
  evidence. A cluster's id is "c-" plus the smallest project_id in it, so it does not
  depend on row order.

Limits: former or umbrella names that share no word, acronym or place with the title
(PacCERT / "USP-JICA ICT for Human Development and Human Security Project"; "Operation
Serengeti" / "Africa Cyber Surge 3.0") are not found without the fields, nor are pairs
with one agreeing field and middling names ("FIRST Fellowship Programme"), acronyms the
other name does not spell ("ENC-VR" / "... (ENVR)"), or names of common words only
("Programme mondial contre le cybercrime"). The field rules were written while looking
at data/dedupe_labels.csv, whose pseudo-records copy their row's fields exactly, so the
all-fields figures are optimistic; the names-only run and the sets of real names (see
`python -m evaluation.dedupe`) bracket them. Translations into languages or scripts that
share no word, renamings and organisations' other names need knowledge the names do not carry.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from itertools import combinations
from pathlib import Path
from typing import Any

import pandas as pd
from rapidfuzz import fuzz

from cbdash.data.files import default_data_dir

REQUIRED_COLUMNS = ("project_id", "title")
OPTIONAL_COLUMNS = (
    "aliases",
    "funders",
    "implementers",
    "beneficiary_countries",
    "start_year",
    "end_year",
    "listed_in",
)
OVERRIDE_COLUMNS = ("project_id_a", "project_id_b", "decision", "reason")
LABEL_COLUMNS = ("title_a", "title_b", "label", "basis", "source_project_ids")
OUTPUT_COLUMNS = ("project_id", "cluster_id", "score")
LIST_SEPARATOR = ";"

ACCEPT_SCORE = 0.85
"""A pair with at least this score and no veto is the same project."""
PHASE_COMPARE_SIMILARITY = 0.8
"""Two names are compared for phase markers when their stems are at least this similar."""
MAX_BLOCK = 200
"""Blocking keys shared by more rows than this are too common to propose pairs."""
RARE_BLOCK = 10
"""A key shared by at most this many rows proposes pairs alone; others need two keys."""
MAX_ACRONYM_LETTERS = 10
"""Acronyms up to this many letters are matched against runs of words in blocking."""

GENERIC_WEIGHT = 0.3
ACRONYM_SCORE = 0.9
SHORT_ACRONYM_SCORE = 0.8
INITIALS_SCORE = 0.8
SHORT_INITIALS_SCORE = 0.7
ORG_WEIGHT = 0.5
EXTRA_WEIGHT = 0.5
PAREN_FACTOR = 0.5
NAME_FLOOR = 0.3
"""Below this name similarity no agreement of other fields makes a pair the same."""
FIELD_WEIGHTS: dict[str, dict[str, float]] = {
    # added to the name similarity; an empty field ("unknown") adds nothing
    "funders": {"agree": 0.05, "disagree": -0.08},  # the EU or a ministry funds many projects
    "implementers": {"agree": 0.10, "disagree": -0.10},
    # "same": Jaccard >= 0.8 with 3+ countries shared, rarely a coincidence
    "countries": {"same": 0.25, "agree": 0.10, "disagree": -0.20},
    "years": {"agree": 0.10, "conflict": -0.30},
}
START_YEARS_APART = 3
CUE_CORROBORATION = ("full", "funders absent", "implementers absent")
"""Corroborations that let any name cue carry a pair whose names share little: countries and
years must agree (a shared donor and implementer in the same year are common)."""
STRONG_CUES = ("acronym", "language")
"""Cues that also carry a pair whose fields agree but give no countries or no years on
either side: a shared word or place is too common there ("Commonwealth", "Singapore")."""
CUE_FLOOR = 0.42
"""With no countries or no years on either side, a shared word or place carries a corroborated
pair only when the names are at least this similar (an acronym or a second language always)."""
CORROBORATION_BONUS = 0.10
"""Added when funders, implementers and years all agree and the countries overlap by half
or are absent on both sides: three independent agreements are rarer by chance than their
separate weights say (the EU funds many projects; the EU with the Council of Europe as
implementer in the same start year far fewer)."""


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


STOP_WORDS = _word_set(
    """
    a an and the of in on for to with by at from as via into against its their de la le
    les el los las del des du et y en para pour l d sur dans au aux une con por una da
    do das dos e em com sobre entre di della dei degli delle dell il lo gli per nel nella
    der die das und fur mit von zur zum im den dem gegen auf
    """
)
GENERIC_WORDS = _word_set(
    """
    cyber cybersecurity security cybercrime crime crimes capacity capacities building
    build program programs project projects initiative initiatives development
    developing international global national regional region regions cooperation support
    supporting strengthening strengthen network networks center centers fund funding
    partnership training assistance resilience resilient action digital ict information
    technology technologies internet countries country states state member members
    government governments enhancing improving improve establish establishing facility
    policy policies legislation framework workshop workshops course courses fellowship
    hub platform activities activity agency office ministry public sector secure safety
    online skills expertise capability capabilities management incident incidents fight
    report knowledge
    response team teams strategy strategies governance new phase step joint operation
    operations csirt csirts cert certs cirt
    """
)
GENERIC_ACRONYMS = _word_set(
    """
    eu ec uk us usa un ict icts it ai ngo ngos cso csos sme smes mou cert certs csirt
    csirts cirt soc cmm covid covid19 ceo
    """
)
REGION_WORDS = _word_set(
    """
    africa african asia asian pacific caribbean america americas american latin europe
    european balkans sub saharan arab gulf middle east eastern west western north
    northern south southern central southeast horn sahel oceania mediterranean eurasia
    neighbourhood
    """
)
_NOT_PLACE = _word_set(
    """
    of and the republic islands island kingdom state states democratic united s saint
    people french federal islamic virgin new british principality commonwealth sint
    plurinational bolivarian socialist union federation territory territories outlying
    minor sar province emirates grand duchy holy see great
    """
)
_SPELLING = (
    (re.compile(r"\bcyber[\s-]+(security|crime|space)\b"), r"cyber\1"),
    (re.compile(r"\bprogrammes?\b"), "program"),
    (re.compile(r"\bcentres?\b"), "center"),
    (re.compile(r"\borgani[sz]ations?\b"), "organization"),
    (re.compile(r"\borgani[sz]ed\b"), "organized"),
    (re.compile(r"\bco-?operation\b"), "cooperation"),
    (re.compile(r"\bdefen[cs]e\b"), "defense"),
    (re.compile(r"\bharmoni[sz]ation\b"), "harmonization"),
    (re.compile(r"\bcombat(t)?ing\b"), "combating"),
)
_BOILERPLATE = re.compile(r"\(\s*\*?\s*gfce initiative\s*\)|\*\s*gfce initiative", re.I)
_NON_WORD = re.compile(r"[^\w]+")
_POSSESSIVE = re.compile(r"(?<=\w)['’]s\b|(?<=s)['’](?!\w)")
_JOINED_DASH = re.compile(r"(?<=\w)[–—](?=\w)")
_GLUED_NUMERAL = re.compile(r"(@[A-Z][A-Za-z]{1,5}?)(III|II|IV)\b")
_GLUED_AT = re.compile(r"(?<=\w)@(?=[A-Z][a-z]+\b)")  # "EndOCSEA@Europe", not "...@EAP"
_NAME_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")

# Phase markers, read from the raw name (case matters for Roman numerals).
_ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4", "v": "5", "vi": "6"}
_NUMBER_WORDS = {"one": "1", "two": "2", "three": "3", "four": "4", "five": "5"}
_ORDINALS = {"first": "1", "second": "2", "third": "3", "fourth": "4"}
_PHASE_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(
            r"\b(?:phase|step|stage)\s*(\d{1,2}|iv|vi|v|i{1,3}|one|two|three|four|five)\b", re.I
        ),
        "level",
    ),
    (re.compile(r"\b(first|second|third|fourth)\s+(?:phase|step|stage)\b", re.I), "ordinal"),
    (re.compile(r"(?<=[\w)])\s?\+(?![\w+])"), "plus"),
    (re.compile(r"\bplus\b", re.I), "plus"),
    (re.compile(r"(?<=[A-Za-z]{2})-[eE](?![\w-])"), "e"),
    (re.compile(r"(?<=[A-Za-z@])-([1-9])(?![\w.])"), "level"),
    (re.compile(r"(?<![\w.])([1-9])\.0(?![\w.])"), "level"),
    (re.compile(r"(?<=[\w@)])\s+(III|II|IV|VI|V|I)(?=\s*(?:$|[-\u2013\u2014:(),;/]))"), "level"),
    (re.compile(r"(?<=[A-Za-z])\s+([1-9])(?=\s*(?:$|[\u2013\u2014:(),;/]|\s-\s))"), "level"),
)
_WORD_MARKER = re.compile(r"\b(extended|enhanced)\b", re.I)

# Portal codes: "<portal> code X", "<portal> Project No X", "ADB TA X", "JICA project N".
_CODE = re.compile(
    r"^\s*(?P<portal>[A-Za-z][\w .&-]*?)\s+(?P<kind>code|project\s+no\.?|no\.?|project|ta)\s*:?\s*"
    r"(?P<code>[A-Za-z0-9][A-Za-z0-9 ./-]*\d[A-Za-z0-9 ./-]*)\s*$",
    re.I,
)
_PORTAL_FAMILIES = {"gfce": "cybil", "cybil": "cybil", "initiative": "initiative"}
_ORG_SYNONYMS = {
    "eu": "european union",
    "ec": "european union",
    "european commission": "european union",
    "uk": "united kingdom",
    "uk government": "united kingdom",
    "us": "united states",
    "usa": "united states",
    "us government": "united states",
    "united states of america": "united states",
}


GLOSSARY_FILE = "dedupe_glossary.csv"
"""In the data folder: the field's words in French, Spanish, Portuguese, Italian and German
with their English, and organisation acronyms (language "org"); see
data/dedupe_glossary.meta.yaml for its sources."""


def _load_glossary(path: Path | None = None) -> dict[str, dict[str, str]]:
    """language -> {term (lower case, no accents; a phrase may hold spaces): English}; empty
    without the glossary file."""
    path = path if path is not None else default_data_dir() / GLOSSARY_FILE
    out: dict[str, dict[str, str]] = defaultdict(dict)
    if not path.exists():
        return {}
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            out[row["language"]][row["term"]] = row["english"]
    return dict(out)


GLOSSARY = _load_glossary()
"""language -> {term: English}; words spelt the same in English are left out, so that a glossary
word is also a sign of its language."""
ORGANISATIONS = GLOSSARY.pop("org", {})
"""Organisation acronym -> the acronym it is known by in English ("oea" -> "oas"; a committee ->
its parent, "cicte" -> "oas")."""
_UNSPACED = ("ja",)
"""Languages written without spaces: their terms are read wherever they occur in a name."""
_ANY_LANGUAGE = {
    term: english
    for language, words in reversed(list(GLOSSARY.items()))
    if language not in _UNSPACED
    for term, english in words.items()
    if " " not in term and " " not in english
}
_WORD = re.compile(r"\w+")
_MAX_PHRASE = 3


def _coined_english(token: str) -> str:
    """A coined word with its glossary parts read in English ("CyberSud" -> "CyberSouth")."""
    parts = _COMPOUND_PART.findall(token)
    if len(parts) < 2 or "".join(parts) != token:
        return token
    english = [_ANY_LANGUAGE.get(p.lower(), p) for p in parts]
    english = [e.capitalize() if p[0].isupper() else e for p, e in zip(parts, english, strict=True)]
    return "".join(english)


_MAX_COUNTRY_WORDS = 5
"""Longest phrase looked up: glossary phrases have up to _MAX_PHRASE words, country names
in other languages up to this many ("republique democratique du congo")."""


@lru_cache(maxsize=8)
def _country_names(language: str) -> dict[str, str]:
    """Country names in `language` (pycountry's ISO 3166 translations) -> the English name,
    both as plain lower-case words: "cameroun" -> "cameroon", "tchad" -> "chad". Names
    spelt as in English, or longer than _MAX_COUNTRY_WORDS words, are left out."""
    import gettext

    import pycountry

    try:
        translation = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language])
    except OSError:
        return {}
    out: dict[str, str] = {}
    for country in pycountry.countries:
        english = getattr(country, "common_name", None) or country.name
        for attr in ("name", "common_name"):
            value = getattr(country, attr, None)
            if not value:
                continue
            local = " ".join(_plain(w) for w in _WORD.findall(translation.gettext(value)))
            plain_english = " ".join(_plain(w) for w in _WORD.findall(english))
            if local and local != plain_english and len(local.split()) <= _MAX_COUNTRY_WORDS:
                out.setdefault(local, plain_english)
    return out


@lru_cache(maxsize=50_000)
def translate_name(raw: str) -> str:
    """`raw` read into English with GLOSSARY when name_language() finds a language it covers:
    phrases of up to three words first ("camino a seguir" -> "way forward"), then words. Parts
    of coined words are read in any language ("CyberSud" -> "CyberSouth"). Japanese terms are
    read wherever they occur (no spaces). Unknown words (names, acronyms) stay as they are."""
    language = name_language(raw)
    vocabulary = GLOSSARY.get(language, {})
    if language and language not in _UNSPACED:
        vocabulary = {**_country_names(language), **vocabulary}  # "Tchad" -> chad
    if language in _UNSPACED:  # the longest terms first: "サイバー犯罪" before "サイバー"
        text = unicodedata.normalize("NFKC", raw)
        for term in sorted(vocabulary, key=len, reverse=True):
            text = text.replace(term, f" {vocabulary[term]} ")
        return " ".join(text.split())
    words = list(_WORD.finditer(raw))
    plain = [_plain(m.group()) for m in words]
    out: list[str] = []
    last = i = 0
    while i < len(words):
        n, english = 1, _coined_english(words[i].group())
        for size in range(min(_MAX_COUNTRY_WORDS, len(words) - i), 0, -1):
            if " ".join(plain[i : i + size]) in vocabulary:
                n, english = size, vocabulary[" ".join(plain[i : i + size])]
                break
        out += [raw[last : words[i].start()], english]
        last, i = words[i + n - 1].end(), i + n
    return "".join(out) + raw[last:]


class DedupeInputError(ValueError):
    """Bad input for de-duplication; `messages` name file, row and field. `exit_code`
    follows the CLI: 2 for an unusable file (missing, empty, no such column), 1 for data
    errors inside a readable file (empty or duplicate ids, bad override rows)."""

    def __init__(self, messages: list[str], exit_code: int = 2):
        super().__init__("\n".join(messages))
        self.messages = messages
        self.exit_code = exit_code


# --------------------------------------------------------------------------- text


def _plain(s: str) -> str:
    """Lower case without accents, in a stable Unicode form."""
    s = unicodedata.normalize("NFKD", s)
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    return s.casefold()


@lru_cache(maxsize=200_000)
def normalise_title(s: str) -> str:
    """A name as lower-case words: accents, punctuation and the Cybil suffix
    "(*GFCE Initiative)" dropped, British/American spelling and "cyber security" unified,
    "&" read as "and", a possessive "'s" dropped, "@" and "+" kept as words ("at" is dropped
    later, "plus" is a phase marker)."""
    s = _POSSESSIVE.sub("", _BOILERPLATE.sub(" ", s))
    s = _plain(s).replace("&", " and ").replace("@", " @ ").replace("+", " plus ")
    for pattern, repl in _SPELLING:
        s = pattern.sub(repl, s)
    return " ".join(t for t in _NON_WORD.sub(" ", s).split() if t)


@lru_cache(maxsize=200_000)
def _strip_markers(s: str) -> str:
    for pattern, _ in _PHASE_PATTERNS:
        s = pattern.sub(" ", s)
    return _WORD_MARKER.sub(" ", s)


def _markers(s: str) -> tuple[frozenset[str], frozenset[str]]:
    """(symbol markers, word markers) of a raw name."""
    symbols: set[str] = set()
    rest = _BOILERPLATE.sub(" ", s)
    for pattern, kind in _PHASE_PATTERNS:
        for m in pattern.finditer(rest):
            if kind == "plus":
                symbols.add("+")
            elif kind == "e":
                symbols.add("e")
            else:
                value = m.group(1).lower()
                value = (
                    _ROMAN.get(value) or _NUMBER_WORDS.get(value) or _ORDINALS.get(value) or value
                )
                symbols.add(str(int(value)) if value.isdigit() else value)
        rest = pattern.sub(" ", rest)
    words = frozenset(w.lower() for w in _WORD_MARKER.findall(rest))
    return frozenset(symbols), words


def _tidy(raw: str) -> str:
    """A dash joining two words as a hyphen ("OCWAR–T"); a numeral glued to an acronym after
    "@" apart ("Cybercrime@EAPIII" -> "Cybercrime@EAP III"); "@" between words spaced
    ("EndOCSEA@Europe" -> "EndOCSEA @ Europe", so the acronym meets its expansion)."""
    return _GLUED_AT.sub(" @ ", _GLUED_NUMERAL.sub(r"\1 \2", _JOINED_DASH.sub("-", raw)))


def phase_marker(s: str) -> str:
    """The phase markers of a name as text: "+", "2", "e", "+ extended", or "" for none.

    Symbols ("+", "plus", "-e", "-2", "2.0", trailing "II", "Phase 2", "Step 1") are
    comparable across names; the words "extended"/"enhanced" only with each other."""
    symbols, words = _markers(_tidy(s))
    return " ".join(sorted(symbols) + sorted(words))


def _is_acronym_like(token: str) -> bool:
    letters = [c for c in token if c.isalpha()]
    if len(letters) < 2 and not any(c.isdigit() for c in token):
        return False
    upper = sum(c.isupper() for c in token)
    if upper >= 2:
        return True
    if any(c.isdigit() for c in token) and letters:
        return True
    return len(token) > 1 and token[0].islower() and token[1].isupper()


def _acronym_key(token: str) -> str:
    key = _plain(re.sub(r"[^\w]", "", token))
    if len(key) > 2 and token.endswith("s") and token[:-1].isupper():
        key = key[:-1]  # "CICs" -> "cic"
    return key


_RAW_TOKEN = re.compile(r"[^\s()\[\]:;,/\u2013\u2014\"']+")


def acronyms(s: str) -> set[str]:
    """Acronym-like tokens of a name, lower case: "GLACY+", "PaCSON", "WB3C", "iPROCEEDS",
    "CyberEast" (coined words count), and the parts of "OCWAR-C" or "Cybercrime@EAP".
    Roman numerals and generic ones (EU, UK, ICT, CERT, CMM, ...) are left out."""
    return set(_acronyms(s))


@lru_cache(maxsize=200_000)
def _acronyms(s: str) -> frozenset[str]:
    out: set[str] = set()
    for raw in _RAW_TOKEN.findall(_strip_markers(_BOILERPLATE.sub(" ", s))):
        token = raw.strip(".+-'")
        if not token or token.upper() in {"II", "III", "IV", "VI"}:
            continue
        parts = [p for p in re.split(r"[-@.]", token) if p]
        whole_counts = len(parts) == 1 or any(_is_acronym_like(p) for p in parts)
        for candidate in [token, *parts] if whole_counts else parts:
            if _is_acronym_like(candidate):
                key = _acronym_key(candidate)
                if len(key) >= 2 and key not in GENERIC_ACRONYMS | STOP_WORDS and not key.isdigit():
                    out.add(key)
    return frozenset(out)


@lru_cache(maxsize=200_000)
def _raw_words(s: str) -> tuple[str, ...]:
    return tuple(w for w in _NON_WORD.sub(" ", _plain(s)).split() if w)


def _abbreviates(acronym: str, words: list[str] | tuple[str, ...]) -> bool:
    """True when `acronym` spells the start letters of `words` in order ("PaCSON":
    PAcific Cyber Security Operational Network). Stop words may be skipped, every other
    word gives one to three letters, one content word may be skipped; "3C" reads "CCC",
    but "4" or "2" before a letter may also read "for" or "to" ("DE4A": Digital Economy for
    Africa); a compass compound gives its parts' initials ("ASEAN": Association of SouthEast
    ...)."""
    return any(_abbreviates_cached(r, tuple(words)) for r in _acronym_readings(acronym))


@lru_cache(maxsize=50_000)
def _acronym_readings(acronym: str) -> tuple[str, ...]:
    """The letters an acronym may stand for: "3C" as "CCC"; "4A" and "2C" also as a letter
    after a skipped "for" / "to" ("DE4A" -> "dea", "P2C" -> "pc")."""
    lower = acronym.lower()
    repeated = re.sub(r"(\d)([a-z])", lambda m: m.group(2) * int(m.group(1)), lower)
    readings = [re.sub(r"[^a-z]", "", repeated)]
    if re.search(r"[24][a-z]", lower):
        readings.append(re.sub(r"[^a-z]", "", re.sub(r"[24](?=[a-z])", "", lower)))
    return tuple(dict.fromkeys(readings))


_COMPASS = {f"{a}{b}": a[0] + b[0] for a in ("north", "south") for b in ("east", "west")}


@lru_cache(maxsize=200_000)
def _abbreviates_cached(acr: str, words: tuple[str, ...]) -> bool:
    if len(acr) < 2 or len(words) < 2 or len(words) > 12 or acr[0] != words[0][:1]:
        return False

    def match(i: int, j: int, skips: int) -> bool:
        if i == len(acr):
            return all(w in STOP_WORDS for w in words[j:])
        if j == len(words):
            return False
        word = words[j]
        if (word in STOP_WORDS or skips > 0) and match(i, j + 1, skips - (word not in STOP_WORDS)):
            return True
        k = 0
        while k < min(len(word), 3) and i + k < len(acr) and word[k] == acr[i + k]:
            k += 1
            if match(i + k, j + 1, skips):
                return True
        initials = _COMPASS.get(word, "")
        return bool(initials) and acr[i : i + 2] == initials and match(i + 2, j + 1, skips)

    return match(0, 0, 1)


# --------------------------------------------------------------------------- records


@dataclass(frozen=True, eq=False)
class _Name:
    raw: str
    stem: str
    weights: Mapping[str, float]  # token -> weight (stop words dropped)
    markers: tuple[frozenset[str], frozenset[str]]
    acronym: str  # the name itself when it is one acronym-like token, else ""
    exact_only: bool  # a part split off a longer title: counts only when equal to a name
    in_parens: frozenset[str] = frozenset()  # tokens found only inside parentheses
    upper: frozenset[str] = frozenset()  # tokens written as capitals ("UN", "EAP", "LAC")
    expands: Mapping[str, frozenset[str]] = field(default_factory=dict)  # "csp" -> its words
    parts: frozenset[str] = frozenset()  # parts of coined words: "certTonga" -> cert, tonga
    declared: str = ""  # the name's own acronym in parentheses: "... Centre (WB3C)" -> wb3c
    coined: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # "digital4development"
    spells: str = ""  # the acronym that spells this name's words: "Tallinn Mechanism ... (TMPO)"
    org_as_written: Mapping[str, str] = field(default_factory=dict)  # "eu" -> "ue" ("UE-ALC")


@dataclass(frozen=True, eq=False)
class _Record:
    project_id: str
    names: tuple[_Name, ...]
    codes: frozenset[str]
    funders: tuple[tuple[str, ...], ...]
    implementers: tuple[tuple[str, ...], ...]
    countries: frozenset[str]
    start: int | None
    end: int | None
    acronyms: frozenset[str]
    org_acronyms: frozenset[str] = frozenset()  # acronyms of its funders and implementers


def _split(value: Any) -> list[str]:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return []
    return [v.strip() for v in str(value).split(LIST_SEPARATOR) if v.strip()]


def _year(value: Any) -> int | None:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    text = str(value).strip()
    if text.endswith(".0"):
        text = text[:-2]
    return int(text) if re.fullmatch(r"\d{4}", text) else None


def portal_code(s: str) -> str | None:
    """A portal code as "portal kind:CODE" ("ADB TA 0024-REG" -> "adb ta:0024-REG"), else
    None. GFCE and Cybil codes are one family, "cybil:" (Cybil is the GFCE's portal)."""
    m = _CODE.match(s)
    if not m:
        return None
    portal = normalise_title(m.group("portal")).split()
    family = _PORTAL_FAMILIES.get(portal[-1] if portal else "", " ".join(portal))
    kind = normalise_title(m.group("kind"))
    code = re.sub(r"\s+", "", m.group("code")).upper()
    return f"{family} {kind}:{code}" if family != "cybil" else f"cybil:{code}"


@lru_cache(maxsize=1)
def _place_words() -> frozenset[str]:
    """Words of country names (pycountry) and of world regions: a place a name adds is a
    specialisation (a country component of a programme), never a detail to overlook."""
    import pycountry

    words = set(REGION_WORDS)
    for country in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            value = getattr(country, attr, None)
            if value:
                words.update(normalise_title(value).split())
    return frozenset(words - _NOT_PLACE - STOP_WORDS)


def _content_words(stem: str) -> list[str]:
    """The words of a normalised name in order, without stop words and "@"."""
    return [t for t in stem.split() if t not in STOP_WORDS and t != "@"]


def _token_weight(token: str, org_tokens: frozenset[str]) -> float:
    if token in GENERIC_WORDS:
        return GENERIC_WEIGHT
    if token in org_tokens:
        return ORG_WEIGHT
    return 1.0


def _make_name(
    raw: str,
    markers: tuple[frozenset[str], frozenset[str]],
    org_tokens: frozenset[str],
    exact_only: bool,
) -> _Name | None:
    bare = _strip_markers(raw)
    stem = normalise_title(bare)
    upper = frozenset(
        _plain(w)
        for w in re.split(r"[^\w]+", bare)
        if 2 <= len(w) <= 8 and w.isalpha() and _is_true_acronym(w)
    )
    # organisations written in capitals by their English acronym ("OEA" -> oas); years are
    # editions, compared as markers (_phase_relation)
    # ("CICTE" stays itself beside "OAS/CICTE", where it names the committee, not its parent)
    orgs = {
        t: ORGANISATIONS[t]
        for t in upper
        if t in ORGANISATIONS and (ORGANISATIONS[t] == t or ORGANISATIONS[t] not in stem.split())
    }
    tokens = [
        orgs.get(t, t)
        for t in stem.split()
        if (t not in STOP_WORDS or t in orgs) and t != "@" and not _NAME_YEAR.fullmatch(t)
    ]
    tokens, named = _org_names(tokens)
    if not tokens:
        return None
    words = [w.strip(".+-'") for w in _RAW_TOKEN.findall(bare)]
    words = [w for w in words if w]
    acronym = ""
    if len(words) == 1 and _is_acronym_like(words[0]):
        acronym = _acronym_key(words[0])
    org_tokens = org_tokens | frozenset(orgs.values()) | named
    weights = {t: _token_weight(t, org_tokens) for t in tokens}
    outside = set(normalise_title(re.sub(r"\([^()]*\)", " ", bare)).split())
    in_parens = frozenset(t for t in tokens if t not in outside)
    upper = upper | frozenset(orgs.values())
    expands = {
        k: frozenset(v) & set(weights)
        for k, v in _parenthesis_acronyms(bare).items()
        if k in weights
    }
    parts = frozenset(p for w in words for p in _compound_parts(w))
    coined = {  # "Digital4Development" -> digital, development (a digit "4" reads "for")
        normalise_title(w): content
        for w in words
        if (content := tuple(p for p in _compound_parts(w) if not p.isdigit()))
        and len(content) >= 2
        and all(len(p) >= 2 for p in content)
        and normalise_title(w) in weights
    }
    declared = next(
        (
            _acronym_key(_strip_markers(inside).strip())
            for inside in re.findall(r"\(([^()/]+)\)", raw)
            if _is_single_acronym(inside)
        ),
        "",
    )
    fields = (raw, stem, weights, markers, acronym, exact_only, in_parens, upper, expands, parts)
    as_written = {english: t for t, english in orgs.items() if english != t and english in weights}
    return _Name(*fields, declared, coined, org_as_written=as_written)


_ORG_NAMES = {
    tuple(w for w in normalise_title(name).split() if w not in STOP_WORDS): acronym
    for name, acronym in sorted(ORGANISATIONS.items(), key=lambda kv: -len(kv[0]))
    if " " in name
}
"""Organisations named in full, as their words without stop words -> their acronym."""


def _org_names(tokens: list[str]) -> tuple[list[str], frozenset[str]]:
    """`tokens` with organisations named in full read as their acronym ("Council of Europe
    Project to ..." -> coe project ...), and the acronyms so read."""
    out: list[str] = []
    named: set[str] = set()
    i = 0
    while i < len(tokens):
        for words, acronym in _ORG_NAMES.items():
            if tuple(tokens[i : i + len(words)]) == words:
                out.append(acronym)
                named.add(acronym)
                i += len(words)
                break
        else:
            out.append(tokens[i])
            i += 1
    return out, frozenset(named)


_COMPOUND_PART = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")


@lru_cache(maxsize=200_000)
def _compound_parts(token: str) -> tuple[str, ...]:
    """The parts of a coined word written in mixed case or with digits: "certTonga" ->
    cert, tonga; "EU4Digital" -> eu, 4, digital; "iPROCEEDS" -> i, proceeds. Empty for a
    plain word or an all-capital acronym."""
    found = _COMPOUND_PART.findall(token)
    if len(found) < 2:
        return ()
    return tuple(_plain(p) for p in found)


def _parenthesis_acronyms(raw: str) -> dict[str, list[str]]:
    """Acronyms a name spells out itself, with the words they stand for: "Cyber Safety
    Pasifika (CSP)" gives csp -> cyber safety pasifika; "Digital CASA (Central Asia-South
    Asia)" gives casa -> central asia south asia; "Partner2Connect (P2C)" gives p2c ->
    partner2connect (the parts of a coined word). Matching either side covers both."""
    out: dict[str, list[str]] = {}
    for m in re.finditer(r"\(([^()]+)\)", raw):
        inside, before = m.group(1), _raw_words(raw[: m.start()])
        if _is_single_acronym(inside):
            acronym = _acronym_key(_strip_markers(inside).strip())
            for i in range(max(0, len(before) - 8), len(before) - 1):
                if _abbreviates(acronym, before[i:]):
                    out[acronym] = [normalise_title(w) for w in before[i:]]
                    break
            coined = raw[: m.start()].split()[-1:]
            parts = _compound_parts(coined[0]) if coined else ()
            if acronym not in out and len(parts) >= 2 and "".join(p[0] for p in parts) == acronym:
                out[acronym] = [normalise_title(coined[0])]
        else:
            words = _raw_words(inside)
            for w in raw[: m.start()].split():
                w = w.strip(".+-'")
                if _is_acronym_like(w) and _abbreviates(_acronym_key(w), words):
                    out[_acronym_key(w)] = [normalise_title(x) for x in words]
    return out


_LEADING = re.compile(r"^(?P<head>[^:\u2013\u2014]+?)\s*(?::|\s[-\u2013\u2014])\s+(?P<tail>.+)$")
_TRAILING = re.compile(r"^(?P<head>.+?)\s*\((?P<tail>[^()]+)\)\s*$")


def _is_single_acronym(text: str) -> bool:
    words = [w.strip(".+-'") for w in _strip_markers(text).split()]
    words = [w for w in words if w and w.lower() not in STOP_WORDS | GENERIC_ACRONYMS]
    return len(words) == 1 and _is_acronym_like(words[0])


def _name_variants(raw: str, org_tokens: frozenset[str] = frozenset()) -> list[_Name]:
    """A raw name and the names it holds, each keeping the phase markers of the whole.

    "Cyber Safety Pasifika (CSP)" also gives "Cyber Safety Pasifika" and "CSP" when CSP
    spells the initials, and "GLACY+ (Global Action on Cybercrime Extended)" gives both
    halves: an acronym and its expansion name the same thing. "CyberEast - Action on ..."
    or "Cyber ASEAN: Advancing ..." (a short head holding an acronym) gives the head and the
    tail, but these count only when equal to another name, since a head may also be an
    umbrella programme ("EU4Digital: ...")."""
    raw = _BOILERPLATE.sub(" ", raw).strip()
    raw = _tidy(raw)
    english = translate_name(raw)
    markers = _markers(raw)
    if english != raw:  # "élargie" is the word marker "extended"
        translated = _markers(english)
        markers = (markers[0] | translated[0], markers[1] | translated[1])
    texts: list[tuple[str, bool, str]] = [(raw, False, "")]
    m = _TRAILING.match(raw)
    if m:
        head, tail = m.group("head").strip(), m.group("tail").strip()
        acronym_then_expansion = _is_single_acronym(head) and len(tail.split()) >= 2
        expansion_then_acronym = _is_single_acronym(tail) and _abbreviates(
            _strip_markers(tail), _raw_words(_strip_markers(head))
        )
        if acronym_then_expansion:
            texts += [(head, False, ""), (tail, False, "")]
        elif expansion_then_acronym:
            texts += [(head, False, _acronym_key(_strip_markers(tail))), (tail, False, "")]
        elif _is_single_acronym(tail):  # "Cyber Rapid Response Teams and ... (CRRTs)"
            texts += _leading_acronym_run(head, _acronym_key(_strip_markers(tail)))
        elif _spells_last_words(tail, head):  # "ASEAN Regional ... Response Team (CERT)"
            texts.append((head, False, ""))
    m = _LEADING.match(raw)
    if m:
        head = m.group("head").strip()
        if len(head.split()) <= 3:  # a short head: "EU Cyber Direct - EU Cyber Diplomacy ..."
            tail = m.group("tail").strip()
            brand = acronyms(head) or _one_word_brand(head, tail)
            # "Digital CASA - Kyrgyz Republic": a country after the head is a country project
            country = set(normalise_title(tail).split()) & (_place_words() - REGION_WORDS)
            texts += [(head, True, "")] if brand and not country else []
            texts += [(tail, True, "")]
    elif (brand := _brand_with_subtitle(raw)) is not None:
        texts.append((brand, True, ""))
    out: list[_Name] = []
    seen: set[str] = set()
    for text, exact_only, spells in texts:
        name = _make_name(text, markers, org_tokens, exact_only)
        if name and not spells and name.declared in name.expands:
            spells = name.declared
        if name and name.stem not in seen:
            seen.add(name.stem)
            out.append(replace(name, spells=spells) if spells else name)
    if english != raw:  # the name read in English, shown as written
        name = _make_name(english, markers, org_tokens, False)
        if name and name.stem not in seen:
            out.append(replace(name, raw=raw))
    return out


SUBTITLE_WORDS = 3
"""Content words after a leading brand that make them a subtitle, not a named part."""


def _one_word_brand(head: str, tail: str) -> bool:
    """A head of one coined word, no common word of the field and no place, before a
    subtitle of at least SUBTITLE_WORDS content words ("Cyberwomen: holistic digital
    security training curriculum ...")."""
    words = normalise_title(head).split()
    if len(words) != 1 or words[0] in GENERIC_WORDS | _place_words() | STOP_WORDS:
        return False
    if any(words[0] in vocabulary for vocabulary in GLOSSARY.values()):  # "Ciberseguridad"
        return False
    return len(_content_words(normalise_title(tail))) >= SUBTITLE_WORDS


def _brand_with_subtitle(raw: str) -> str | None:
    """The leading acronym of a name that follows it with a description of at least
    SUBTITLE_WORDS content words and no place ("SIRIUS Cross-Border Access To Electronic
    Evidence" -> "SIRIUS"); None otherwise. Fewer words name a part ("NCSI methodology
    update", "SADA Benin"). An organisation's acronym is its publisher, not a brand."""
    words = raw.split()
    if len(words) < 2 or "(" in raw:
        return None
    first = words[0].strip(".,:;")
    if re.search(r"[-\u2013\u2014/&]", first):  # "OAS–INCIBE ...": two bodies, not a brand
        return None
    if not _is_acronym_like(first) or not _is_true_acronym(first):
        return None
    key = _acronym_key(first)
    if key in ORGANISATIONS or key in GENERIC_ACRONYMS or len(key) < 4:
        return None
    rest = _content_words(normalise_title(" ".join(words[1:])))
    if len(rest) < SUBTITLE_WORDS or set(rest) & _place_words():
        return None
    return first


def _spells_last_words(tail: str, head: str) -> bool:
    """True when `tail` is one common acronym of the field (GENERIC_ACRONYMS: CERT, CSIRT)
    spelling the last words of `head`: the parentheses repeat the head's own words."""
    word = _strip_markers(tail).strip().strip(".+-'")
    if not _is_acronym_like(word) or _plain(word) not in GENERIC_ACRONYMS:
        return False
    key, words = _acronym_key(word), _raw_words(_strip_markers(head))
    return any(_abbreviates(key, words[i:]) for i in range(max(0, len(words) - 8), len(words) - 1))


def _leading_acronym_run(head: str, acronym: str) -> list[tuple[str, bool, str]]:
    """The first words of `head` when their initials, one letter a word, are `acronym` and
    the rest names no place: "Cyber Rapid Response Teams and Mutual Assistance in Cyber
    Security (CRRTs)" is also "Cyber Rapid Response Teams". A rest naming a place is a
    component ("Digital Access Programme Brazil (DAP)"), so it gives nothing."""
    words = head.split()
    if len(acronym) < 3 or len(words) <= len(acronym):
        return []
    if "".join(w[0] for w in _raw_words(" ".join(words[: len(acronym)]))) != acronym:
        return []
    rest = set(normalise_title(" ".join(words[len(acronym) :])).split())
    if rest & _place_words():
        return []
    return [(" ".join(words[: len(acronym)]), False, acronym)]


def _org_keys(value: str) -> tuple[str, ...]:
    """An organisation as comparable keys: its name without parentheses, and what the
    parentheses hold, with a few synonyms (EU = European Commission; UK; US)."""
    inner = re.findall(r"\(([^()]*)\)", value)
    outer = re.sub(r"\([^()]*\)", " ", value)
    keys = []
    for part in [outer, *inner]:
        key = normalise_title(part)
        key = re.sub(r"^(the |governments? of (the )?)", "", key).strip()
        key = _ORG_SYNONYMS.get(key, key)
        if key:
            keys.append(key)
    return tuple(dict.fromkeys(keys))


def _record(row: Mapping[str, Any]) -> _Record:
    funders = _split(row.get("funders"))
    implementers = _split(row.get("implementers"))
    org_tokens: set[str] = set()
    for org in funders + implementers:
        org_tokens |= acronyms(org)
    names: list[_Name] = []
    codes: set[str] = set()
    seen: set[str] = set()
    for raw in [str(row.get("title") or ""), *_split(row.get("aliases"))]:
        raw = raw.strip()
        if not raw or raw in {"nan", "None"}:
            continue
        code = portal_code(raw)
        if code:
            codes.add(code)
            continue
        for name in _name_variants(raw, frozenset(org_tokens)):
            if name.stem not in seen:
                seen.add(name.stem)
                names.append(name)
    acr: set[str] = set()
    for name in names:
        acr |= acronyms(name.raw)
    return _Record(
        project_id=str(row.get("project_id")),
        names=tuple(names),
        codes=frozenset(codes),
        funders=tuple(_org_keys(v) for v in funders),
        implementers=tuple(_org_keys(v) for v in implementers),
        countries=frozenset(c.upper() for c in _split(row.get("beneficiary_countries"))),
        start=_year(row.get("start_year")),
        end=_year(row.get("end_year")),
        acronyms=frozenset(acr),
        org_acronyms=frozenset(org_tokens),
    )


# --------------------------------------------------------------------------- scoring


@dataclass(frozen=True)
class PairEvidence:
    """Why two records are (not) the same project.

    `score` is 0..1; `same` is the decision: a shared portal code, or no phase or code
    conflict, the same start year when one matching name carries a phase marker and the
    other none (`phase_unknown`) or the names give different own acronyms in one language
    (`acronym_conflict`), and either score >= ACCEPT_SCORE with name similarity >=
    NAME_FLOOR, or field corroboration with a name cue and no place conflict (any cue for
    CUE_CORROBORATION, only STRONG_CUES for the others).
    Funders and implementers are "agree", "disagree" or "unknown" (a side is empty); years
    "agree", "conflict" or "unknown". `corroboration` is "full" (funders, implementers and
    years agree and the countries overlap by half), "<field> absent" (the other three agree
    and that field is empty on both sides) or "" (see _corroboration); `name_cue` says what
    the names share when their similarity is low; `place_conflict` names the places that
    fail to meet."""

    score: float
    same: bool
    name_similarity: float
    name_rule: str
    best_names: tuple[str, str]
    acronym_match: bool
    shared_codes: tuple[str, ...]
    code_conflict: str
    funders: str
    implementers: str
    countries_jaccard: float | None
    years: str
    phase_conflict: str
    phase_unknown: str
    corroboration: str = ""
    acronym_conflict: str = ""
    name_cue: str = ""
    place_conflict: str = ""
    known: str = ""
    kind_part: str = ""

    def describe(self) -> str:
        """One line for people: the names that matched and the fields that agreed."""
        parts = [f"{self.score:.2f}"]
        if self.shared_codes:
            parts.append("same code " + ", ".join(self.shared_codes))
        a, b = self.best_names
        parts.append(f"{self.name_rule} names {a!r} ~ {b!r} ({self.name_similarity:.2f})")
        for label, value in (("funders", self.funders), ("implementers", self.implementers)):
            if value != "unknown":
                parts.append(f"{label} {value}")
        if self.countries_jaccard is not None:
            parts.append(f"countries J={self.countries_jaccard:.2f}")
        if self.years != "unknown":
            parts.append(f"years {self.years}")
        notes = (
            ("phase conflict ", self.phase_conflict),
            ("phase marked on one side only ", "" if self.phase_conflict else self.phase_unknown),
            ("code conflict ", self.code_conflict),
            ("own acronyms differ: ", self.acronym_conflict),
            ("fields corroborate ", f"({self.corroboration})" if self.corroboration else ""),
            ("name cue: ", self.name_cue),
            ("places differ: ", self.place_conflict),
            ("a part: ", self.kind_part),
            ("", self.known),
        )
        return "; ".join(parts + [label + value for label, value in notes if value])


@lru_cache(maxsize=500_000)
def _tokens_match(a: str, b: str) -> bool:
    """Equal words, long words one typo apart ("operation"/"operations") or a plural in
    "-ies" ("capacities"/"capacity"); words holding digits must be equal."""
    if a == b or any(x.endswith("ies") and x[:-3] + "y" == y for x, y in ((a, b), (b, a))):
        return True
    if min(len(a), len(b)) < 5 or any(c.isdigit() for c in a + b):
        return False
    return fuzz.ratio(a, b) >= 88


def _name_similarity(
    a: _Name, b: _Name, shared_orgs: frozenset[str] = frozenset()
) -> tuple[float, str]:
    """Similarity of two names (0..1) and the rule that gave it.

    Equal stems, or the same words in another order, give 1. A one-word acronym found in the
    other name gives 0.9 (0.8 for three letters or fewer, which collide often); a true
    acronym spelling the other's initials gives 0.8 (0.7 for three letters). Otherwise a
    weighted Tversky index over words: shared weight / (shared + the smaller side's missing
    weight + half the larger side's extra weight). So "X" vs "ITU X" stays high, while
    "Digital Access Programme" vs "Digital Access Programme: Brazil school curriculum" (a
    named part of the programme) does not. Words match when equal, one typo apart, or when a
    capitalised word spells consecutive words of the other name ("UN" = "United Nations",
    "EAP" = "Eastern Partnership", only beside a word both share). Words only in parentheses
    count half; a place one name adds counts in full; sharing only common words caps the
    result at their weight. Acronyms of organisations in `shared_orgs` (listed by both
    records) match each other: "OAS Cybersecurity Program" = "CICTE Cybersecurity Program"."""
    if a.stem == b.stem:
        return 1.0, "equal"
    core_a, core_b = a.weights.keys() - DECORATION, b.weights.keys() - DECORATION
    if a.exact_only or b.exact_only:
        if core_a == core_b:
            return 1.0, "equal but for 'project'"  # "SIRIUS" (a brand) / "SIRIUS project"
        return 0.0, "none"
    if a.weights.keys() == b.weights.keys():
        return 1.0, "same words"  # another word order: "Action globale sur la cybercriminalité"
    if core_a == core_b and any(a.weights[t] >= ORG_WEIGHT for t in core_a):
        return 1.0, "same words but for 'programme'"  # "FIRST Fellowship (Programme)"
    if (
        a.declared == b.declared
        and len(a.declared) >= 4
        and a.declared not in ORGANISATIONS
        and not (_places(a) and _places(b) and not _places(a) & _places(b))
    ):
        return ACRONYM_SCORE, "same own acronym"  # "... (LAC4)" in Italian and in English
    if _acronym_spells_other(a, b) or _acronym_spells_other(b, a):
        return ACRONYM_SCORE, "own acronym spells the other"
    for short, other in ((a, b), (b, a)):
        if (
            short.acronym
            and len(other.weights) >= 2
            and not _regional_variant(short.acronym, other.raw)
        ):
            contained = short.acronym in other.weights or short.acronym in _acronyms(other.raw)
            contained = contained and not _joint_only(short.acronym, other.raw)
            if contained and not _adds_to_acronym(short.acronym, short, other):
                return (
                    ACRONYM_SCORE if len(short.acronym) >= 4 else SHORT_ACRONYM_SCORE
                ), "acronym"
            if _is_true_acronym(short.raw) and _abbreviates(
                short.acronym, _raw_words(_strip_markers(other.raw))
            ):
                return (
                    INITIALS_SCORE if len(short.acronym) >= 4 else SHORT_INITIALS_SCORE
                ), "initials"
        if _short_form(short, other):
            return ACRONYM_SCORE, "acronyms"  # "MCD CSSF Programme" in "... (MCD) CSSF Programme"
    matched_a, matched_b = _match_words(a, b, shared_orgs)
    shared_a = sum(a.weights[t] for t in matched_a)
    shared_b = sum(b.weights[t] for t in matched_b)
    distinctive = any(a.weights[t] >= 1.0 for t in matched_a) and any(
        b.weights[t] >= 1.0 for t in matched_b
    )
    shared = (shared_a + shared_b) / 2
    miss_a, place_a = _missing(a, matched_a, b)
    miss_b, place_b = _missing(b, matched_b, a)
    small, large = sorted((miss_a, miss_b))
    denominator = shared + small + EXTRA_WEIGHT * large + place_a + place_b
    for x, y, mx, my in ((a, b, matched_a, matched_b), (b, a, matched_b, matched_a)):
        if my >= set(y.weights):  # y adds nothing: words x adds that its acronym spells
            denominator += sum(1.0 - EXTRA_WEIGHT * x.weights[t] for t in _named_part(x, mx))
    sim = shared / denominator if denominator else 0.0
    if not distinctive:
        sim *= min(1.0, shared)
    return sim, "similar"


def _joint_only(acronym: str, raw: str) -> bool:
    """True when `acronym`, an organisation's (ORGANISATIONS), is in `raw` only joined by a
    hyphen to another acronym: "AU-GFCE Cyber Capacity Building project" is a joint project
    of the AU and the GFCE, not the GFCE ("ASEAN-ITU CyberDrill" is not ITU), while
    "ITU-IMPACT" is still IMPACT."""
    if acronym not in ORGANISATIONS:
        return False
    joint = alone = False
    for token in _RAW_TOKEN.findall(_strip_markers(raw)):
        parts = [p for p in token.strip(".+-'").split("-") if p]
        keys = [_acronym_key(p) if _is_acronym_like(p) else "" for p in parts]
        if acronym not in keys:
            continue
        others = [k for k in keys if k and k != acronym]
        if len(parts) >= 2 and len(others) == len(parts) - 1:
            joint = True
        else:
            alone = True
    return joint and not alone


SHORT_NAME_WORDS = 4
"""A name of at most this many words that holds an acronym qualifies it (_adds_to_acronym);
a longer one spells out what the acronym stands for."""


def _adds_to_acronym(acronym: str, short: _Name, other: _Name) -> bool:
    """True when `other`, a short name holding `acronym` (SHORT_NAME_WORDS), follows it with
    a distinctive word or a place that the acronym does not stand for: "SADA Benin" and
    "NCSI methodology update" are a part of SADA and a project on the NCSI. Words before the
    acronym name its publisher or region ("SecDev Foundation Eurasia CyberSTAR"); common
    words of the field and their acronyms (EU, ICT), organisations, the parts of a coined
    acronym ("CyberSouth") and the words the acronym spells in `other` add nothing."""
    words = _content_words(other.stem)
    if len(other.weights) > SHORT_NAME_WORDS or acronym not in words:
        return False
    covered = {acronym, *short.parts, *other.expands.get(acronym, ()), *_expansion(acronym, words)}
    after = words[words.index(acronym) + 1 :]
    return any(
        other.weights.get(t, 0.0) >= 1.0 and t not in covered and t not in GENERIC_ACRONYMS
        for t in after
    )


DECORATION = frozenset({"program", "project", "initiative"})
"""Words a mapping adds to a name without naming anything else ("Cyber Bootcamp Project")."""


def _named_part(name: _Name, matched: set[str]) -> list[str]:
    """Words of `name` outside `matched` that its own acronym spells, decoration aside:
    "Tallinn Mechanism Project Office (TMPO)" adds "office" to "Tallinn Mechanism", and TMPO
    says the office is part of its name: a named part (the project office of the Tallinn
    Mechanism), so such words count in full, not as common words a longer name adds."""
    if not name.spells or name.spells in matched:  # the acronym met stands for its words
        return []
    proper = name.expands.get(name.spells) or frozenset(name.weights)
    return [t for t in name.weights if t in proper and t not in matched and t not in DECORATION]


def _acronym_spells_other(x: _Name, y: _Name) -> bool:
    """True when x's own acronym (four letters or more, not an organisation's) spells the
    whole of y, a name without an own acronym that holds every other word of x: "Digital
    Economy Acceleration Project (KDEAP)" and "Kenya Digital Economy Acceleration Project"
    (the K is the country the shorter name leaves to its acronym)."""
    return (
        len(x.declared) >= 4
        and x.declared not in ORGANISATIONS
        and not y.declared
        and x.declared not in y.weights
        and set(x.weights) - {x.declared} <= set(y.weights)
        and _abbreviates(x.declared, _raw_words(_strip_markers(y.raw)))
    )


def _short_form(short: _Name, other: _Name) -> bool:
    """True when `short` is acronyms and common words only, one acronym at least not an
    organisation's, and `other` holds every one of those acronyms."""
    keys = [t for t in short.weights if t not in GENERIC_WORDS]
    own, found = _acronyms(short.raw), _acronyms(other.raw) | set(other.weights)
    return (
        len(keys) >= 2
        and all(t in own and t in found for t in keys)
        and any(t not in ORGANISATIONS for t in keys)
    )


KIND_WORDS = _word_set(
    """
    fellowship fellowships scholarship scholarships academy course courses exercise exercises
    drill drills cyberdrill cyberdrills desk portal index award awards bootcamp competition
    challenge hackathon mentorship summit conference forum dialogue
    """
)
"""Words naming a kind of activity or product: one a name adds is a part of what the other
names ("UN-Singapore Cyber Fellowship Programme" within the "UN-Singapore Cyber Programme"),
so, like a place, it counts in full against the pair."""


def _kind_part(na: _Name | None, nb: _Name | None) -> str:
    """A kind of activity one name adds to all the words of the other ("UN-Singapore Cyber
    Fellowship Programme" / "UN-Singapore Cyber Programme"): the longer names a part of
    what the shorter names, whatever the other fields say. "" when not so."""
    if na is None or nb is None:
        return ""
    for x, y in ((na, nb), (nb, na)):
        if len(y.weights) < 2:
            continue
        mx, my = _match_words(x, y)
        added = sorted((x.weights.keys() - mx) & KIND_WORDS)
        if (
            added
            and y.weights.keys() - DECORATION <= my
            and x.weights.keys() - mx - DECORATION <= KIND_WORDS
        ):
            return f"{x.raw!r} adds {added[0]!r}"
    return ""


def _missing(name: _Name, matched: set[str], other: _Name) -> tuple[float, float]:
    """Weight of the unmatched words of `name`: (other words, with words only in
    parentheses at half weight; place words, always in full). An acronym the name spells
    out itself and the words it stands for cover each other, when `other` writes it as an
    acronym too: "Rapid" in "Cyber Rapid Response Teams" is a word, not RAPID (Rapid
    Assistance for Pacific Incidents and Disasters)."""
    places = _place_words()
    covered = set(matched)
    for acronym, words in name.expands.items():
        met = acronym in matched and acronym in _acronyms(other.raw)
        if met or (words and words <= matched):
            covered |= words | {acronym}
    rest = place = 0.0
    for t, w in name.weights.items():
        if t in covered:
            continue
        if t in places or t in KIND_WORDS:
            place += 1.0
        else:
            rest += w * (PAREN_FACTOR if t in name.in_parens else 1.0)
    return rest, place


def _match_words(
    a: _Name, b: _Name, shared_orgs: frozenset[str] = frozenset()
) -> tuple[set[str], set[str]]:
    """Words of `a` and of `b` that match each other (equal, a typo apart, a capitalised
    word of one spelling a run of words of the other, or two acronyms of organisations that
    both records list among their funders or implementers: "OAS Cybersecurity Program" and
    "CICTE Cybersecurity Program" when both list the OAS and its CICTE)."""
    matched_a: set[str] = set()
    matched_b: set[str] = set()
    for t in a.weights:
        if t in b.weights:
            matched_a.add(t)
            matched_b.add(t)
    long_b = [u for u in b.weights if len(u) >= 5 and u not in matched_b]  # typos: 5+ letters
    for t in a.weights:
        if t in matched_a or len(t) < 5 or not long_b:
            continue
        hit = next((u for u in long_b if u not in matched_b and _tokens_match(t, u)), None)
        if hit is not None:
            matched_a.add(t)
            matched_b.add(hit)
    for x, y, mx, my in ((a, b, matched_a, matched_b), (b, a, matched_b, matched_a)):
        for t, parts in x.coined.items():  # "Digital4Development" = "Digital for Development"
            if t not in mx and all(p in y.weights and p not in my for p in parts):
                mx.add(t)
                my.update(parts)
    orgs_a = sorted(t for t in a.weights if t in shared_orgs and t not in matched_a)
    orgs_b = sorted(t for t in b.weights if t in shared_orgs and t not in matched_b)
    for t, u in zip(orgs_a, orgs_b, strict=False):
        matched_a.add(t)
        matched_b.add(u)
    if not matched_a:
        return matched_a, matched_b  # an acronym alone spelling some words is a coincidence
    for x, y, mx, my in ((a, b, matched_a, matched_b), (b, a, matched_b, matched_a)):
        words = y.stem.split()
        if x.acronym and _is_true_acronym(x.raw):
            continue  # a one-word acronym name is judged by the acronym rules alone
        for t in x.upper - mx:
            if t not in x.weights or t in x.expands:
                continue  # an acronym the name spells out itself stands for those words
            # an organisation's acronym as written spells its name in that language too
            # ("UE" = Unión Europea in "Alianza Digital UE-ALC", read as "eu")
            for spelling in dict.fromkeys((t, x.org_as_written.get(t, t))):
                run = _expansion(spelling, words)
                if run and not any(w in my for w in run if w in y.weights):
                    mx.add(t)
                    my.update(w for w in run if w in y.weights)
                    break
    return matched_a, matched_b


def _expansion(acronym: str, words: list[str]) -> list[str]:
    """The first run of two or more consecutive words that `acronym` abbreviates."""
    for i in range(len(words)):
        if words[i] in STOP_WORDS or words[i][0] != acronym[0]:
            continue
        for j in range(i + 2, min(len(words), i + 2 * len(acronym)) + 1):
            if _abbreviates(acronym, words[i:j]):
                return words[i:j]
    return []


@lru_cache(maxsize=200_000)
def _regional_variant(acronym: str, raw: str) -> bool:
    """True when `raw` joins the acronym to a place ("DCCP-Pacific"): a regional part."""
    places = _place_words()
    for token in raw.split():
        parts = [_acronym_key(p) for p in re.split(r"[-@]", token.strip("()[].,;:")) if p]
        if acronym in parts and any(p in places for p in parts if p != acronym):
            return True
    return False


@lru_cache(maxsize=200_000)
def _is_true_acronym(raw: str) -> bool:
    letters = [c for c in _strip_markers(raw) if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) * 2 >= len(letters)


def _best_names(a: _Record, b: _Record) -> tuple[float, str, _Name | None, _Name | None]:
    best: tuple[float, str, _Name | None, _Name | None] = (0.0, "none", None, None)
    shared_orgs = a.org_acronyms & b.org_acronyms
    for na in a.names:
        for nb in b.names:
            sim, rule = _name_similarity(na, nb, shared_orgs)
            if rule == "acronym" and _names_publisher(a, na, b, nb):
                continue
            if sim > best[0] and not _topic_head(a, na, b, nb):
                best = (sim, rule, na, nb)
    return best


def _names_publisher(a: _Record, na: _Name, b: _Record, nb: _Name) -> bool:
    """True when one name is an acronym that the other record lists among its own funders
    or implementers (and the first does not): "C3SA" in "CMM re-assessment of Uganda (...,
    C3SA)" names who did the review, not the review."""
    for x, nx, y in ((a, na, b), (b, nb, a)):
        if nx.acronym and nx.acronym in y.org_acronyms and nx.acronym not in x.org_acronyms:
            return True
    return False


TOPIC_SIMILARITY = 0.5
"""A head acronym's subtitle at least this similar to the other record's expansion of it keeps
the head's match (_topic_head)."""


def _topic_head(a: _Record, na: _Name, b: _Record, nb: _Name) -> bool:
    """True when the match of `na` and `nb` rests on the acronym head of a titled name ("NCSI:
    Upgrading National Cyber Resilience") that the other record spells out ("National Cyber
    Security Index (NCSI)") while the head's subtitle says something else: the title is about
    the NCSI (a publication, a follow-up), not the NCSI itself."""
    for x, y, ny in ((a, b, nb), (b, a, na)):
        head = next((n for n in x.names if n.exact_only and n.acronym == ny.stem), None)
        if head is None:  # the match does not rest on x's head acronym
            continue
        spelled = [n for n in y.names if n.spells == head.acronym and not n.acronym]
        subtitles = [n for n in x.names if n.exact_only and n is not head]
        if spelled and subtitles:
            return all(
                _stem_similarity(t, s) < TOPIC_SIMILARITY for t in subtitles for s in spelled
            )
    return False


def _name_years(raw: str) -> frozenset[str]:
    """Years a name states ("ASEAN-ITU 2022 CyberDrill"): another year is another edition."""
    return frozenset(_NAME_YEAR.findall(raw))


def _marker_text(name: _Name) -> str:
    return " ".join(sorted(name.markers[0] | name.markers[1] | _name_years(name.raw))) or "none"


def _phase_relation(
    a: _Record, b: _Record, best: tuple[_Name | None, _Name | None] = (None, None)
) -> tuple[str, str]:
    """(conflict, unknown): the first pair of matching names whose markers differ, and the
    first where only one is marked (or both are, with markers of different kinds), each as
    text ("" when none). Names match when their
    stems are similar, or when they are the best-matching pair that the score rests on.
    Components marked by a letter after an acronym ("OCWAR-C", "OCWAR-M") count too: two
    letters differ (a conflict), or one name writes the bare acronym (the umbrella,
    "... (OCWAR)") where the other has a letter (unknown)."""
    conflict, unknown = _component_relation(a, b)
    for na in a.names:
        for nb in b.names:
            is_best = na is best[0] and nb is best[1]
            (sa, wa), (sb, wb) = na.markers, nb.markers
            ya, yb = _name_years(na.raw), _name_years(nb.raw)
            differ = (
                (sa and sb and sa != sb) or (wa and wb and wa != wb) or (ya and yb and ya != yb)
            )
            # marked on one side only, or with markers of different kinds that cannot
            # be compared ("GLACY-e" [e] vs "... Extended" [extended])
            one_sided = bool(sa or wa or sb or wb) and not ((sa and sb) or (wa and wb))
            if not (differ or one_sided) or (conflict and (unknown or not one_sided)):
                continue
            if (
                not is_best
                and na.stem != nb.stem
                and _stem_similarity(na, nb) < PHASE_COMPARE_SIMILARITY
            ):
                continue
            text = f"{na.raw!r} [{_marker_text(na)}] vs {nb.raw!r} [{_marker_text(nb)}]"
            if differ and not conflict:
                conflict = text
            elif one_sided and not unknown:
                unknown = text
    return conflict, unknown


_COMPONENT = re.compile(r"\b([A-Z][A-Z0-9]+)-([A-Z])\b(?!-)")
_CAPITALS = re.compile(r"\b[A-Z][A-Z0-9]+\b(?!-)")


@lru_cache(maxsize=200_000)
def _components(raw: str) -> tuple[frozenset[tuple[str, str]], frozenset[str]]:
    """(acronyms with a component letter, other all-capital words) of a raw name:
    "OCWAR-C – Organised Crime" gives ({("OCWAR", "C")}, {}); "Crime organisé (OCWAR)"
    gives ({}, {"OCWAR"})."""
    marked = frozenset((m.group(1), m.group(2)) for m in _COMPONENT.finditer(raw))
    return marked, frozenset(_CAPITALS.findall(_COMPONENT.sub(" ", raw)))


def _component_relation(a: _Record, b: _Record) -> tuple[str, str]:
    """(conflict, unknown) from component letters, as text ("" when none): "OCWAR-C" vs
    "OCWAR-M" conflict; "OCWAR-C" vs a name writing the bare "OCWAR" is unknown."""
    found = []
    for rec in (a, b):
        marked: dict[str, set[str]] = defaultdict(set)
        bare: set[str] = set()
        for name in rec.names:
            letters, capitals = _components(name.raw)
            for acronym, letter in letters:
                marked[acronym].add(letter)
            bare |= capitals
        found.append((marked, bare))
    (ma, ba), (mb, bb) = found
    for acronym in sorted(set(ma) & set(mb)):
        if not ma[acronym] & mb[acronym]:
            left, right = "/".join(sorted(ma[acronym])), "/".join(sorted(mb[acronym]))
            return f"{acronym}-{left} vs {acronym}-{right}", ""
    for marked, bare in ((ma, bb), (mb, ba)):
        for acronym in sorted(set(marked) & bare):
            letters = "/".join(sorted(marked[acronym]))
            return f"{acronym}-{letters} vs the bare {acronym}", ""
    return "", ""


def _acronym_conflict(a: _Record, b: _Record) -> str:
    """Two names in one language that give different own acronyms in parentheses ("Digital
    Transformation Acceleration Project (PATN)" / "... (PATNuC)"), neither an organisation's
    nor held by the other record, as text ("" when none): siblings of one funder often share
    every word but the place their acronym names. Names in two languages may give two
    acronyms of one project ("(CECC)" / "(ECCC)")."""
    for na in a.names:
        for nb in b.names:
            x, y = na.declared, nb.declared
            if (
                x
                and y
                and x != y
                and x not in ORGANISATIONS
                and y not in ORGANISATIONS
                and x not in b.acronyms
                and y not in a.acronyms
                and name_language(na.raw) == name_language(nb.raw)
            ):
                return f"{na.raw!r} ({x}) vs {nb.raw!r} ({y})"
            if (
                x
                and x == y
                and x not in ORGANISATIONS
                and name_language(na.raw) == name_language(nb.raw)
                and _own_words_differ(na, nb)
            ):  # "Global Cyber Alliance (GCA)" / "Global Cybersecurity Agenda (GCA)"
                return f"{na.raw!r} and {nb.raw!r} spell {x} with other words"
    return ""


def _own_words_differ(a: _Name, b: _Name) -> bool:
    """Both names hold a distinctive word (not a common word of the field, a place or
    their acronym) that the other does not."""
    ma, mb = _match_words(a, b)
    skip = _place_words() | {a.declared, b.declared}
    own_a = [t for t, w in a.weights.items() if w >= 1.0 and t not in ma and t not in skip]
    own_b = [t for t, w in b.weights.items() if w >= 1.0 and t not in mb and t not in skip]
    return bool(own_a and own_b)


def _stem_similarity(a: _Name, b: _Name) -> float:
    """Name similarity that also lets split-off parts compare (for phase markers)."""
    return _name_similarity(replace(a, exact_only=False), replace(b, exact_only=False))[0]


def _code_series(code: str) -> str:
    """The portal and letter prefix of a code: "cybil:G0583" -> "cybil:G" (Cybil project
    codes) and "cybil:GI-07" -> "cybil:GI" (GFCE initiative codes) are separate series."""
    family, _, value = code.partition(":")
    prefix = re.match(r"[A-Z]*", value)
    return f"{family}:{prefix.group(0) if prefix else ''}"


def _code_conflict(a: _Record, b: _Record) -> str:
    if a.codes & b.codes:
        return ""
    series_a = {_code_series(c): c for c in a.codes}
    for c in sorted(b.codes):
        if _code_series(c) in series_a:
            return f"{series_a[_code_series(c)]} vs {c}"
    return ""


def _orgs(a: tuple[tuple[str, ...], ...], b: tuple[tuple[str, ...], ...]) -> str:
    if not a or not b:
        return "unknown"
    for keys_a in a:
        for keys_b in b:
            for ka in keys_a:
                for kb in keys_b:
                    if ka == kb or (
                        min(len(ka), len(kb)) >= 4 and fuzz.token_set_ratio(ka, kb) >= 90
                    ):
                        return "agree"
    return "disagree"


def _countries(a: _Record, b: _Record) -> tuple[str, float | None]:
    """(result, Jaccard): "same" for Jaccard >= 0.8 with 3+ countries shared, "agree" for
    >= 0.5, "overlap" below, "disagree" for none shared, "unknown" when a side is empty."""
    if not a.countries or not b.countries:
        return "unknown", None
    common = len(a.countries & b.countries)
    jaccard = common / len(a.countries | b.countries)
    if jaccard >= 0.8 and common >= 3:
        return "same", jaccard
    if jaccard >= 0.5:
        return "agree", jaccard
    return ("overlap" if common else "disagree"), jaccard


def _years(a: _Record, b: _Record) -> str:
    """Start years at most a year apart "agree"; spans disjoint (a year of slack) or start
    years three or more apart "conflict"; anything else, or a missing start, "unknown"."""
    if a.start is None or b.start is None:
        return "unknown"
    if (a.end is not None and a.end < b.start - 1) or (b.end is not None and b.end < a.start - 1):
        return "conflict"
    if abs(a.start - b.start) >= START_YEARS_APART:
        return "conflict"
    if abs(a.start - b.start) <= 1:
        return "agree"
    return "unknown"


def _corroboration(
    a: _Record, b: _Record, funders: str, implementers: str, years: str, jaccard: float | None
) -> str:
    """How far the other fields back a pair: "full" when funders, implementers and years
    agree and the countries overlap by at least half; "<field> absent" when three of these
    agree and the fourth is empty on both sides; else "". A field empty on one side only
    does not count as absent: a programme without a country list and its country part
    look exactly like that."""
    agree = {
        "funders": funders == "agree",
        "implementers": implementers == "agree",
        "years": years == "agree",
        "countries": jaccard is not None and jaccard >= 0.5,
    }
    absent = {
        "funders": not a.funders and not b.funders,
        "implementers": not a.implementers and not b.implementers,
        "years": a.start is None and b.start is None,
        "countries": not a.countries and not b.countries,
    }
    if all(agree.values()):
        return "full"
    missing = [k for k, ok in agree.items() if not ok]
    if len(missing) == 1 and absent[missing[0]]:
        return f"{missing[0]} absent"
    return ""


def _score(a: _Record, b: _Record) -> PairEvidence:
    sim, rule, na, nb = _best_names(a, b)
    shared_codes = tuple(sorted(a.codes & b.codes))
    code_conflict = _code_conflict(a, b)
    funders = _orgs(a.funders, b.funders)
    implementers = _orgs(a.implementers, b.implementers)
    countries, jaccard = _countries(a, b)
    years = _years(a, b)
    corroboration = _corroboration(a, b, funders, implementers, years, jaccard)
    score = sim
    for name, result in (
        ("funders", funders),
        ("implementers", implementers),
        ("countries", countries),
        ("years", years),
    ):
        score += FIELD_WEIGHTS[name].get(result, 0.0)
    if corroboration:
        score += CORROBORATION_BONUS
    if shared_codes:
        score, rule = 1.0, "code"
    score = round(min(1.0, max(0.0, score)), 4)
    phase, unknown = _phase_relation(a, b, (na, nb))
    acronym_conflict = "" if shared_codes else _acronym_conflict(a, b)
    same_start = a.start is not None and a.start == b.start
    allowed = (
        not phase
        and not code_conflict
        and (not (unknown or acronym_conflict) or (years == "agree" and same_start))
    )
    # looked for only where it may decide (it compares words again)
    kind_part = _kind_part(na, nb) if allowed and rule == "similar" and not shared_codes else ""
    allowed = allowed and not kind_part
    by_name = score >= ACCEPT_SCORE and sim >= NAME_FLOOR
    cue = places = ""
    if allowed and not by_name and corroboration:
        kind, cue = _name_cue(a, b)
        if not cue and corroboration == "full" and countries == "same":
            cue = "funders, implementers, years and 3+ countries all agree"
        if corroboration not in CUE_CORROBORATION and kind not in STRONG_CUES and sim < CUE_FLOOR:
            cue = ""
        places = _place_conflict(a, b) if cue else ""
    same = bool(shared_codes) or (allowed and (by_name or bool(cue and not places)))
    acronym_match = bool(a.acronyms & b.acronyms) or rule in {"acronym", "initials"}
    return PairEvidence(
        score=score,
        same=same,
        name_similarity=round(sim, 4),
        name_rule=rule,
        best_names=(na.raw if na else "", nb.raw if nb else ""),
        acronym_match=acronym_match,
        shared_codes=shared_codes,
        code_conflict=code_conflict,
        funders=funders,
        implementers=implementers,
        countries_jaccard=None if jaccard is None else round(jaccard, 4),
        years=years,
        phase_conflict=phase,
        phase_unknown=unknown,
        corroboration=corroboration,
        acronym_conflict=acronym_conflict,
        name_cue=cue,
        place_conflict=places,
        kind_part=kind_part,
    )


_REGION_STEMS = {
    "eastern": "east",
    "western": "west",
    "northern": "north",
    "southern": "south",
    "african": "africa",
    "asian": "asia",
    "european": "europe",
    "american": "america",
    "americas": "america",
    "arabic": "arab",
}


_CONTINENTS = frozenset({"africa", "asia", "europe", "america", "oceania", "eurasia"})
"""Places too wide to tell one donor's projects apart: a shared continent is no name cue."""


def _places(name: _Name) -> frozenset[str]:
    """Place words of a name, regional adjectives read as their region ("Eastern" ->
    east), coined-word parts included ("certTonga" -> tonga)."""
    places = _place_words()
    words = set(name.weights) | set(name.parts)
    return frozenset(_REGION_STEMS.get(w, w) for w in words if w in places)


def _place_conflict(a: _Record, b: _Record) -> str:
    """Places named on both sides that do not meet: every name of one record names a
    place that no name of the other names, and the reverse ("... Sub-Saharan Africa" vs
    "... Pacific Island Countries"). A name without places conflicts with nothing."""
    pa = [_places(n) for n in a.names]
    pb = [_places(n) for n in b.names]
    all_a = frozenset().union(*pa) if pa else frozenset()
    all_b = frozenset().union(*pb) if pb else frozenset()
    if not all_a or not all_b or all_a & all_b:
        return ""
    return f"{', '.join(sorted(all_a))} vs {', '.join(sorted(all_b))}"


_LANGUAGE_WORDS = {
    "en": _word_set("the of and for with against through on to"),
    "fr": _word_set("les des du pour et sur dans au aux le l d une"),
    "es": _word_set("el los las del y con por para una"),
    "pt": _word_set("da do das dos e em com uma"),
    "it": _word_set("di del della dei degli delle dell il lo gli e per con nel nella al ai"),
    "de": _word_set("der die das und fur mit von zur zum im den dem des gegen auf"),
}
_SCRIPTS = (
    ("ja", re.compile(r"[\u3040-\u30ff]")),  # kana: Japanese
    ("ko", re.compile(r"[\uac00-\ud7af]")),
    ("zh", re.compile(r"[\u4e00-\u9fff]")),
    ("ar", re.compile(r"[\u0600-\u06ff]")),
    ("ru", re.compile(r"[\u0400-\u04ff]")),
)


_SCRIPT_LANGUAGES = frozenset(language for language, _ in _SCRIPTS)


@lru_cache(maxsize=200_000)
def name_language(raw: str) -> str:
    """The language a name is written in, from its script (kana, hangul, Chinese
    characters, Arabic, Cyrillic) or, in Latin script, from the words only English,
    French, Spanish, Portuguese, Italian or German use: function words ("the", "pour",
    "y", "da", "di", "und") and the
    GLOSSARY's words ("cybercriminalité", "ciberdelincuencia"); "" when a name gives no
    such sign: fewer than two such words, or two languages tie ("GLACY+", "Cyber Safety
    Pasifika", "EL PAcCTO")."""
    for language, pattern in _SCRIPTS:
        if pattern.search(raw):
            return language
    words = _raw_words(raw)
    counts = {
        lang: sum(w in vocab or w in GLOSSARY.get(lang, ()) for w in words)
        for lang, vocab in _LANGUAGE_WORDS.items()
    }
    best = max(counts, key=lambda lang: counts[lang])
    if counts[best] < 2 or list(counts.values()).count(counts[best]) > 1:
        return ""  # one word is no sign: "EL PAcCTO", "GLACY-e", "AU-GFCE"
    return best


def _name_cue(a: _Record, b: _Record) -> tuple[str, str]:
    """What two records' names share that a translation or a former name keeps, for pairs
    whose fields corroborate, as (kind, text): "word" (a distinctive word, not a common
    word of the field), "place", "acronym" (shared, spelling a run of the other's words, or
    found inside a coined word: "certTonga" and "Tonga CERT"; acronyms of the records'
    own funders and implementers do not count), or "language" (the names are in two
    languages, so sharing no word is expected). ("", "") when there is none."""
    orgs = a.org_acronyms | b.org_acronyms
    common_acronyms = sorted((a.acronyms & b.acronyms) - orgs)
    if common_acronyms:
        return "acronym", f"shared acronym {common_acronyms[0]!r}"
    for x, y in ((a, b), (b, a)):
        for acronym in sorted(x.acronyms - orgs):
            for name in y.names:
                ordered = _content_words(name.stem)
                for i in range(len(ordered)):
                    for j in range(i + 2, min(len(ordered), i + MAX_ACRONYM_LETTERS) + 1):
                        if _abbreviates(acronym, ordered[i:j]):
                            run = " ".join(ordered[i:j])
                            return "acronym", f"acronym {acronym!r} spells {run!r}"
    for na in a.names:
        for nb in b.names:
            la, lb = name_language(na.raw), name_language(nb.raw)
            if (la and lb and la != lb) or ((la in _SCRIPT_LANGUAGES) != (lb in _SCRIPT_LANGUAGES)):
                # a name in another script than the other's is another language, whatever
                # the Latin one is written in ("Таллиннский механизм" / "Tallinn Mechanism")
                return "language", f"names in two languages ({la or 'latin'}, {lb or 'latin'})"
    for na in a.names:
        for nb in b.names:
            ma, mb = _match_words(na, nb)
            shared = sorted(t for t in ma if na.weights.get(t, 0) >= 1.0 and t not in REGION_WORDS)
            if shared and any(nb.weights.get(t, 0) >= 1.0 and t not in REGION_WORDS for t in mb):
                return "word", f"shared word {shared[0]!r}"
            common = _places(na) & _places(nb) - _CONTINENTS
            if common:
                return "place", f"same place {sorted(common)[0]!r}"
    for x, y in ((a, b), (b, a)):
        for nx in x.names:
            for part in sorted(nx.parts):
                if len(part) < 4 or part in GENERIC_WORDS:
                    continue
                if any(ny.weights.get(part, 0) >= 1.0 for ny in y.names):
                    return "word", f"coined word part {part!r}"
    return "", ""


def score_pair(a: Mapping[str, Any], b: Mapping[str, Any]) -> PairEvidence:
    """Compare two project records (dicts or rows with the projects.csv columns)."""
    return _score(_record(a), _record(b))


# --------------------------------------------------------------------------- blocking


def _initials(words: list[str], whole: frozenset[str] = frozenset()) -> str:
    """First letters of `words`; words in `whole` (capitals such as "EU") count whole."""
    return "".join(w if w in whole else w[0] for w in words) if len(words) >= 2 else ""


def _block_keys(rec: _Record) -> set[str]:
    """Keys under which a record is indexed. Words, acronyms, the parts of coined words
    ("certTonga" gives "tonga"), two-word phrases written together ("cyber drills" meets
    "cyberdrills") and initials of word runs ("ichip" for "International Computer Hacking
    and Intellectual Property") share one namespace, so an acronym meets the words it stands
    for. A "fy:" key joins records with the same funder, implementer and start year, so a
    name in another language or script still meets its English listing."""
    keys = {f"code:{c}" for c in rec.codes} | {f"t:{a}" for a in rec.acronyms}
    for name in rec.names:
        keys.add(f"stem:{name.stem}")
        ordered = _content_words(name.stem)
        for t in ordered:
            if t not in GENERIC_WORDS and (len(t) >= 3 or t in rec.acronyms):
                keys.add(f"t:{t}")
                if len(t) >= 6:
                    keys.add(f"p:{t[:5]}")  # "african" meets "africa"
        keys.update(f"t:{t1}{t2}" for t1, t2 in zip(ordered, ordered[1:], strict=False))
        if len(ordered) >= 2:
            keys.add("w:" + " ".join(sorted(set(ordered))))  # the same words in any order
        # the words as compared ("OEA" read as "oas"), so blocking proposes what scoring accepts
        keys.add("w:" + " ".join(sorted(name.weights)))
        keys.update(f"t:{t}" for t in name.weights if t not in GENERIC_WORDS and len(t) >= 3)
        for initials in (_initials(ordered), _initials(ordered, name.upper)):
            if len(initials) >= 3:
                keys.add(f"t:{initials}")
        for i in range(len(ordered)):
            for j in range(i + 3, min(len(ordered), i + 6) + 1):
                keys.add(f"t:{_initials(ordered[i:j])}")
        for part in name.parts:
            if part not in GENERIC_WORDS and len(part) >= 4:
                keys.add(f"t:{part}")
    if rec.start is not None:
        for funder in rec.funders:
            for implementer in rec.implementers:
                if funder and implementer:  # "()" or "the" leave no key
                    keys.add(f"fy:{funder[0]}|{implementer[0]}|{rec.start}")
    return keys


@lru_cache(maxsize=20_000)
def _acronym_initials(acronym: str) -> frozenset[str]:
    """The initials of the word runs an acronym may spell when each word gives it one to
    three letters: "glacy" (GLobal ACtion on CYbercrime) gives "gac", among others."""
    out: set[str] = set()
    for acr in _acronym_readings(acronym):

        def split(i: int, initials: str, acr: str = acr) -> None:
            if i == len(acr):
                if len(initials) >= 2:
                    out.add(initials)
                return
            for k in (1, 2, 3):
                if i + k <= len(acr):
                    split(i + k, initials + acr[i])

        if 3 <= len(acr) <= MAX_ACRONYM_LETTERS:
            split(0, "")
    return frozenset(out)


def _acronym_run_pairs(records: list[_Record]) -> set[tuple[int, int]]:
    """Pairs where an acronym of one record spells a run of two or more words of another
    record's name, letting each word give one to three letters ("GLACY" and "Global Action
    on Cybercrime", "EAP" and "Eastern Partnership"). Word keys alone miss these: the
    acronym shares no word with its expansion, and its initials are not the words'."""
    runs: dict[str, list[tuple[int, tuple[str, ...]]]] = defaultdict(list)
    for idx, rec in enumerate(records):
        for name in rec.names:
            ordered = _content_words(name.stem)
            for i in range(len(ordered)):
                for j in range(i + 2, min(len(ordered), i + MAX_ACRONYM_LETTERS) + 1):
                    runs[_initials(ordered[i:j])].append((idx, tuple(ordered[i:j])))
    pairs: set[tuple[int, int]] = set()
    for idx, rec in enumerate(records):
        for acronym in rec.acronyms:
            for initials in _acronym_initials(acronym):
                for other, words in runs.get(initials, ()):
                    if other != idx and _abbreviates(acronym, words):
                        pairs.add((min(idx, other), max(idx, other)))
    return pairs


def _candidate_index_pairs(
    records: list[_Record], max_block: int = MAX_BLOCK
) -> set[tuple[int, int]]:
    postings: dict[str, list[int]] = defaultdict(list)
    for i, rec in enumerate(records):
        for key in _block_keys(rec):
            postings[key].append(i)
    pairs: set[tuple[int, int]] = set()
    shared: Counter[tuple[int, int]] = Counter()
    for members in postings.values():
        if len(members) < 2 or len(members) > max_block:
            continue
        if len(members) <= RARE_BLOCK:
            pairs.update(combinations(members, 2))
        else:
            shared.update(combinations(members, 2))
    pairs.update(pair for pair, n in shared.items() if n >= 2)
    pairs |= _acronym_run_pairs(records)
    return pairs


def candidate_pairs(df: pd.DataFrame, max_block: int = MAX_BLOCK) -> pd.DataFrame:
    """Pairs of rows worth scoring: they share a distinctive word, an acronym (or an
    acronym and the initials it spells), a word prefix, a two-word phrase, a whole name or
    a portal code. A key held by at most RARE_BLOCK rows proposes a pair alone; a commoner
    key needs a second shared key; keys held by more than `max_block` rows are skipped. So
    large tables are never compared all against all. Columns: project_id_a, project_id_b
    (a < b)."""
    records = _records(df)
    rows = []
    for i, j in _candidate_index_pairs(records, max_block):
        a, b = sorted((records[i].project_id, records[j].project_id))
        rows.append((a, b))
    return pd.DataFrame(sorted(rows), columns=["project_id_a", "project_id_b"])


# --------------------------------------------------------------------------- clustering


def _records(df: pd.DataFrame) -> list[_Record]:
    missing = [c for c in REQUIRED_COLUMNS if c not in df.columns]
    if missing:
        raise DedupeInputError([f"missing required column '{c}'" for c in missing])
    frame = df.copy()
    for col in OPTIONAL_COLUMNS:
        if col not in frame.columns:
            frame[col] = ""
    return [_record(row) for row in frame.to_dict("records")]


class _Groups:
    """Union-find whose merges can be refused."""

    def __init__(self, ids: list[str]):
        self.parent = {i: i for i in ids}
        self.members = {i: [i] for i in ids}

    def find(self, x: str) -> str:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        if len(self.members[ra]) < len(self.members[rb]):
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.members[ra] += self.members.pop(rb)


def _override_pairs(
    overrides: pd.DataFrame | None, known: set[str]
) -> dict[tuple[str, str], tuple[str, str]]:
    out: dict[tuple[str, str], tuple[str, str]] = {}
    if overrides is None or overrides.empty:
        return out
    for row in overrides.to_dict("records"):
        a, b = str(row["project_id_a"]).strip(), str(row["project_id_b"]).strip()
        if a in known and b in known and a != b:
            out[tuple(sorted((a, b)))] = (str(row["decision"]).strip(), str(row.get("reason", "")))
    return out


def _known_evidence(
    links: dict[str, tuple[str, float]],
    by_id: dict[str, _Record],
    evidence: dict[tuple[str, str], PairEvidence],
) -> dict[tuple[str, str], PairEvidence]:
    """Accepted evidence for each two records linked to one known project (known_links),
    scored as the weaker of their two links, unless the two carry a phase or code conflict
    between them; a pair the rules accepted anyway keeps its own evidence."""
    out = {}
    by_known: dict[str, list[str]] = defaultdict(list)
    for pid, (kid, _) in sorted(links.items()):
        by_known[kid].append(pid)
    for kid, pids in by_known.items():
        for a, b in combinations(pids, 2):
            ev = evidence.get((a, b)) or _score(by_id[a], by_id[b])
            if ev.same or ev.phase_conflict or ev.code_conflict:
                continue
            score = max(ev.score, min(links[a][1], links[b][1]))
            note = f"both are names of known project '{kid}'"
            out[(a, b)] = replace(ev, score=score, same=True, known=note)
    return out


def cluster(
    df: pd.DataFrame, overrides: pd.DataFrame | None = None, known: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Group rows that are the same project.

    Returns one row per input row: project_id, cluster_id ("c-" + smallest member id),
    score (the strongest accepted link from this row into its cluster; empty for a row
    alone) and evidence (that link in words, the override that decided, or for a row alone
    its nearest rejected candidate). Overrides with ids not in `df` are ignored.
    With `known`, also known_project and known_score: the known row each row is linked to
    (known_links; "" and empty when none).

    `known` is an inventory of distinct projects whose rows list each project's names
    (the shipped data/projects.csv): two rows that are both names of one known project
    (known_links) are the same unless a phase or code conflict between them says otherwise,
    and two rows linked to two different known projects are kept apart."""
    records = _records(df)
    ids = [r.project_id for r in records]
    dupes = sorted(i for i, n in Counter(ids).items() if n > 1)
    if dupes:
        raise DedupeInputError([f"duplicate project_id '{d}'" for d in dupes], exit_code=1)
    by_id = {r.project_id: r for r in records}
    decided = _override_pairs(overrides, set(ids))

    evidence: dict[tuple[str, str], PairEvidence] = {}
    for i, j in _candidate_index_pairs(records):
        a, b = sorted((records[i].project_id, records[j].project_id))
        evidence[(a, b)] = _score(by_id[a], by_id[b])
    links = known_links(records, known) if known is not None else {}
    evidence.update(_known_evidence(links, by_id, evidence))

    conflicts: dict[tuple[str, str], bool] = {}

    def conflict(x: str, y: str) -> bool:
        key = (x, y) if x < y else (y, x)
        if key in decided:
            return decided[key][0] == "different"
        if x in links and y in links and links[x][0] != links[y][0]:
            return True
        if key not in conflicts:
            ev = evidence.get(key)
            if ev is not None:
                conflicts[key] = bool(ev.phase_conflict or ev.code_conflict)
            else:
                ra, rb = by_id[key[0]], by_id[key[1]]
                conflicts[key] = bool(_phase_relation(ra, rb)[0] or _code_conflict(ra, rb))
        return conflicts[key]

    groups = _Groups(sorted(ids))
    for (a, b), (decision, _) in sorted(decided.items()):
        if decision == "same":
            groups.union(a, b)
    for (a, b), (decision, _) in sorted(decided.items()):
        if decision == "different" and groups.find(a) == groups.find(b):
            raise DedupeInputError(
                [
                    f"overrides contradict: '{a}' and '{b}' are marked different "
                    "but joined by 'same' overrides"
                ],
                exit_code=1,
            )
    accepted = sorted((-ev.score, a, b) for (a, b), ev in evidence.items() if ev.same)
    for _, a, b in accepted:
        ra, rb = groups.find(a), groups.find(b)
        if ra == rb or (a, b) in decided:
            continue
        if any(conflict(x, y) for x in groups.members[ra] for y in groups.members[rb]):
            continue
        groups.union(a, b)

    best: dict[str, tuple[float, str]] = {}
    nearest: dict[str, tuple[float, str]] = {}
    for (a, b), ev in sorted(evidence.items()):
        together = groups.find(a) == groups.find(b)
        for x, y in ((a, b), (b, a)):
            text = f"{y}: {ev.describe()}"
            if together and ev.same and ev.score > best.get(x, (-1.0, ""))[0]:
                best[x] = (ev.score, text)
            elif not together and ev.score > nearest.get(x, (-1.0, ""))[0]:
                nearest[x] = (ev.score, text)
    notes: dict[str, list[str]] = defaultdict(list)
    for (a, b), (decision, reason) in sorted(decided.items()):
        for x, y in ((a, b), (b, a)):
            if decision == "same":
                best[x] = (1.0, f"{y}: override same ({reason})")
            else:
                notes[x].append(f"override: different from {y} ({reason})")
    for x, (kid, score) in links.items():
        notes[x].append(f"known project '{kid}' ({score:.2f})")

    rows = []
    for pid in ids:
        members = groups.members[groups.find(pid)]
        score, text = float("nan"), "alone; no candidate"
        if len(members) > 1 and pid in best:
            score, text = best[pid][0], "same as " + best[pid][1]
        elif pid in nearest:
            text = f"alone; nearest {nearest[pid][1]}"
        rows.append((pid, "c-" + min(members), score, " | ".join([text, *notes[pid]])))
    out = pd.DataFrame(rows, columns=["project_id", "cluster_id", "score", "evidence"])
    if known is not None:
        out["known_project"] = [links.get(pid, ("", 0.0))[0] for pid in ids]
        out["known_score"] = [links.get(pid, ("", float("nan")))[1] for pid in ids]
    return out


def _accepted_matches(
    new_records: list[_Record], old_records: list[_Record]
) -> dict[int, list[tuple[float, str]]]:
    """For each index into `new_records`, the (score, project_id) of every record of
    `old_records` the rules accept as the same project, best first."""
    records = new_records + old_records
    n_new = len(new_records)
    pairs = {
        (i, j) if i < n_new else (j, i)
        for i, j in _candidate_index_pairs(records)
        if (i < n_new) != (j < n_new)
    }
    # Each new record also meets every old one it shares a blocking key with, however
    # common the key is among the new records: a long list must not hide an old name.
    postings: dict[str, list[int]] = defaultdict(list)
    for j, rec in enumerate(old_records, start=n_new):
        for key in _block_keys(rec):
            postings[key].append(j)
    for i, rec in enumerate(new_records):
        for key in _block_keys(rec):
            if len(postings.get(key, ())) <= RARE_BLOCK:
                pairs.update((i, j) for j in postings.get(key, ()))
    found: dict[int, list[tuple[float, str]]] = defaultdict(list)
    for i, j in sorted(pairs):
        ev = _score(records[i], records[j])
        if ev.same:
            found[i].append((ev.score, records[j].project_id))
    return {i: sorted(matches, key=lambda m: (-m[0], m[1])) for i, matches in found.items()}


def match_existing(new: pd.DataFrame, existing: pd.DataFrame) -> pd.DataFrame:
    """`new` with two more columns: matches_existing (the project_id in `existing` that a
    new row is the same project as, or "") and match_score (that pair's score, or empty).
    The same rules as `cluster` decide; when several existing rows qualify, the best wins."""
    out = new.copy()
    out["matches_existing"] = ""
    out["match_score"] = float("nan")
    if new.empty or existing.empty or "title" not in new.columns:
        return out
    new_records = _records(new.assign(project_id=[f"new:{i}" for i in range(len(new))]))
    old_records = _records(existing.assign(project_id=existing["project_id"].astype(str)))
    for i, matches in _accepted_matches(new_records, old_records).items():
        score, pid = matches[0]
        out.iloc[i, out.columns.get_loc("matches_existing")] = pid
        out.iloc[i, out.columns.get_loc("match_score")] = score
    return out


def known_links(
    records: list[_Record] | pd.DataFrame, known: pd.DataFrame
) -> dict[str, tuple[str, float]]:
    """Which project of the inventory `known` (rows in the projects format: one row per
    project, its other names in `aliases`) each record is: project_id -> (known project_id,
    score). A record is linked only when the rules accept exactly one known row; one that
    matches two known rows (a programme and its phase, say) is left unlinked."""
    if isinstance(records, pd.DataFrame):
        records = _records(records)
    if known is None or known.empty or not records:
        return {}
    old_records = _records(known.assign(project_id=known["project_id"].astype(str)))
    links = {}
    for i, matches in _accepted_matches(records, old_records).items():
        if len({pid for _, pid in matches}) == 1:
            links[records[i].project_id] = (matches[0][1], matches[0][0])
    return links


# --------------------------------------------------------------------------- input/output


def _read_csv(path: Path, required: Iterable[str]) -> pd.DataFrame:
    """Read a CSV as strings; raise DedupeInputError naming file, row and field."""
    name = str(path)
    if not path.exists():
        raise DedupeInputError([f"ERROR: {name}: file not found"])
    if path.is_dir():
        raise DedupeInputError([f"ERROR: {name}: is a directory, not a CSV file"])
    return _parse_csv(path.read_bytes(), name, required)


def _parse_csv(raw: bytes, name: str, required: Iterable[str]) -> pd.DataFrame:
    """The CSV bytes `raw` as strings (UTF-8, else Windows-1252); `name` in messages."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    if not text.strip():
        raise DedupeInputError(
            [f"ERROR: {name}: file is empty (expected a header row with {', '.join(required)})"]
        )
    try:
        df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, on_bad_lines="error")
    except (pd.errors.ParserError, csv.Error) as exc:
        raise DedupeInputError([f"ERROR: {name}: not a valid CSV: {exc}"]) from exc
    df.columns = [str(c).strip() for c in df.columns]
    missing = [c for c in required if c not in df.columns]
    if missing:
        found = ", ".join(df.columns)
        raise DedupeInputError(
            [
                f"ERROR: {name}: missing required column '{c}' (columns found: {found})"
                for c in missing
            ]
        )
    return df


def read_projects(path: str | Path) -> tuple[pd.DataFrame, list[str]]:
    """Read a projects CSV for de-duplication: (frame, warnings).

    Required: project_id, title. Missing optional columns are added empty; other columns
    are ignored. Errors (missing file or column, no rows, empty or duplicate project_id)
    raise DedupeInputError; rows are counted as an editor shows them (header = row 1)."""
    path = Path(path)
    return _checked_projects(_read_csv(path, REQUIRED_COLUMNS), str(path))


def parse_projects(raw: bytes, name: str) -> tuple[pd.DataFrame, list[str]]:
    """read_projects for the bytes of an uploaded file called `name`. A file without a
    project_id column gets the row numbers as ids ("row 2", the header being row 1)."""
    df = _parse_csv(raw, name, ("title",))
    if "project_id" not in df.columns:
        df.insert(0, "project_id", [f"row {pos + 2}" for pos in range(len(df))])
    return _checked_projects(df, name)


def _checked_projects(df: pd.DataFrame, name: str) -> tuple[pd.DataFrame, list[str]]:
    if df.empty:
        raise DedupeInputError([f"ERROR: {name}: no data rows below the header"])
    errors: list[str] = []
    warnings: list[str] = []
    df["project_id"] = df["project_id"].str.strip()
    rows_of: dict[str, list[int]] = defaultdict(list)
    for pos, pid in enumerate(df["project_id"]):
        row = pos + 2
        if not pid:
            errors.append(f"ERROR: {name}, row {row}, field 'project_id': empty")
        else:
            rows_of[pid].append(row)
    for pid, rows in rows_of.items():
        if len(rows) > 1:
            errors.append(
                f"ERROR: {name}, rows {', '.join(map(str, rows))}, field 'project_id': "
                f"duplicate project_id '{pid}'"
            )
    for col in OPTIONAL_COLUMNS:
        if col not in df.columns:
            df[col] = ""
    for pos, r in enumerate(df.to_dict("records")):
        row = pos + 2
        if not str(r["title"]).strip() and not str(r["aliases"]).strip():
            warnings.append(
                f"WARNING: {name}, row {row}, field 'title': empty and no aliases; "
                "the row stays alone"
            )
        for col in ("start_year", "end_year"):
            value = str(r[col]).strip()
            if value and _year(value) is None:
                warnings.append(
                    f"WARNING: {name}, row {row}, field '{col}': '{value}' is not a year; ignored"
                )
    if errors:
        raise DedupeInputError(errors, exit_code=1)
    return df[[*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS]], warnings


def load_overrides(path: str | Path) -> pd.DataFrame:
    """Read reviewed decisions (project_id_a, project_id_b, decision same|different,
    reason). Every row needs both ids, a decision and a reason."""
    path = Path(path)
    df = _read_csv(path, OVERRIDE_COLUMNS)
    errors = []
    for pos, r in enumerate(df.to_dict("records")):
        row = pos + 2
        for col in OVERRIDE_COLUMNS:
            if not str(r[col]).strip():
                errors.append(f"ERROR: {path}, row {row}, field '{col}': empty")
        if str(r["decision"]).strip() not in {"same", "different", ""}:
            errors.append(
                f"ERROR: {path}, row {row}, field 'decision': "
                f"'{r['decision']}' is not same|different"
            )
        if (
            str(r["project_id_a"]).strip()
            and r["project_id_a"].strip() == r["project_id_b"].strip()
        ):
            errors.append(
                f"ERROR: {path}, row {row}, field 'project_id_b': same id as project_id_a"
            )
    if errors:
        raise DedupeInputError(errors, exit_code=1)
    return df[list(OVERRIDE_COLUMNS)].apply(lambda s: s.str.strip())


def run_dedupe_cli(
    in_path: str | Path,
    out_path: str | Path,
    overrides_path: str | Path | None = None,
    known_path: str | Path | None = None,
) -> int:
    """Read a projects CSV, cluster it, write project_id,cluster_id,score; return the exit
    code (0 ok, 1 data errors, 2 unusable input), with messages on stderr. Overrides come
    from `overrides_path`, else from dedupe_overrides.csv next to the input if it exists.
    Names of the projects in `known_path` (None: names only) count as knowledge (see
    cluster)."""
    import sys

    in_path = Path(in_path)
    try:
        df, warnings = read_projects(in_path)
        if overrides_path is None and (in_path.parent / "dedupe_overrides.csv").exists():
            overrides_path = in_path.parent / "dedupe_overrides.csv"
        overrides = load_overrides(overrides_path) if overrides_path is not None else None
        known = read_projects(known_path)[0] if known_path is not None else None
        result = cluster(df, overrides, known)
    except DedupeInputError as exc:
        for message in exc.messages:
            print(
                message
                if message.startswith(("ERROR", "WARNING"))
                else f"ERROR: {in_path}: {message}",
                file=sys.stderr,
            )
        return exc.exit_code
    for message in warnings:
        print(message, file=sys.stderr)
    out = result[list(OUTPUT_COLUMNS)].copy()
    out["score"] = out["score"].round(3)
    Path(out_path).parent.mkdir(parents=True, exist_ok=True)
    out.to_csv(out_path, index=False)
    sizes = result.groupby("cluster_id").size()
    merged = sizes[sizes > 1]
    print(
        f"{len(result)} rows -> {len(sizes)} clusters; {int(merged.sum())} rows in "
        f"{len(merged)} clusters of two or more"
        + (f"; overrides from {overrides_path}" if overrides_path is not None else "")
        + (f"; known projects from {known_path}" if known_path is not None else "")
    )
    for cid in list(merged.index)[:20]:
        members = result[result["cluster_id"] == cid]
        print(f"  {cid}: " + ", ".join(members["project_id"]))
    print(f"wrote {out_path}")
    return 0
