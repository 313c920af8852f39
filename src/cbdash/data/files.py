"""Reading data files (CSV, XLSX, YAML) with clear messages instead of tracebacks.

Judgement calls: a CSV that is not valid UTF-8 is read as Windows-1252 (a superset of
Latin-1 in practice) and a warning says so, since survey exports from spreadsheets often
arrive that way; nothing is dropped. An XLSX sheet may have title rows above the header:
the header is the first of the top rows that holds most of the expected column names.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from cbdash.data.validation import Report

MAX_FILE_BYTES = 200 * 1024 * 1024
HEADER_SEARCH_ROWS = 15
FAST_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
DATA_DIR_ENV = "CBDASH_DATA_DIR"


def default_data_dir() -> Path:
    """The data folder: $CBDASH_DATA_DIR, else `data/` in the working directory (the app,
    the CLI and the tests run from the repository root)."""
    return Path(os.environ.get(DATA_DIR_ENV) or "data")


def _too_big(path: Path, report: Report) -> bool:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        report.add(
            path.name,
            None,
            None,
            f"file is {size / 1e6:.0f} MB, over the {MAX_FILE_BYTES / 1e6:.0f} MB limit; split it",
        )
        return True
    return False


def decode_text(raw: bytes, name: str, report: Report) -> str:
    """Decode bytes as UTF-8 (BOM allowed), else Windows-1252 with a warning."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        report.add(
            name,
            line,
            None,
            "file is not UTF-8; read as Windows-1252/Latin-1. Check accented names "
            "and save as UTF-8",
            "warning",
        )
        return raw.decode("cp1252", errors="replace")


def read_csv_text(text: str, name: str, report: Report) -> pd.DataFrame | None:
    """Parse CSV text into a frame of strings ("" for empty cells); None if unusable."""
    if not text.strip():
        report.add(name, None, None, "file is empty")
        return None
    try:
        df = pd.read_csv(
            io.StringIO(text),
            dtype=str,
            keep_default_na=False,
            skipinitialspace=True,
            on_bad_lines="error",
        )
    except pd.errors.ParserError as exc:
        report.add(name, None, None, f"not a valid CSV: {exc}")
        return None
    df.columns = [str(c).strip() for c in df.columns]
    return df


def read_csv(path: Path, report: Report) -> pd.DataFrame | None:
    """Read a CSV file as strings; problems go to `report`, None when unusable."""
    if not path.exists():
        report.add(path.name, None, None, f"file not found: {path}")
        return None
    if _too_big(path, report):
        return None
    return read_csv_text(decode_text(path.read_bytes(), path.name, report), path.name, report)


def find_header_row(rows: list[list[Any]], expected: set[str]) -> int:
    """Index of the row among the first few that contains most expected column names."""
    wanted = {e.casefold() for e in expected}
    best, best_hits = 0, -1
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        cells = {str(c).strip().casefold() for c in row if c is not None and str(c).strip()}
        hits = len(cells & wanted) if wanted else len(cells)
        if hits > best_hits:
            best, best_hits = i, hits
    return best


def read_xlsx(path: Path, report: Report, expected: set[str] | None = None) -> pd.DataFrame | None:
    """Read the first sheet of an XLSX file as strings, skipping title rows above the header."""
    if not path.exists():
        report.add(path.name, None, None, f"file not found: {path}")
        return None
    if _too_big(path, report):
        return None
    try:
        raw = pd.read_excel(path, header=None, dtype=str, engine="openpyxl")
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        report.add(path.name, None, None, f"not a readable XLSX file: {exc}")
        return None
    raw = raw.fillna("")
    if raw.empty:
        report.add(path.name, None, None, "sheet is empty")
        return None
    rows = raw.values.tolist()
    header_at = find_header_row(rows, expected or set())
    if header_at:
        report.add(
            path.name,
            header_at + 1,
            None,
            f"header found on row {header_at + 1}; {header_at} title row(s) above it skipped",
            "warning",
        )
    header = [str(c).strip() for c in rows[header_at]]
    df = pd.DataFrame(rows[header_at + 1 :], columns=header, dtype=str)
    df = df.loc[:, [c for c in df.columns if c]]
    df.attrs["first_data_row"] = header_at + 2
    return df


def read_table(path: Path, report: Report, expected: set[str] | None = None) -> pd.DataFrame | None:
    """Read a CSV or XLSX file by its extension."""
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        return read_xlsx(path, report, expected)
    return read_csv(path, report)


def read_yaml(path: Path, report: Report) -> Any:
    """Parse a YAML file; None (and an error naming the line) when it cannot be parsed."""
    if not path.exists():
        report.add(path.name, None, None, f"file not found: {path}")
        return None
    text = decode_text(path.read_bytes(), path.name, report)
    if not text.strip():
        report.add(path.name, None, None, "file is empty")
        return None
    try:
        # libyaml's loader is ~8x faster; a file it rejects is parsed again by the pure-Python
        # loader, whose messages name the line the way maintainers are used to.
        return yaml.load(text, Loader=FAST_YAML_LOADER)
    except yaml.YAMLError:
        pass
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        report.add(path.name, line, None, f"not valid YAML: {getattr(exc, 'problem', exc)}")
        return None
