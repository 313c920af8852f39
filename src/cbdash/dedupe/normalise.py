"""Names and records in a comparable form: words in one spelling, read in English, with their
acronyms, phase marks, portal codes, places and language.

The word lists are data (`data/dedupe_words.csv`: stop words, common words of the field,
places, spelling variants, function words per language; `data/dedupe_glossary.csv`: the
field's words in other languages and organisations' acronyms), each with a provenance
sidecar; country names in other languages come from pycountry.
"""

from __future__ import annotations

import csv
import gettext
import re
from sys import intern
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
import pycountry

from cbdash.data.files import default_data_dir

WORDS_FILE, GLOSSARY_FILE = "dedupe_words.csv", "dedupe_glossary.csv"
LIST_SEPARATOR = ";"
REPO_DATA = Path(__file__).resolve().parents[3] / "data"


def knowledge_dir() -> Path:
    """The folder holding the duplicate check's word lists, glossary and labels: the data
    folder when it has them, else the repository's `data/` (an app pointed at a synthetic or
    test inventory still reads names with the shipped knowledge)."""
    here = default_data_dir()
    return here if (here / WORDS_FILE).exists() else REPO_DATA


@lru_cache(maxsize=100_000)
def plain(s: str) -> str:
    """Lower case without accents, in a stable Unicode form."""
    s = unicodedata.normalize("NFKD", s)
    return "".join(ch for ch in s if not unicodedata.combining(ch)).casefold()


@dataclass(frozen=True)
class Words:
    """The word lists of `dedupe_words.csv` (list -> {word: value}) and the glossary."""

    lists: Mapping[str, Mapping[str, str]]
    glossary: Mapping[str, Mapping[str, str]]  # language -> {term: English}; "org" -> acronyms

    def __getitem__(self, name: str) -> Mapping[str, str]:
        return self.lists.get(name, {})


@lru_cache(maxsize=4)
def load_words(folder: Path | None = None) -> Words:
    """Read the word lists and the glossary from `folder` (default: knowledge_dir())."""
    folder = folder or knowledge_dir()
    out: dict[str, dict[str, dict[str, str]]] = {}
    for name, key, cols in (
        (WORDS_FILE, "list", ("word", "value")),
        (GLOSSARY_FILE, "language", ("term", "english")),
    ):
        found: dict[str, dict[str, str]] = defaultdict(dict)
        path = folder / name
        if path.exists():
            with path.open(encoding="utf-8", newline="") as f:
                for row in csv.DictReader(f):
                    found[row[key]][row[cols[0]]] = row[cols[1]] or ""
        out[name] = dict(found)
    return Words(out[WORDS_FILE], out[GLOSSARY_FILE])


W = load_words()
STOP, GENERIC, KIND = set(W["stop"]), set(W["generic"]), set(W["kind"])
GENERIC_ACRONYMS, DECORATION = set(W["generic_acronym"]), set(W["decoration"])
ORGANISATIONS = dict(W.glossary.get("org", {}))
GLOSSARY = {lang: dict(terms) for lang, terms in W.glossary.items() if lang != "org"}
_LANGUAGE_WORDS = {
    k.removeprefix("function_"): set(v) for k, v in W.lists.items() if k.startswith("function_")
}
_SPELLING = {tuple(k.split()): v.split() for k, v in W["spelling"].items()}
_SPLIT = {k: v.split() for k, v in W["split"].items()}
_UNSPACED = ("ja",)  # languages written without spaces: terms are read wherever they occur
_SCRIPTS = [(lang, re.compile(f"[{span}]")) for lang, span in W["script"].items()]
SCRIPT_LANGUAGES = frozenset(lang for lang, _ in _SCRIPTS)
_WORD = re.compile(r"\w+")
_NON_WORD = re.compile(r"[^\w]+")
_POSSESSIVE = re.compile(r"(?<=\w)['’]s\b|(?<=s)['’](?!\w)")
_NAME_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
_PARENS = re.compile(r"\(\s*\*?\s*([^()]*)\)|\*\s*([^()*]+)$")
_RAW_TOKEN = re.compile(r"[^\s()\[\]:;,/\u2013\u2014\"']+")
_MIXED_CASE = re.compile(r"[a-z][A-Z]")
_COMPOUND_PART = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")

