"""Country names as publishers write them -> ISO 3166-1 alpha-3, never guessed.

`to_iso3` returns a code only when the name is certain: an ISO alpha-3/alpha-2 code, a
pycountry name (short, official or common), or a row of the reviewed alias table
`data/country_aliases.csv`, compared after normalisation (accents, case, quotes, "&",
"St."/"Rep."/"Dem." abbreviations, punctuation, "the"/"of"/"and", and "X, Y" / "X (Y)"
inversions); "Territory (State)" counts only for a state that administers the territory.
A name that matches nothing, matches two countries, or is listed in the alias table without
a code (deliberately ambiguous, e.g. "Korea", "Congo") gives None. There is no fuzzy
matching here; `suggest` offers fuzzy candidates for error messages only.
Kosovo is `XKX` (World Bank / EU convention; not in ISO 3166-1).
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import pandas as pd
import pycountry

from cbdash.data.files import default_data_dir

ALIASES_FILE = "country_aliases.csv"  # in the data folder (cbdash.data.files.default_data_dir)
KOSOVO = "XKX"

# Abbreviations and variants publishers use inside country names, mapped to one spelling
# (World Bank "Korea, Dem. People's Rep.", "Micronesia, Fed. Sts.", "Lao PDR", "Hong Kong SAR,
# China", "St. Lucia"; "Falkland Is."; "Russian Fed."). No two countries differ only by these.
_CANONICAL = {
    "st": ("saint",),
    "rep": ("republic",),
    "dem": ("democratic",),
    "fed": ("federal",),
    "federated": ("federal",),
    "federation": ("federal",),
    "sts": ("states",),
    "is": ("islands",),
    "isl": ("islands",),
    "island": ("islands",),
    "dr": ("democratic", "republic"),
    "pdr": ("peoples", "democratic", "republic"),
    "sar": ("special", "administrative", "region"),
}
_STOPWORDS = frozenset({"the", "of", "and"})
_QUOTES = str.maketrans(
    {"\u2018": "'", "\u2019": "'", "\u02bc": "'", "\u00b4": "'", "`": "'", "\u201c": '"',
     "\u201d": '"'}
)  # fmt: skip
# Everyday words that are also ISO codes count as codes only when written in capitals
# ("no" is not Norway, "per" is not Peru); "NA" is never Namibia (it usually means missing).
_WORD_CODES = frozenset(
    {
        *("ad", "ai", "am", "as", "at", "be", "by", "do", "id", "in", "is", "it"),
        *("la", "me", "my", "na", "no", "pm", "ps", "so", "to", "tv", "us"),
        *("and", "are", "arm", "bra", "can", "cod", "col", "cub", "fin", "gab", "gin"),
        *("gum", "hun", "jam", "lie", "lux", "nor", "pan", "per", "pry", "ton", "vat"),
    }
)
_MISSING_CODES = frozenset({"NA"})
_BLOCKED = ""  # lookup value of a name reviewed as ambiguous
# ISO 3166-1 territories -> the state that administers them, for the "Territory (State)" form
# used by ReliefWeb and OCHA ("Aruba (The Netherlands)"). Only these pairs are accepted, so
# "Georgia (USA)" or "Macedonia (Greece)" stay unresolved.
_ADMINISTERED_BY = {
    **dict.fromkeys(("CCK", "CXR", "HMD", "NFK"), "AUS"),
    **dict.fromkeys(("FRO", "GRL"), "DNK"),
    "ALA": "FIN",
    **dict.fromkeys(
        ("ATF", "BLM", "GLP", "GUF", "MAF", "MTQ", "MYT", "NCL", "PYF", "REU", "SPM", "WLF"), "FRA"
    ),
    **dict.fromkeys(("AIA", "BMU", "CYM", "FLK", "GGY", "GIB", "IMN", "IOT"), "GBR"),
    **dict.fromkeys(("JEY", "MSR", "PCN", "SGS", "SHN", "TCA", "VGB"), "GBR"),
    **dict.fromkeys(("ABW", "BES", "CUW", "SXM"), "NLD"),
    **dict.fromkeys(("COK", "NIU", "TKL"), "NZL"),
    **dict.fromkeys(("BVT", "SJM"), "NOR"),
    **dict.fromkeys(("ASM", "GUM", "MNP", "PRI", "UMI", "VIR"), "USA"),
    **dict.fromkeys(("HKG", "MAC"), "CHN"),
}


def _fold(text: str) -> str:
    """Strip accents (NFKD), straighten quotes, casefold, spell out "&", drop apostrophes."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.translate(_QUOTES).casefold().replace("&", " and ")
    return text.replace("'", "")


def _key(folded: str) -> str:
    """Collapse punctuation and whitespace, expand abbreviations, drop the/of/and."""
    words: list[str] = []
    for token in re.findall(r"[a-z0-9]+", folded):
        words.extend(_CANONICAL.get(token, (token,)))
    return " ".join(w for w in words if w not in _STOPWORDS)


def name_keys(name: str) -> tuple[str, ...]:
    """Normalised lookup keys of a name: as written, and with "X, Y" / "X (Y)" inverted."""
    folded = _fold(name).strip()
    forms = [folded]
    paren = re.fullmatch(r"(.+?)\s*\(([^()]+)\)", folded)
    if paren:
        forms.append(f"{paren.group(2)} {paren.group(1)}")
    elif folded.count(",") == 1:
        head, tail = folded.split(",")
        forms.append(f"{tail} {head}")
    return tuple(dict.fromkeys(k for k in map(_key, forms) if k))


