"""Names and records in a comparable form: words in one spelling and read in English, with
their acronyms, phase marks, portal codes, places and language. The word lists are data
(data/dedupe_words.csv, data/dedupe_glossary.csv); country names come from pycountry."""

from __future__ import annotations

import gettext
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from sys import intern
from typing import Any

import pycountry

from cbdash.data.lists import split_list, word_lists, year

COMMON = 200
"""A word or acronym more records than this hold tells them apart no better than a common
word of the field (blocking skips such keys too)."""


W = word_lists("dedupe_words.csv", "list", "word", "value")
GLOSSARY = word_lists("dedupe_glossary.csv", "language", "term", "english")
ORGANISATIONS = GLOSSARY.pop("org", {})  # an organisation's name or acronym -> its acronym
STOP, GENERIC, KIND, DECORATION = (set(W[k]) for k in ("stop", "generic", "kind", "decoration"))
GENERIC_ACRONYMS, SCRIPT_LANGUAGES = set(W["generic_acronym"]), frozenset(W["script"])
_SIGNS: dict[str, set[str]] = defaultdict(set)  # word -> the languages it is a sign of
for _lang in (k[9:] for k in list(W) if k.startswith("function_")):
    for _w in {*W[f"function_{_lang}"], *GLOSSARY.get(_lang, ())}:
        _SIGNS[_w].add(_lang)
