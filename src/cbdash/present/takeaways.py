"""One-sentence answers computed from the data, for page headers and the guided story.

Nothing here is hard-coded prose about the inventory: every number and name comes from
the frames passed in, so adding a mapping changes the sentence.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from cbdash.analysis.membership import explode, membership_matrix
from cbdash.analysis.overlap import overlap_matrix, top_pairs
from cbdash.text import name_list, plural


def _lower_first(label: str) -> str:
    """'Cybercrime' -> 'cybercrime', but 'CIIP' and 'EU' stay as they are."""
    return label[0].lower() + label[1:] if len(label) > 1 and label[1].islower() else label


def who_maps(mappings: pd.DataFrame, kind_labels: Mapping[str, str]) -> str:
    """How many mappings, by how many owners, and the most common kind (besides "other")."""
    if mappings.empty:
        return "No mapping effort matches the filters."
    owners = {o for os_ in mappings["owners"] for o in os_}
    kinds = mappings["kind"].value_counts()
    named = kinds.drop("other", errors="ignore")
    text = f"{plural(len(mappings), 'mapping effort')} run by {plural(len(owners), 'organisation')}"
    if not named.empty:
        top = named.index[0]
        text += (
            f"; the most common kind is {kind_labels.get(top, top).lower()} "
            f"({named.iloc[0]} of {len(mappings)})"
        )
    if "other" in kinds:
        text += f"; {kinds['other']} more are classed as other"
    return text + "."


def who_maps_by_kind(mappings: pd.DataFrame, kinds: pd.DataFrame, counted: str) -> str:
    """How many mappings (`counted` says which: "active mappings"), by how many owners, and
    the leading kind: the first row of `kinds` (label, mappings), the table the chart draws."""
    if mappings.empty:
        return "No mapping effort matches the filters."
    owners = {o for os_ in mappings["owners"] for o in os_}
    n = len(mappings)
    text = f"{n:,} {counted}" if n != 1 or counted != "active mappings" else "1 active mapping"
    text += f", run by {plural(len(owners), 'organisation')}"
    if not kinds.empty:
        top = kinds.iloc[0]
        text += f"; the most common kind is {top['label'].lower()} ({top['mappings']} of {n})"
    return text + "."


def where(summary: pd.DataFrame, mappings: pd.DataFrame, coverage: pd.DataFrame) -> str:
    """Spread of coverage over UN member and observer states (column `un_member` when
    present): most and least covered, and how many mappings have unknown coverage."""
    if "un_member" in summary:
        summary = summary[summary["un_member"]]
    if summary.empty or mappings.empty:
        return "No mapping effort matches the filters."
    known = coverage["mapping_id"].nunique()
    unknown = len(mappings) - known
    lo = int(summary["mappings"].min())
    hi = int(summary["mappings"].max())
    least = summary.loc[summary["mappings"] == lo].sort_values("name")["name"].tolist()
    text = (
        f"UN member and observer states are covered by {lo} to {hi} of {len(mappings)} "
        "mappings; "
        f"the least covered ({lo}): {name_list(least)}."
    )
    if unknown:
        text += f" Coverage of {plural(unknown, 'mapping')} is unknown."
    return text


def on_what(
    items: pd.DataFrame, id_col: str, topic_labels: Mapping[str, str], noun: str = "mappings"
) -> str:
    """The most and least addressed topics."""
    counts = explode(items, id_col, "topics", "topic")["topic"].value_counts()
    if counts.empty:
        return f"No {noun} with a known topic match the filters."
    top, low = counts.index[0], counts.index[-1]
    return (
        f"{topic_labels.get(top, top)} is the most covered topic ({counts.iloc[0]} of "
        f"{len(items)} {noun}); {topic_labels.get(low, low)} the least ({counts.iloc[-1]})."
    )


def for_whom(
    items: pd.DataFrame, id_col: str, user_labels: Mapping[str, str], noun: str = "mappings"
) -> str:
    """The most and least served target users."""
    counts = explode(items, id_col, "target_users", "user")["user"].value_counts()
    if counts.empty:
        return f"No {noun} with known target users match the filters."
    top, low = counts.index[0], counts.index[-1]
    return (
        f"{user_labels.get(top, top)} are served by {counts.iloc[0]} of {len(items)} {noun}; "
        f"{user_labels.get(low, low)} by {counts.iloc[-1]}."
    )


def profile_pairs(mappings: pd.DataFrame) -> pd.DataFrame:
    """Every pair of mappings (mapping_a, mapping_b, value) by Jaccard similarity of their
    topics and target users together, most alike first."""
    long = pd.concat(
        [
            explode(mappings, "id", "topics", "value").assign(value=lambda d: "t:" + d["value"]),
            explode(mappings, "id", "target_users", "value").assign(
                value=lambda d: "u:" + d["value"]
            ),
        ]
    )
    matrix = overlap_matrix(
        membership_matrix(long, "id", "value", rows=list(mappings["id"])), "jaccard"
    )
    return top_pairs(matrix, n=len(mappings) ** 2)


def overlap(mappings: pd.DataFrame, names: Mapping[str, str]) -> str:
    """The pair of mappings most alike by topics and target users (Jaccard)."""
    if len(mappings) < 2:
        return "Overlap needs at least two mappings."
    pairs = profile_pairs(mappings)
    if pairs.empty:
        return "No two mappings share a topic or target user."
    best = pairs.iloc[0]
    identical = int((pairs["value"] >= 1.0).sum())
    text = (
        f"{names.get(best.mapping_a, best.mapping_a)} and "
        f"{names.get(best.mapping_b, best.mapping_b)} are the most alike by topics and "
        f"target users (Jaccard {best.value:.2f})"
    )
    if identical > 1:
        text += f"; {identical} pairs have identical profiles"
    return text + "."


def duplicates(projects: pd.DataFrame) -> str:
    """How many projects are listed by more than one mapping."""
    if projects.empty:
        return "No project matches the filters."
    listed = projects["listed_in"].map(len)
    multi = int((listed >= 2).sum())
    none = int((listed == 0).sum())
    return (
        f"{multi} of {plural(len(projects), 'project')} {'is' if multi == 1 else 'are'} "
        f"listed by two or more mappings; {none} {'is' if none == 1 else 'are'} listed by "
        "none (found only on implementer, donor or news pages)."
    )


def cooperation(links: pd.DataFrame, mappings: pd.DataFrame) -> str:
    """How many links join how many mappings, and how many stand alone."""
    ids = set(mappings["id"])
    inside = links[links["mapping_a"].isin(ids) & links["mapping_b"].isin(ids)]
    joined = set(inside["mapping_a"]) | set(inside["mapping_b"])
    alone = len(ids - joined)
    return (
        f"{plural(len(inside), 'known cooperation link')} "
        f"{'joins' if len(inside) == 1 else 'join'} {len(joined)} mappings; "
        f"{alone} of {len(ids)} {'stands' if alone == 1 else 'stand'} alone with no known link."
    )


def gaps(summary: pd.DataFrame, max_mappings: int = 2) -> str:
    """Countries few mappings cover and no project names."""
    thin = summary[(summary["mappings"] <= max_mappings) & (summary["projects"] == 0)]
    if thin.empty:
        return (
            f"Every country is covered by more than {max_mappings} mappings or named by a project."
        )
    names = thin.sort_values(["mappings", "name"])["name"].tolist()
    return (
        f"{plural(len(thin), 'country', 'countries')} "
        f"{'is' if len(thin) == 1 else 'are'} covered by at most {max_mappings} "
        f"mappings and named by no listed project, e.g. {name_list(names)}."
    )


def cooperation_hub(
    links: pd.DataFrame,
    mappings: pd.DataFrame,
    names: Mapping[str, str],
    link_labels: Mapping[str, str],
) -> str:
    """The most common kind of link and the most connected mapping, among `mappings`."""
    ids = set(mappings["id"])
    inside = links[links["mapping_a"].isin(ids) & links["mapping_b"].isin(ids)]
    if inside.empty:
        return "No known cooperation link joins two of these mappings."
    kinds = inside["kind"].value_counts()
    degree = pd.concat([inside["mapping_a"], inside["mapping_b"]]).value_counts()
    hub = sorted(degree[degree == degree.iloc[0]].index, key=lambda m: names.get(m, m))[0]
    kind = kinds.index[0]
    return (
        f"The most common kind is {_lower_first(link_labels.get(kind, kind))} "
        f"({kinds.iloc[0]} of {len(inside)}); {names.get(hub, hub)} takes part in the most "
        f"({plural(int(degree[hub]), 'link')})."
    )


def gap_condition(
    max_mappings: int,
    max_projects: int = 0,
    topic_label: str | None = None,
    regional_only: bool = False,
) -> str:
    """The gap question as a phrase: 'covered by at most 2 regional or country-specific
    mappings and named by no listed cybercrime project'."""
    kind = "regional or country-specific mappings" if regional_only else "mappings"
    on = f"{_lower_first(topic_label)} " if topic_label else ""
    if max_projects == 0:
        projects = f"named by no listed {on}project"
    else:
        projects = f"named by at most {plural(max_projects, f'listed {on}project')}"
    return f"covered by at most {max_mappings} {kind} and {projects}"


