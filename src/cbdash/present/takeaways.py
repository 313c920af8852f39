"""One-sentence answers computed from the data, for page headers and the guided story.

Nothing here is hard-coded prose about the inventory: every number and name comes from
the frames passed in, so adding a mapping changes the sentence.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cbdash.analysis.funding import OTHER
from cbdash.analysis.membership import explode, membership_matrix
from cbdash.analysis.network import arc_order
from cbdash.analysis.overlap import overlap_matrix, top_pairs
from cbdash.analysis.topics import value_counts
from cbdash.text import each, lower_first, name_list, names_and_more, plural


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


def ranked(counts: pd.Series, labels: Mapping[str, str], what: str, n: str) -> pd.DataFrame:
    """`counts` (index ids) as the table a bar chart draws: `what` (the label), `n` (the
    count) and "`what` id"; most first, ties by label."""
    table = pd.DataFrame(
        {
            what: [str(labels.get(k, k)) for k in counts.index],
            n: counts.to_numpy(dtype=int),
            f"{what} id": [str(k) for k in counts.index],
        }
    )
    return table.sort_values([n, what], ascending=[False, True], ignore_index=True)


def leaders(table: pd.DataFrame, value: str, label: str) -> list[str]:
    """The labels of the rows tied with the first of a ranked table (the longest bars)."""
    return table.loc[table[value] == table[value].iloc[0], label].tolist()


def trailers(table: pd.DataFrame, value: str, label: str) -> list[str]:
    """The labels of the rows tied with the last of a ranked table (the shortest bars)."""
    return table.loc[table[value] == table[value].iloc[-1], label].tolist()


def count_only_said(n: int) -> str:
    """What `n` mappings with a stated count and no list do: 'states only how many countries
    it covers' (one) or 'state only how many countries they cover'."""
    if n == 1:
        return "states only how many countries it covers"
    return "state only how many countries they cover"


def _count(n: int, each_: str = "") -> str:
    """'3', '3 each', or 'none' for 0 (a group nobody serves is named, not dropped)."""
    return "none" if n == 0 else f"{n}{each_}"


def topics_said(table: pd.DataFrame, n_items: int, noun: str = "mappings") -> str:
    """The most and least covered topics of a `ranked` table (columns "topic", `noun`) of
    `n_items` items; every tied topic is named, a topic no item covers as "none"."""
    if table.empty or int(table[noun].iloc[0]) == 0:
        return f"No {noun} with a known topic match the filters."
    top, low = leaders(table, noun, "topic"), trailers(table, noun, "topic")
    verb = "is the most covered topic" if len(top) == 1 else "are the most covered topics"
    return (
        f"{name_list(top, 10)} {verb} ({table[noun].iloc[0]}{each(top)} of {n_items} {noun}); "
        f"{name_list(low)} the least ({_count(int(table[noun].iloc[-1]), each(low))})."
    )


def users_said(table: pd.DataFrame, n_items: int, noun: str = "mappings") -> str:
    """The most and least served target users of a `ranked` table (columns "target users",
    `noun`) of `n_items` items; every tied group is named, a group no item serves as
    "none"."""
    if table.empty or int(table[noun].iloc[0]) == 0:
        return f"No {noun} with known target users match the filters."
    top, low = leaders(table, noun, "target users"), trailers(table, noun, "target users")
    least = int(table[noun].iloc[-1])
    return (
        f"{name_list(top, 10)} are served by {table[noun].iloc[0]}{each(top)} of {n_items} "
        f"{noun}; {name_list(low)} by {_count(least, each(low))}."
    )


def column_totals(
    matrix: pd.DataFrame, labels: Mapping[str, str], what: str, noun: str
) -> pd.DataFrame:
    """The `ranked` table of a 0/1 item x value matrix's column totals (every column, 0
    included): the bars the matrix's columns add up to."""
    return ranked(matrix.sum(axis=0).astype(int), labels, what, noun)


