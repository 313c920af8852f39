"""The one reader for CSV, TSV and XLSX (issue #16): it refuses rather than guesses."""

from __future__ import annotations

import resource
import time

import pytest

from cbdash.data.files import FILE_LIMITS, Limits, read_table_bytes, sniff_delimiter, usable
from cbdash.data.validation import Report
from tests.faults.files import (
    TITLE_ROW_CSV,
    lying_workbook,
    many_rows_bomb,
    one_cell_bomb,
    xlsx_bytes,
)

EXPECTED = {"project_id", "title", "funders", "beneficiary_countries", "start_year"}
SMALL = Limits(max_bytes=10**6, max_rows=100, max_cells=1_000, max_unpacked_bytes=5 * 10**6)


def read(raw: bytes, name: str = "list.csv", expected=EXPECTED, limits=FILE_LIMITS):
    report = Report()
    frame = read_table_bytes(raw, name, report, expected, limits)
    return frame, [str(i) for i in report.issues], report


def test_a_title_row_above_the_header_is_skipped_in_csv_as_in_xlsx():
    frame, messages, report = read(TITLE_ROW_CSV.encode())
    assert list(frame["title"]) == [
        "Kenya Cyber Skills",
        "Pacific Incident Response",
        "Ghana Cyber Law Review",
        "Andes CERT Network",
    ]
    assert frame.loc[0, "funders"] == "European Union"
    assert frame.attrs["first_data_row"] == 3
    assert messages == [
        "WARNING: list.csv, row 2: header found on row 2; 1 title row(s) above it skipped"
    ]
    rows = [r.split(",") for r in TITLE_ROW_CSV.splitlines()]
    book, book_messages, _ = read(xlsx_bytes(rows), "list.xlsx")
    assert book.to_dict("records") == frame.to_dict("records")  # the same from either format
    assert book_messages == [m.replace("list.csv", "list.xlsx") for m in messages]


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [("utf-16", True), ("utf-16-be", False), ("utf-8-sig", True), ("utf-8", False)],
)
def test_unicode_text_exports_are_read(encoding, bom):
    text = "project_id\ttitle\tfunders\np1\tCôte d’Ivoire Cyber\tUnion européenne\n"
    raw = text.encode(encoding)
    if encoding == "utf-16-be":
        raw = b"\xfe\xff" + raw  # Excel writes little-endian; big-endian with its BOM too
    frame, messages, _ = read(raw, "unicode.txt")
    assert messages == []
    assert frame.to_dict("records") == [
        {"project_id": "p1", "title": "Côte d’Ivoire Cyber", "funders": "Union européenne"}
    ]


def test_utf16_without_a_bom_is_refused_not_misread():
    frame, messages, _ = read("project_id,title\np1,A\n".encode("utf-16-le"))
    assert frame is None
    assert "UTF-16 without a byte-order mark" in messages[0]


def test_latin1_is_read_with_a_warning():
    frame, messages, report = read("project_id,title\np1,Côte\n".encode("latin-1"))
    assert frame.loc[0, "title"] == "Côte"
    assert usable(report) and "not UTF-8" in messages[0]


@pytest.mark.parametrize(
    ("text", "delimiter"),
    [
        ("a,b,c\n1,2,3\n", ","),
        ("a;b;c\n1;2,5;3\n", ";"),
        ("a\tb\tc\nHello, world\t2\t3\n", "\t"),
        ("title\nA, B\n", ","),
    ],
)
def test_the_delimiter_is_the_one_that_splits_consistently(text, delimiter):
    assert sniff_delimiter(text) == delimiter


def test_a_duplicated_column_is_reported_and_the_file_not_used():
    frame, messages, _ = read(b"project_id,title,title,funders\np1,a,b,c\n")
    assert frame is None
    assert messages == [
        "ERROR: list.csv, row 1, field 'title': column 'title' appears twice (columns 2 and "
        "3); rename or remove one"
    ]


