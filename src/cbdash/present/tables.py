"""Readable tables for display and download: ids become labels, lists become text.

The same frame feeds the on-screen table and its CSV download, so both hold exactly
the same rows and columns.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from cbdash.analysis.coverage import covered_count
from cbdash.analysis.model import Model
from cbdash.data.countries import country_name


def join(
    values: tuple[str, ...] | list[str] | None,
    labels: Mapping[str, str] | None = None,
    sep: str = "; ",
) -> str:
    """List cell as text, each value replaced by its label when known."""
    if not values:
        return ""
    return sep.join(str((labels or {}).get(v, v)) for v in values)


def _entries_text(entries: tuple[dict, ...]) -> str:
    """Quotable counts with their dates ("~900 projects and activities (as of 2023)"); a
    target says so."""
    parts = []
    for e in entries or ():
        approx = "~" if e.get("approx") else ""
        unit = str(e.get("unit", "")).replace("_", " ")
        when = f" (as of {e['as_of']})" if e.get("as_of") else ""
        target = "target: " if e.get("target") else ""
        parts.append(f"{target}{approx}{e.get('value')} {unit}{when}")
    return "; ".join(parts)


ROLE_WORDS = {"mapping": "mapping", "related": "related effort"}


def mapping_table(
    mappings: pd.DataFrame,
    labels: Mapping[str, Mapping[str, str]],
    covered: pd.DataFrame | None = None,
    regions: pd.Series | None = None,
) -> pd.DataFrame:
    """One readable row per mapping, its id last. `covered` (coverage.covered_count: index
    id, columns countries and basis) adds the country count a presenter may quote and its
    basis; `regions` (index id) the UN regions its coverage reaches."""
    related = mappings["related_kind"].fillna("").map(lambda k: k.replace("_", " "))
    t = pd.DataFrame(
        {
            "name": mappings["name"],
            "owners": mappings["owners"].map(join),
            "kind": mappings["kind"].map(lambda k: labels.get("kinds", {}).get(k, k)),
            "counts as": [
                ROLE_WORDS.get(r, r) + (f" ({k})" if k else "")
                for r, k in zip(mappings["role"], related, strict=True)
            ],
            "status": [
                s + (f" since {int(e)}" if s == "archived" and not pd.isna(e) else "")
                for s, e in zip(mappings["status"], mappings["end_year"], strict=True)
            ],
            "scope": mappings["scope"].fillna(""),
            "countries covered": (
                mappings["id"].map(covered["countries"]).astype("Int64")
                if covered is not None
                else None
            ),
            "coverage basis": (
                mappings["id"].map(covered["basis"]) if covered is not None else None
            ),
            "regions covered": (
                mappings["id"].map(regions).astype(object).fillna("")
                if regions is not None
                else None
            ),
            "topics": mappings["topics"].map(lambda v: join(v, labels.get("topics"))),
            "target users": mappings["target_users"].map(lambda v: join(v, labels.get("users"))),
            "content": mappings["content_types"].map(
                lambda v: join(v, labels.get("content_types"))
            ),
            "entries": mappings["entries"].map(_entries_text),
            "launched": mappings["launched"],
            "last update": mappings["last_update"],
            "access": mappings["access"].fillna("unknown"),
            "data export": mappings["data_export"].fillna("unknown"),
            "licence": mappings["licence"].fillna(""),
            "confidence": mappings["confidence"],
            "url": mappings["url"].fillna(""),
            "sources": mappings["sources"].map(lambda v: join(v, sep=" ")),
            "note": mappings["note"].fillna(""),
            "mapping id": mappings["id"],
        }
    )
    if covered is None:
        t = t.drop(columns=["countries covered", "coverage basis"])
    if regions is None:
        t = t.drop(columns=["regions covered"])
    return t.reset_index(drop=True)


def project_table(
    projects: pd.DataFrame,
    labels: Mapping[str, Mapping[str, str]],
    mapping_names: Mapping[str, str],
    regions: pd.Series | None = None,
) -> pd.DataFrame:
    """One readable row per project, with the mappings that list it by name and its id
    last; `regions` (index project id) adds the UN regions it reaches."""
    t = pd.DataFrame(
        {
            "title": projects["title"],
            "aliases": projects["aliases"].map(join),
            "funders": projects["funders"].map(join),
            "implementers": projects["implementers"].map(join),
            "beneficiary countries": projects["beneficiary_countries"].map(
                lambda v: join([country_name(c) for c in v])
            ),
            "beneficiary regions": projects["beneficiary_regions"].map(join),
            "regions reached": (
                projects["project_id"].map(regions).astype(object).fillna("")
                if regions is not None
                else None
            ),
            "topics": projects["topics"].map(lambda v: join(v, labels.get("topics"))),
            "target users": projects["target_users"].map(lambda v: join(v, labels.get("users"))),
            "start": projects["start_year"],
            "end": projects["end_year"],
            "budget": projects["budget"].fillna(""),
            "listed in": projects["listed_in"].map(lambda v: join(v, mapping_names)),
            "mappings listing it": projects["listed_in"].map(len),
            "sources": projects["sources"].map(lambda v: join(v, sep=" ")),
            "project id": projects["project_id"],
        }
    )
    if regions is None:
        t = t.drop(columns=["regions reached"])
    return t.reset_index(drop=True)


# The column of a readable table that shows what each sidebar filter acted on, so that a
# download says why each of its rows passed.
FILTER_COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    "mappings": {
        "include": ("counts as", "status"),
        "kinds": ("kind",),
        "regions": ("regions covered",),
        "topics": ("topics",),
        "users": ("target users",),
        "access": ("access",),
        "export": ("data export",),
        "confidence": ("confidence",),
    },
    "projects": {
        "regions": ("regions reached",),
        "topics": ("topics",),
        "users": ("target users",),
    },
}


def with_filter_columns(
    columns: Sequence[str], table: str, active: Sequence[str], available: Sequence[str]
) -> list[str]:
    """`columns` and, after them, the columns of each active filter (`active`: filter
    names) that acts on `table` ("mappings" or "projects") not among them yet."""
    out = list(dict.fromkeys(columns))
    for name, shown in FILTER_COLUMNS[table].items():
        if name in active:
            out += [c for c in shown if c in available and c not in out]
    return out


CHAR_PX = 7.2  # px per character of a table cell at Streamlit's font size
MIN_COLUMN_PX, MAX_COLUMN_PX = 64, 230


def column_widths(
    df: pd.DataFrame, max_px: int = MAX_COLUMN_PX, sample: int = 200
) -> dict[str, int]:
    """A width in px for each column of a table: enough for its header and for nine in ten
    of its first `sample` values, at most `max_px` (a long name or list is cut in the cell,
    in full on hover and in the download), so that the first columns, the ones a page
    talks about, are on screen at 1280x720."""
    head = df.head(sample)
    widths = {}
    for column in df.columns:
        lengths = head[column].map(lambda v: len(str(v)) if not _blank(v) else 0)
        typical = float(lengths.quantile(0.9)) if len(lengths) else 0.0
        chars = max(len(str(column)), typical)
        widths[str(column)] = int(min(max(chars * CHAR_PX + 24, MIN_COLUMN_PX), max_px))
    return widths


def _blank(value: object) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def search(df: pd.DataFrame, text: str) -> pd.DataFrame:
    """Rows where any text cell contains `text` (case-insensitive, plain text, no regex)."""
    needle = text.strip().casefold()
    if not needle:
        return df
    hay = df.astype(str).apply(lambda col: col.str.casefold().str.contains(needle, regex=False))
    return df[hay.any(axis=1)]


def matrix_long(
    matrix: pd.DataFrame, row_name: str, col_name: str, value_name: str = "value"
) -> pd.DataFrame:
    """A matrix as a long table (row, column, value) for CSV download."""
    m = matrix.rename_axis(index=row_name, columns=col_name)
    return m.stack(future_stack=True).rename(value_name).reset_index()


def named_long(
    matrix: pd.DataFrame,
    row: str,
    column: str,
    value: str,
    row_names: Mapping[str, str] | None = None,
    column_names: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """A matrix as a long table for people: the row's and the column's names (from
    `row_names` / `column_names`), the value, then their ids in their own columns ('<row>
    id'); a side without names keeps its values as they are and gets no id column."""
    long = matrix_long(matrix, f"{row} id", f"{column} id", value)
    out = {}
    ids = []
    for name, names in ((row, row_names), (column, column_names)):
        if names is None:
            out[name] = long[f"{name} id"]
        else:
            out[name] = long[f"{name} id"].map(lambda k, n=names: n.get(k, k))
            ids.append(f"{name} id")
    out[value] = long[value]
    for name in ids:
        out[name] = long[name]
    return pd.DataFrame(out)


def cited_pages(
    mappings: pd.DataFrame, projects: pd.DataFrame, cooperation: pd.DataFrame
) -> pd.DataFrame:
    """Every web page the inventory cites: url, site, how many records cite it, and which."""
    parts = []
    for frame, id_col, kind in (
        (mappings, "id", "mapping"),
        (projects, "project_id", "project"),
        (cooperation, "link_id", "link"),
    ):
        long = frame[[id_col, "sources"]].explode("sources").dropna(subset=["sources"])
        parts.append(
            pd.DataFrame({"url": long["sources"], "record": kind + ":" + long[id_col].astype(str)})
        )
    both = pd.concat(parts, ignore_index=True)
    if both.empty:
        return pd.DataFrame(columns=["url", "site", "records", "cited by"])
    # One sort, then each url's records joined from a slice (not a Python call per group).
    both = both.drop_duplicates().sort_values(["url", "record"], ignore_index=True)
    urls = both["url"].to_numpy(dtype=object)
    records = both["record"].tolist()
    starts = np.flatnonzero(np.r_[True, urls[1:] != urls[:-1]])
    ends = np.r_[starts[1:], len(urls)]
    table = pd.DataFrame(
        {
            "url": pd.Series(urls[starts].tolist(), dtype=both["url"].dtype),
            "records": (ends - starts).astype(np.int64),
            "cited by": ["; ".join(records[a:b]) for a, b in zip(starts, ends, strict=True)],
        }
    )
    table.insert(1, "site", table["url"].str.extract(r"https?://(?:www\.)?([^/]+)", expand=False))
    return table.sort_values(["records", "url"], ascending=[False, True], ignore_index=True)


def _joined_regions(table: pd.DataFrame, id_col: str) -> pd.Series:
    """The UN regions of each id in a long (id, region) table, joined by '; '."""
    if table.empty:
        return pd.Series(dtype=object)
    return table.sort_values("region").groupby(id_col)["region"].agg("; ".join)


def mapping_rows(model: Model) -> pd.DataFrame:
    """`mapping_table` of every mapping (with its derived country count and the UN regions
    its coverage reaches), row-aligned with `model.inventory.mappings`; made once per
    model."""

    def make() -> pd.DataFrame:
        covered = covered_count(model.inventory.mappings, model.coverage)
        regions = _joined_regions(model.mapping_regions, "mapping_id")
        return mapping_table(model.inventory.mappings, model.labels, covered, regions)

    return model.derived("mapping_rows", make)


def project_rows(model: Model, projects: pd.DataFrame | None = None) -> pd.DataFrame:
    """`project_table` of every project (with the UN regions it reaches), row-aligned with
    `model.inventory.projects` and made once per model; with `projects` (rows of
    `model.filtered_projects`), those rows, their listings as narrowed by the filters."""
    rows = model.derived(
        "project_rows",
        lambda: project_table(
            model.inventory.projects,
            model.labels,
            model.mapping_names,
            _joined_regions(model.project_regions, "project_id"),
        ),
    )
    if projects is None:
        return rows
    listed = projects["listed_in"].to_numpy(dtype=object)
    return rows.loc[projects.index].assign(
        **{
            "listed in": [join(v, model.mapping_names) for v in listed],
            "mappings listing it": [len(v) for v in listed],
        }
    )
