"""Load and validate the consolidated inventory in `data/` into typed frames.

`load_inventory(data_dir)` never raises on bad content: it returns the good rows and a
`Report` naming file, row and field of every problem. List cells become tuples, years
become nullable integers, and each frame keeps `source_row` (the row in its file).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd
import pycountry

from cbdash.data import countries, geo, rules
from cbdash.data.files import default_data_dir, read_csv, read_yaml
from cbdash.data.schema import Column, check_columns, validate_columns, validate_records
from cbdash.data.taxonomy import VOCABULARIES, term_index, vocabulary_frame
from cbdash.data.validation import Report

CONFIDENCE = ("high", "medium", "low")
ROLES = ("mapping", "related")
RELATED_KINDS = (
    "portfolio",
    "coordination_hub",
    "fund",
    "proposal",
    "training_centre",
    "network",
    "project",
    "tracker",
    "other",
)
STATUSES = ("active", "archived", "proposal")
COVERAGE_BASES = ("stated_list", "stated_count", "derived", "unknown")
ACCESS = ("open", "registration", "restricted")
EXPORT = ("csv", "api", "download", "none", "unknown")

MAPPING_COLUMNS = [
    Column("id", "id"),
    Column("name", "text", required=True),
    Column("short_name", "text"),
    Column("owners", "list"),
    Column("url", "url"),
    Column("kind", "ref", required=True, ref="mapping_kinds"),
    Column("role", "choice", required=True, choices=ROLES),
    Column("related_kind", "choice", choices=RELATED_KINDS),
    Column("status", "choice", required=True, choices=STATUSES),
    Column("launched", "year"),
    Column("last_update", "year"),
    Column("end_year", "year"),
    Column("predecessors", "ref", ref="mappings", is_list=True),
    Column("also_project", "text"),
    Column("scope", "text"),
    Column("scope_groups", "ref", ref="groups", is_list=True),
    Column("scope_countries", "ref", ref="iso3", is_list=True),
    Column("coverage_basis", "choice", required=True, choices=COVERAGE_BASES),
    Column("countries_stated", "int"),
    Column("coverage_url", "url"),
    Column("coverage_as_of", "text"),
    Column("topics", "ref", ref="topics", is_list=True),
    Column("target_users", "ref", ref="target_users", is_list=True),
    Column("content_types", "ref", ref="content_types", is_list=True),
    Column("native_categories", "list"),
    Column("languages", "list"),
    Column("access", "choice", choices=ACCESS),
    Column("data_export", "choice", choices=EXPORT),
    Column("licence", "text"),
    Column("sources", "urls", required=True),
    Column("confidence", "choice", required=True, choices=CONFIDENCE),
    Column("note", "text"),
]

PROJECT_COLUMNS = [
    Column("project_id", "id"),
    Column("title", "text", required=True),
    Column("aliases", "list"),
    Column("funders", "list"),
    Column("implementers", "list"),
    Column("beneficiary_countries", "ref", ref="iso3", is_list=True),
    Column("beneficiary_regions", "list"),
    Column("topics", "ref", ref="topics", is_list=True),
    Column("target_users", "ref", ref="target_users", is_list=True),
    Column("start_year", "year"),
    Column("end_year", "year"),
    Column("budget", "text"),
    Column("sources", "urls", required=True),
]

LISTING_COLUMNS = [
    Column("project_id", "ref", required=True, ref="projects"),
    Column("mapping_id", "ref", required=True, ref="mappings"),
    Column("url", "url", required=True),
    Column("date_accessed", "text", required=True),
    Column("copy_of", "url"),
]

COPY_COLUMNS = [
    Column("url", "url", required=True),
    Column("publisher_url", "url"),
]

COOPERATION_COLUMNS = [
    Column("link_id", "id"),
    Column("mapping_a", "ref", required=True, ref="mappings"),
    Column("mapping_b", "ref", required=True, ref="mappings"),
    Column("kind", "ref", required=True, ref="link_kinds"),
    Column("year", "year"),
    Column("moved", "text"),
    Column("summary", "text", required=True),
    Column("sources", "urls", required=True),
]

CROSSWALK_COLUMNS = [
    Column("framework", "text", required=True),
    Column("category", "text", required=True),
    Column("topic", "ref", required=True, ref="topics"),
    Column("relation", "text"),
    Column("note", "text"),
    Column("source", "url"),
]

GROUP_COLUMNS = [
    Column("group_id", "id"),
    Column("name", "text", required=True),
    Column("group_type", "text", required=True),
    Column("parent_id", "text"),
    Column("source_url", "url", required=True),
    Column("as_of", "text"),
]

COUNTRY_GROUP_COLUMNS = [
    Column("group_id", "ref", required=True, ref="groups"),
    Column("iso3", "ref", required=True, ref="iso3"),
]

REGION_ALIAS_COLUMNS = [
    Column("alias", "text", required=True),
    Column("group_ids", "ref", ref="groups", is_list=True, required=True),
    Column("note", "text"),
]

FUNDER_ALIAS_COLUMNS = [  # a funder's name as written -> the funder it stands for
    Column("alias", "text", required=True),
    Column("funder", "text", required=True),
    Column("note", "text"),
    Column("source_url", "url"),
]

GCI_TIERS = (1, 5)
GCI_COLUMNS = [
    Column("iso3", "id"),  # one row per country: a second row for it is dropped and reported
    Column("country_as_written", "text"),
    Column("tier", "int", required=True, bounds=GCI_TIERS),
    Column("score", "number", bounds=(0, 100)),
    Column("source_url", "urls", required=True),
    Column("copy_of", "url"),
    Column("note", "text"),
]

DEDUPE_FILES = {  # the duplicate check's knowledge (cbdash.dedupe); validated, not loaded
    "dedupe_words.csv": [
        Column("list", "text", required=True),
        Column("word", "text", required=True),
        Column("value", "text"),
    ],
    "dedupe_glossary.csv": [
        Column("language", "text", required=True),
        Column("term", "text", required=True),
        Column("english", "text", required=True),
    ],
    "dedupe_labels.csv": [
        Column("title_a", "text", required=True),
        Column("title_b", "text", required=True),
        Column("label", "choice", required=True, choices=("same", "different")),
        Column("basis", "text", required=True),
        Column("source_project_ids", "ref", ref="projects", is_list=True, required=True),
    ],
    "dedupe_reviewed.csv": [
        Column("id_a", "text"),
        Column("title_a", "text", required=True),
        Column("id_b", "text"),
        Column("title_b", "text", required=True),
        Column("decision", "choice", required=True, choices=("same", "different")),
        Column("reviewer", "text", required=True),
        Column("date", "date", required=True),
        Column("reason", "text", required=True),
    ],
    "dedupe_model.csv": [
        Column("name", "text", required=True),
        Column("value", "text", required=True),
        Column("note", "text"),
    ],
}
UNKNOWN_KIND = "unknown"  # a mapping's or a link's kind the vocabulary does not know
ORIGIN_FIELDS = ("producer", "title", "url_main", "date_accessed", "licence")
DATA_FILES = (
    "taxonomies.yaml",
    "groups.csv",
    "country_groups.csv",
    "region_aliases.csv",
    "mappings.yaml",
    "projects.csv",
    "listings.csv",
    "source_copies.csv",
    "cooperation.csv",
    "crosswalk.csv",
    "gci2024.csv",
    "funder_aliases.csv",
    *DEDUPE_FILES,
)


@dataclass(frozen=True)
class Inventory:
    """The validated inventory: one frame per data file, plus the validation report."""

    mappings: pd.DataFrame
    projects: pd.DataFrame
    listings: pd.DataFrame
    cooperation: pd.DataFrame
    vocabularies: dict[str, pd.DataFrame]
    crosswalk: pd.DataFrame
    groups: pd.DataFrame
    country_groups: pd.DataFrame
    region_aliases: pd.DataFrame
    origins: pd.DataFrame
    gci: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=GCI_FRAME))
    funder_aliases: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=[c.name for c in FUNDER_ALIAS_COLUMNS])
    )
    report: Report = field(default_factory=Report)

    def vocabulary(self, name: str) -> pd.DataFrame:
        """One vocabulary (topics, target_users, mapping_kinds, content_types, link_kinds)."""
        found = self.vocabularies.get(name)
        return vocabulary_frame([]) if found is None else found


GCI_FRAME = [c.name for c in GCI_COLUMNS] + ["source_row"]


def load_gci(path: Path, report: Report, known: dict[str, set[str]]) -> pd.DataFrame:
    """Read and validate gci2024.csv (ITU GCI 2024 tier and score per country). The file is
    optional: without it every country's tier is unknown. A row whose iso3 is not a country
    code is reported and dropped; `tier` becomes a nullable integer, `score` a float."""
    if not path.exists():
        return pd.DataFrame(columns=GCI_FRAME)
    table = load_csv_file(path, GCI_COLUMNS, report, known)
    unknown = ~table["iso3"].isin(known["iso3"])
    for row in table[unknown].itertuples():
        report.add(path.name, row.source_row, "iso3", f"unknown iso3 '{row.iso3}'; row skipped")
    table = table[~unknown].dropna(subset=["tier"])
    table["tier"] = pd.array(table["tier"].tolist(), dtype="Int64")
    table["score"] = pd.to_numeric(table["score"], errors="coerce").astype(float)
    return table.reset_index(drop=True)


def load_funder_aliases(
    path: Path, projects: pd.DataFrame, report: Report, known: dict[str, set[str]]
) -> pd.DataFrame:
    """Read and validate funder_aliases.csv (optional: without it every funder stands for
    itself); the rows `rules.check_funder_aliases` rejects are dropped."""
    if not path.exists():
        return pd.DataFrame(columns=[c.name for c in FUNDER_ALIAS_COLUMNS] + ["source_row"])
    table = load_csv_file(path, FUNDER_ALIAS_COLUMNS, report, known)
    return rules.check_funder_aliases(table, projects, path.name, report)


def _finish(df: pd.DataFrame, year_columns: tuple[str, ...] = ()) -> pd.DataFrame:
    for col in year_columns:
        if col in df:
            df[col] = pd.array(df[col].tolist(), dtype="Int64")
    return df.reset_index(drop=True)


def load_csv_file(
    path: Path,
    columns: list[Column],
    report: Report,
    known: dict[str, set[str]],
    year_columns: tuple[str, ...] = (),
) -> pd.DataFrame:
    """Read and validate one CSV data file; an empty frame with the right columns if unusable."""
    empty = pd.DataFrame(columns=[c.name for c in columns] + ["source_row"])
    df = read_csv(path, report)
    if df is None:
        return empty
    usable = check_columns(df, columns, path.name, report)
    if any(c.kind == "id" for c in columns) and not any(c.kind == "id" for c in usable):
        return empty
    values = {c.name: df[c.name].tolist() for c in usable if c.name in df.columns}
    out = validate_columns(
        values, len(df), usable, path.name, report, known, suggest={"iso3": countries.to_iso3}
    )
    for col in columns:
        if col not in usable:
            out[col.name] = [() if col.is_list or col.kind in {"list", "urls"} else None] * len(out)
    return _finish(out, year_columns)


def load_taxonomies(path: Path, report: Report) -> dict[str, pd.DataFrame]:
    """Read the vocabularies; an entry without an id is reported and skipped."""
    data = read_yaml(path, report)
    vocabularies: dict[str, pd.DataFrame] = {}
    if not isinstance(data, dict):
        if data is not None:
            report.add(path.name, None, None, "expected a mapping of vocabulary name -> list")
        return {name: vocabulary_frame([]) for name in VOCABULARIES}
    for name in VOCABULARIES:
        entries = data.get(name)
        if not isinstance(entries, list):
            report.add(path.name, None, name, "vocabulary missing or not a list")
            entries = []
        good = []
        seen: set[str] = set()
        for i, e in enumerate(entries, start=1):
            if not isinstance(e, dict) or not str(e.get("id") or "").strip():
                report.add(path.name, i, f"{name}.id", "entry without id; skipped")
            elif e["id"] in seen:
                report.add(path.name, i, f"{name}.id", f"duplicate id '{e['id']}'; skipped")
            else:
                seen.add(e["id"])
                good.append(e)
        vocabularies[name] = vocabulary_frame(good)
    return vocabularies


def load_mappings(path: Path, report: Report, known: dict[str, set[str]]) -> pd.DataFrame:
    """Read and validate mappings.yaml (top-level key `mappings`, a list of entries)."""
    data = read_yaml(path, report)
    entries: list[Any] = []
    if isinstance(data, dict) and isinstance(data.get("mappings"), list):
        entries = data["mappings"]
    elif data is not None:
        report.add(path.name, None, "mappings", "expected a top-level list under 'mappings:'")
    records = []
    for i, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            report.add(path.name, i, None, "entry is not a mapping of fields; skipped")
            records.append({})
            continue
        records.append(entry)
    # Predecessors name other entries of this file: their ids are known before validation.
    ids = {str(r.get("id")).strip() for r in records if r.get("id")}
    out = validate_records(
        records,
        MAPPING_COLUMNS,
        path.name,
        report,
        {**known, "mappings": ids},
        row_number=lambda i: i + 1,
        suggest={"iso3": countries.to_iso3},
    )
    # A mapping whose name could not be used (reported above) is shown by its id, one whose
    # kind is not in the vocabulary is of kind "unknown".
    out["name"] = [
        n if isinstance(n, str) and n else i for n, i in zip(out["name"], out["id"], strict=True)
    ]
    out["kind"] = out["kind"].fillna(UNKNOWN_KIND)
    # source_row is the entry number (1-based), so it points back at each kept record.
    out["entries"] = [
        tuple(_entries(records[row - 1].get("entries"), path.name, row, report))
        for row in out["source_row"]
    ]
    return _finish(out, ("launched", "last_update", "end_year", "countries_stated"))


ENTRY_FIELDS = ("value", "unit", "as_of")


def _entries(value: Any, file: str, row: int, report: Report) -> list[dict[str, Any]]:
    """A mapping's quotable counts: each needs a value, a unit and the date it was true
    (`as_of`); `target: true` marks a goal, which is not a count."""
    if value is None:
        return []
    if not isinstance(value, list):
        report.add(file, row, "entries", "expected a list of {value, unit, as_of}")
        return []
    good = []
    for k, entry in enumerate(value, start=1):
        if not isinstance(entry, dict):
            report.add(file, row, f"entries[{k}]", "expected {value, unit, as_of}; skipped")
            continue
        missing = [f for f in ENTRY_FIELDS if entry.get(f) in (None, "")]
        if missing:
            report.add(
                file,
                row,
                f"entries[{k}].{missing[0]}",
                f"a quotable count needs {', '.join(missing)}; skipped",
            )
            continue
        good.append({**entry, "target": bool(entry.get("target", False))})
    return good


def load_origins(data_dir: Path, report: Report) -> pd.DataFrame:
    """Read each data file's provenance sidecar (`<stem>.meta.yaml`); report missing ones."""
    rows = []
    for name in (*DATA_FILES, "geo/countries.geojson", "geo/points.csv"):
        data_path = data_dir / name
        meta = data_path.with_name(data_path.name.split(".")[0] + ".meta.yaml")
        if not data_path.exists():
            continue
        if not meta.exists():
            report.add(name, None, None, f"no provenance sidecar {meta.name}")
            continue
        info = read_yaml(meta, report) or {}
        if not isinstance(info, dict):
            report.add(meta.name, None, None, "expected a mapping of fields")
            continue
        for key in ORIGIN_FIELDS:
            if not info.get(key):
                report.add(meta.name, None, key, "provenance field is missing")
        rows.append(
            {"file": name, **{k: str(v) for k, v in info.items() if not isinstance(v, dict | list)}}
        )
    return pd.DataFrame(rows)