# Phase marks, read from the raw name (case matters for Roman numerals).
_NUMBERS = {word: int(value) for word, value in W["number"].items()}
_PHASES = tuple(
    (re.compile(p, re.I if flags else 0), kind)
    for p, kind, flags in (
        (r"\b(?:phase|step|stage)\s*(\d{1,2}|iv|vi|v|i{1,3}|one|two|three|four|five)\b", "n", 1),
        (r"\b(first|second|third|fourth)\s+(?:phase|step|stage)\b", "n", 1),
        (r"(?<=[\w)])\s?\+(?![\w+])", "+", 0),
        (r"\bplus\b", "+", 1),
        (r"(?<=[A-Za-z]{2})-[eE](?![\w-])", "e", 0),
        (r"(?<=[A-Za-z@])-([1-9])(?![\w.])", "n", 0),
        (r"(?<![\w.])([1-9])\.0(?![\w.])", "n", 0),
        (r"(?<=[\w@)])\s+(III|II|IV|VI|V|I)(?=\s*(?:$|[-\u2013\u2014:(),;/]))", "n", 0),
        (r"(?<=[A-Za-z])\s+([1-9])(?=\s*(?:$|[\u2013\u2014:(),;/]|\s-\s))", "n", 0),
    )
)
_PHASE_WORD = re.compile(r"\b(" + "|".join(W["phase_word"] or ["extended"]) + r")\b", re.I)
_CODE = re.compile(
    r"^\s*(?P<portal>[A-Za-z][\w .&-]*?)\s+(?P<kind>code|project\s+no\.?|no\.?|project|ta)\s*:?\s*"
    r"(?P<code>[A-Za-z0-9][A-Za-z0-9 ./-]*\d[A-Za-z0-9 ./-]*)\s*$",
    re.I,
)
_COMPONENT = re.compile(r"\b([A-Z][A-Z0-9]+)-([A-Z])\b(?!-)")
_CAPITALS = re.compile(r"\b[A-Z][A-Z0-9]+\b(?!-)")


def _drop_boilerplate(s: str) -> str:
    """A name without portal suffixes of the `boilerplate` list ("(*GFCE Initiative)")."""

    def drop(m: re.Match[str]) -> str:
        inside = m.group(1) if m.group(1) is not None else m.group(2)
        return (
            " "
            if " ".join(_NON_WORD.sub(" ", plain(inside)).split()) in W["boilerplate"]
            else m.group(0)
        )

    return _PARENS.sub(drop, s).strip()


def raw_words(s: str) -> tuple[str, ...]:
    """The plain words of a name as written (compounds such as "southeast" split)."""
    out: list[str] = []
    for w in _NON_WORD.sub(" ", plain(s)).split():
        out += _SPLIT.get(w, [w])
    return tuple(out)


@lru_cache(maxsize=200_000)
def normalise_title(s: str) -> str:
    """A name as lower-case words in one spelling: accents, punctuation and portal suffixes
    dropped, spelling variants unified ("programme", "cyber security"), "&" read as "and",
    a possessive "'s" dropped, "@" and "+" kept as words."""
    s = _POSSESSIVE.sub("", _drop_boilerplate(s))
    words = list(raw_words(s.replace("&", " and ").replace("@", " @ ").replace("+", " plus ")))
    out: list[str] = []
    i = 0
    while i < len(words):
        two = tuple(words[i : i + 2])
        if len(two) == 2 and two in _SPELLING:
            out += _SPELLING[two]
            i += 2
        else:
            out += _SPELLING.get((words[i],), [words[i]])
            i += 1
    return " ".join(out)


def markers(raw: str) -> tuple[frozenset[str], frozenset[str]]:
    """(symbol marks, word marks) of a raw name: "+", "e", "2" ...; "extended", "enhanced"."""
    symbols: set[str] = set()
    rest = raw
    for pattern, kind in _PHASES:
        for m in pattern.finditer(rest):
            if kind == "n":
                value = m.group(1).lower()
                symbols.add(str(_NUMBERS.get(value) or int(value)))
            else:
                symbols.add(kind)
        rest = pattern.sub(" ", rest)
    return frozenset(symbols), frozenset(w.lower() for w in _PHASE_WORD.findall(rest))


