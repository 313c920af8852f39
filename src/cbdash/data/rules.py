"""The inventory's rules across records: what counts as a mapping, what a listing needs, and
which coverage a number may claim. Each broken rule is an error naming file, row and field.

- A mapping's `role` is `mapping` (it publishes an inventory, database, map, index, country
  profiles, assessments or a repository that others consult) or `related` (a hub, fund,
  proposal, training centre, network, project or tracker), with `related_kind` saying which.
  A proposal is never counted as active: `status: proposal` goes with a related entry of
  kind proposal, and the reverse.
- Coverage has a basis: `stated_list` (the countries a source lists, in `scope_countries`
  or as a whole group such as every UN member), `stated_count` (a count without the list),
  `derived` (from the scope's region or organisation) or `unknown`. A stated count needs the
  page that states it (`coverage_url`) and its date (`coverage_as_of`). Derived coverage
  reaches only UN member and observer states (Kosovo when named): an explicit territory in
  a derived scope is an error.
- A listing (a project in a mapping) is a row of listings.csv with the URL of that
  mapping's own page for the project; `projects.csv` no longer carries bare mapping ids.
- A source read on a document mirror or a proxy (COPY_HOSTS) is marked as a copy in
  source_copies.csv, with the publisher's URL where it is known.
"""

from __future__ import annotations

import re

import pandas as pd

from cbdash.data.validation import Report

UN_GROUPS = ("un_members", "un_observers")
PLACING_BASES = ("stated_list", "derived")  # coverage bases that place countries
COPY_HOSTS = re.compile(
    r"https?://(?:[\w-]+\.)*(?:studylib|docslib|vdocuments|fdocuments|cupdf|pdfslide|docsbay|"
    r"dokumen|scribd|herokuapp|azurewebsites|liu233w|http3\.lol)\.",
    re.IGNORECASE,
)
KOSOVO = "XKX"