def load_inventory(data_dir: Path | str | None = None) -> Inventory:
    """Load every data file from `data_dir` (default: `default_data_dir()`), validated;
    problems are in `.report`."""
    data_dir = Path(data_dir) if data_dir is not None else default_data_dir()
    report = Report()
    vocabularies = load_taxonomies(data_dir / "taxonomies.yaml", report)
    known: dict[str, set[str]] = {name: set(v["id"]) for name, v in vocabularies.items()}
    known["iso3"] = {c.alpha_3 for c in pycountry.countries} | {"XKX"}
    groups = load_csv_file(data_dir / "groups.csv", GROUP_COLUMNS, report, known)
    known["groups"] = set(groups["group_id"])
    country_groups = load_csv_file(
        data_dir / "country_groups.csv", COUNTRY_GROUP_COLUMNS, report, known
    ).dropna(subset=["group_id", "iso3"])
    region_aliases = load_csv_file(
        data_dir / "region_aliases.csv", REGION_ALIAS_COLUMNS, report, known
    )
    mappings = load_mappings(data_dir / "mappings.yaml", report, known)
    known["mappings"] = set(mappings["id"])
    projects = load_csv_file(
        data_dir / "projects.csv", PROJECT_COLUMNS, report, known, ("start_year", "end_year")
    )
    # A project whose title could not be used (reported) is shown by its id.
    projects["title"] = [
        t if isinstance(t, str) and t else i
        for t, i in zip(projects["title"], projects["project_id"], strict=True)
    ]
    _check_year_order(projects, "projects.csv", report)
    known["projects"] = set(projects["project_id"])
    listings = load_csv_file(data_dir / "listings.csv", LISTING_COLUMNS, report, known)
    listings = rules.unique_listings(listings, "listings.csv", report)
    projects = projects.assign(listed_in=rules.listed_in(projects, listings))
    rules.check_mappings(mappings, known, country_groups, "mappings.yaml", report)
    copies_path = data_dir / "source_copies.csv"  # optional: a folder without copies
    copies = (
        load_csv_file(copies_path, COPY_COLUMNS, report, known)
        if copies_path.exists()
        else pd.DataFrame(columns=["url", "publisher_url"])
    )
    rules.check_copies(projects, copies, "projects.csv", report)
    cooperation = load_csv_file(
        data_dir / "cooperation.csv", COOPERATION_COLUMNS, report, known, ("year",)
    )
    crosswalk = load_csv_file(data_dir / "crosswalk.csv", CROSSWALK_COLUMNS, report, known)
    gci = load_gci(data_dir / "gci2024.csv", report, known)
    funder_aliases = load_funder_aliases(data_dir / "funder_aliases.csv", projects, report, known)
    known["projects"] = set(projects["project_id"])
    for name, columns in DEDUPE_FILES.items():
        if (data_dir / name).exists():
            load_csv_file(data_dir / name, columns, report, known)
    origins = load_origins(data_dir, report)
    return Inventory(
        mappings=mappings,
        projects=projects,
        listings=listings,
        cooperation=cooperation.dropna(subset=["mapping_a", "mapping_b"])
        .fillna({"kind": UNKNOWN_KIND})
        .reset_index(drop=True),
        vocabularies=vocabularies,
        crosswalk=crosswalk,
        groups=groups,
        country_groups=country_groups.reset_index(drop=True),
        region_aliases=region_aliases,
        origins=origins,
        gci=gci,
        funder_aliases=funder_aliases,
        report=report,
    )