@lru_cache(maxsize=200_000)
def strip_markers(s: str) -> str:
    for pattern, _ in _PHASES:
        s = pattern.sub(" ", s)
    return _PHASE_WORD.sub(" ", s)


def phase_marker(s: str) -> str:
    """The phase marks of a name as text: "+", "2", "e", "+ extended", or ""."""
    symbols, words = markers(_drop_boilerplate(s).replace("\u2013", "-"))
    return " ".join(sorted(symbols) + sorted(words))


@lru_cache(maxsize=200_000)
def components(raw: str) -> tuple[frozenset[tuple[str, str]], frozenset[str]]:
    """(acronyms with a component letter, bare all-capital words): "OCWAR-C" gives
    ({("OCWAR", "C")}, {}); "Crime organisé (OCWAR)" gives ({}, {"OCWAR"})."""
    raw = re.sub(r"(?<=\w)[–—](?=\w)", "-", raw)
    marked = frozenset((m.group(1), m.group(2)) for m in _COMPONENT.finditer(raw))
    return marked, frozenset(_CAPITALS.findall(_COMPONENT.sub(" ", raw)))


def portal_code(s: str) -> str | None:
    """A portal code as "portal kind:CODE" ("ADB TA 0024-REG" -> "adb ta:0024-REG"), else
    None; GFCE and Cybil codes are one family, "cybil:"."""
    m = _CODE.match(s)
    if not m:
        return None
    portal = normalise_title(m.group("portal")).split()
    family = W["portal_family"].get(portal[-1] if portal else "", " ".join(portal))
    code = re.sub(r"\s+", "", m.group("code")).upper()
    return (
        f"cybil:{code}"
        if family == "cybil"
        else f"{family} {normalise_title(m.group('kind'))}:{code}"
    )


def is_acronym_like(token: str) -> bool:
    """Two capitals or more ("GLACY", "PaCSON"), letters with digits ("WB3C"), or a lower
    letter before a capital ("iPROCEEDS")."""
    if token.islower() and token.isalpha() or len(token) < 2:
        return False
    if sum(map(str.isupper, token)) >= 2:
        return True
    if any(map(str.isdigit, token)) and any(map(str.isalpha, token)):
        return True
    return token[0].islower() and token[1].isupper()


def acronym_key(token: str) -> str:
    key = plain(re.sub(r"[^\w]", "", token))
    return key[:-1] if len(key) > 2 and token.endswith("s") and token[:-1].isupper() else key


@lru_cache(maxsize=200_000)
def acronyms(s: str) -> frozenset[str]:
    """Acronym-like tokens of a name, lower case, and the parts of "OCWAR-C" or
    "Cybercrime@EAP"; Roman numerals and the `generic_acronym` list left out."""
    out: set[str] = set()
    for raw in _RAW_TOKEN.findall(strip_markers(_drop_boilerplate(s))):
        token = raw.strip(".+-'")
        if not token or token.upper() in {"II", "III", "IV", "VI"}:
            continue
        parts = [p for p in re.split(r"[-@.]", token) if p]
        whole = len(parts) == 1 or any(is_acronym_like(p) for p in parts)
        for candidate in [token, *parts] if whole else parts:
            key = acronym_key(candidate) if is_acronym_like(candidate) else ""
            if len(key) >= 2 and not key.isdigit() and key not in GENERIC_ACRONYMS | STOP:
                out.add(key)
    return frozenset(out)


def is_true_acronym(raw: str) -> bool:
    letters = [c for c in strip_markers(raw) if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) * 2 >= len(letters)


@lru_cache(maxsize=50_000)
def readings(acronym: str) -> tuple[str, ...]:
    """The letters an acronym may stand for: "3C" as "ccc"; "DE4A" also as "dea" (a "4" or
    "2" before a letter may read "for" / "to")."""
    lower = acronym.lower()
    out = [
        re.sub(r"[^a-z]", "", re.sub(r"(\d)([a-z])", lambda m: m.group(2) * int(m.group(1)), lower))
    ]
    if re.search(r"[24][a-z]", lower):
        out.append(re.sub(r"[^a-z]", "", re.sub(r"[24](?=[a-z])", "", lower)))
    return tuple(dict.fromkeys(out))