def regions_said(matrix: pd.DataFrame, topic_labels: Mapping[str, str], noun: str) -> str:
    """The most covered topic(s) in each region of a region x topic count matrix (ties
    named), and the topics no item reaches any region on."""
    if matrix.empty or int(matrix.to_numpy().sum()) == 0:
        return f"No {noun} with a known region and topic match the filters."
    tops = {}
    for region, row in matrix.iterrows():
        hi = int(row.max())
        tops[region] = (sorted(str(topic_labels.get(t, t)) for t in row.index[row == hi]), hi)
    firsts = {tuple(names) for names, hi in tops.values() if hi}
    if len(firsts) == 1 and all(hi for _, hi in tops.values()):
        names = list(next(iter(firsts)))
        verb = "is the most covered topic" if len(names) == 1 else "are the most covered topics"
        where = "in every region" if len(tops) > 1 else f"in {next(iter(tops))}"
        counts = ", ".join(f"{region} {hi}" for region, (_, hi) in tops.items())
        text = f"{name_list(names, 10)} {verb} {where} ({noun}: {counts})."
    else:
        parts = [
            f"{region}: {name_list(names, 10)} ({_count(hi, each(names) if hi else '')})"
            if hi
            else f"{region}: none"
            for region, (names, hi) in tops.items()
        ]
        text = f"The most covered topic per region, in {noun}: {'; '.join(parts)}."
    empty = [str(topic_labels.get(t, t)) for t in matrix.columns[matrix.sum(axis=0) == 0]]
    if empty:
        text += f" No {noun[:-1] if noun.endswith('s') else noun} reaches a region on "
        text += f"{name_list(sorted(empty), 10)}."
    return text


def cells_said(
    matrix: pd.DataFrame,
    row_labels: Mapping[str, str],
    column_labels: Mapping[str, str],
    noun: str = "mappings",
) -> str:
    """The largest cell(s) of a target users x topic count matrix (ties named), and the user
    groups and topics with no item at all ("none")."""
    if matrix.empty or int(matrix.to_numpy().max()) == 0:
        return f"No {noun} with known target users and topics match the filters."
    hi = int(matrix.to_numpy().max())
    pairs = [
        f"{row_labels.get(r, r)} on {lower_first(str(column_labels.get(c, c)))}"
        for r, row in matrix.iterrows()
        for c, value in row.items()
        if value == hi
    ]
    most = "combination is" if len(pairs) == 1 else "combinations are"
    text = f"The most common {most} {name_list(pairs, 5)} ({hi}{each(pairs)} {noun})."
    rows = [str(row_labels.get(r, r)) for r in matrix.index[matrix.sum(axis=1) == 0]]
    columns = [str(column_labels.get(c, c)) for c in matrix.columns[matrix.sum(axis=0) == 0]]
    if rows:
        text += f" Served by none of them: {name_list(sorted(rows), 10)}."
    if columns:
        text += f" Covered by none of them: {name_list(sorted(columns), 10)}."
    return text


def crosswalk_said(crosswalk: pd.DataFrame, n_topics: int) -> str:
    """How many categories of how many frameworks the crosswalk maps to how many of the
    `n_topics` topics, and the topic most of them go to (ties named); `crosswalk` as shown
    (columns framework, category, topic)."""
    per_topic = crosswalk.groupby("topic")["category"].nunique()
    if per_topic.empty:
        return "No other framework's categories are mapped to the topics."
    frameworks = sorted(crosswalk["framework"].dropna().unique())
    table = ranked(per_topic, {}, "topic", "categories")
    top = leaders(table, "categories", "topic")
    n_categories = len(crosswalk[["framework", "category"]].drop_duplicates())
    return (
        f"{plural(n_categories, 'category', 'categories')} of {name_list(frameworks)} "
        f"{'is' if n_categories == 1 else 'are'} mapped to {len(per_topic)} of the "
        f"{n_topics} topics; most to {name_list(top, 10)} "
        f"({table['categories'].iloc[0]}{each(top)})."
    )


def on_what(
    items: pd.DataFrame, id_col: str, topic_labels: Mapping[str, str], noun: str = "mappings"
) -> str:
    """The most and least addressed topics of `items` (ties named together)."""
    table = ranked(value_counts(items, id_col, "topics"), topic_labels, "topic", noun)
    return topics_said(table, len(items), noun)


