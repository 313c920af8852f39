"""Reading data files and uploads (CSV, TSV, XLSX, YAML): refuse rather than guess.

One reader serves the data folder, `python -m cbdash import` and the app's upload. Every
problem goes to a `Report` naming file, row and field; None means the file is unusable.

- Size first: a file over its `Limits` (bytes; for XLSX also the unpacked size, rows and
  cells, counted before parsing, see `cbdash.data.xlsx`) is refused with a message
  stating the limit; rows and cells of a CSV are counted right after the parse, whose
  cost the byte limit bounds.
- Encoding: UTF-8 (BOM allowed); UTF-16 with its BOM (Excel's "Unicode text"); otherwise
  Windows-1252 with a warning, since spreadsheet exports often arrive that way (Latin-1
  for the five bytes Windows-1252 leaves undefined). A file of NUL-interleaved text
  without a BOM is refused: it is UTF-16 whose byte order cannot be known for sure.
- Delimiter: data files use commas. Imports and uploads (`expected` column names given)
  may use commas, tabs or semicolons: the one that splits the top rows most consistently.
- Header: on row 1 for data files. For imports and uploads, the first of the top
  HEADER_SEARCH_ROWS rows with most cells naming an expected column, as for XLSX; title
  rows above it are skipped with a warning naming them.
- A column name used twice is an error and the file is not used (which one is meant?).
- A cell holding NUL, another control character or a bidirectional control (which can hide
  or reorder text on screen, e.g. U+202E) is an error naming its row and column; the cell
  is left empty. Imports and uploads refuse such a file (`usable`).
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from cbdash.data.validation import Report
from cbdash.text import CONTROL_CHARS, unsafe_character

MB = 1_000_000
HEADER_SEARCH_ROWS = 15
FAST_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
DATA_DIR_ENV = "CBDASH_DATA_DIR"
DELIMITERS = (",", "\t", ";")
XLSX_SUFFIXES = {".xlsx", ".xlsm"}
MAX_CELL_MESSAGES = 50  # cell-level messages of one kind per file; then one line with the count


@dataclass(frozen=True)
class Limits:
    """How much one file may hold: bytes on disk, unpacked bytes (XLSX is a zip), rows
    below the header and cells (rows x columns)."""

    max_bytes: int
    max_rows: int
    max_cells: int
    max_unpacked_bytes: int

    def describe(self) -> str:
        """The limits in words, to state before any work starts."""
        return (
            f"at most {self.max_rows:,} rows, {self.max_cells:,} cells and "
            f"{self.max_bytes / MB:,.0f} MB ({self.max_unpacked_bytes / MB:,.0f} MB unpacked "
            "for XLSX)"
        )


# The data folder and the command line: large, but never unbounded.
FILE_LIMITS = Limits(
    max_bytes=200 * MB, max_rows=2_000_000, max_cells=40_000_000, max_unpacked_bytes=400 * MB
)


def default_data_dir() -> Path:
    """The data folder: $CBDASH_DATA_DIR, else `data/` in the working directory (the app,
    the CLI and the tests run from the repository root)."""
    return Path(os.environ.get(DATA_DIR_ENV) or "data")


def too_big(size: int, name: str, report: Report, limits: Limits = FILE_LIMITS) -> bool:
    """True (and an error stating the limit) when `size` bytes are over `limits`."""
    if size > limits.max_bytes:
        report.add(
            name,
            None,
            None,
            f"file is {size / MB:,.1f} MB, over the limit of {limits.max_bytes / MB:,.0f} MB; "
            "split it",
        )
        return True
    return False


def decode_text(raw: bytes, name: str, report: Report) -> str | None:
    """Text of `raw`: UTF-8 (BOM allowed), UTF-16 with BOM, else Windows-1252 with a
    warning; None (and an error) for NUL-interleaved text without a BOM."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError as exc:
            report.add(name, None, None, f"file starts as UTF-16 but is not: {exc.reason}")
            return None
    head = raw[:4096]
    if len(head) >= 8 and head.count(0) * 4 >= len(head):
        report.add(
            name,
            None,
            None,
            "file looks like UTF-16 without a byte-order mark; save it as UTF-8 "
            "(or as Unicode text, which has one)",
        )
        return None
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
        try:
            return raw.decode("cp1252")
        except UnicodeDecodeError:
            return raw.decode("latin-1")


def sniff_delimiter(text: str) -> str:
    """Comma, tab or semicolon: the delimiter that gives the same number (>1) of fields on
    most of the top rows (title rows aside); a comma when none does."""
    lines = [ln for ln in text[:65536].split("\n")[: HEADER_SEARCH_ROWS + 10] if ln.strip()]
    best, best_score = ",", (0, 0)
    for delimiter in DELIMITERS:
        counts = [len(r) for r in csv.reader(lines, delimiter=delimiter)]
        if not counts:
            continue
        width, rows = (
            Counter(c for c in counts if c > 1).most_common(1)[0]
            if any(c > 1 for c in counts)
            else (0, 0)
        )
        if (rows, width) > best_score:
            best, best_score = delimiter, (rows, width)
    return best