@lru_cache(maxsize=20_000)
def abbreviates(acronym: str, words: tuple[str, ...]) -> bool:
    """True when `acronym` spells the start letters of `words` in order: each word gives one
    to three letters, stop words may be skipped and so may one other word ("PaCSON":
    PAcific Cyber Security Operational Network; "GLACY": GLobal ACtion on CYbercrime)."""
    return 2 <= len(words) <= 12 and any(
        len(acr) >= 2 and acr[0] == words[0][:1] and _spells(acr, words, 0, 0, 1)
        for acr in readings(acronym)
    )


def _spells(acr: str, words: tuple[str, ...], i: int, j: int, skips: int) -> bool:
    if i == len(acr):
        return all(w in STOP for w in words[j:])
    if j == len(words):
        return False
    word = words[j]
    if (word in STOP or skips) and _spells(acr, words, i, j + 1, skips - (word not in STOP)):
        return True
    k = 0
    while k < min(len(word), 3) and i + k < len(acr) and word[k] == acr[i + k]:
        k += 1
        if _spells(acr, words, i + k, j + 1, skips):
            return True
    return False


def name_language(raw: str) -> str:
    """The language of a name, from its script, or in Latin script from two or more words
    only one language's `function_*` list or glossary holds; "" when there is no such sign."""
    return _language(raw)


_SIGNS: dict[str, set[str]] = defaultdict(set)  # word -> the languages it is a sign of
for _lang, _vocab in _LANGUAGE_WORDS.items():
    for _w in {*_vocab, *GLOSSARY.get(_lang, ())}:
        _SIGNS[_w].add(_lang)


@lru_cache(maxsize=200_000)
def _language(raw: str) -> str:
    for language, pattern in _SCRIPTS:
        if pattern.search(raw):
            return language
    counts = Counter(lang for w in raw_words(raw) for lang in _SIGNS.get(w, ()))
    top = counts.most_common(2)
    if not top or top[0][1] < 2 or (len(top) > 1 and top[1][1] == top[0][1]):
        return ""
    return top[0][0]


@lru_cache(maxsize=8)
def _country_names(language: str) -> dict[str, str]:
    """Country names in `language` (pycountry's ISO 3166 translations) -> English."""
    try:
        tr = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language])
    except OSError:
        return {}
    out: dict[str, str] = {}
    for country in pycountry.countries:
        english = " ".join(raw_words(getattr(country, "common_name", None) or country.name))
        for attr in ("name", "common_name"):
            if value := getattr(country, attr, None):
                local = " ".join(raw_words(tr.gettext(value)))
                if local and local != english and len(local.split()) <= 5:
                    out.setdefault(local, english)
    return out


_ANY_LANGUAGE = {
    t: e
    for lang, terms in reversed(list(GLOSSARY.items()))
    if lang not in _UNSPACED
    for t, e in terms.items()
    if " " not in t and " " not in e
}


@lru_cache(maxsize=50_000)
def translate_name(raw: str) -> str:
    """`raw` read in English with the glossary (and pycountry's country names) when its
    language is known: phrases of up to five words first, then words; parts of coined words
    in any language ("CyberSud" -> "CyberSouth"); unknown words stay as they are."""
    language = name_language(raw)
    if not language and not _MIXED_CASE.search(raw):
        return raw  # nothing to read: no known language, no coined word
    vocabulary = dict(GLOSSARY.get(language, {}))
    if language in _UNSPACED:
        text = unicodedata.normalize("NFKC", raw)
        for term in sorted(vocabulary, key=len, reverse=True):
            text = text.replace(term, f" {vocabulary[term]} ")
        return " ".join(text.split())
    if language:
        vocabulary = {**_country_names(language), **vocabulary}
    words = list(_WORD.finditer(raw))
    flat = [plain(m.group()) for m in words]
    out: list[str] = []
    last = i = 0
    while i < len(words):
        n, english = 1, _coined_english(words[i].group())
        for size in range(min(5, len(words) - i), 0, -1):
            if " ".join(flat[i : i + size]) in vocabulary:
                n, english = size, vocabulary[" ".join(flat[i : i + size])]
                break
        out += [raw[last : words[i].start()], english]
        last, i = words[i + n - 1].end(), i + n
    return "".join(out) + raw[last:]


