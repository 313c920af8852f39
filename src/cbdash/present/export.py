"""CSV downloads that are safe to open in a spreadsheet.

A text cell starting with `=`, `+`, `-`, `@`, tab or carriage return could run as a formula
(CSV injection), so it gets a leading apostrophe (`cbdash.data.writes.safe_frame`). Numbers
stay numbers: only text cells are touched, whatever their dtype (pandas 3 `str`, `object`,
or `category`). List cells (tuples) are joined with "; ".
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from cbdash.data.writes import csv_bytes, neutralise, safe_frame

__all__ = ["file_name", "neutralise", "safe_frame", "to_csv"]


def to_csv(df: pd.DataFrame) -> bytes:
    """UTF-8 CSV bytes of `df` (no index, CRLF rows as in RFC 4180), safe in a spreadsheet.

    CRLF as row end also makes the writer quote any cell holding a bare CR or LF, so such a
    cell can never split a row.
    """
    return csv_bytes(df, safe=True)


def file_name(what: str, on: date | None = None) -> str:
    """A download file name that says what it holds and when: cbdash_<what>_<date>.csv."""
    slug = "".join(ch if ch.isalnum() else "_" for ch in what.lower()).strip("_")
    while "__" in slug:
        slug = slug.replace("__", "_")
    return f"cbdash_{slug}_{(on or date.today()).isoformat()}.csv"
