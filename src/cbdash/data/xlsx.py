"""XLSX workbooks read within limits: the zip is measured before anything is parsed.

An XLSX file is a zip of XML parts; a few MB can unpack to gigabytes (one cell of 2 GB, or
20 million rows). Before openpyxl parses anything, `xlsx_rows` checks the number of parts
and the unpacked size their headers declare (zipfile never unpacks more than that: a part
that would is a CRC error), then streams the first sheet's XML once, counting its rows
and cells. Only a workbook within `Limits` is parsed, streaming (openpyxl's read-only
mode), and the parse stops at the limits too.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime, time

from cbdash.data.files import HEADER_SEARCH_ROWS, MB, Limits
from cbdash.data.validation import Report

MAX_PARTS = 10_000
CHUNK = 1 << 20
_FIRST_SHEET = re.compile(rb"<(?:\w+:)?sheet\b[^>]*?\br:id=\"([^\"]+)\"")
_ROW = re.compile(rb"<(?:\w+:)?row[\s>/]")
_CELL = re.compile(rb"<(?:\w+:)?c[\s>/]")


def _first_sheet(archive: zipfile.ZipFile) -> str | None:
    """The path of the workbook's first sheet inside the zip (from workbook.xml and its
    relationships), None if the workbook does not say."""
    try:
        workbook = archive.read("xl/workbook.xml")
        rels = archive.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        return None
    found = _FIRST_SHEET.search(workbook)
    if not found:
        return None
    rid = re.escape(found.group(1))
    target = re.search(rb"<Relationship\b[^>]*\bId=\"" + rid + rb"\"[^>]*>", rels)
    if not target:
        return None
    path = re.search(rb"\bTarget=\"([^\"]+)\"", target.group(0))
    if not path:
        return None
    text = path.group(1).decode("utf-8", "replace")
    return text.lstrip("/") if text.startswith("/") else f"xl/{text}"


def _count_rows_cells(archive: zipfile.ZipFile, part: str, limits: Limits) -> tuple[int, int]:
    """Rows and cells of a sheet's XML, streamed (a tag cut between two chunks is counted
    by keeping the chunk's tail)."""
    rows = cells = 0
    tail = b""
    with archive.open(part) as fh:
        while chunk := fh.read(CHUNK):
            data = tail + chunk
            cut = max(0, len(data) - 16)
            rows += len(_ROW.findall(data, 0, cut))
            cells += len(_CELL.findall(data, 0, cut))
            tail = data[cut:]
            if rows > limits.max_rows + HEADER_SEARCH_ROWS or cells > limits.max_cells:
                break
    rows += len(_ROW.findall(tail))
    cells += len(_CELL.findall(tail))
    return rows, cells


def _cell_text(value: object) -> str:
    """A cell as text: whole numbers without '.0', dates as ISO dates."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


def xlsx_rows(raw: bytes, name: str, report: Report, limits: Limits) -> list[list[str]] | None:
    """The first sheet's rows as lists of text cells; None (and an error stating the
    limit) for a file that is not an XLSX workbook or is over `limits`."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except zipfile.BadZipFile:
        report.add(name, None, None, "not a readable XLSX file (not a zip archive)")
        return None
    with archive:
        parts = archive.infolist()
        unpacked = sum(p.file_size for p in parts)
        if len(parts) > MAX_PARTS or unpacked > limits.max_unpacked_bytes:
            report.add(
                name,
                None,
                None,
                f"workbook unpacks to {unpacked / MB:,.0f} MB in {len(parts):,} parts, over "
                f"the limit of {limits.max_unpacked_bytes / MB:,.0f} MB; save only the sheet "
                "you need, or as CSV",
            )
            return None
        sheet = _first_sheet(archive)
        if sheet is None or sheet not in archive.namelist():
            report.add(name, None, None, "not a readable XLSX file (no worksheet)")
            return None
        try:
            rows, cells = _count_rows_cells(archive, sheet, limits)
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            report.add(name, None, None, f"not a readable XLSX file: {exc}")
            return None
    if rows > limits.max_rows + HEADER_SEARCH_ROWS or cells > limits.max_cells:
        report.add(
            name,
            None,
            None,
            f"first sheet holds {'over ' if rows > limits.max_rows else ''}{rows:,} rows and "
            f"{cells:,} cells, over the limit of {limits.max_rows:,} rows and "
            f"{limits.max_cells:,} cells; split the file",
        )
        return None
    return _parse(raw, name, report, limits)


def _parse(raw: bytes, name: str, report: Report, limits: Limits) -> list[list[str]] | None:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        report.add(name, None, None, f"not a readable XLSX file: {exc}")
        return None
    out: list[list[str]] = []
    cells = 0
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # rows as stored, not padded to a declared (or bogus) size
        for row in sheet.iter_rows(values_only=True):
            cells += len(row)
            out.append([_cell_text(v) for v in row])
            if len(out) > limits.max_rows + HEADER_SEARCH_ROWS or cells > limits.max_cells:
                report.add(
                    name, None, None, f"first sheet is over the limit of {limits.describe()}"
                )
                return None
    except Exception as exc:  # a damaged part shows only while streaming
        report.add(name, None, None, f"not a readable XLSX file: {exc}")
        return None
    finally:
        workbook.close()
    while out and not any(out[-1]):
        out.pop()  # trailing empty rows (formatting below the data)
    return out