def _coined_english(token: str) -> str:
    parts = _COMPOUND_PART.findall(token)
    if len(parts) < 2 or "".join(parts) != token:
        return token
    return "".join(
        (e.capitalize() if p[0].isupper() else e)
        for p, e in ((p, _ANY_LANGUAGE.get(p.lower(), p)) for p in parts)
    )


@lru_cache(maxsize=200_000)
def coined_parts(token: str) -> tuple[str, ...]:
    """The parts of a coined word in mixed case or with digits ("certTonga" -> cert, tonga)."""
    found = _COMPOUND_PART.findall(token)
    return tuple(plain(p) for p in found) if len(found) >= 2 else ()


@lru_cache(maxsize=1)
def place_words() -> frozenset[str]:
    """Words of country names (pycountry) and of the `region` list."""
    words = set(W["region"])
    for country in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            if value := getattr(country, attr, None):
                words.update(normalise_title(value).split())
    return frozenset(words - set(W["not_place"]) - STOP)


PLACE_NAME_WORDS = place_words() | set(W["not_place"])
"""Words of place names, places or not ("island", "republic"): no word a project's name owns."""
_ORG_NAMES: dict[str, list[tuple[tuple[str, ...], str]]] = defaultdict(list)
for _name, _acronym in ORGANISATIONS.items():  # an organisation named in full, by first word
    if " " in _name and (_words := tuple(w for w in normalise_title(_name).split() if w not in STOP)):
        _ORG_NAMES[_words[0]].append((_words, _acronym))


@dataclass(frozen=True, eq=False, slots=True)
class Name:
    """One name of a record, as compared."""

    raw: str
    stem: str  # normalise_title of the name without its phase marks
    weights: Mapping[str, float]  # word -> weight: common words of the field 0.3, orgs 0.5
    marks: tuple[frozenset[str], frozenset[str]]  # (symbol, word) phase marks
    years: frozenset[str]  # years the name states: editions
    acronym: str  # the name is one acronym-like token
    declared: str  # its own acronym in parentheses: "... Centre (WB3C)" -> wb3c
    upper: frozenset[str]  # words written in capitals
    coined: Mapping[str, tuple[str, ...]]  # "cyber4peace" -> (cyber, peace)
    places: frozenset[str]
    language: str
    part: bool  # split off a longer name ("Head: subtitle")
    long: tuple[str, ...] = ()  # words of 5+ letters without digits (typos are looked for)


@dataclass(frozen=True, eq=False, slots=True)
class Record:
    """A row to compare: its names, portal codes and fields."""

    project_id: str
    names: tuple[Name, ...]
    codes: frozenset[str]
    funders: tuple[tuple[str, ...], ...]
    implementers: tuple[tuple[str, ...], ...]
    countries: frozenset[str]
    start: int | None
    end: int | None
    acronyms: frozenset[str]
    org_acronyms: frozenset[str]  # acronyms of its funders and implementers
    marked: bool = False  # a name has phase marks or years
    components: tuple[Mapping[str, frozenset[str]], frozenset[str]] = ({}, frozenset())


def split_list(value: Any) -> list[str]:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return []
    return [v.strip() for v in str(value).split(LIST_SEPARATOR) if v.strip()]


def year(value: Any) -> int | None:
    text = "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
    text = text.strip().removesuffix(".0")
    return int(text) if re.fullmatch(r"\d{4}", text) else None


