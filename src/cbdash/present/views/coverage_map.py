"""The Coverage map page's view: what it shows, kept per filter state and choice.

The map, its legend and its sentence come from one `MapAnswer` per colouring, so the
sentence always speaks of what the colours show; the presentation's "where" step reads the
same answer for the default colouring.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import pandas as pd
import pydeck as pdk

from cbdash.analysis import coverage, need
from cbdash.analysis.filters import Filters
from cbdash.analysis.gaps import group_members
from cbdash.analysis.model import Model
from cbdash.present import takeaways
from cbdash.present.tables import mapping_table, project_rows
from cbdash.present.views import need_of
from cbdash.present.world_map import map_geometry, map_legend, world_coverage_map
from cbdash.text import escape_markdown, name_list, plural, short_label

MEASURES = ("regional", "mappings", "projects")
LABELS = {
    "regional": "regional or national mappings covering",
    "projects": "projects naming it",
    "mappings": "mappings covering",
    "footprint": "selected mappings covering",
}


class MapSummary(NamedTuple):
    """The coverage rows of the mappings that pass the filters, the country summary
    (iso3, name, state, regional mappings, mappings, projects) and how many mappings the
    map can show (`takeaways.MappingCounts`)."""

    coverage: pd.DataFrame
    summary: pd.DataFrame
    counts: takeaways.MappingCounts


def map_summary(model: Model, filters: Filters) -> MapSummary:
    """Where the mappings and projects that pass the filters look; kept per filter state."""

    def make() -> MapSummary:
        mappings = model.filtered_mappings(filters)
        projects = model.filtered_projects(filters)
        cov = model.coverage[model.coverage["mapping_id"].isin(mappings["id"])]
        summary = coverage.country_summary(
            cov, projects, model.countries, model.project_counts(projects)
        )
        global_full = _global_full(cov, model)
        regional = cov[~cov["mapping_id"].isin(global_full)]
        summary.insert(
            summary.columns.get_loc("mappings"),
            "regional mappings",
            coverage.coverage_counts(regional)
            .reindex(summary["iso3"])
            .fillna(0)
            .astype(int)
            .to_numpy(),
        )
        shown = set(cov["mapping_id"])
        derived = set(cov.loc[cov["basis"] == "derived", "mapping_id"]) - global_full
        scopes = scope_words(model)
        counts = takeaways.MappingCounts(
            total=len(mappings),
            global_full=len(global_full),
            regional=len(shown - global_full),
            unknown=len(set(mappings["id"]) - shown),
            derived=tuple(scopes[m] for m in mappings["id"] if m in derived),
        )
        return MapSummary(cov, summary, counts)

    return model.memo(("map", filters), make)


def summary_download(model: Model, filters: Filters) -> pd.DataFrame:
    """The country summary for people: names first, headers in words, the ISO code last;
    kept per filter state."""

    def make() -> pd.DataFrame:
        summary = map_summary(model, filters).summary
        return summary.rename(
            columns={
                "name": "country",
                "small_state": "small state",
                "un_member": "UN member or observer",
                "mappings": "mappings covering it",
                "projects": "projects naming it",
                "iso3": "ISO code",
            }
        )[
            [
                "country",
                "regional mappings",
                "mappings covering it",
                "projects naming it",
                "UN member or observer",
                "small state",
                "ISO code",
            ]
        ]

    return model.memo(("map_summary_download", filters), make)


def _global_full(cov: pd.DataFrame, model: Model) -> set[str]:
    """The mappings whose coverage holds every UN member state (every known country when
    the data has no UN members)."""
    members = group_members(model.inventory.country_groups, "un_members") or set(
        model.countries["iso3"]
    )
    inside = cov[cov["iso3"].isin(members)].groupby("mapping_id")["iso3"].nunique()
    return set(inside.index[inside >= len(members)])


SCOPE_LABEL_CHARS = 24  # a group's name in a sentence ("EFTA" for the long one)


def scope_words(model: Model) -> dict[str, str]:
    """Every mapping's scope in words, id -> 'Europe' or 'European Union, EFTA and United
    Kingdom': the names of its scope groups, then of its scope countries (what derived
    coverage is derived from); made once per model."""

    def make() -> dict[str, str]:
        groups = model.inventory.groups
        group_names = dict(zip(groups["group_id"], groups["name"], strict=True))
        countries = map_country_names(model)
        out = {}
        for m in model.inventory.mappings.itertuples():
            names = [short_label(group_names.get(g, g), SCOPE_LABEL_CHARS) for g in m.scope_groups]
            names += [countries.get(c, c) for c in m.scope_countries]
            out[m.id] = name_list(names, len(names)) or "no scope"
        return out

    return model.derived("scope_words", make)


def map_states(model: Model, table: pd.DataFrame) -> tuple[pd.Index, str]:
    """The countries a map sentence counts (of `table`, indexed by iso3) and their noun:
    the UN member states (the base Home counts too), else every country."""
    members = group_members(model.inventory.country_groups, "un_members")
    states = table.index[table.index.isin(list(members))]
    return (states, takeaways.STATES) if len(states) else (table.index, "countries")


NOTE_SCOPES = 3  # scopes a country's hover names (1000 mappings sent 800 KB of them)


def derived_notes(model: Model, cov: pd.DataFrame, counted: pd.Series) -> pd.Series:
    """Per country (index iso3) the hover's note on the mappings among `cov` whose
    countries are derived from their scope rather than stated ('both derived from their
    scope, not stated:' and the scopes on a second line); `counted` is the value the map
    shows, '' where none is derived."""
    scopes = scope_words(model)
    rows = cov[cov["basis"] == "derived"]
    notes = {}
    for iso3, ids in rows.groupby("iso3")["mapping_id"]:
        distinct = list(dict.fromkeys(scopes.get(m, m) for m in sorted(set(ids))))
        words = "; ".join(distinct[:NOTE_SCOPES])  # a hover, sent for every country
        words += f" and {len(distinct) - NOTE_SCOPES} more" if len(distinct) > NOTE_SCOPES else ""
        k, n = ids.nunique(), int(counted.get(iso3, 0))
        if k == 1 and n == 1:
            notes[iso3] = f"derived from its scope, not stated:\n{words}"
        else:
            share = {n: "both" if k == 2 else f"all {k}"}.get(k, f"{k} of them")
            notes[iso3] = f"{share} derived from their scope, not stated:\n{words}"
    return pd.Series(notes, dtype=object).reindex(counted.index).fillna("")


class MapAnswer(NamedTuple):
    """One colouring of the map: each country's value (index iso3), what the values count,
    the sentence about them (`text`; `sentence` is it Markdown-escaped) and each country's
    note for the hover (index iso3; '' for none)."""

    values: pd.Series
    label: str
    text: str
    notes: pd.Series

    @property
    def sentence(self) -> str:
        return escape_markdown(self.text)


FOOTPRINT_HELP = (
    "Colour the map by how many of the chosen mappings cover each country, whichever "
    "colouring by mappings is chosen. A footprint is a mapping's: with Projects it is not used."
)


def footprint_applies(measure: str) -> bool:
    """Whether the mappings chosen for a footprint colour the map under `measure`: under
    every colouring by mappings; not under projects (a footprint is a mapping's)."""
    return measure != "projects"


def map_answer(
    model: Model, filters: Filters, measure: str, chosen: Sequence[str] = ()
) -> MapAnswer:
    """The map's values and sentence for `measure` ("regional", "projects" or "mappings"),
    or the footprint of the `chosen` mappings, if any, under either colouring by mappings
    (`footprint_applies`); kept per filter state, measure and mappings chosen."""
    chosen = tuple(chosen)

    def make() -> MapAnswer:
        cov, summary, counts = map_summary(model, filters)
        table = summary.set_index("iso3")
        states, noun = map_states(model, table)
        names = table["name"]
        if chosen and footprint_applies(measure):
            return _footprint(model, cov, table.index, states, noun, chosen)
        column = {"regional": "regional mappings"}.get(measure, measure)
        values = table[column].astype(int)
        notes = pd.Series("", index=table.index, dtype=object)
        if measure == "regional":
            sentence = takeaways.where_regional(values[states], names, counts, noun)
            regional = cov[~cov["mapping_id"].isin(_global_full(cov, model))]
            notes = derived_notes(model, regional, values)
        elif measure == "projects":
            n_projects = len(model.filtered_projects(filters))
            sentence = takeaways.where_projects(values[states], names, n_projects, noun)
        else:
            sentence = takeaways.where_all(values[states], counts, noun)
            notes = derived_notes(model, cov, values)
        return MapAnswer(values, LABELS[measure], sentence, notes)

    return model.memo(("map_answer", filters, measure, chosen), make)


def _footprint(
    model: Model,
    cov: pd.DataFrame,
    countries: pd.Index,
    states: pd.Index,
    noun: str,
    chosen: tuple[str, ...],
) -> MapAnswer:
    """How many of the `chosen` mappings cover each country, and the sentence on it."""
    values = coverage.mapping_footprint(cov, list(chosen)).reindex(countries)
    values = values.fillna(0).astype(int)
    on_map = set(cov["mapping_id"])
    mine = cov[cov["mapping_id"].isin(chosen)]
    derived = set(mine.loc[mine["basis"] == "derived", "mapping_id"])
    scopes, names = scope_words(model), model.mapping_names
    sentence = takeaways.where_footprint(
        values[states],
        [names.get(m, m) for m in chosen if m in on_map],
        derived=tuple(scopes[m] for m in chosen if m in derived),
        unknown=tuple(names.get(m, m) for m in chosen if m not in on_map),
        noun=noun,
    )
    return MapAnswer(values, LABELS["footprint"], sentence, derived_notes(model, mine, values))


class MapView(NamedTuple):
    """The world map, its legend (HTML) and what the colours count."""

    deck: pdk.Deck
    legend: str
    label: str


def map_view(
    model: Model,
    filters: Filters,
    measure: str,
    chosen: Sequence[str],
    selected: str | None,
) -> MapView:
    """The map of `map_answer`, with the `selected` country outlined; kept per filter
    state, measure, mappings chosen and country."""
    chosen = tuple(chosen)

    def make() -> MapView:
        values, label, _, notes = map_answer(model, filters, measure, chosen)
        vmax = int(values.max()) if len(values) else 0
        geometry = model.derived("map_geometry", lambda: map_geometry(model.shapes, model.points))
        deck = world_coverage_map(geometry, values, label, selected, notes=notes)
        return MapView(deck, map_legend(vmax, label), label)

    return model.memo(("map_view", filters, measure, chosen, selected), make)


def map_country_names(model: Model) -> dict[str, str]:
    """Every country the app knows, iso3 -> name, in order of name; made once per model."""
    countries = model.countries
    return model.derived(
        "country_names", lambda: dict(zip(countries["iso3"], countries["name"], strict=True))
    )


class MapPanel(NamedTuple):
    """A country's panel: its support and need in a sentence (Markdown-escaped), the
    mappings covering it (readable columns, global ones last), the projects naming it as a
    beneficiary (every readable column, and those shown)."""

    sentence: str
    mappings: pd.DataFrame
    projects: pd.DataFrame
    shown_projects: pd.DataFrame


def map_panel(model: Model, filters: Filters, iso3: str) -> MapPanel:
    """The mappings and projects that pass the filters and cover or name country `iso3`,
    and its need; kept per filter state and country."""

    def make() -> MapPanel:
        projects = model.filtered_projects(filters)
        cov = map_summary(model, filters).coverage
        here = coverage.country_mappings(cov, model.filtered_mappings(filters), iso3)
        global_full = _global_full(cov, model)
        reach = here["id"].map(lambda m: "global" if m in global_full else "regional or national")
        basis = cov[cov["iso3"] == iso3].set_index("mapping_id")["basis"]
        scopes = scope_words(model)
        how = [
            f"derived from its scope ({scopes[m]})" if basis.get(m) == "derived" else "stated"
            for m in here["id"]
        ]
        shown_here = mapping_table(here, model.labels)[["name", "kind", "scope"]]
        shown_here.insert(1, "reach", reach.to_numpy())
        shown_here.insert(2, "coverage of this country", how)
        shown_here = shown_here.sort_values(["reach", "name"], ascending=[False, True])
        # coverage.country_projects, keeping the rows' labels to pick their readable rows
        named = [iso3 in cs for cs in projects["beneficiary_countries"].to_numpy(dtype=object)]
        there = project_rows(model, projects[named]).reset_index(drop=True)
        shown_there = there[["title", "topics", "funders", "start", "end", "listed in"]]
        n_global = int((reach == "global").sum())
        regional = here["id"][(reach != "global").to_numpy()]
        derived = [scopes[m] for m in regional if basis.get(m) == "derived"]
        sentence = _panel_sentence(
            model, iso3, (len(regional), n_global, len(there)), tuple(derived)
        )
        return MapPanel(sentence, shown_here.reset_index(drop=True), there, shown_there)

    return model.memo(("map_panel", filters, iso3), make)


def _panel_sentence(
    model: Model, iso3: str, counts: tuple[int, int, int], derived: tuple[str, ...]
) -> str:
    """The panel's sentence: `counts` of regional or national mappings, global ones and
    projects; `derived` the scopes of the regional ones whose coverage is derived."""
    regional, n_global, projects = counts
    table = need_of(model)
    if iso3 in table.index:
        row = table.loc[iso3]
        needs = [need.tier_label(row["gci_tier"])]
        needs += ["ODA-eligible"] if row["oda"] else []
        needs += need.context_words(row)
    else:
        needs = [need.UNKNOWN_TIER]
    how = ""
    if derived:
        words = "; ".join(dict.fromkeys(derived))
        share = "" if len(derived) == regional else f"{len(derived)} of them "
        how = f" ({share}derived from {'its' if regional == 1 else 'their'} scope: {words})"
    text = (
        f"Covered by {plural(regional, 'regional or national mapping')}{how} and "
        f"{n_global} global; named by {plural(projects, 'project')} of the inventory. "
        f"Need: {', '.join(needs)}."
    )
    return escape_markdown(text)
