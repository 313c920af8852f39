"""Files that readers must refuse or read right (issue #16): title rows, UTF-16, duplicated
columns, control characters, formula cells, and XLSX workbooks that unpack to gigabytes or
hold millions of rows in a few MB. Built by code, in memory, in well under a second."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

import pandas as pd

TITLE_ROW_CSV = (
    "Project list exported from Portal X on 2024-05-01,,,,,\n"
    "project_id,title,funders,beneficiary_countries,start_year,end_year\n"
    "p7,Kenya Cyber Skills,European Union,KEN,2019,2021\n"
    "p8,Pacific Incident Response,Donor B,FJI;TON,2020,2023\n"
    "p9,Ghana Cyber Law Review,Donor A,GHA,2021,2022\n"
    "p10,Andes CERT Network,Donor C,PER,2018,2020\n"
)

_PKG = b"http://schemas.openxmlformats.org/package/2006/"
_REL = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_MAIN = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_SML = b"application/vnd.openxmlformats-officedocument.spreadsheetml."
_XML = b'<?xml version="1.0" encoding="UTF-8"?>'
_CONTENT_TYPES = (
    _XML + b'<Types xmlns="' + _PKG + b'content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    b'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/xl/workbook.xml" ContentType="' + _SML + b'sheet.main+xml"/>'
    b'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="'
    + _SML
    + b'worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="'
    + _SML
    + b'sharedStrings+xml"/></Types>'
)
_ROOT_RELS = (
    _XML + b'<Relationships xmlns="' + _PKG + b'relationships"><Relationship Id="rId1" '
    b'Type="' + _REL + b'/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    _XML + b'<workbook xmlns="' + _MAIN + b'" xmlns:r="' + _REL + b'">'
    b'<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    _XML + b'<Relationships xmlns="' + _PKG + b'relationships">'
    b'<Relationship Id="rId1" Type="' + _REL + b'/worksheet" Target="worksheets/sheet1.xml"/>'
    b'<Relationship Id="rId2" Type="' + _REL + b'/sharedStrings" Target="sharedStrings.xml"/>'
    b"</Relationships>"
)
_SHEET_HEAD = _XML + b'<worksheet xmlns="' + _MAIN + b'"><sheetData>'
_SHEET_TAIL = b"</sheetData></worksheet>"


def _repeated_deflate(head: bytes, block: bytes, times: int, tail: bytes) -> tuple[bytes, int, int]:
    """Raw deflate data of head + block * times + tail, made by compressing `block` once
    (a full flush makes its compressed form repeatable), its CRC-32 and its size."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = c.compress(head) + c.flush(zlib.Z_FULL_FLUSH)
    piece = c.compress(block) + c.flush(zlib.Z_FULL_FLUSH)
    last = c.compress(tail) + c.flush()
    crc = _crc_repeat(zlib.crc32(head), block, times)
    crc = zlib.crc32(tail, crc)
    return first + piece * times + last, crc, len(head) + len(block) * times + len(tail)


def _crc_repeat(crc: int, block: bytes, times: int) -> int:
    """zlib.crc32(block * times, crc), a megabyte at a time (a few GB in under a second)."""
    chunk = block * max(1, (1 << 20) // len(block))
    per = len(chunk) // len(block)
    while times >= per:
        crc = zlib.crc32(chunk, crc)
        times -= per
    return zlib.crc32(block * times, crc)


def _zip(members: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip archive of deflated members given as (name, raw deflate data, crc, size)."""
    out = io.BytesIO()
    central = []
    for name, data, crc, size in members:
        offset = out.tell()
        encoded = name.encode()
        out.write(
            struct.pack(
                "<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(data), size, len(encoded), 0
            )
        )
        out.write(encoded)
        out.write(data)
        central.append(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                0,
                8,
                0,
                0,
                crc,
                len(data),
                size,
                len(encoded),
                0,
                0,
                0,
                0,
                0,
                offset,
            )  # fmt: skip
            + encoded
        )
    start = out.tell()
    for record in central:
        out.write(record)
    size = out.tell() - start
    out.write(
        struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), size, start, 0)
    )
    return out.getvalue()


def _small(name: str, data: bytes) -> tuple[str, bytes, int, int]:
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return name, c.compress(data) + c.flush(), zlib.crc32(data), len(data)


def lying_workbook() -> bytes:
    """A workbook whose shared strings declare 1,000 bytes but unpack to 64 MB."""
    book = one_cell_bomb(64 * 2**20)
    archive = zipfile.ZipFile(io.BytesIO(book))
    members = []
    for info in archive.infolist():
        raw = book[info.header_offset :]
        start = 30 + len(info.filename.encode())
        data = raw[start : start + info.compress_size]
        size = 1000 if info.filename == "xl/sharedStrings.xml" else info.file_size
        members.append((info.filename, data, info.CRC, size))
    return _zip(members)


def _workbook(sheet: tuple[str, bytes, int, int], strings: tuple[str, bytes, int, int]) -> bytes:
    return _zip(
        [
            _small("[Content_Types].xml", _CONTENT_TYPES),
            _small("_rels/.rels", _ROOT_RELS),
            _small("xl/workbook.xml", _WORKBOOK),
            _small("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS),
            sheet,
            strings,
        ]
    )


def one_cell_bomb(unpacked: int = 2 * 2**30) -> bytes:
    """A workbook of a few MB whose one cell (a shared string) unpacks to `unpacked`
    bytes (2 GB by default)."""
    sheet = _SHEET_HEAD + b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>' + _SHEET_TAIL
    block = b"A" * (1 << 20)
    strings = (
        "xl/sharedStrings.xml",
        *_repeated_deflate(
            _XML + b'<sst xmlns="' + _MAIN + b'" count="1" uniqueCount="1"><si><t>',
            block,
            unpacked // len(block),
            b"</t></si></sst>",
        ),
    )
    return _workbook(_small("xl/worksheets/sheet1.xml", sheet), strings)


def many_rows_bomb(rows: int = 20_000_000) -> bytes:
    """A workbook of a few MB whose sheet holds `rows` rows of one cell each (the rows are
    identical, without row numbers, so their compressed form repeats)."""
    block = b'<row><c t="s"><v>0</v></c></row>' * 1024
    data, crc, size = _repeated_deflate(_SHEET_HEAD, block, rows // 1024, _SHEET_TAIL)
    strings = _XML + b'<sst xmlns="' + _MAIN + b'"><si><t>x</t></si></sst>'
    return _workbook(
        ("xl/worksheets/sheet1.xml", data, crc, size), _small("xl/sharedStrings.xml", strings)
    )


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    """A real workbook (written by pandas/openpyxl) of `rows`, no header added."""
    out = io.BytesIO()
    pd.DataFrame(rows).to_excel(out, header=False, index=False)
    return out.getvalue()