_SPELLING = {tuple(k.split()): v.split() for k, v in W["spelling"].items()}
_SCRIPTS = [(lang, re.compile(f"[{span}]")) for lang, span in W["script"].items()]
_UNSPACED = ("ja",)  # written without spaces: terms are read wherever they occur
_YEAR, _WORD = re.compile(r"\b(?:19|20)\d{2}\b"), re.compile(r"\w+")
_PARENS = re.compile(r"\(\s*\*?\s*([^()]*)\)|\*\s*([^()*]+)$")
_TOKEN = re.compile(r"[^\s()\[\]:;,/\u2013\u2014\"']+")
_PART = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")
_PHASES = [  # phase marks in a raw name (case matters for Roman numerals); "n" gives a number
    (re.compile(p, re.I if ignore else 0), kind)
    for p, kind, ignore in (
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
]
_PHASE_WORD = re.compile(r"\b(" + "|".join(W["phase_word"] or ["extended"]) + r")\b", re.I)
_CODE = re.compile(
    r"^\s*(?P<portal>[A-Za-z][\w .&-]*?)\s+(?P<kind>code|project\s+no\.?|no\.?|project|ta)\s*:?\s*"
    r"(?P<code>[A-Za-z0-9][A-Za-z0-9 ./-]*\d[A-Za-z0-9 ./-]*)\s*$",
    re.I,
)
_COMPONENT = re.compile(r"\b([A-Z][A-Z0-9]+)-([A-Z])\b(?!-)")


@lru_cache(maxsize=100_000)
def plain(s: str) -> str:
    """Lower case without accents, in a stable Unicode form."""
    s = unicodedata.normalize("NFKD", s)
    return "".join(c for c in s if not unicodedata.combining(c)).casefold()


def raw_words(s: str) -> tuple[str, ...]:
    """The plain words of a name as written, compounds of the `split` list split."""
    words = re.sub(r"[^\w]+", " ", plain(s)).split()
    return tuple(p for w in words for p in W["split"].get(w, w).split())


def _unboilerplate(s: str) -> str:
    """Without a portal's suffix in the `boilerplate` list ("(*GFCE Initiative)")."""

    def drop(m: re.Match[str]) -> str:
        inside = m[1] if m[1] is not None else m[2]
        return " " if " ".join(raw_words(inside)) in W["boilerplate"] else m[0]

    return _PARENS.sub(drop, s).strip()


@lru_cache(maxsize=200_000)
def normalise_title(s: str) -> str:
    """A name as lower-case words in one spelling (the `spelling` list: "programme", "cyber
    security"), without accents, punctuation, a possessive or a portal's suffix; "&" read as
    "and", "@" and "+" kept as words."""
    s = re.sub(r"(?<=\w)['’]s\b|(?<=s)['’](?!\w)", "", _unboilerplate(s))
    words, out, i = (
        raw_words(s.replace("&", " and ").replace("@", " @ ").replace("+", " plus ")),
        [],
        0,
    )
    while i < len(words):
        n = 2 if tuple(words[i : i + 2]) in _SPELLING and i + 1 < len(words) else 1
        out += _SPELLING.get(tuple(words[i : i + n]), [words[i]])
        i += n
    return " ".join(out)


def markers(raw: str) -> tuple[frozenset[str], frozenset[str]]:
    """(symbol marks, word marks) of a raw name: "+", "e", "2" ...; "extended", "enhanced"."""
    symbols: set[str] = set()
    for pattern, kind in _PHASES:
        for m in pattern.finditer(raw):
            symbols.add(kind if kind != "n" else str(W["number"].get(m[1].lower()) or int(m[1])))
        raw = pattern.sub(" ", raw)
    return frozenset(symbols), frozenset(w.lower() for w in _PHASE_WORD.findall(raw))


@lru_cache(maxsize=200_000)
def strip_markers(s: str) -> str:
    for pattern, _ in _PHASES:
        s = pattern.sub(" ", s)
    return _PHASE_WORD.sub(" ", s)


def portal_code(s: str) -> str | None:
    """A portal code as "portal kind:CODE" ("ADB TA 0024-REG" -> "adb ta:0024-REG"), else
    None; GFCE and Cybil codes are one family (`portal_family`), "cybil:"."""
    if not (m := _CODE.match(s)):
        return None
    portal, code = normalise_title(m["portal"]).split(), re.sub(r"\s+", "", m["code"]).upper()
    family = W["portal_family"].get(portal[-1] if portal else "", " ".join(portal))
    return f"cybil:{code}" if family == "cybil" else f"{family} {normalise_title(m['kind'])}:{code}"


def is_acronym_like(token: str) -> bool:
    """Two capitals or more ("GLACY", "PaCSON"), letters with digits ("WB3C"), or a lower
    letter before a capital ("iPROCEEDS")."""
    if token.islower() and token.isalpha() or len(token) < 2:
        return False
    digits = any(map(str.isdigit, token)) and any(map(str.isalpha, token))
    return sum(map(str.isupper, token)) >= 2 or digits or token[0].islower() and token[1].isupper()


def acronym_key(token: str) -> str:
    key = plain(re.sub(r"[^\w]", "", token))
    return key[:-1] if len(key) > 2 and token.endswith("s") and token[:-1].isupper() else key


@lru_cache(maxsize=200_000)
def acronyms(s: str) -> frozenset[str]:
    """Acronym-like tokens of a name, lower case, and the parts of "OCWAR-C" or
    "Cybercrime@EAP"; Roman numerals and the `generic_acronym` list left out."""
    out: set[str] = set()
    tokens = (t.strip(".+-'") for t in _TOKEN.findall(strip_markers(_unboilerplate(s))))
    for token in (t for t in tokens if t and t.upper() not in {"II", "III", "IV", "VI"}):
        parts = [p for p in re.split(r"[-@.]", token) if p]
        for part in (
            [token, *parts] if len(parts) == 1 or any(map(is_acronym_like, parts)) else parts
        ):
            key = acronym_key(part) if is_acronym_like(part) else ""
            if len(key) >= 2 and not key.isdigit() and key not in GENERIC_ACRONYMS | STOP:
                out.add(key)
    return frozenset(out)


@lru_cache(maxsize=50_000)
def readings(acronym: str) -> tuple[str, ...]:
    """The letters an acronym may stand for: "3C" as "ccc"; "DE4A" also as "dea" (a "4" or
    "2" before a letter may read "for" / "to")."""
    lower = acronym.lower()
    repeated = re.sub(r"(\d)([a-z])", lambda m: m[2] * int(m[1]), lower)
    skipped = re.sub(r"[24](?=[a-z])", "", lower) if re.search(r"[24][a-z]", lower) else repeated
    return tuple(dict.fromkeys(re.sub(r"[^a-z]", "", r) for r in (repeated, skipped)))


@lru_cache(maxsize=20_000)
def abbreviates(acronym: str, words: tuple[str, ...]) -> bool:
    """True when `acronym` spells the start letters of `words` in order: each word gives one
    to three letters, stop words may be skipped and so may one other word ("PaCSON":
    PAcific Cyber Security Operational Network; "GLACY": GLobal ACtion on CYbercrime)."""
    fits = (a for a in readings(acronym) if len(a) >= 2 and a[0] == words[0][:1])
    return 2 <= len(words) <= 12 and any(_spells(a, words, 0, 0, 1) for a in fits)


def _spells(acr: str, words: tuple[str, ...], i: int, j: int, skips: int) -> bool:
    if i == len(acr) or j == len(words):
        return i == len(acr) and all(w in STOP for w in words[j:])
    word = words[j]
    if (word in STOP or skips) and _spells(acr, words, i, j + 1, skips - (word not in STOP)):
        return True
    k = 0
    while k < min(len(word), 3) and i + k < len(acr) and word[k] == acr[i + k]:
        k += 1
        if _spells(acr, words, i + k, j + 1, skips):
            return True
    return False


@lru_cache(maxsize=200_000)
def name_language(raw: str) -> str:
    """A name's language: its script, or two or more words only one language's `function_*`
    list or glossary holds ("" when none)."""
    for language, pattern in _SCRIPTS:
        if pattern.search(raw):
            return language
    top = Counter(lang for w in raw_words(raw) for lang in _SIGNS.get(w, ())).most_common(2)
    clear = top and top[0][1] >= 2 and (len(top) == 1 or top[1][1] < top[0][1])
    return top[0][0] if clear else ""


@lru_cache(maxsize=8)
def _country_names(language: str) -> dict[str, str]:
    """Country names in `language` (pycountry's ISO 3166 translations) -> English."""
    try:
        tr = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language])
    except OSError:
        return {}
    out: dict[str, str] = {}
    for c in pycountry.countries:
        english = " ".join(raw_words(getattr(c, "common_name", None) or c.name))
        for value in filter(None, (c.name, getattr(c, "common_name", None))):
            local = " ".join(raw_words(tr.gettext(value)))
            if local and local != english and len(local.split()) <= 5:
                out.setdefault(local, english)
    return out


