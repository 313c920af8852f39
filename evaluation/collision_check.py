"""Check a candidate blind set without showing its collector anything of the project: per
record, whether either name (as `normalise_title` reads it) is already a name of the
inventory, the labels or an evaluation set, and whether the record is well formed. Only
line numbers and a count are printed, so the collector stays blind.

Run `python -m evaluation.collision_check CANDIDATE.csv` from the repository root."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from cbdash.dedupe.normalise import normalise_title
from evaluation.dedupe import LABELS_FILE, SET_COLUMNS, SETS_DIR

DATA = Path(__file__).resolve().parents[1] / "data"


def known_names(data: Path = DATA, sets: Path = SETS_DIR) -> set[str]:
    """Every name the project holds, read as `normalise_title` reads it."""
    raw: list[str] = []
    projects = pd.read_csv(data / "projects.csv", dtype=str, keep_default_na=False)
    raw += [*projects["title"], *(a for v in projects["aliases"] for a in v.split(";"))]
    for path in [data / LABELS_FILE, *sets.glob("dedupe_*.csv")]:
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
        raw += [*table["title_a"], *table["title_b"]]
    return {normalise_title(t) for t in raw if t.strip()} - {""}


def problems(candidate: pd.DataFrame, known: set[str]) -> list[tuple[int, list[str]]]:
    """(line, what is wrong) per record with a problem; line 2 is the first record."""
    out = []
    for line, r in enumerate(candidate.to_dict("records"), start=2):
        found = [] if r["label"] in ("same", "different") else ["label is not same/different"]
        if not (r["source_a"].startswith("http") and r["source_b"].startswith("http")):
            found.append("source_a and source_b must be URLs")
        names = [normalise_title(r[side]) for side in ("title_a", "title_b")]
        found += [
            f"{s} is a name the project has" for s, n in zip("ab", names, strict=True) if n in known
        ]
        found += ["the two names read the same"] if names[0] == names[1] else []
        out += [(line, found)] if found else []
    return out


def main(argv: list[str] | None = None) -> int:
    path = Path((argv or sys.argv[1:])[0])
    candidate = pd.read_csv(path, dtype=str, keep_default_na=False)
    if list(candidate.columns) != list(SET_COLUMNS):
        print(f"the columns must be exactly {', '.join(SET_COLUMNS)}")
        return 1
    found = problems(candidate, known_names())
    for line, what in found:
        print(f"line {line}: " + "; ".join(what))
    same = int((candidate["label"] == "same").sum())
    print(f"{len(candidate)} pairs ({same} same); {len(found)} lines with problems")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
