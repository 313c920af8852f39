"""The Home page's view: what it shows, kept per filter state and choice."""

from __future__ import annotations

from typing import NamedTuple

import pandas as pd

from cbdash.analysis.filters import Filters
from cbdash.analysis.model import Model
from cbdash.data.rules import PLACING_BASES
from cbdash.present import takeaways
from cbdash.present.tables import mapping_rows, with_filter_columns
from cbdash.text import plural

HOME_COLUMNS = [  # what a presenter reads first fits 1280 px: name, kind, countries
    "name",
    "kind",
    "countries covered",
    "coverage basis",
    "counts as",
    "owners",
    "topics",
    "target users",
    "status",
    "url",
]
UN_MEMBERS = "un_members"


class HomeHeadline(NamedTuple):
    """The opening sentence, the four numbers (mapping efforts counted, projects, UN member
    states covered, cooperation links), the number that UN members are read against, a line
    on what is shown apart and on the basis of the country count, and the four numbers as
    shown ("unknown" countries when no counted mapping gives a list or a scope but some
    state a count or nothing)."""

    sentence: str
    numbers: list[int]
    un_members: int
    apart: str
    shown: list[str]


def home_headline(model: Model, filters: Filters) -> HomeHeadline:
    """Who maps, and how much, among the mappings and projects that pass the filters; kept
    per filter state. Countries are UN member states covered by a stated list or derived
    from a scope (a stated count without its list places no country)."""

    def make() -> HomeHeadline:
        mappings = model.filtered_mappings(filters)
        ids = set(mappings["id"])
        cooperation = model.inventory.cooperation
        links = cooperation["mapping_a"].isin(ids) & cooperation["mapping_b"].isin(ids)
        members = set(
            model.inventory.country_groups.loc[
                model.inventory.country_groups["group_id"] == UN_MEMBERS, "iso3"
            ]
        )
        covered = model.coverage.loc[model.coverage["mapping_id"].isin(ids), "iso3"]
        numbers = [
            len(mappings),
            len(model.filtered_projects(filters)),
            len(set(covered) & members),
            int(links.sum()),
        ]
        kinds = home_kinds(model, filters)[0]
        sentence = takeaways.who_maps_by_kind(mappings, kinds, counted_words(filters))
        placed = mappings["coverage_basis"].isin(PLACING_BASES).any()
        countries = f"{numbers[2]} of {len(members)}"
        if numbers[2] == 0 and not placed and not mappings.empty:
            countries = "unknown"  # only counts without a list, or nothing known
        shown = [f"{numbers[0]:,}", f"{numbers[1]:,}", countries, f"{numbers[3]:,}"]
        apart = _apart(model, filters, mappings)
        return HomeHeadline(sentence, numbers, len(members), apart, shown)

    return model.memo(("home", filters), make)


def counted_words(filters: Filters) -> str:
    """What the headline counts, in words ("active mappings", "... and related efforts")."""
    extra = {"archived": "archived mappings", "related": "related efforts", "proposal": "proposals"}
    added = [extra[i] for i in filters.include if i in extra]
    return "active mappings" + ("" if not added else " and " + " and ".join(added))


def _apart(model: Model, filters: Filters, mappings: pd.DataFrame) -> str:
    """What the count leaves out (switch it in with "Also count") and how many counts of
    countries rest on a stated count without a list."""
    every = model.inventory.mappings
    shown = set(mappings["id"])
    rest = every[~every["id"].isin(shown)]
    parts = []
    archived = int(((rest["role"] == "mapping") & (rest["status"] == "archived")).sum())
    related = int(((rest["role"] == "related") & (rest["status"] != "proposal")).sum())
    proposals = int((rest["status"] == "proposal").sum())
    if archived and "archived" not in filters.include:
        parts.append(plural(archived, "archived mapping"))
    if related and "related" not in filters.include:
        parts.append(
            f"{plural(related, 'related effort')} (project portfolios, hubs, funds, "
            "training centres, projects, trackers)"
        )
    if proposals and "proposal" not in filters.include:
        parts.append(plural(proposals, "proposal"))
    text = ""
    if parts:
        text = "Shown apart: " + "; ".join(parts) + " (switch them in with “Also count”)."
    count_only = mappings[mappings["coverage_basis"] == "stated_count"]
    unknown = int((mappings["coverage_basis"] == "unknown").sum())
    if len(count_only) or unknown:
        names = model.mapping_short_names
        stated = [
            f"{names.get(i, i)} {int(n)}"
            for i, n in count_only.sort_values("countries_stated", ascending=False)[
                ["id", "countries_stated"]
            ].itertuples(index=False)
            if pd.notna(n)
        ]
        text += (
            " UN member states covered: by a stated list or a derived scope; "
            f"{plural(len(count_only), 'mapping')} {takeaways.count_only_said(len(count_only))}"
            + (f" ({', '.join(stated)})" if stated else "")
            + f" and {unknown} have no known country coverage."
        )
    projects = model.filtered_projects(filters)
    listed = int(projects["listed_in"].map(len).gt(0).sum())
    text += (
        f" {listed} of the {len(projects)} projects are listed by a counted mapping, with the "
        "mapping's own page as evidence."
    )
    return text.strip()


def home_kinds(model: Model, filters: Filters) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The mappings that pass the filters per kind, most first (ties by label): with
    readable labels (label, mappings: shown) and with kind ids (kind, mappings: the
    download); kept per filter state. The headline names the first row."""

    def make() -> tuple[pd.DataFrame, pd.DataFrame]:
        kind_labels = model.labels["kinds"]
        kinds = (
            model.filtered_mappings(filters)["kind"]
            .value_counts()
            .rename_axis("kind")
            .reset_index(name="mappings")
            .assign(label=lambda d: d["kind"].map(lambda k: kind_labels.get(k, k)))
            .sort_values(["mappings", "label"], ascending=[False, True], kind="stable")
            .reset_index(drop=True)
        )
        download = kinds.rename(columns={"label": "kind", "kind": "kind id"})
        return kinds[["label", "mappings"]], download[["kind", "mappings", "kind id"]]

    return model.memo(("home_kinds", filters), make)


def home_table(model: Model, filters: Filters) -> pd.DataFrame:
    """The readable rows (HOME_COLUMNS, then the column of each filter that acted on them)
    of the mappings that pass the filters; kept per filter state."""

    def make() -> pd.DataFrame:
        rows = mapping_rows(model).loc[model.filtered_mappings(filters).index]
        active = [f for f in Filters.names() if getattr(filters, f)]
        return rows[with_filter_columns(HOME_COLUMNS, "mappings", active, list(rows.columns))]

    return model.memo(("home_table", filters), make)