def _make_name(
    raw: str,
    marks: tuple[frozenset[str], frozenset[str]],
    orgs_listed: frozenset[str],
    part: bool,
    language: str,
) -> Name | None:
    bare = strip_markers(raw)
    stem = normalise_title(bare)
    upper = frozenset(
        plain(w)
        for w in re.split(r"[^\w]+", bare)
        if 2 <= len(w) <= 8 and w.isalpha() and sum(map(str.isupper, w)) * 2 >= len(w)
    )
    # an organisation written in capitals is read by its English acronym ("OEA" -> oas)
    as_org = {t: ORGANISATIONS[t] for t in upper if t in ORGANISATIONS}
    tokens = [
        as_org.get(t, t)
        for t in stem.split()
        if (t not in STOP or t in as_org) and t != "@" and not _NAME_YEAR.fullmatch(t)
    ]
    out, named, i = [], set(), 0
    while i < len(tokens):  # an organisation named in full reads as its acronym
        hit = next(((ws, a) for ws, a in _ORG_NAMES.get(tokens[i], ()) if tuple(tokens[i : i + len(ws)]) == ws), None)
        out.append(hit[1] if hit else tokens[i])
        named |= {hit[1]} if hit else set()
        i += len(hit[0]) if hit else 1
    if not out:
        return None
    orgs = orgs_listed | set(as_org.values()) | named
    weights = {intern(t): 0.3 if t in GENERIC else 0.5 if t in orgs else 1.0 for t in out}
    words = [w for w in (w.strip(".+-'") for w in _RAW_TOKEN.findall(bare)) if w]
    acronym = acronym_key(words[0]) if len(words) == 1 and is_acronym_like(words[0]) else ""
    coined = {
        normalise_title(w): c
        for w in words
        if len(c := tuple(p for p in coined_parts(w) if not p.isdigit())) >= 2
        and all(len(p) >= 2 for p in c)
        and normalise_title(w) in weights
    }
    declared = next(
        (
            acronym_key(strip_markers(x).strip())
            for x in re.findall(r"\(([^()/]+)\)", raw)
            if is_single_acronym(x)
        ),
        "",
    )
    region = W["region_stem"]
    places = frozenset(
        region.get(w, w)
        for w in {*weights, *(p for c in coined.values() for p in c)}
        if w in place_words()
    )
    return Name(
        raw,
        stem,
        weights,
        marks,
        frozenset(_NAME_YEAR.findall(raw)),
        acronym,
        declared,
        upper | frozenset(as_org.values()),
        coined,
        places,
        language,
        part,
        tuple(t for t in weights if len(t) >= 5 and not any(map(str.isdigit, t))),
    )


def is_single_acronym(text: str) -> bool:
    words = [w.strip(".+-'") for w in strip_markers(text).split()]
    words = [w for w in words if w and w.lower() not in STOP | GENERIC_ACRONYMS]
    return len(words) == 1 and is_acronym_like(words[0])


_TRAILING = re.compile(r"^(?P<head>.+?)\s*\((?P<tail>[^()]+)\)\s*$")
_LEADING = re.compile(r"^(?P<head>[^:\u2013\u2014]+?)\s*(?::|\s[-\u2013\u2014])\s+(?P<tail>.+)$")


def name_variants(raw: str, orgs: frozenset[str] = frozenset()) -> list[Name]:
    """A raw name and the names it holds, each with the phase marks of the whole: "GLACY+
    (Global Action on Cybercrime Extended)" gives both halves, "Cyber Safety Pasifika (CSP)"
    also "CSP" and "Cyber Safety Pasifika"; a short head with an acronym before ":" or " - "
    gives the head and the subtitle as parts; a name in another language also gives its
    English reading."""
    raw = re.sub(r"(?<=\w)[–—](?=\w)", "-", _drop_boilerplate(raw))
    english, language = translate_name(raw), name_language(raw)
    marks = markers(raw)
    if english != raw:  # "élargie" is the word mark "extended"
        more = markers(english)
        marks = (marks[0] | more[0], marks[1] | more[1])
    texts: list[tuple[str, bool]] = [(raw, False)]
    if m := _TRAILING.match(raw):
        head, tail = m.group("head").strip(), m.group("tail").strip()
        if is_single_acronym(head) and len(tail.split()) >= 2:
            texts += [(head, False), (tail, False)]  # "GLACY+ (Global Action on ...)"
        elif is_single_acronym(tail):  # "Cyber Safety Pasifika (CSP)": CSP too if it spells it
            key = acronym_key(strip_markers(tail).strip().strip(".+-'"))
            spelt = abbreviates(key, raw_words(strip_markers(head))) and key not in ORGANISATIONS
            texts += [(head, False), *([(tail, False)] if spelt else [])]
    if (m := _LEADING.match(raw)) and len(m.group("head").split()) <= 3:
        texts += [(m.group("head").strip(), True)] if acronyms(m.group("head")) else []
        texts += [(m.group("tail").strip(), True)]
    if english != raw:
        texts.append((english, False))
    out: list[Name] = []
    seen: set[str] = set()
    for text, part in texts:
        name = _make_name(text, marks, orgs, part, language)
        if name and name.stem not in seen:
            seen.add(name.stem)
            out.append(name)
    return out