@lru_cache(maxsize=50_000)
def translate_name(raw: str) -> str:
    """`raw` read in English with the glossary and country names when its language is known,
    phrases of up to five words first; unknown words stay as they are."""
    if not (language := name_language(raw)):
        return raw
    vocabulary = GLOSSARY.get(language, {})
    if language in _UNSPACED:
        raw = unicodedata.normalize("NFKC", raw)
        for term in sorted(vocabulary, key=len, reverse=True):
            raw = raw.replace(term, f" {vocabulary[term]} ")
        return " ".join(raw.split())
    vocabulary = {**_country_names(language), **vocabulary}
    words = list(_WORD.finditer(raw))
    flat, out, last, i = [plain(m[0]) for m in words], [], 0, 0
    while i < len(words):
        n, english = 1, words[i][0]
        for size in range(min(5, len(words) - i), 0, -1):
            if (phrase := " ".join(flat[i : i + size])) in vocabulary:
                n, english = size, vocabulary[phrase]
                break
        out += [raw[last : words[i].start()], english]
        last, i = words[i + n - 1].end(), i + n
    return "".join(out) + raw[last:]


@lru_cache(maxsize=200_000)
def coined_parts(token: str) -> tuple[str, ...]:
    """The parts of a coined word in mixed case or with digits ("certTonga" -> cert, tonga)."""
    found = _PART.findall(token)
    return tuple(plain(p) for p in found) if len(found) >= 2 else ()


@lru_cache(maxsize=1)
def place_words() -> frozenset[str]:
    """Words of country names (pycountry) and of the `region` list, `not_place` left out."""
    names = (
        getattr(c, a, None)
        for c in pycountry.countries
        for a in ("name", "common_name", "official_name")
    )
    words = set(W["region"]).union(*(normalise_title(n).split() for n in names if n))
    return frozenset(words - set(W["not_place"]) - STOP)


PLACE_NAME_WORDS = place_words() | set(W["not_place"])
"""Words of place names ("island", "republic"): no word a project's name owns."""