def load_data(data_dir: Path | str | None = None) -> tuple[Inventory, pd.DataFrame, pd.DataFrame]:
    """The inventory and the country geometry (polygon records, points) of `data_dir`, with
    every problem of both in the inventory's report: what the app loads and shows, and what
    `python -m cbdash validate` prints."""
    data_dir = Path(data_dir) if data_dir is not None else default_data_dir()
    if not data_dir.is_dir():  # one message, not one per file
        report = Report()
        report.add(str(data_dir), None, None, "data folder not found")
        return empty_data(report)
    inv = load_inventory(data_dir)
    shapes, points = geo.load_geometry(data_dir, inv.report)
    return inv, shapes, points


def empty_data(report: Report) -> tuple[Inventory, pd.DataFrame, pd.DataFrame]:
    """`load_data`'s result with every frame empty (and typed) and `report` as its report."""
    nowhere = Path("/nonexistent/cbdash-empty")
    shapes, points = geo.load_geometry(nowhere, Report())
    return replace(load_inventory(nowhere), report=report), shapes, points


def _check_year_order(projects: pd.DataFrame, file: str, report: Report) -> None:
    both = projects.dropna(subset=["start_year", "end_year"])
    for row in both.loc[both["start_year"] > both["end_year"]].itertuples():
        report.add(
            file,
            row.source_row,
            "end_year",
            f"ends ({row.end_year}) before it starts ({row.start_year})",
        )


def vocabulary_indexes(inventory: Inventory) -> dict[str, dict[str, str]]:
    """Normalised term -> id, per vocabulary (for matching free text)."""
    return {name: term_index(v) for name, v in inventory.vocabularies.items()}