def _given(value: object) -> bool:
    """True for a value that is there (not None, NaN or empty)."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return False
    return value != "" and value != ()


def un_states(country_groups: pd.DataFrame) -> set[str]:
    """UN member and observer states (ISO3) in `country_groups`."""
    return set(country_groups.loc[country_groups["group_id"].isin(UN_GROUPS), "iso3"])


def unique_listings(listings: pd.DataFrame, file: str, report: Report) -> pd.DataFrame:
    """Listings with complete keys, each (project, mapping) once (a repeat is reported)."""
    usable = listings.dropna(subset=["project_id", "mapping_id", "url"])
    repeated = usable.duplicated(["project_id", "mapping_id"], keep="first")
    for row in usable[repeated].itertuples():
        report.add(
            file,
            row.source_row,
            "mapping_id",
            f"'{row.project_id}' is already listed in '{row.mapping_id}'; repeat ignored",
        )
    return usable[~repeated].reset_index(drop=True)


def listed_in(projects: pd.DataFrame, listings: pd.DataFrame) -> list[tuple[str, ...]]:
    """Per project row, the mappings that list it with evidence (sorted ids)."""
    by_project = listings.groupby("project_id")["mapping_id"].agg(lambda s: tuple(sorted(s)))
    return [by_project.get(pid, ()) for pid in projects["project_id"]]


def first_word(text: str) -> str:
    """The first word of a name, case-folded, without brackets or punctuation around it."""
    words = re.findall(r"[\w@+&'’.-]+", text)
    return words[0].strip(".-'’").casefold() if words else ""


def same_start(short: str, name: str) -> bool:
    """True when a short label starts with the name's first word ('ENISA strategies map' /
    'ENISA National Cyber Security Strategies interactive map'), and so can be told to be
    the same mapping."""
    return first_word(short) == first_word(name)


def check_mappings(
    mappings: pd.DataFrame,
    known: dict[str, set[str]],
    country_groups: pd.DataFrame,
    file: str,
    report: Report,
) -> None:
    """Report every broken rule of the module docstring among `mappings`."""
    allowed_countries = un_states(country_groups) | {KOSOVO}
    for m in mappings.to_dict("records"):
        row = m["source_row"]
        _check_role(m, row, file, report)
        _check_coverage(m, row, file, report, allowed_countries)
        short = m.get("short_name")
        if _given(short) and _given(m.get("name")) and not same_start(str(short), str(m["name"])):
            report.add(
                file,
                row,
                "short_name",
                f"'{short}' should start with the name's first word, so that the mapping is "
                "recognisable on every page",
                "warning",
            )
        project = m.get("also_project")
        if _given(project) and project not in known.get("projects", set()):
            report.add(file, row, "also_project", f"'{project}' is not a project of projects.csv")


def _check_role(m: dict, row: int, file: str, report: Report) -> None:
    role, status = m.get("role"), m.get("status")
    kind = m.get("related_kind") if _given(m.get("related_kind")) else None
    if role == "related" and not kind:
        report.add(file, row, "related_kind", "a related effort needs its kind")
    if role == "mapping" and kind:
        report.add(file, row, "related_kind", "only a related effort has a related_kind")
    if status == "proposal" and kind != "proposal":
        report.add(file, row, "status", "a proposal is a related effort of kind proposal")
    if kind == "proposal" and status != "proposal":
        report.add(file, row, "status", "a proposal cannot be counted as active or archived")
    if status == "archived" and not _given(m.get("end_year")):
        report.add(file, row, "end_year", "archived without its end year", "warning")


def _check_coverage(
    m: dict, row: int, file: str, report: Report, allowed_countries: set[str]
) -> None:
    basis = m.get("coverage_basis")
    stated = m.get("countries_stated")
    has_scope = _given(m.get("scope_groups")) or _given(m.get("scope_countries"))
    if basis == "stated_count" and not _given(stated):
        report.add(file, row, "countries_stated", "a stated count needs the count")
    if basis in PLACING_BASES and not has_scope:
        report.add(
            file, row, "coverage_basis", f"'{basis}' coverage needs scope groups or countries"
        )
    if basis in {"stated_list", "stated_count"} or _given(stated):
        for name in ("coverage_url", "coverage_as_of"):
            if not _given(m.get(name)):
                report.add(file, row, name, "a stated coverage needs its page and its date")
    if basis == "derived":
        outside = sorted(set(m.get("scope_countries") or ()) - allowed_countries)
        if outside:
            report.add(
                file,
                row,
                "scope_countries",
                "derived coverage reaches only UN member and observer states: "
                + ", ".join(outside),
            )


def check_copies(projects: pd.DataFrame, copies: pd.DataFrame, file: str, report: Report) -> None:
    """A project source on a mirror or proxy host must be marked in source_copies.csv."""
    marked = set(copies["url"]) if "url" in copies else set()
    for row in projects.itertuples():
        for url in row.sources:
            if COPY_HOSTS.match(url) and url not in marked:
                report.add(
                    file,
                    row.source_row,
                    "sources",
                    f"{url} is a copy on a mirror host: mark it in source_copies.csv",
                )


def check_funder_aliases(
    aliases: pd.DataFrame, projects: pd.DataFrame, file: str, report: Report
) -> pd.DataFrame:
    """The usable rows of the funder alias table (a funder's name as written -> the funder
    it stands for): a row without alias or funder, an alias given twice (case-insensitively),
    an alias that is its own funder, or a funder that is itself an alias (a chain), is
    reported and dropped; an alias no project's funders use is a warning."""
    written = {str(f).strip().casefold() for fs in projects["funders"] for f in fs}
    keys = [str(a).strip().casefold() if _given(a) else "" for a in aliases["alias"]]
    alias_keys = set(keys) - {""}
    seen: dict[str, int] = {}
    keep = []
    for key, row in zip(keys, aliases.itertuples(index=False), strict=True):
        funder = str(row.funder).strip().casefold() if _given(row.funder) else ""
        field, problem = "alias", ""
        if not key or not funder:
            field, problem = ("funder" if key else "alias"), "alias and funder are both needed"
        elif key in seen:
            problem = f"alias '{row.alias}' is given twice (first on row {seen[key]})"
        elif key == funder:
            field, problem = "funder", f"alias '{row.alias}' names itself as its funder"
        elif funder in alias_keys:
            field, problem = "funder", f"funder '{row.funder}' is itself an alias: name the last"
        if problem:
            report.add(file, row.source_row, field, problem + "; row skipped")
        else:
            seen[key] = row.source_row
            if key not in written:
                message = f"no project in projects.csv is funded by '{row.alias}'"
                report.add(file, row.source_row, "alias", message, "warning")
        keep.append(not problem)
    return aliases[keep].reset_index(drop=True)
