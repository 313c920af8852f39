"""Column rules for every data file, as a table, and the one validator that applies them.

Each rule names a column and its kind. The validator keeps every good value: a bad value
inside a list is removed from that list and reported; a bad scalar becomes empty and is
reported; only a row without a usable id (missing or duplicate) is dropped. A value holding
a control character (NUL, U+202E...) is bad whatever its column.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from cbdash.data.validation import Report
from cbdash.text import CONTROL_CHARS, unsafe_character

LIST_SEPARATOR = ";"
YEAR_MIN, YEAR_MAX = 1900, 2100
ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.+\-]*$")
URL_PATTERN = re.compile(r"^https?://\S+$")
DATE_PATTERN = re.compile(r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")


@dataclass(frozen=True)
class Column:
    """A column rule: `kind` is one of id, text, list, year, int, number, urls, url, choice,
    ref, date.

    `ref` names a set of allowed values (a vocabulary, "iso3", "mappings", "groups").
    `choices` is used by kind "choice"; kind "ref" with list=True checks each element.
    `bounds` (low, high) limits an int or number, both ends included.
    """

    name: str
    kind: str
    required: bool = False
    ref: str | None = None
    choices: tuple[str, ...] = ()
    is_list: bool = False
    bounds: tuple[float, float] | None = None


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
    values = {col.name: [r.get(col.name) for r in records] for col in columns}
    return validate_columns(values, len(records), columns, file, report, known, row_number, suggest)


def validate_columns(
    values: Mapping[str, list[Any]],
    n_rows: int,
    columns: list[Column],
    file: str,
    report: Report,
    known: Mapping[str, set[str]],
    row_number: Callable[[int], int] = lambda i: i + 2,
    suggest: Mapping[str, Callable[[str], str | None]] | None = None,
) -> pd.DataFrame:
    """`validate_records` on data given column by column (`values[name]` holds one value per
    row; a missing name means empty cells): the same rows, values and issues, in the same
    order (by row, then by column), with each distinct cell checked once.
    """
    suggest = suggest or {}
    rows = [row_number(i) for i in range(n_rows)]
    found: list[tuple[int, int, int, str | None, str]] = []  # (row index, column, n, field, msg)
    keep = [True] * n_rows
    clean: dict[str, list[Any]] = {}
    for c, col in enumerate(columns):
        cells = values.get(col.name)
        if cells is None:
            cells = [None] * n_rows
        if col.kind == "id":
            clean[col.name] = _check_ids(cells, rows, keep, c, col, found)
            continue
        check = _cell_checker(col, known, suggest)
        if all(v.__class__ is str for v in cells):
            clean[col.name] = _check_text_column(cells, check, c, col, found)
            continue
        memo: dict[Any, tuple[Any, tuple[str, ...]]] = {}
        out: list[Any] = []
        for i, value in enumerate(cells):
            try:
                key = (value.__class__, value)
                result = memo.get(key)
                if result is None:
                    result = memo[key] = check(value)
            except TypeError:  # an unhashable cell (a YAML list or mapping)
                result = check(value)
            good, problems = result
            out.append(good)
            for n, message in enumerate(problems):
                found.append((i, c, n, col.name, message))
        clean[col.name] = out
    for i, _c, _n, name, message in sorted(found, key=lambda f: (f[0], f[1], f[2])):
        report.add(file, rows[i], name, message)
    names = [c.name for c in columns] + ["source_row"]
    if not n_rows:
        return pd.DataFrame(columns=names)
    clean["source_row"] = rows
    kept = [i for i in range(n_rows) if keep[i]]
    if len(kept) < n_rows:
        clean = {name: [col[i] for i in kept] for name, col in clean.items()}
    return pd.DataFrame({name: clean[name] for name in names}, columns=names)


def _check_text_column(
    cells: list[str],
    check: Callable[[Any], tuple[Any, tuple[str, ...]]],
    c: int,
    col: Column,
    found: list[tuple[int, int, int, str | None, str]],
) -> list[Any]:
    """A column of text cells (as read from CSV), each distinct text checked once."""
    codes, uniques = pd.factorize(np.array(cells, dtype=object))
    results = [check(u) for u in uniques]
    goods = np.empty(len(results), dtype=object)
    for k, (good, _) in enumerate(results):
        goods[k] = good
    bad = [k for k, (_, problems) in enumerate(results) if problems]
    if bad:
        for i in np.flatnonzero(np.isin(codes, bad)).tolist():
            for n, message in enumerate(results[codes[i]][1]):
                found.append((i, c, n, col.name, message))
    return goods[codes].tolist()


def _check_ids(
    cells: list[Any],
    rows: list[int],
    keep: list[bool],
    c: int,
    col: Column,
    found: list[tuple[int, int, int, str | None, str]],
) -> list[str]:
    """Ids as text; a missing, malformed or repeated id marks its row as dropped."""
    seen_ids: dict[str, int] = {}
    out = []
    for i, value in enumerate(cells):
        text = "" if _is_empty(value) else str(value).strip()
        problem = None
        if not text:
            problem = "missing id; row skipped"
        elif not ID_PATTERN.match(text):
            problem = f"id '{text}' has spaces or symbols; row skipped"
        elif text in seen_ids:
            problem = f"duplicate id '{text}' (first on row {seen_ids[text]}); row skipped"
        else:
            seen_ids[text] = rows[i]
        if problem:
            keep[i] = False
            found.append((i, c, 0, col.name, problem))
        out.append(text)
    return out


def _cell_checker(
    col: Column,
    known: Mapping[str, set[str]],
    suggest: Mapping[str, Callable[[str], str | None]],
) -> Callable[[Any], tuple[Any, tuple[str, ...]]]:
    """A function: one cell -> (clean value, problem messages), for a column that is not an id."""

    def check(value: Any) -> tuple[Any, tuple[str, ...]]:
        problems: list[str] = []
        if col.is_list or col.kind in {"list", "urls"}:
            good = []
            for item in split_list(value):
                problem = _check_scalar(col, item, known)
                if problem:
                    hint = suggest.get(col.ref or "", lambda _: None)(item)
                    extra = f" (did you mean '{hint}'?)" if hint and hint != item else ""
                    problems.append(f"{problem}{extra}; value dropped")
                else:
                    good.append(item)
            if col.required and not good:
                problems.append("needs at least one value")
            return tuple(dict.fromkeys(good)), tuple(problems)
        if _is_empty(value):
            return None, ("missing value",) if col.required else ()
        if col.kind in {"year", "int", "number"}:
            try:
                return _numeric(col, value), ()
            except ValueError as exc:
                return None, (f"{exc}; left empty",)
        text = str(value).strip()
        problem = _check_scalar(col, text, known)
        if problem:
            return None, (f"{problem}; left empty",)
        return text, ()

    return check


def _numeric(col: Column, value: Any) -> int | float:
    """A year, whole number or number cell as a value, within `col.bounds` if given."""
    number: int | float
    if col.kind == "year":
        number = _year(value)
    elif col.kind == "int":
        number = _int(value)
    else:
        number = _number(value)
    if col.bounds is not None and not col.bounds[0] <= number <= col.bounds[1]:
        lo, hi = (f"{b:g}" for b in col.bounds)
        raise ValueError(f"{number:g} is not between {lo} and {hi}")
    return number


def _number(value: Any) -> float:
    text = str(value).strip()
    if not re.fullmatch(r"-?\d+(\.\d+)?", text):
        raise ValueError(f"'{value}' is not a number")
    return float(text)


def _int(value: Any) -> int:
    text = str(value).strip().replace(",", "")
    if text.endswith(".0"):
        text = text[:-2]
    if not re.fullmatch(r"-?\d+", text):
        raise ValueError(f"'{value}' is not a whole number")
    return int(text)


def _check_scalar(col: Column, text: str, known: Mapping[str, set[str]]) -> str | None:
    """A message when `text` breaks the column rule, else None. No value may hold a control
    character."""
    if CONTROL_CHARS.search(text):
        return unsafe_character(text)
    if col.kind in {"urls", "url"} and not URL_PATTERN.match(text):
        return f"'{text}' is not an http(s) URL"
    if col.kind == "date" and not DATE_PATTERN.match(text):
        return f"'{text}' is not a date (YYYY-MM-DD)"
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
