"""Validation issues: what is wrong, in which file, row and field.

Every loader collects issues instead of raising, so that all problems are reported at once
and the good rows are kept. A row is dropped only when it cannot be used at all (no id,
duplicate id); a bad value inside a row is dropped from that row and reported.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

Level = Literal["error", "warning"]


@dataclass(frozen=True)
class Issue:
    """One problem found in a data file.

    `row` is the line number a person sees in an editor for CSV files (header = line 1)
    and the 1-based entry number for YAML lists; None when the issue concerns the file.
    """

    file: str
    row: int | None
    field: str | None
    message: str
    level: Level = "error"

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.field:
            where += f", field '{self.field}'"
        return f"{self.level.upper()}: {where}: {self.message}"


@dataclass
class Report:
    """All issues found while loading or importing, in the order found."""

    issues: list[Issue] = field(default_factory=list)

    def add(
        self,
        file: str,
        row: int | None,
        field_name: str | None,
        message: str,
        level: Level = "error",
    ) -> None:
        """Record one issue."""
        self.issues.append(Issue(file, row, field_name, message, level))

    def extend(self, issues: Iterable[Issue]) -> None:
        """Record several issues."""
        self.issues.extend(issues)

    @property
    def errors(self) -> list[Issue]:
        """Issues of level error."""
        return [i for i in self.issues if i.level == "error"]

    @property
    def warnings(self) -> list[Issue]:
        """Issues of level warning."""
        return [i for i in self.issues if i.level == "warning"]

    @property
    def ok(self) -> bool:
        """True when there is no error (warnings allowed)."""
        return not self.errors

    def to_frame(self) -> pd.DataFrame:
        """The issues as a table (level, file, row, field, message)."""
        return pd.DataFrame(
            [
                {
                    "level": i.level,
                    "file": i.file,
                    "row": i.row,
                    "field": i.field or "",
                    "message": i.message,
                }
                for i in self.issues
            ],
            columns=["level", "file", "row", "field", "message"],
        ).astype({"row": "Int64"})

    def text(self) -> str:
        """A printable report, one issue per line, then a summary line."""
        lines = [str(i) for i in self.issues]
        lines.append(f"{len(self.errors)} error(s), {len(self.warnings)} warning(s)")
        return "\n".join(lines)