@dataclass(frozen=True, eq=False, slots=True)
class Name:
    """One name of a record, as compared."""

    raw: str
    stem: str  # normalise_title of the name without its phase marks
    weights: Mapping[str, float]  # word -> weight: 0.3 a common word of the field, 0.5 an org's
    marks: tuple[frozenset[str], frozenset[str]]  # (symbol, word) phase marks
    years: frozenset[str]  # years the name states: editions
    acronym: str  # the name is one acronym-like token
    declared: str  # its own acronym in parentheses: "... Centre (WB3C)" -> wb3c
    coined: Mapping[str, tuple[str, ...]]  # "cyber4peace" -> (cyber, peace)
    places: frozenset[str]
    language: str
    part: bool  # split off a longer name ("Head: subtitle")
    long: tuple[str, ...]  # words of five letters or more without digits (typos are looked for)


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
    marked: bool  # a name has phase marks or years
    components: tuple[Mapping[str, frozenset[str]], frozenset[str]]  # acronym -> letters; capitals


def _name(raw: str, marks: tuple, listed: frozenset[str], part: bool, language: str) -> Name | None:
    """A Name, organisations in capitals read by their English acronym ("OEA" -> oas); years
    are left to the marks."""
    bare = strip_markers(raw)
    stem = normalise_title(bare)
    capitals = (w for w in re.split(r"[^\w]+", bare) if 2 <= len(w) <= 8 and w.isalpha())
    upper = frozenset(plain(w) for w in capitals if sum(map(str.isupper, w)) * 2 >= len(w))
    as_org = {t: ORGANISATIONS[t] for t in upper if t in ORGANISATIONS}
    tokens = [as_org.get(t, t) for t in stem.split() if (t not in STOP or t in as_org) and t != "@"]
    tokens = [t for t in tokens if not _YEAR.fullmatch(t)]
    if not tokens:
        return None
    orgs = listed | set(as_org.values())
    weights = {intern(t): 0.3 if t in GENERIC else 0.5 if t in orgs else 1.0 for t in tokens}
    words = [w for w in (w.strip(".+-'") for w in _TOKEN.findall(bare)) if w]
    coined = {
        normalise_title(w): c
        for w in words
        if normalise_title(w) in weights
        and len(c := tuple(p for p in coined_parts(w) if not p.isdigit())) >= 2
        and min(map(len, c)) >= 2
    }
    inside = (x for x in re.findall(r"\(([^()/]+)\)", raw) if is_single_acronym(x))
    declared = (acronym_key(strip_markers(x).strip()) for x in inside)
    words_and_parts = {*weights, *(p for c in coined.values() for p in c)}
    places = {W["region_stem"].get(w, w) for w in words_and_parts & place_words()}
    acronym = acronym_key(words[0]) if len(words) == 1 and is_acronym_like(words[0]) else ""
    long = tuple(t for t in weights if len(t) >= 5 and not any(map(str.isdigit, t)))
    first = (raw, stem, weights, marks, frozenset(_YEAR.findall(raw)), acronym, next(declared, ""))
    return Name(*first, coined, frozenset(places), language, part, long)


def is_single_acronym(text: str) -> bool:
    words = [w.strip(".+-'") for w in strip_markers(text).split()]
    words = [w for w in words if w and w.lower() not in STOP | GENERIC_ACRONYMS]
    return len(words) == 1 and is_acronym_like(words[0])


_TRAILING = re.compile(r"^(?P<head>.+?)\s*\((?P<tail>[^()]+)\)\s*$")
_LEADING = re.compile(r"^(?P<head>[^:\u2013\u2014]+?)\s*(?::|\s[-\u2013\u2014])\s+(?P<tail>.+)$")


