"""CSV export that is safe to open in a spreadsheet.

A text cell starting with `=`, `+`, `-`, `@`, tab or carriage return could run as a formula
(CSV injection), so it gets a leading apostrophe. Numbers stay numbers: only text cells
are touched, whatever their dtype (pandas 3 `str`, `object`, or `category`). List cells
(tuples) are joined with "; ".
"""

from __future__ import annotations

from datetime import date

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """A text value made safe for spreadsheets; other values unchanged."""
    if isinstance(value, tuple | list | set | frozenset):
        value = "; ".join(str(v) for v in value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy whose non-numeric columns are neutralised cell by cell."""
    out = df.copy()
    for col in out.columns:
        series = out[col]
        if pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
            continue
        if isinstance(series.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_any_dtype(
            series
        ):
            continue
        out[col] = series.astype(object).map(neutralise)
    out.columns = [str(neutralise(str(c))) for c in out.columns]
    return out


def to_csv(df: pd.DataFrame) -> bytes:
    """UTF-8 CSV bytes of `df` (no index, CRLF rows as in RFC 4180), safe in a spreadsheet.

    CRLF as row end also makes the writer quote any cell holding a bare CR or LF, so such a
    cell can never split a row.
    """
    return safe_frame(df).to_csv(index=False, lineterminator="\r\n").encode("utf-8")


def file_name(what: str, on: date | None = None) -> str:
    """A download file name that says what it holds and when: cbdash_<what>_<date>.csv."""
    slug = "".join(ch if ch.isalnum() else "_" for ch in what.lower()).strip("_")
    while "__" in slug:
        slug = slug.replace("__", "_")
    return f"cbdash_{slug}_{(on or date.today()).isoformat()}.csv"