def _read_aliases(path: Path | None = None) -> list[tuple[str, str]]:
    """Rows (name, iso3) of the reviewed alias table; iso3 "" marks an ambiguous name.
    Without the table (no data folder here), names resolve through pycountry alone."""
    path = path if path is not None else default_data_dir() / ALIASES_FILE
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return [(row["name"], (row["iso3"] or "").strip()) for row in csv.DictReader(handle)]


@lru_cache(maxsize=1)
def _alpha3() -> frozenset[str]:
    return frozenset(c.alpha_3 for c in pycountry.countries) | {KOSOVO}


@lru_cache(maxsize=1)
def _alpha2() -> dict[str, str]:
    return {c.alpha_2: c.alpha_3 for c in pycountry.countries}


@lru_cache(maxsize=1)
def lookup_table() -> tuple[dict[str, str], dict[str, frozenset[str]]]:
    """(key -> iso3 or "" for blocked, key -> codes for keys that collide) — built once."""
    found: dict[str, set[str]] = {}
    for country in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            name = getattr(country, attr, None)
            for k in name_keys(name) if name else ():
                found.setdefault(k, set()).add(country.alpha_3)
    blocked: set[str] = set()
    for name, iso3 in _read_aliases():
        for k in name_keys(name):
            if not iso3:
                blocked.add(k)
            elif iso3 in _alpha3():  # a mistyped code is never returned (the tests flag it)
                found.setdefault(k, set()).add(iso3)
    table = {k: next(iter(v)) for k, v in found.items() if len(v) == 1}
    table.update(dict.fromkeys(blocked, _BLOCKED))
    collisions = {k: frozenset(v) for k, v in found.items() if len(v) > 1 and k not in blocked}
    return table, collisions


def _code(text: str) -> str | None:
    """The alpha-3 for a whole input that is an ISO alpha-3 / alpha-2 code (or XKX)."""
    if not re.fullmatch(r"[A-Za-z]{2,3}", text):
        return None
    code = text.upper()
    if code in _MISSING_CODES or (text.lower() in _WORD_CODES and not text.isupper()):
        return None
    if code in _alpha3():
        return code
    return _alpha2().get(code)


@lru_cache(maxsize=65536)
def to_iso3(name: str) -> str | None:
    """ISO alpha-3 (or XKX) for a country name or code; None unless certain."""
    if not isinstance(name, str):
        return None
    text = name.strip()
    code = _code(text)
    if code:
        return code
    table, _ = lookup_table()
    hits = {table[k] for k in name_keys(text) if k in table}
    if not hits:
        return _territory_of_state(text)
    if len(hits) != 1 or _BLOCKED in hits:
        return None
    return hits.pop()


def _territory_of_state(text: str) -> str | None:
    """ "Territory (State)" or "Name (other name)": the code when both parts agree, else None."""
    match = re.fullmatch(r"(.+?)\s*\(([^()]+)\)", text)
    if not match:
        return None
    territory, state = to_iso3(match.group(1)), to_iso3(match.group(2))
    if territory and (state == territory or _ADMINISTERED_BY.get(territory) == state):
        return territory
    return None


def resolve_countries(names: Iterable[str]) -> tuple[list[str], list[str]]:
    """(unique codes in first-seen order, unique unresolved names); blank names are skipped."""
    codes: dict[str, None] = {}
    unresolved: dict[str, None] = {}
    for name in names:
        if not isinstance(name, str) or not name.strip():
            continue
        code = to_iso3(name)
        if code:
            codes[code] = None
        else:
            unresolved[name.strip()] = None
    return list(codes), list(unresolved)


def to_iso3_series(s: pd.Series) -> pd.Series:
    """`to_iso3` over a Series, each distinct value resolved once (object dtype, None if unsure)."""
    mapping = {value: to_iso3(value) for value in pd.unique(s.dropna())}
    codes = s.map(mapping).astype(object)
    return codes.where(codes.notna(), None)


# Display names where pycountry's name reads poorly on a chart; each resolves back to its code.
_DISPLAY = {
    KOSOVO: "Kosovo",
    "COD": "DR Congo",
    "COG": "Republic of the Congo",
    "FSM": "Micronesia (Federated States of)",
    "VGB": "British Virgin Islands",
    "VIR": "U.S. Virgin Islands",
    "PSE": "Palestine",
    "VAT": "Holy See",
    "FLK": "Falkland Islands",
    "GBR": "United Kingdom",
    "USA": "United States",
    "RUS": "Russia",
    "BRN": "Brunei",
    "CIV": "Côte d'Ivoire",
}


def country_name(iso3: str) -> str:
    """Display name of a code (pycountry's common name where it has one); the code if unknown."""
    code = str(iso3).strip().upper()
    if code in _DISPLAY:
        return _DISPLAY[code]
    country = pycountry.countries.get(alpha_3=code) if len(code) == 3 else None
    if country is None:
        return str(iso3)
    return getattr(country, "common_name", None) or country.name


def is_valid_iso3(code: str) -> bool:
    """True for an upper-case pycountry alpha-3 code or XKX."""
    return isinstance(code, str) and code in _alpha3()


def suggest(name: str, limit: int = 3) -> list[tuple[str, float]]:
    """Fuzzy candidates (iso3, score 0-100) for an error message; never used to resolve."""
    from rapidfuzz import fuzz, process

    table, _ = lookup_table()
    query = " ".join(name_keys(name)[:1])
    if not query:
        return []
    choices = [k for k, v in table.items() if v]
    best: dict[str, float] = {}
    for key, score, _ in process.extract(query, choices, scorer=fuzz.WRatio, limit=limit * 5):
        code = table[key]
        best[code] = max(best.get(code, 0.0), float(score))
    return sorted(best.items(), key=lambda kv: -kv[1])[:limit]