def org_keys(value: str) -> tuple[str, ...]:
    """An organisation as comparable keys: its name without parentheses and what they hold,
    with the `org_synonym` list applied ("EC" = "European Commission" = European Union)."""
    keys = []
    for part in [re.sub(r"\([^()]*\)", " ", value), *re.findall(r"\(([^()]*)\)", value)]:
        key = re.sub(r"^(the |governments? of (the )?)", "", normalise_title(part)).strip()
        if key := W["org_synonym"].get(key, key):
            keys.append(key)
    return tuple(dict.fromkeys(keys))


def make_record(row: Mapping[str, Any]) -> Record:
    """A record from a row with the projects.csv columns (title, aliases, funders, ...)."""
    funders, implementers = split_list(row.get("funders")), split_list(row.get("implementers"))
    orgs = frozenset().union(*(acronyms(o) for o in funders + implementers))
    names: list[Name] = []
    codes: set[str] = set()
    seen: set[str] = set()
    for raw in [str(row.get("title") or ""), *split_list(row.get("aliases"))]:
        raw = raw.strip()
        if not raw or raw in {"nan", "None"}:
            continue
        if code := portal_code(raw):
            codes.add(code)
            continue
        for name in name_variants(raw, orgs):
            if name.stem not in seen:
                seen.add(name.stem)
                names.append(name)
    return Record(
        project_id=str(row.get("project_id")),
        names=tuple(names),
        codes=frozenset(codes),
        funders=tuple(k for v in funders if (k := org_keys(v))),
        implementers=tuple(k for v in implementers if (k := org_keys(v))),
        countries=frozenset(c.upper() for c in split_list(row.get("beneficiary_countries"))),
        start=year(row.get("start_year")),
        end=year(row.get("end_year")),
        acronyms=frozenset().union(*(acronyms(n.raw) for n in names)) if names else frozenset(),
        org_acronyms=orgs,
        marked=any(n.marks[0] or n.marks[1] or n.years for n in names),
        components=_components_of(names),
    )


def _components_of(names: list[Name]) -> tuple[dict[str, frozenset[str]], frozenset[str]]:
    """(acronym -> its component letters, all-capital words) over a record's names."""
    marked: dict[str, set[str]] = defaultdict(set)
    bare: set[str] = set()
    for name in names:
        letters, capitals = components(name.raw)
        for acronym, letter in letters:
            marked[acronym].add(letter)
        bare |= capitals
    return {k: frozenset(v) for k, v in marked.items()}, frozenset(bare)


COMMON = 200
"""A word or acronym held by more records than this tells them apart no better than a
common word of the field (blocking skips such keys too)."""


def discount_common(records: list[Record], limit: int = COMMON) -> list[Record]:
    """`records` with words and acronyms held by more than `limit` of them weighed as common
    words of the field and no longer counted as acronyms."""
    counts: Counter[str] = Counter()
    for r in records:
        counts.update({t for n in r.names for t in n.weights} | r.acronyms)
    common = {t for t, k in counts.items() if k > limit}
    if not common:
        return records
    out = []
    for r in records:
        names = tuple(
            replace(n, weights={t: 0.3 if t in common else w for t, w in n.weights.items()})
            if common & n.weights.keys() else n
            for n in r.names
        )  # fmt: skip
        out.append(replace(r, names=names, acronyms=r.acronyms - common))
    return out
