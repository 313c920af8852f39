"""Project lists (another mapping's export, checked for duplicates) and reviewed pairs of
project names, read with messages naming file, row and field. cbdash.dedupe reads these."""

from __future__ import annotations

import csv
import io
import os
import re
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from cbdash.data.files import default_data_dir
from cbdash.data.writes import write_atomic

REQUIRED_COLUMNS = ("project_id", "title")
OPTIONAL_COLUMNS = (
    "aliases",
    "funders",
    "implementers",
    "beneficiary_countries",
    "start_year",
    "end_year",
    "listed_in",
)
LIST_COLUMNS = frozenset(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)  # the columns a list may have


class DedupeInputError(ValueError):
    """Bad input for the duplicate check; `messages` name file, row and field. `exit_code`:
    2 for an unusable file, 1 for data errors inside a readable one."""

    def __init__(self, messages: list[str], exit_code: int = 2):
        super().__init__("\n".join(messages))
        self.messages = messages
        self.exit_code = exit_code


def knowledge_dir() -> Path:
    """Where the duplicate check's word lists, glossary, labels and model are: the data folder
    when it has them, else data/ in the working directory (an app shown a synthetic inventory
    elsewhere, run from the repository root)."""
    here = default_data_dir()
    return here if (here / "dedupe_words.csv").exists() else Path("data")


def word_lists(name: str, key: str, word: str, value: str) -> dict[str, dict[str, str]]:
    """A CSV of the knowledge folder as {key: {word: value}} (empty when it is missing)."""
    out: dict[str, dict[str, str]] = defaultdict(dict)
    path = knowledge_dir() / name
    for row in csv.DictReader(path.open(encoding="utf-8")) if path.exists() else ():
        out[row[key]][row[word]] = row[value] or ""
    return out


def split_list(value: Any) -> list[str]:
    """A ';'-separated cell as a clean list ([] for an empty or missing cell)."""
    text = "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
    return [v.strip() for v in text.split(";") if v.strip()]


def year(value: Any) -> int | None:
    """A four-digit year in a cell ("2016", "2016.0"), else None."""
    text = "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
    return int(text) if re.fullmatch(r"\d{4}", text := text.strip().removesuffix(".0")) else None


REVIEWED_COLUMNS = ("id_a", "title_a", "id_b", "title_b", "decision", "reviewer", "date", "reason")
"""A reviewed pair: two names (and, for rows of an inventory, their ids), the decision
("same" or "different"), who decided, when (YYYY-MM-DD) and why."""


def _read_csv(path: Path, required: Iterable[str]) -> pd.DataFrame:
    if not path.exists():
        raise DedupeInputError([f"ERROR: {path}: file not found"])
    if path.is_dir():
        raise DedupeInputError([f"ERROR: {path}: is a directory, not a CSV file"])
    return parse_csv(path.read_bytes(), str(path), required)