def gap_countries(
    table: pd.DataFrame,
    condition: str,
    *,
    group_noun: str | None = None,
    group_size: int | None = None,
) -> str:
    """The gap list in a sentence, e.g. '3 of 46 least developed countries are covered by at
    most 2 regional or country-specific mappings and named by no listed cybercrime project,
    e.g. A, B and C.'

    `table` is a ranked gap list (country, mappings, projects), as `gaps.gap_table` gives;
    `condition` comes from `gap_condition`; `group_noun` is a plural noun for the group the
    list is restricted to, if any.
    """
    n = len(table)
    if table.empty:
        return f"None of the {group_noun or 'countries'} is {condition}."
    if group_noun:
        who = f"{n} of {group_size} {group_noun}" if group_size else f"{n} {group_noun}"
    else:
        who = plural(n, "country", "countries")
    names = table.sort_values(["mappings", "projects", "country"])["country"].tolist()
    return f"{who} {'is' if n == 1 else 'are'} {condition}, e.g. {name_list(names)}."


def where_regional(summary: pd.DataFrame, n_mappings: int, n_global: int) -> str:
    """How many mappings are global, and which countries the regional ones reach most and
    not at all. `summary` counts regional and country-specific mappings per country."""
    if n_mappings == 0:
        return "No mapping effort matches the filters."
    head = f"{n_global} of {n_mappings} mappings cover every UN member state"
    n_regional = n_mappings - n_global
    if summary.empty or n_regional == 0:
        return head + "; none is regional or country-specific."
    top = summary.sort_values(["mappings", "name"], ascending=[False, True]).iloc[0]
    none = summary[summary["mappings"] == 0].sort_values("name")["name"].tolist()
    text = (
        f"{head}; of the {n_regional} regional or country-specific ones, "
        f"{top['name']} gets the most ({int(top['mappings'])})"
    )
    if none:
        text += f" and {plural(len(none), 'country', 'countries')} none, e.g. {name_list(none)}"
    return text + "."