def for_whom(
    items: pd.DataFrame, id_col: str, user_labels: Mapping[str, str], noun: str = "mappings"
) -> str:
    """The most and least served target users of `items` (ties named together)."""
    table = ranked(value_counts(items, id_col, "target_users"), user_labels, "target users", noun)
    return users_said(table, len(items), noun)


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


def leading_pairs(
    table: pd.DataFrame,
    by: Sequence[str],
    *,
    a: str = "mapping A",
    b: str = "mapping B",
    limit: int = 3,
    at: str = "",
) -> tuple[int, str]:
    """How many pairs of a ranked pair table (best first; the names in columns `a` and
    `b`) tie with the first on every column of `by`, and those pairs in words: "A and B",
    "A and B; C and D", or the first `limit` and the rest counted ("…; E and F; and 4 more
    pairs at 1.00", `at` being " at 1.00"). The overlap page and the story's overlap step
    both name their leaders so."""
    if table.empty:
        return 0, ""
    first = table.iloc[0]
    tied = table[np.logical_and.reduce([table[c] == first[c] for c in by])]
    pairs = [f"{x} and {y}" for x, y in zip(tied[a], tied[b], strict=True)]
    named = "; ".join(pairs[:limit])
    if len(pairs) > limit:
        named += f"; and {plural(len(pairs) - limit, 'more pair')}{at}"
    return len(pairs), named


def duplicates(projects: pd.DataFrame, most: str = "") -> str:
    """How many projects two or more of the mappings that count list (`listed_in` as
    `Model.filtered_projects` narrows it), and how many none of them; `most` names the most
    listed ("GLACY+ (3 mappings)")."""
    if projects.empty:
        return "No project matches the filters."
    listed = projects["listed_in"].map(len)
    multi, none = int((listed >= 2).sum()), int((listed == 0).sum())
    return (
        f"{multi} of {plural(len(projects), 'project')} {'is' if multi == 1 else 'are'} "
        f"listed by two or more of the mappings counted here"
        + (f", most of all {most}" if most else "")
        + f"; {none} {'is' if none == 1 else 'are'} listed by none of them (known from "
        "implementer, donor or news pages, or from efforts shown apart)."
    )