def name_variants(raw: str, orgs: frozenset[str] = frozenset()) -> list[Name]:
    """A raw name and the names it holds, each with the phase marks of the whole: "GLACY+
    (Global Action on Cybercrime Extended)" gives both halves, "Cyber Safety Pasifika (CSP)"
    also "CSP" (which spells it) and "Cyber Safety Pasifika"; a short head with an acronym
    before ":" or " - " gives the head and the subtitle as parts; a name in another language
    also its English reading."""
    raw = re.sub(r"(?<=\w)[–—](?=\w)", "-", _unboilerplate(raw))
    english, language, marks = translate_name(raw), name_language(raw), markers(raw)
    if english != raw:  # "élargie" is the word mark "extended"
        marks = (marks[0] | markers(english)[0], marks[1] | markers(english)[1])
    texts = [(raw, False)]
    if m := _TRAILING.match(raw):
        head, tail = m["head"].strip(), m["tail"].strip()
        key = acronym_key(strip_markers(tail).strip().strip(".+-'"))
        spelt = abbreviates(key, raw_words(strip_markers(head))) and key not in ORGANISATIONS
        if is_single_acronym(head) and len(tail.split()) >= 2:
            texts += [(head, False), (tail, False)]
        elif is_single_acronym(tail):
            texts += [(head, False), *([(tail, False)] if spelt else [])]
    if (m := _LEADING.match(raw)) and len(m["head"].split()) <= 3:
        texts += [
            *([(m["head"].strip(), True)] if acronyms(m["head"]) else []),
            (m["tail"].strip(), True),
        ]
    out: dict[str, Name] = {}
    for text, part in [*texts, *([(english, False)] if english != raw else [])]:
        if (name := _name(text, marks, orgs, part, language)) and name.stem not in out:
            out[name.stem] = name
    return list(out.values())


def org_keys(value: str) -> tuple[str, ...]:
    """An organisation as comparable keys: its name without parentheses and what they hold,
    with the `org_synonym` list ("EC" = "European Commission" = European Union)."""
    parts = [re.sub(r"\([^()]*\)", " ", value), *re.findall(r"\(([^()]*)\)", value)]
    keys = (
        re.sub(r"^(the |governments? of (the )?)", "", normalise_title(p)).strip() for p in parts
    )
    return tuple(dict.fromkeys(k for key in keys if (k := W["org_synonym"].get(key, key))))


def make_record(row: Mapping[str, Any]) -> Record:
    """A record from a row with the projects.csv columns (title, aliases, funders, ...)."""
    funders, implementers = split_list(row.get("funders")), split_list(row.get("implementers"))
    orgs = frozenset().union(*(acronyms(o) for o in funders + implementers))
    names: dict[str, Name] = {}
    raws = [r.strip() for r in [str(row.get("title") or ""), *split_list(row.get("aliases"))]]
    raws = [r for r in raws if r and r not in {"nan", "None"}]
    for raw in (r for r in raws if not portal_code(r)):
        names.update((n.stem, n) for n in name_variants(raw, orgs) if n.stem not in names)
    letters: dict[str, set[str]] = defaultdict(set)
    capitals: set[str] = set()
    for raw in (n.raw for n in names.values()):  # component letters ("OCWAR-C"); capitals
        for acronym, letter in _COMPONENT.findall(raw):
            letters[acronym].add(letter)
        capitals.update(re.findall(r"\b[A-Z][A-Z0-9]+\b(?!-)", _COMPONENT.sub(" ", raw)))
    kept = tuple(names.values())
    keys = [tuple(k for v in orgs_of if (k := org_keys(v))) for orgs_of in (funders, implementers)]
    countries = frozenset(c.upper() for c in split_list(row.get("beneficiary_countries")))
    years = (year(row.get("start_year")), year(row.get("end_year")))
    found = frozenset().union(*(acronyms(n.raw) for n in kept))
    marked = any(n.marks[0] or n.marks[1] or n.years for n in kept)
    parts = ({k: frozenset(v) for k, v in letters.items()}, frozenset(capitals))
    codes = frozenset(filter(None, map(portal_code, raws)))
    return Record(
        str(row.get("project_id")),
        kept,
        codes,
        *keys,
        countries,
        *years,
        found,
        orgs,
        marked,
        parts,
    )


def discount_common(records: list[Record], limit: int = COMMON) -> list[Record]:
    """`records` with the words and acronyms more than `limit` of them hold weighed as common
    words of the field and no longer counted as acronyms."""
    counts = Counter(
        t for r in records for t in {w for n in r.names for w in n.weights} | r.acronyms
    )
    if not (common := {t for t, k in counts.items() if k > limit}):
        return records

    def light(n: Name) -> Name:
        return replace(n, weights={t: 0.3 if t in common else w for t, w in n.weights.items()})

    rs = records
    return [replace(r, names=tuple(map(light, r.names)), acronyms=r.acronyms - common) for r in rs]