@pytest.mark.parametrize(
    ("cell", "named"),
    [
        ("evil\u202egnp.exe", "U+202E (RIGHT-TO-LEFT OVERRIDE)"),
        ("a\x00b", "U+0000 (NUL)"),
        ("x\u2066y", "U+2066 (LEFT-TO-RIGHT ISOLATE)"),
        ("bell\x07", "U+0007"),
    ],
)
def test_control_characters_are_refused_with_their_row(cell, named):
    raw = f"project_id,title\np1,fine\np2,{cell}\n".encode()
    frame, messages, report = read(raw)
    assert not usable(report)
    assert messages[0].startswith(f"ERROR: list.csv, row 3, field 'title': holds {named}")
    assert frame.loc[1, "title"] == ""  # never passed on


def test_a_row_longer_than_the_header_is_an_error():
    frame, messages, _ = read(b"project_id,title\np1,a,extra\n")
    assert frame is None and "Expected 2 fields in line 2, saw 3" in messages[0]


def test_limits_are_stated_and_enforced():
    assert SMALL.describe() == "at most 100 rows, 1,000 cells and 1 MB (5 MB unpacked for XLSX)"
    rows = "project_id,title\n" + "".join(f"p{i},t{i}\n" for i in range(101))
    frame, messages, _ = read(rows.encode(), limits=SMALL)
    assert frame is None and "101 rows and 202 cells, over the limit of 100 rows" in messages[0]
    frame, messages, _ = read(b"x" * (10**6 + 1), limits=SMALL)
    assert frame is None and "over the limit of 1 MB" in messages[0]


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@pytest.mark.serial
def test_an_xlsx_whose_one_cell_unpacks_to_2_gb_is_refused_before_parsing():
    book = one_cell_bomb()  # 2 MB on disk
    assert len(book) < 3 * 10**6
    before, start = _peak_mb(), time.perf_counter()
    frame, messages, _ = read(book, "bomb.xlsx")
    assert frame is None
    assert messages == [
        "ERROR: bomb.xlsx: workbook unpacks to 2,147 MB in 6 parts, over the limit of 400 MB; "
        "save only the sheet you need, or as CSV"
    ]
    assert time.perf_counter() - start < 1 and _peak_mb() - before < 50


@pytest.mark.serial
def test_an_xlsx_of_20_million_rows_is_refused_before_parsing():
    book = many_rows_bomb()
    assert len(book) < 4 * 10**6
    start = time.perf_counter()
    frame, messages, _ = read(book, "rows.xlsx")
    assert frame is None and "unpacks to 640 MB" in messages[0]
    assert time.perf_counter() - start < 1


def test_xlsx_rows_and_cells_are_counted_before_parsing():
    book = many_rows_bomb(10_240)  # 340 KB unpacked: within the size, over the rows
    frame, messages, _ = read(book, "rows.xlsx", limits=SMALL)
    assert frame is None
    assert messages == [
        "ERROR: rows.xlsx: first sheet holds over 10,240 rows and 10,240 cells, over the limit "
        "of 100 rows and 1,000 cells; split the file"
    ]


def test_an_xlsx_part_larger_than_it_declares_is_refused():
    frame, messages, _ = read(lying_workbook(), "lie.xlsx")
    assert frame is None
    assert messages == [
        "ERROR: lie.xlsx: not a readable XLSX file: Bad CRC-32 for file 'xl/sharedStrings.xml'"
    ]


def test_xlsx_values_are_text_as_written():
    book = xlsx_bytes([["project_id", "title", "start_year"], ["p1", "A", 2019], ["p2", "B", 2.5]])
    frame, messages, _ = read(book, "v.xlsx")
    assert messages == []
    assert frame.to_dict("records") == [
        {"project_id": "p1", "title": "A", "start_year": "2019"},
        {"project_id": "p2", "title": "B", "start_year": "2.5"},
    ]


def test_not_a_table_is_a_message():
    for raw, name in [(b"PK\x03\x04garbage", "x.xlsx"), (b"", "x.csv"), (b"\n\n", "x.csv")]:
        frame, messages, _ = read(raw, name)
        assert frame is None and messages, name
