"""Import an external table (CSV or XLSX, e.g. a survey form's export) into the data format.

Headers are matched to fields by keywords ("Which countries does it cover?" -> countries);
multi-select answers may be joined by ";" or ", "; countries, topics, target users and
kinds written in the respondent's words are mapped through `to_iso3` and the taxonomy
synonyms. Nothing is guessed: a value that cannot be mapped is left out of the row and
listed in the report with its row and field, and the rest of the row is kept. A text value a
spreadsheet would run as a formula (`=HYPERLINK(...)`, `@SUM(...)`) is left out the same
way. A file its reader reports an error for (over the limits, a column named twice, control
characters, not a table) is not imported at all.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from cbdash.data.countries import to_iso3
from cbdash.data.files import FILE_LIMITS, Limits, read_table, usable
from cbdash.data.schema import split_list
from cbdash.data.taxonomy import match_term, normalise_term
from cbdash.data.validation import Report
from cbdash.text import formula_start

# field -> header keywords (normalised words); the first field whose keyword appears wins.
HEADER_KEYWORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "mappings": {
        "id": ("id",),
        "url": ("url", "website", "web address", "link"),
        "owners": ("owner", "organisation", "organization", "run by", "maintained by"),
        "kind": ("kind", "type of mapping", "type"),
        "scope_countries": ("countries", "country"),
        "scope": ("scope", "geographic", "region"),
        "topics": ("topic", "theme", "focus"),
        "target_users": ("target", "user", "audience"),
        "content_types": ("content",),
        "launched": ("launched", "since", "start"),
        "last_update": ("last update", "updated"),
        "languages": ("language",),
        "access": ("access",),
        "data_export": ("export", "download"),
        "licence": ("licence", "license"),
        "sources": ("source",),
        "note": ("note", "comment", "description"),
        "name": ("name", "title", "mapping"),
    },
    "projects": {
        "project_id": ("project id", "id"),
        "aliases": ("alias", "other name", "acronym"),
        "funders": ("funder", "donor", "funded by"),
        "implementers": ("implement", "partner"),
        "beneficiary_countries": ("countries", "country", "beneficiar"),
        "beneficiary_regions": ("region",),
        "topics": ("topic", "theme", "focus"),
        "target_users": ("target", "user", "audience"),
        "start_year": ("start",),
        "end_year": ("end",),
        "budget": ("budget", "amount"),
        "sources": ("source", "url", "link", "website"),
        "title": ("title", "name", "project"),
    },
}
LIST_FIELDS = {
    "owners",
    "scope_countries",
    "topics",
    "target_users",
    "content_types",
    "languages",
    "sources",
    "aliases",
    "funders",
    "implementers",
    "beneficiary_countries",
    "beneficiary_regions",
}
VOCAB_FIELDS = {
    "topics": "topics",
    "target_users": "target_users",
    "content_types": "content_types",
    "kind": "mapping_kinds",
}


def match_headers(headers: list[str], kind: str) -> tuple[dict[str, str], list[str]]:
    """Header -> field for the headers that match a field keyword; and the unmatched ones."""
    keywords = HEADER_KEYWORDS[kind]
    matched: dict[str, str] = {}
    unmatched = []
    for header in headers:
        norm = normalise_term(header)
        field = next((f for f, kws in keywords.items() if norm == f.replace("_", " ")), None)
        if field is None:
            field = next(
                (
                    f
                    for f, kws in keywords.items()
                    if any(re.search(rf"\b{re.escape(k)}", norm) for k in kws)
                    and f not in matched.values()
                ),
                None,
            )
        if field and field not in matched.values():
            matched[header] = field
        else:
            unmatched.append(header)
    return matched, unmatched


def split_answers(text: str) -> list[str]:
    """A multi-select answer as a list: split on ';' if present, else on ', ' or newlines."""
    text = str(text or "").strip()
    if not text:
        return []
    parts = re.split(r";|\n", text) if (";" in text or "\n" in text) else text.split(",")
    return [p.strip() for p in parts if p.strip()]


def resolve_country_answer(text: str) -> tuple[list[str], list[str]]:
    """ISO3 codes in a free-text country answer, and the parts that could not be resolved.

    Names with an inner comma ("Korea, Rep.") survive a comma split: adjacent parts that
    do not resolve alone are tried joined.
    """
    whole = to_iso3(text) if text and text.strip() else None
    if whole:
        return [whole], []
    parts = split_answers(text)
    codes: list[str] = []
    bad: list[str] = []
    i = 0
    while i < len(parts):
        code = to_iso3(parts[i])
        if code is None and i + 1 < len(parts):
            joined = to_iso3(f"{parts[i]}, {parts[i + 1]}")
            if joined:
                codes.append(joined)
                i += 2
                continue
        if code:
            codes.append(code)
        else:
            bad.append(parts[i])
        i += 1
    return list(dict.fromkeys(codes)), bad


def slug(text: str) -> str:
    """An id made from a name: lower-case words joined by '_'."""
    return "_".join(normalise_term(text).split())[:60] or "unnamed"


def normalise_table(
    raw: pd.DataFrame,
    kind: str,
    indexes: Mapping[str, Mapping[str, str]],
    name: str,
    report: Report,
    first_row: int = 2,
) -> pd.DataFrame:
    """Map an external table to the data format of `kind` (mappings or projects)."""
    headers, unmatched = match_headers(list(raw.columns), kind)
    for h in unmatched:
        report.add(name, first_row - 1, h, "column not recognised; ignored", "warning")
    id_field = "id" if kind == "mappings" else "project_id"
    title_field = "name" if kind == "mappings" else "title"
    if title_field not in headers.values():
        report.add(name, first_row - 1, title_field, "no column holds the name/title")
        return pd.DataFrame()
    rows = []
    seen: set[str] = set()
    for i, record in enumerate(raw.rename(columns=headers).to_dict("records")):
        row_no = first_row + i
        out: dict[str, object] = {}
        for field in HEADER_KEYWORDS[kind]:
            value = str(record.get(field, "") or "").strip()
            if field in {"scope_countries", "beneficiary_countries"}:
                codes, bad = resolve_country_answer(value)
                for b in bad:
                    report.add(name, row_no, field, f"country '{b}' not recognised; left out")
                out[field] = ";".join(codes)
            elif field in VOCAB_FIELDS:
                index = indexes.get(VOCAB_FIELDS[field], {})
                values = split_answers(value) if field in LIST_FIELDS else [value] * bool(value)
                ids = []
                for v in values:
                    term = match_term(index, v)
                    if term:
                        ids.append(term)
                    else:
                        report.add(name, row_no, field, f"'{v}' matches no {field} term; left out")
                out[field] = ";".join(dict.fromkeys(ids))
            elif field in LIST_FIELDS:
                out[field] = ";".join(
                    _no_formulas(split_answers(value), name, row_no, field, report)
                )
            else:
                out[field] = ";".join(
                    _no_formulas([value] * bool(value), name, row_no, field, report)
                )
        if not out.get(title_field):
            report.add(name, row_no, title_field, "empty name/title; row skipped")
            continue
        ident = str(out.get(id_field) or slug(str(out[title_field])))
        base, n = ident, 2
        while ident in seen:
            ident, n = f"{base}_{n}", n + 1
        seen.add(ident)
        out[id_field] = ident
        rows.append(out)
    return pd.DataFrame(rows)


def _no_formulas(values: list[str], name: str, row: int, field: str, report: Report) -> list[str]:
    """`values` without those a spreadsheet would run as a formula (each reported)."""
    kept = []
    for value in values:
        if formula_start(value):
            report.add(
                name, row, field, f"'{value[:40]}' would run as a spreadsheet formula; left out"
            )
        else:
            kept.append(value)
    return kept


def records_for_yaml(table: pd.DataFrame) -> list[dict[str, object]]:
    """Rows of a normalised mappings table as YAML records: list fields as lists (empty
    when there is no value), other fields as text."""
    return [
        {k: (split_list(v) if k in LIST_FIELDS else v) for k, v in r.items()}
        for r in table.to_dict("records")
    ]


def import_file(
    path: Path,
    kind: str,
    indexes: Mapping[str, Mapping[str, str]],
    report: Report,
    limits: Limits = FILE_LIMITS,
) -> pd.DataFrame:
    """Read `path` (CSV, TSV or XLSX) and normalise it; problems go to `report`. An empty
    frame when the reader reports an error: nothing is imported from such a file."""
    expected = {k for kws in HEADER_KEYWORDS[kind].values() for k in kws}
    start = len(report.issues)
    raw = read_table(path, report, expected, limits)
    if raw is None or not usable(report, start):
        return pd.DataFrame()
    first = int(raw.attrs.get("first_data_row", 2))
    return normalise_table(raw.fillna(""), kind, indexes, path.name, report, first)