def flows_said(flows: pd.DataFrame, noun: str = "funder") -> str:
    """The widest bands of the funding flows chart (`funding.flows`: source, region,
    projects): the `noun` (funder, implementer) and the region with the most projects, ties
    named, counted as the chart does (a project once per region it reaches); the grouped
    rest ("Other funders") is not a `noun` and is not named."""
    named = flows[flows["source"] != OTHER]
    if named.empty:
        return f"No project with a known {noun} and region matches the filters."
    sources = ranked(named.groupby("source")["projects"].sum(), {}, noun, "projects")
    regions = ranked(flows.groupby("region")["projects"].sum(), {}, "region", "projects")
    top, where = leaders(sources, "projects", noun), leaders(regions, "projects", "region")
    n_top, n_where = int(sources["projects"].iloc[0]), int(regions["projects"].iloc[0])
    return (
        f"{name_list(top, 10)} {'has' if len(top) == 1 else 'have'} the widest "
        f"{'band' if len(top) == 1 else 'bands'} ({n_top} projects{each(top)}, counted once "
        f"per region they reach); {name_list(where, 10)} "
        f"{'receives' if len(where) == 1 else 'receive'} the most ({n_where}{each(where)})."
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


def cooperation_hub(
    links: pd.DataFrame,
    mappings: pd.DataFrame,
    names: Mapping[str, str],
    link_labels: Mapping[str, str],
) -> str:
    """The most common kind of link and the most connected mapping among `mappings`: the
    one the arc diagram draws first (`network.arc_order`), so sentence and chart agree."""
    ids = set(mappings["id"])
    inside = links[links["mapping_a"].isin(ids) & links["mapping_b"].isin(ids)]
    if inside.empty:
        return "No known cooperation link joins two of these mappings."
    kinds = inside["kind"].dropna().value_counts()
    first = arc_order(mappings, inside).iloc[0]
    hub, n = first["id"], int(first["links"])
    most = f"{names.get(hub) or hub} takes part in the most ({plural(n, 'link')})."
    if kinds.empty:  # no link kind is known (a broken vocabulary)
        return most[0].upper() + most[1:]
    kind = kinds.index[0]
    return (
        f"The most common kind is {lower_first(link_labels.get(kind, kind))} "
        f"({kinds.iloc[0]} of {len(inside)}); {most}"
    )


# The coverage map: one sentence per colouring, from the values the map is coloured by ------

STATES = "UN member states"
BLANK_HINT = " Colour by projects to see where the projects go."


@dataclass(frozen=True)
class MappingCounts:
    """The mappings that pass the filters by what the map can say of them: `global_full`
    cover every UN member state, `regional` cover some countries (regional or national),
    `unknown` have no coverage on the map (unknown, or a count without the list).
    `derived` holds, for each regional mapping whose countries are derived from its scope
    rather than stated, that scope in words ("Europe")."""

    total: int
    global_full: int
    regional: int
    unknown: int
    derived: tuple[str, ...] = ()


def _most(values: pd.Series, names: Mapping[str, str], by: str) -> str:
    """The states with the highest value, by name: 'Kenya is covered by 3, the most' or
    '32 are covered by 3, the most (Austria, Belgium, Bulgaria and 29 more)'."""
    hi = int(values.max())
    top = sorted(names.get(c, c) for c in values.index[values == hi])
    if len(top) == 1:
        return f"{top[0]} is {by} {hi}, the most"
    return f"{len(top)} are {by} {hi}, the most ({names_and_more(top)})"


def derived_scopes(scopes: tuple[str, ...] | list[str]) -> str:
    """Distinct scopes, the most used first (ties in order of first use): 'Europe;
    Brazil'."""
    counts: dict[str, int] = {}
    for scope in scopes:
        counts[scope] = counts.get(scope, 0) + 1
    return "; ".join(sorted(counts, key=lambda scope: -counts[scope]))


def _derived(scopes: tuple[str, ...], of: int) -> str:
    """' For 4 of the 6 coverage is derived from their scope, not stated: Europe; Brazil.'
    ('' when none is derived)."""
    if not scopes:
        return ""
    if of == 1:
        return f" Its coverage is derived from its scope ({scopes[0]}), not stated."
    which = {of: "both" if of == 2 else f"all {of}"}.get(len(scopes), f"{len(scopes)} of the {of}")
    return (
        f" For {which} coverage is derived from their scope, not stated: {derived_scopes(scopes)}."
    )


def _not_shown(counts: MappingCounts) -> str:
    """'13 more are left out (coverage unknown or only a count)' ('' when none)."""
    if not counts.unknown:
        return ""
    return (
        f"{counts.unknown:,} more {'is' if counts.unknown == 1 else 'are'} left out "
        "(coverage unknown or only a count)"
    )


def _global(counts: MappingCounts, n_states: int) -> str:
    """'4 global mappings cover all 193' ('' when none)."""
    if not counts.global_full:
        return ""
    cover = "covers" if counts.global_full == 1 else "cover"
    return f"{plural(counts.global_full, 'global mapping')} {cover} all {n_states:,}"


def _apart(counts: MappingCounts, n_states: int | None = None) -> str:
    """' 4 global mappings cover all 193; 13 more are left out (coverage unknown or only a
    count).' (without the global mappings when `n_states` is None)."""
    known = _global(counts, n_states) if n_states is not None else ""
    parts = [p for p in (known, _not_shown(counts)) if p]
    return f" {'; '.join(parts)}." if parts else ""


def where_regional(
    values: pd.Series, names: Mapping[str, str], counts: MappingCounts, noun: str = STATES
) -> str:
    """The default colouring: regional and national mappings per state (`values`, the
    `noun` the sentence counts), the most covered states, the mappings whose countries are
    derived from a scope, and the global mappings named apart."""
    if counts.total == 0:
        return "No mapping effort matches the filters."
    if counts.regional == 0 or values.empty or int(values.max()) == 0:
        head = "No regional or national mapping passes the filters."
        return f"{head}{_apart(counts, len(values))}{BLANK_HINT}"
    reached = int((values > 0).sum())
    verb = "covers" if counts.regional == 1 else "cover"
    return (
        f"{plural(counts.regional, 'regional or national mapping')} {verb} {reached} of the "
        f"{len(values)} {noun}; {_most(values, names, 'covered by')}."
        f"{_derived(counts.derived, counts.regional)}{_apart(counts, len(values))}"
    )


def where_projects(
    values: pd.Series, names: Mapping[str, str], n_projects: int, noun: str = STATES
) -> str:
    """The projects colouring: the inventory's projects naming each state as a beneficiary."""
    if n_projects == 0 or values.empty:
        return "No project matches the filters."
    reached = int((values > 0).sum())
    text = f"{plural(n_projects, 'project')} of the inventory name {reached} of the "
    text += f"{len(values)} {noun} as beneficiaries"
    if reached == 0:
        return text + "."
    none = sorted(names.get(c, c) for c in values.index[values == 0])
    text += f"; {_most(values, names, 'named by')}"
    if none:
        text += f"; {len(none)} by none, e.g. {names_and_more(none)}"
    return text + "."


def where_all(values: pd.Series, counts: MappingCounts, noun: str = STATES) -> str:
    """The all-mappings colouring: global mappings cover every state alike, so the range
    of the colours is the regional and national ones on top of them."""
    if counts.total == 0 or values.empty:
        return "No mapping effort matches the filters."
    if counts.global_full + counts.regional == 0:
        return (
            f"None of the {plural(counts.total, 'mapping')} has a known list of countries."
            f"{_apart(counts)}{BLANK_HINT}"
        )
    lo, hi = int(values.min()), int(values.max())
    return (
        f"The {len(values)} {noun} are covered by {lo} to {hi} of the {counts.total} "
        f"mappings: {plural(counts.global_full, 'global mapping')} that "
        f"{'covers' if counts.global_full == 1 else 'cover'} every UN member state, plus "
        f"{counts.regional} regional or national ones."
        f"{_derived(counts.derived, counts.regional)}{_apart(counts)}"
    )


def where_footprint(
    values: pd.Series,
    chosen: list[str],
    derived: tuple[str, ...] = (),
    unknown: tuple[str, ...] = (),
    noun: str = STATES,
) -> str:
    """The footprint colouring: how many of the `chosen` mappings (names, those with
    countries on the map) cover each state; `derived` the scopes of those whose countries
    are derived from their scope, `unknown` the names of chosen mappings the map cannot
    show (coverage unknown or only a count)."""
    k = len(chosen)
    text = ""
    if k:
        reached = int((values > 0).sum())
        who = f"The chosen mapping ({chosen[0]})" if k == 1 else f"The {k} chosen mappings"
        text = f"{who} {'covers' if k == 1 else 'cover'} {reached} of the {len(values)} {noun}"
        if k > 1:
            n_all = int((values == k).sum())
            by = "both" if k == 2 else f"all {k}"
            text += f"; {n_all} {'is' if n_all == 1 else 'are'} covered by {by}"
        text += "." + _derived(derived, k)
    if unknown:
        one = len(unknown) == 1
        text += (
            f" The coverage of {name_list(list(unknown))} is unknown or only a count: the "
            f"map cannot show {'it' if one else 'them'}."
        )
    return text.strip()


# Gaps: need against support, from the answer's table (`cbdash.analysis.gaps.answer`) --------


def _at_most(n: int, word: str, plural_form: str | None = None) -> str:
    """'no project', 'at most 1 project', 'at most 2 projects'."""
    return f"no {word}" if n == 0 else f"at most {plural(n, word, plural_form)}"


def thin_support(max_projects: int, max_mappings: int, topic_label: str | None = None) -> str:
    """What thin support means, e.g. 'at most 2 cybercrime projects and no regional
    or national mapping'."""
    on = f"{lower_first(topic_label)} " if topic_label else ""
    projects = _at_most(max_projects, f"{on}project")
    return f"{projects} and {_at_most(max_mappings, 'regional or national mapping')}"


def gap_countries(table: pd.DataFrame, *, noun: str, need_label: str | None, support: str) -> str:
    """The ranked list in sentences: how many of the group have high need and thin support,
    the first of them by name (as ranked), and how many could not be ranked for want of a
    GCI tier (or were left out as high income). When some tiers are unknown the count is a
    lower bound and is said so: "At least 11 of the 135 ...: 11 of the 77 with a known GCI
    2024 tier (...)". `need_label` None: any need (no tier needed, so no bound)."""
    n_all = len(table)
    if n_all == 0:
        return f"No {noun} in the data."
    status = table["status"]
    ranked = table[status == "ranked"].sort_values("rank")["name"].tolist()
    what = f"high need ({need_label}) and thin support" if need_label else "thin support"
    unknown = int(table["gci_tier"].isna().sum())
    known = n_all - unknown
    bound = bool(need_label) and unknown > 0  # an unknown tier may hide more
    if ranked and bound:
        verb = "has" if len(ranked) == 1 else "have"
        text = (
            f"At least {len(ranked)} of the {n_all} {noun} {verb} {what} ({support}): "
            f"{len(ranked)} of the {known} with a known GCI tier "
            f"({names_and_more(ranked)})."
        )
    elif ranked:
        verb = "has" if len(ranked) == 1 else "have"
        text = f"{len(ranked)} of the {n_all} {noun} {verb} {what} ({support}): "
        text += f"{names_and_more(ranked)}."
    elif bound:
        text = (
            f"None of the {n_all} {noun} is known to have {what} ({support}): "
            f"{known} of them {'has' if known == 1 else 'have'} a known GCI tier."
        )
    else:
        text = f"None of the {n_all} {noun} has {what} ({support})."
    if unknown:
        apart = int((status == "unknown tier").sum())
        text += f" GCI tier unknown for {unknown} of the {n_all}"
        verb = "is" if apart == 1 else "are"
        text += (
            f": {apart} of them with thin support {verb} listed apart, not ranked."
            if need_label and apart
            else "."
        )
    rich = int((status == "high income").sum())
    if rich:
        text += f" {plural(rich, 'high-income state')} with thin support not ranked."
    return text


def gap_map(table: pd.DataFrame, *, noun: str, support: str, any_need: bool = False) -> str:
    """The gap map's classes in a sentence, counted from the answer's table (`any_need`:
    every thin-support country is ranked, whatever its tier)."""
    if table.empty:
        return f"No {noun} in the data."
    counts = table["status"].value_counts()
    thin = int(table["thin"].sum())
    if any_need:
        return (
            f"{thin} of the {len(table)} {noun} have thin support ({support}), whatever "
            "their GCI tier."
        )
    return (
        f"{thin} of the {len(table)} {noun} have thin support ({support}): "
        f"{int(counts.get('ranked', 0))} with high need, "
        f"{int(counts.get('unknown tier', 0))} with GCI tier unknown, "
        f"{int(counts.get('lower need', 0) + counts.get('high income', 0))} with lower need "
        "or high income."
    )


def empty_region_topics(
    matrix: pd.DataFrame, topic_labels: Mapping[str, str], noun: str, n_global: int = 0
) -> str:
    """How many region x topic cells of a project count matrix are empty, with the first
    few (in the matrix's order), and how many global projects the cells leave out."""
    if matrix.empty:
        return f"No sub-region holds {noun}."
    return _empty_cells(matrix, topic_labels, noun) + (
        f" {plural(n_global, 'global project')} (reaching every UN member) "
        f"{'is' if n_global == 1 else 'are'} not counted in the cells."
        if n_global
        else ""
    )


def _empty_cells(matrix: pd.DataFrame, topic_labels: Mapping[str, str], noun: str) -> str:
    cells = [
        f"{region}: {lower_first(topic_labels.get(topic, topic))}"
        for region, row in matrix.iterrows()
        for topic, value in row.items()
        if value == 0
    ]
    total = matrix.size
    if not cells:
        return f"Every one of the {total} sub-region × topic cells has a project."
    return (
        f"{len(cells)} of the {total} sub-region × topic cells have no project "
        f"reaching {noun} there, e.g. {name_list(cells)}."
    )