def parse_csv(raw: bytes, name: str, required: Iterable[str]) -> pd.DataFrame:
    """CSV bytes as strings (UTF-8, else Windows-1252); `name` in messages."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    if not text.strip():
        raise DedupeInputError(
            [f"ERROR: {name}: file is empty (expected a header row with {', '.join(required)})"]
        )
    try:
        df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, on_bad_lines="error")
    except (pd.errors.ParserError, csv.Error) as exc:
        raise DedupeInputError([f"ERROR: {name}: not a valid CSV: {exc}"]) from exc
    df.columns = [str(c).strip() for c in df.columns]
    found = ", ".join(df.columns)
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise DedupeInputError(
            [
                f"ERROR: {name}: missing required column '{c}' (columns found: {found})"
                for c in missing
            ]
        )
    return df


def read_projects(path: str | Path) -> tuple[pd.DataFrame, list[str]]:
    """A project list (at least project_id, title) and its warnings; missing optional columns
    are added empty, other columns dropped. Rows are counted as an editor shows them."""
    return _checked(_read_csv(Path(path), REQUIRED_COLUMNS), str(path))


def parse_projects(raw: bytes, name: str) -> tuple[pd.DataFrame, list[str]]:
    """read_projects for an uploaded file; without a project_id column the rows are
    numbered ("row 2", the header being row 1)."""
    df = parse_csv(raw, name, ("title",))
    if "project_id" not in df.columns:
        df.insert(0, "project_id", [f"row {pos + 2}" for pos in range(len(df))])
    return _checked(df, name)


def _checked(df: pd.DataFrame, name: str) -> tuple[pd.DataFrame, list[str]]:
    if df.empty:
        raise DedupeInputError([f"ERROR: {name}: no data rows below the header"])
    errors: list[str] = []
    warnings: list[str] = []
    df["project_id"] = df["project_id"].str.strip()
    rows_of: dict[str, list[int]] = defaultdict(list)
    for pos, pid in enumerate(df["project_id"]):
        if not pid:
            errors.append(f"ERROR: {name}, row {pos + 2}, field 'project_id': empty")
        else:
            rows_of[pid].append(pos + 2)
    for pid, rows in rows_of.items():
        if len(rows) > 1:
            errors.append(
                f"ERROR: {name}, rows {', '.join(map(str, rows))}, field 'project_id': "
                f"duplicate project_id '{pid}'"
            )
    for col in OPTIONAL_COLUMNS:
        if col not in df.columns:
            df[col] = ""
    for pos, r in enumerate(df.to_dict("records")):
        if not str(r["title"]).strip() and not str(r["aliases"]).strip():
            warnings.append(
                f"WARNING: {name}, row {pos + 2}, field 'title': empty and no aliases; "
                "the row stays alone"
            )
        for col in ("start_year", "end_year"):
            value = str(r[col]).strip()
            if value and year(value) is None:
                warnings.append(
                    f"WARNING: {name}, row {pos + 2}, field '{col}': '{value}' is not "
                    "a year; ignored"
                )
    if errors:
        raise DedupeInputError(errors, exit_code=1)
    return df[[*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS]], warnings


def load_reviewed(path: str | Path) -> list[dict[str, str]]:
    """The reviewed pairs of a file in REVIEWED_COLUMNS; every row needs both names, a
    decision (same|different), a reviewer, a date (YYYY-MM-DD) and a reason. A file that
    does not exist holds no pairs."""
    path = Path(path)
    if not path.exists():
        return []
    return check_reviewed(_read_csv(path, REVIEWED_COLUMNS), str(path))


def check_reviewed(df: pd.DataFrame, name: str) -> list[dict[str, str]]:
    """The rows of a reviewed-pairs frame, stripped; DedupeInputError naming each bad cell."""
    errors = []
    rows = [{k: str(v).strip() for k, v in r.items()} for r in df.to_dict("records")]
    for pos, r in enumerate(rows):
        where = f"ERROR: {name}, row {pos + 2}, field"
        errors += [
            f"{where} '{c}': empty" for c in REVIEWED_COLUMNS[1:] if c != "id_b" and not r.get(c)
        ]
        if r.get("decision") and r["decision"] not in {"same", "different"}:
            errors.append(f"{where} 'decision': '{r['decision']}' is not same|different")
        if r.get("date") and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", r["date"]):
            errors.append(f"{where} 'date': '{r['date']}' is not YYYY-MM-DD")
        if (
            r.get("title_a")
            and r.get("title_a") == r.get("title_b")
            and r.get("id_a") == r.get("id_b")
        ):
            errors.append(f"{where} 'title_b': the same name and id as title_a")
    if errors:
        raise DedupeInputError(errors, exit_code=1)
    return [{c: r.get(c, "") for c in REVIEWED_COLUMNS} for r in rows]


def reviewed_frame(rows: Iterable[dict[str, str]]) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=list(REVIEWED_COLUMNS))


WRITE_REVIEWED_ENV = "CBDASH_WRITE_REVIEWED"
"""The setting ("1") that lets the app add reviewed pairs to the data folder; off by default."""


def may_write_reviewed() -> bool:
    """Whether the app may add decisions to the data folder's reviewed pairs ($CBDASH_WRITE_REVIEWED
    is "1"): a deployment shows data to readers and never writes unless it is set."""
    return os.environ.get(WRITE_REVIEWED_ENV, "").strip() == "1"


def add_reviewed(path: str | Path, frame: pd.DataFrame) -> int:
    """Append the reviewed pairs of `frame` (REVIEWED_COLUMNS) to the file at `path` (made with
    its header when missing), after checking the file and the new rows together; the rows
    already there are left as they are. Returns how many rows were added; DedupeInputError
    (nothing written) when a row is not valid."""
    path = Path(path)
    rows = check_reviewed(frame.reindex(columns=list(REVIEWED_COLUMNS), fill_value=""), "new rows")
    known = load_reviewed(path)
    rows = [r for r in rows if r not in known]
    if rows:
        new = not path.exists() or not path.read_bytes().strip()
        text = "" if new else path.read_text(encoding="utf-8")
        out = io.StringIO()
        out.write(text if new or text.endswith("\n") else text + "\n")
        writer = csv.DictWriter(out, fieldnames=REVIEWED_COLUMNS, lineterminator="\n")
        if new:
            writer.writeheader()
        writer.writerows(rows)
        write_atomic(path, out.getvalue().encode("utf-8"))  # the old file whole until renamed
    return len(rows)