def find_header_row(rows: list[list[Any]], expected: set[str]) -> int:
    """Index of the row among the first HEADER_SEARCH_ROWS with most cells naming an
    expected column (a cell with a word that starts like one, any case, '_' read as a
    space: "Funded by", "beneficiary_countries"); the first row when none does."""
    words = [re.compile(rf"\b{re.escape(e.casefold())}") for e in expected]
    best, best_hits = 0, 0
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        cells = [
            str(c).strip().casefold().replace("_", " ")
            for c in row
            if c is not None and str(c).strip()
        ]
        hits = sum(any(w.search(c) for w in words) for c in cells)
        if hits > best_hits:
            best, best_hits = i, hits
    return best


def _top_records(text: str, delimiter: str) -> tuple[list[list[str]], list[int]]:
    """The first HEADER_SEARCH_ROWS records and the line each ends on (quoted cells may
    span lines)."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    records, ends = [], []
    try:
        for record in reader:
            records.append(record)
            ends.append(reader.line_num)
            if len(records) >= HEADER_SEARCH_ROWS:
                break
    except csv.Error:
        pass  # the full parse reports it with its line
    return records, ends


def _offset_after_lines(text: str, n_lines: int) -> int:
    """Character offset of the start of line `n_lines` + 1."""
    offset = 0
    for _ in range(n_lines):
        nl = text.find("\n", offset)
        if nl < 0:
            return len(text)
        offset = nl + 1
    return offset


def read_csv_text(
    text: str,
    name: str,
    report: Report,
    expected: set[str] | None = None,
    limits: Limits = FILE_LIMITS,
) -> pd.DataFrame | None:
    """Parse CSV text into a frame of strings ("" for empty cells); None if unusable.
    `attrs["first_data_row"]` is the row number of the first data row."""
    if not text.strip():
        report.add(name, None, None, "file is empty")
        return None
    delimiter = sniff_delimiter(text) if expected else ","
    header_at = 0
    if expected:
        records, ends = _top_records(text, delimiter)
        header_at = find_header_row(records, expected)
        if header_at:
            _title_rows_warning(name, header_at, report)
            text = text[_offset_after_lines(text, ends[header_at - 1]) :]
    try:
        df = pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            dtype=str,
            keep_default_na=False,
            skipinitialspace=True,
            on_bad_lines="error",
            header=None,
        )
    except pd.errors.EmptyDataError:
        report.add(name, None, None, "file is empty")
        return None
    except (pd.errors.ParserError, csv.Error) as exc:
        message = re.sub(
            r"line (\d+)", lambda m: f"line {int(m.group(1)) + header_at}", str(exc).strip()
        )
        report.add(name, None, None, f"not a valid CSV: {message}")
        return None
    header = [str(c).strip() for c in df.iloc[0]] if len(df) else []
    df = df.iloc[1:].reset_index(drop=True)
    return _finish_frame(df, header, name, report, header_at, limits, scan=text)


def _title_rows_warning(name: str, header_at: int, report: Report) -> None:
    report.add(
        name,
        header_at + 1,
        None,
        f"header found on row {header_at + 1}; {header_at} title row(s) above it skipped",
        "warning",
    )


def _finish_frame(
    df: pd.DataFrame,
    header: list[str],
    name: str,
    report: Report,
    header_at: int,
    limits: Limits,
    scan: str | None = None,
) -> pd.DataFrame | None:
    """Name the columns, refuse duplicated names and files over `limits`, blank control
    characters; None when unusable. `scan`, the file's text, lets a clean file skip the
    cell-by-cell look for control characters."""
    first_data_row = header_at + 2
    if len(df) > limits.max_rows or df.size > limits.max_cells:
        report.add(
            name,
            None,
            None,
            f"{len(df):,} rows and {df.size:,} cells, over the limit of "
            f"{limits.max_rows:,} rows and {limits.max_cells:,} cells; split the file",
        )
        return None
    seen: dict[str, int] = {}
    duplicated = False
    for k, column in enumerate(header, start=1):
        if not column:
            continue
        if column in seen:
            report.add(
                name,
                header_at + 1,
                column,
                f"column '{column}' appears twice (columns {seen[column]} and {k}); rename "
                "or remove one",
            )
            duplicated = True
        else:
            seen[column] = k
    if duplicated:
        return None
    df.columns = header
    df = df.loc[:, [c for c in df.columns if c]]
    bad_header = [c for c in df.columns if CONTROL_CHARS.search(c)]
    for column in bad_header:
        report.add(name, header_at + 1, None, f"column name {column!r}: {unsafe_character(column)}")
    if bad_header:
        return None
    if scan is None or CONTROL_CHARS.search(scan):
        blank_control_characters(df, name, report, first_data_row)
    df.attrs["first_data_row"] = first_data_row
    return df


def blank_control_characters(
    df: pd.DataFrame, name: str, report: Report, first_data_row: int
) -> None:
    """Report every text cell holding a control character (row and column) and empty it."""
    reported = 0
    for column in df.columns:
        values = df[column].astype(object)
        mask = values.map(lambda v: isinstance(v, str) and CONTROL_CHARS.search(v) is not None)
        for pos in mask.to_numpy().nonzero()[0].tolist():
            if reported < MAX_CELL_MESSAGES:
                report.add(
                    name,
                    first_data_row + pos,
                    str(column),
                    f"{unsafe_character(values.iloc[pos])}; cell left empty",
                )
            reported += 1
        if mask.any():
            df.loc[mask.to_numpy(), column] = ""
    if reported > MAX_CELL_MESSAGES:
        report.add(
            name,
            None,
            None,
            f"{reported - MAX_CELL_MESSAGES:,} more cells with control characters left empty",
        )


def read_csv(
    path: Path, report: Report, expected: set[str] | None = None, limits: Limits = FILE_LIMITS
) -> pd.DataFrame | None:
    """Read a CSV (or TSV) file as strings; problems go to `report`, None when unusable."""
    if not path.exists():
        report.add(path.name, None, None, f"file not found: {path}")
        return None
    if path.is_dir() or too_big(path.stat().st_size, path.name, report, limits):
        if path.is_dir():
            report.add(path.name, None, None, "is a folder, not a file")
        return None
    text = decode_text(path.read_bytes(), path.name, report)
    return None if text is None else read_csv_text(text, path.name, report, expected, limits)


def read_table(
    path: Path, report: Report, expected: set[str] | None = None, limits: Limits = FILE_LIMITS
) -> pd.DataFrame | None:
    """Read a CSV, TSV or XLSX file (by its extension) as strings; None when unusable."""
    if path.suffix.lower() in XLSX_SUFFIXES:
        if not path.exists():
            report.add(path.name, None, None, f"file not found: {path}")
            return None
        if too_big(path.stat().st_size, path.name, report, limits):
            return None
        return read_table_bytes(path.read_bytes(), path.name, report, expected, limits)
    return read_csv(path, report, expected, limits)


def read_table_bytes(
    raw: bytes,
    name: str,
    report: Report,
    expected: set[str] | None = None,
    limits: Limits = FILE_LIMITS,
) -> pd.DataFrame | None:
    """`read_table` for the bytes of a file called `name` (an upload)."""
    if too_big(len(raw), name, report, limits):
        return None
    if Path(name).suffix.lower() in XLSX_SUFFIXES or raw.startswith(b"PK\x03\x04"):
        from cbdash.data.xlsx import xlsx_rows

        rows = xlsx_rows(raw, name, report, limits)
        if rows is None:
            return None
        return frame_from_rows(rows, name, report, expected, limits)
    text = decode_text(raw, name, report)
    return None if text is None else read_csv_text(text, name, report, expected, limits)


def frame_from_rows(
    rows: list[list[str]],
    name: str,
    report: Report,
    expected: set[str] | None,
    limits: Limits = FILE_LIMITS,
) -> pd.DataFrame | None:
    """A frame of strings from rows of cells (an XLSX sheet), title rows skipped."""
    if not any(any(c for c in row) for row in rows):
        report.add(name, None, None, "sheet is empty")
        return None
    header_at = find_header_row(rows, expected or set()) if expected else 0
    if header_at:
        _title_rows_warning(name, header_at, report)
    header = [str(c).strip() for c in rows[header_at]]
    while header and not header[-1]:
        header.pop()
    width = len(header)
    for pos, row in enumerate(rows[header_at + 1 :]):
        beyond = [k for k, cell in enumerate(row[width:], start=width + 1) if cell]
        if beyond:
            report.add(
                name,
                header_at + 2 + pos,
                None,
                f"a value in column {beyond[0]}, beyond the {width} named in the header",
            )
            return None
    body = [(row + [""] * width)[:width] for row in rows[header_at + 1 :]]
    df = pd.DataFrame(body, columns=range(width), dtype=object)
    return _finish_frame(df, header, name, report, header_at, limits)


def usable(report: Report, start: int = 0) -> bool:
    """True when no error was reported since issue number `start` (an import or upload is
    refused on any error of its reader)."""
    return not any(i.level == "error" for i in report.issues[start:])


def read_yaml(path: Path, report: Report) -> Any:
    """Parse a YAML file; None (and an error naming the line) when it cannot be parsed."""
    if not path.exists():
        report.add(path.name, None, None, f"file not found: {path}")
        return None
    if path.is_dir() or too_big(path.stat().st_size, path.name, report):
        if path.is_dir():
            report.add(path.name, None, None, "is a folder, not a file")
        return None
    text = decode_text(path.read_bytes(), path.name, report)
    if text is None:
        return None
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
