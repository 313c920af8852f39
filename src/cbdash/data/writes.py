"""Writing files so that no write can lose data, and CSV a spreadsheet cannot run.

Every write goes to a temporary file in the target's folder, is flushed and fsynced, and
is then renamed over the target (and the folder fsynced): a write interrupted at any point
(even `kill -9`) leaves the old file whole, never an empty or half-written one. A leftover
temporary file (`.<name>.*.tmp`) is only a partial copy and can be deleted.

Spreadsheet safety: a text cell starting with `=`, `+`, `-`, `@`, tab or carriage return
could run as a formula (CSV injection), so `safe_frame` gives it a leading apostrophe, as
every download does. Numbers stay numbers: only text cells are touched, whatever their
dtype. List cells (tuples) are joined with "; ". Data files are written as they are, not
neutralised: they hold the values the app reads back, and an apostrophe would become part
of a title. `python -m cbdash import` leaves out (and reports) every value a spreadsheet
would run (`cbdash.text.formula_start`), so the data files it writes hold none; the app's
downloads and `dedupe --out` are neutralised.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd

from cbdash.text import FORMULA_STARTS


def write_atomic(path: Path | str, data: bytes) -> None:
    """Replace `path` with `data` atomically (temporary file, fsync, rename, fsync the
    folder); the target keeps its permissions, a new file gets the usual ones."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    folder.mkdir(parents=True, exist_ok=True)
    try:
        mode = path.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fchmod(fh.fileno(), mode)
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    dir_fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


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


def csv_bytes(df: pd.DataFrame, *, safe: bool = True, lineterminator: str = "\r\n") -> bytes:
    """UTF-8 CSV bytes of `df` without its index; spreadsheet-safe unless `safe=False`
    (data files, see the module docstring)."""
    frame = safe_frame(df) if safe else df
    return frame.to_csv(index=False, lineterminator=lineterminator).encode("utf-8")


def write_csv(
    df: pd.DataFrame, path: Path | str, *, safe: bool = True, lineterminator: str = "\r\n"
) -> None:
    """`csv_bytes` written atomically to `path`."""
    write_atomic(path, csv_bytes(df, safe=safe, lineterminator=lineterminator))
