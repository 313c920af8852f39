"""Column rules for every data file, as a table, and the one validator that applies them.

Each rule names a column and its kind. The validator keeps every good value: a bad value
inside a list is removed from that list and reported; a bad scalar becomes empty and is
reported; only a row without a usable id (missing or duplicate) is dropped.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from cbdash.validation import Report

LIST_SEPARATOR = ";"
YEAR_MIN, YEAR_MAX = 1900, 2100
ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.+\-]*$")
URL_PATTERN = re.compile(r"^https?://\S+$")


@dataclass(frozen=True)
class Column:
    """A column rule: `kind` is one of id, text, list, year, int, urls, url, choice, ref.

    `ref` names a set of allowed values (a vocabulary, "iso3", "mappings", "groups").
    `choices` is used by kind "choice"; kind "ref" with list=True checks each element.
    """

    name: str
    kind: str
    required: bool = False
    ref: str | None = None
    choices: tuple[str, ...] = ()
    is_list: bool = False


def split_list(value: Any) -> list[str]:
    """A list cell (YAML list, or text separated by ';') as a clean list of strings."""
    if value is None:
        return []
    if isinstance(value, list | tuple):
        items = [str(v) for v in value if v is not None]
    else:
        text = str(value)
        if not text.strip():
            return []
        items = text.split(LIST_SEPARATOR)
    return [i.strip() for i in items if i.strip()]


def _is_empty(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and pd.isna(value):
        return True
    return isinstance(value, str) and not value.strip()


def _year(value: Any) -> int | None:
    text = str(value).strip()
    if text.endswith(".0"):
        text = text[:-2]
    if not re.fullmatch(r"\d{1,5}", text):
        raise ValueError(f"'{value}' is not a year")
    year = int(text)
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise ValueError(f"{year} is not a year between {YEAR_MIN} and {YEAR_MAX}")
    return year


def validate_records(
    records: list[dict[str, Any]],
    columns: list[Column],
    file: str,
    report: Report,
    known: Mapping[str, set[str]],
    row_number: Callable[[int], int] = lambda i: i + 2,
    suggest: Mapping[str, Callable[[str], str | None]] | None = None,
) -> pd.DataFrame:
    """Validate records against column rules; return the usable rows, issues in `report`.

    `known` maps a ref name to its allowed values. `suggest` may map a ref name to a function
    proposing the right value for a wrong one (used in messages only, never applied).
    """
    suggest = suggest or {}
    out: list[dict[str, Any]] = []
    seen_ids: dict[str, int] = {}
    for i, record in enumerate(records):
        row = row_number(i)
        clean: dict[str, Any] = {}
        drop = False
        for col in columns:
            value = record.get(col.name)
            if col.kind == "id":
                text = "" if _is_empty(value) else str(value).strip()
                if not text:
                    report.add(file, row, col.name, "missing id; row skipped")
                    drop = True
                elif not ID_PATTERN.match(text):
                    report.add(
                        file, row, col.name, f"id '{text}' has spaces or symbols; row skipped"
                    )
                    drop = True
                elif text in seen_ids:
                    report.add(
                        file,
                        row,
                        col.name,
                        f"duplicate id '{text}' (first on row {seen_ids[text]}); row skipped",
                    )
                    drop = True
                else:
                    seen_ids[text] = row
                clean[col.name] = text
                continue
            if col.is_list or col.kind in {"list", "urls"}:
                items = split_list(value)
                good = []
                for item in items:
                    problem = _check_scalar(col, item, known)
                    if problem:
                        hint = suggest.get(col.ref or "", lambda _: None)(item)
                        extra = f" (did you mean '{hint}'?)" if hint and hint != item else ""
                        report.add(file, row, col.name, f"{problem}{extra}; value dropped")
                    else:
                        good.append(item)
                if col.required and not good:
                    report.add(file, row, col.name, "needs at least one value")
                clean[col.name] = tuple(dict.fromkeys(good))
                continue
            if _is_empty(value):
                if col.required:
                    report.add(file, row, col.name, "missing value")
                clean[col.name] = None
                continue
            if col.kind in {"year", "int"}:
                try:
                    clean[col.name] = _year(value) if col.kind == "year" else _int(value)
                except ValueError as exc:
                    report.add(file, row, col.name, f"{exc}; left empty")
                    clean[col.name] = None
                continue
            text = str(value).strip()
            problem = _check_scalar(col, text, known)
            if problem:
                report.add(file, row, col.name, f"{problem}; left empty")
                clean[col.name] = None
            else:
                clean[col.name] = text
        if not drop:
            clean["source_row"] = row
            out.append(clean)
    names = [c.name for c in columns] + ["source_row"]
    return pd.DataFrame(out, columns=names)


def _int(value: Any) -> int:
    text = str(value).strip().replace(",", "")
    if text.endswith(".0"):
        text = text[:-2]
    if not re.fullmatch(r"-?\d+", text):
        raise ValueError(f"'{value}' is not a whole number")
    return int(text)


def _check_scalar(col: Column, text: str, known: Mapping[str, set[str]]) -> str | None:
    """A message when `text` breaks the column rule, else None."""
    if col.kind in {"urls", "url"} and not URL_PATTERN.match(text):
        return f"'{text}' is not an http(s) URL"
    if col.kind == "choice" and text not in col.choices:
        return f"'{text}' is not one of {', '.join(col.choices)}"
    if col.ref is not None:
        allowed = known.get(col.ref, set())
        if text not in allowed:
            return f"unknown {col.ref.replace('_', ' ')} '{text}'"
    return None


def check_columns(
    df: pd.DataFrame, columns: list[Column], file: str, report: Report
) -> list[Column]:
    """Report missing required and unexpected columns; return the rules that can apply."""
    present = set(df.columns)
    usable = []
    for col in columns:
        if col.name in present:
            usable.append(col)
        elif col.required or col.kind == "id":
            report.add(file, 1, col.name, "required column is missing")
        else:
            report.add(file, 1, col.name, "column is missing; treated as empty", "warning")
            usable.append(col)
    expected = {c.name for c in columns}
    for extra in sorted(present - expected):
        report.add(file, 1, extra, "unexpected column; ignored", "warning")
    return usable
