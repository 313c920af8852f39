"""A data-driven summary of the main overlaps and gaps per region, for the forum's report.

One row per UN region (M49), computed from the filtered mappings and projects, and the
same content as Markdown. The judgement calls, stated once:
- "Regional" mappings are those whose scope is not global (not all UN members): a global
  mapping covers every region alike, so it says nothing about where attention goes.
- The overlap of a region is where effort concentrates: the two regional mappings sharing
  most of its countries, its most mapped topic, and projects that two or more mappings list.
- Countries are UN member states (all known countries if the data has no `un_members`).
- The gaps of a region are the topics no listed project there addresses and the countries
  that at most `max_mappings` regional mappings cover and no listed project names.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from cbdash.gaps import global_mapping_ids, group_members
from cbdash.membership import explode, membership_matrix
from cbdash.model import Model

MARKDOWN_SPECIALS = "\\`*_[]<>#|~$"
EXAMPLES = 5


def escape_markdown(text: object) -> str:
    """Text from the data made inert in Markdown (no links, emphasis or HTML)."""
    return "".join("\\" + ch if ch in MARKDOWN_SPECIALS else ch for ch in str(text))


def _list(values: list[str], limit: int = EXAMPLES) -> str:
    shown = ", ".join(values[:limit])
    return shown + (f" and {len(values) - limit} more" if len(values) > limit else "")


def by_region(
    model: Model,
    mappings: pd.DataFrame,
    projects: pd.DataFrame,
    max_mappings: int = 2,
    topics: list[str] | None = None,
) -> pd.DataFrame:
    """One row per region: countries, mappings (all and regional), overlaps and gaps.

    `topics` are the topics a region's projects are checked against (default: every topic
    of the vocabulary except `other`).
    """
    names = model.mapping_names
    topic_labels = model.labels["topics"]
    if topics is None:
        topics = [t for t in model.inventory.vocabulary("topics")["id"] if t != "other"]
    ids = set(mappings["id"])
    regional_ids = ids - global_mapping_ids(mappings)
    cov = model.coverage[model.coverage["mapping_id"].isin(ids)]
    reg_cov = cov[cov["mapping_id"].isin(regional_ids)]
    proj_regions = model.project_regions[
        model.project_regions["project_id"].isin(projects["project_id"])
    ]
    listed_twice = set(projects.loc[projects["listed_in"].map(len) >= 2, "project_id"])
    project_topics = explode(projects, "project_id", "topics", "topic")
    mapping_topics = explode(mappings, "id", "topics", "topic")
    proj_countries = explode(projects, "project_id", "beneficiary_countries", "iso3")
    country_names = dict(zip(model.countries["iso3"], model.countries["name"], strict=True))
    rows = []
    regions = model.country_regions.groupby(["region_id", "region"])["iso3"]
    un = group_members(model.inventory.country_groups, "un_members")
    for (region_id, region), members in regions:
        members_set = set(members) & un if un else set(members)
        if not members_set:
            continue
        here = set(cov.loc[cov["iso3"].isin(members_set), "mapping_id"])
        here_regional = sorted(here & regional_ids, key=lambda m: names.get(m, m))
        in_region = reg_cov[reg_cov["iso3"].isin(members_set)]
        pair, shared = _top_pair(in_region)
        topic_counts = _ranked(mapping_topics[mapping_topics["id"].isin(here)]["topic"], topics)
        region_projects = set(
            proj_regions.loc[proj_regions["region_id"] == region_id, "project_id"]
        )
        on_topic = project_topics.loc[project_topics["project_id"].isin(region_projects), "topic"]
        per_topic = on_topic.value_counts().reindex(topics, fill_value=0)
        no_project_topics = [t for t in topics if per_topic[t] == 0]
        least = per_topic.sort_values(kind="stable")  # ties in vocabulary order
        reg_counts = in_region.groupby("iso3")["mapping_id"].nunique()
        named = set(proj_countries.loc[proj_countries["project_id"].isin(region_projects), "iso3"])
        thin = sorted(
            (c for c in members_set if reg_counts.get(c, 0) <= max_mappings and c not in named),
            key=lambda c: (reg_counts.get(c, 0), country_names.get(c, c)),
        )
        rows.append(
            {
                "region": region,
                "countries": len(members_set),
                "mappings": len(here),
                "regional mappings": len(here_regional),
                "regional mapping names": "; ".join(names.get(m, m) for m in here_regional),
                "most alike regional pair": (
                    f"{names.get(pair[0], pair[0])} & {names.get(pair[1], pair[1])}" if pair else ""
                ),
                "countries both cover": shared,
                "most mapped topic": (
                    topic_labels.get(topic_counts.index[0], topic_counts.index[0])
                    if len(topic_counts)
                    else ""
                ),
                "mappings on it": int(topic_counts.iloc[0]) if len(topic_counts) else 0,
                "projects": len(region_projects),
                "projects listed by 2+ mappings": len(region_projects & listed_twice),
                "least served topic": topic_labels.get(least.index[0], least.index[0])
                if len(least)
                else "",
                "projects on it": int(least.iloc[0]) if len(least) else 0,
                "topics with no project": "; ".join(
                    topic_labels.get(t, t) for t in no_project_topics
                ),
                "thin countries": len(thin),
                "thin country examples": "; ".join(
                    country_names.get(c, c) for c in thin[:EXAMPLES]
                ),
            }
        )
    table = pd.DataFrame(rows)
    if table.empty:
        return table
    return table.sort_values(["thin countries", "region"], ascending=[False, True]).reset_index(
        drop=True
    )


def _ranked(values: pd.Series, order: list[str]) -> pd.Series:
    """Value counts, largest first, ties in the order of `order` (the vocabulary)."""
    counts = values.value_counts()
    rank = {v: i for i, v in enumerate(order)}
    keys = sorted(counts.index, key=lambda v: (-counts[v], rank.get(v, len(rank)), v))
    return counts.reindex(keys)


def _top_pair(coverage: pd.DataFrame) -> tuple[tuple[str, str] | None, int]:
    """The two mappings sharing most countries in `coverage`, and how many (ties by id)."""
    ids = sorted(coverage["mapping_id"].unique())
    if len(ids) < 2:
        return None, 0
    m = membership_matrix(coverage, "mapping_id", "iso3", rows=ids).to_numpy(dtype=float)
    shared = m @ m.T
    np.fill_diagonal(shared, -1)
    i, j = np.unravel_index(int(np.argmax(shared)), shared.shape)
    if shared[i, j] <= 0:
        return None, 0
    a, b = sorted((ids[i], ids[j]))
    return (a, b), int(shared[i, j])


def to_markdown(
    table: pd.DataFrame,
    *,
    max_mappings: int = 2,
    filters_text: str = "",
    on: date | None = None,
) -> str:
    """The region table as a short Markdown report (every data value escaped)."""
    e = escape_markdown
    lines = [
        "# Main overlaps and gaps by region",
        "",
        f"Computed by cbdash from its inventory on {(on or date.today()).isoformat()}. "
        + (f"{e(filters_text)} " if filters_text else "")
        + "Regional mappings are those whose scope is not global; a global mapping covers "
        "every UN member state alike.",
    ]
    if table.empty:
        return "\n".join([*lines, "", "No region has data under these filters.", ""])
    for r in table.to_dict("records"):
        lines += ["", f"## {e(r['region'])} ({_n(r['countries'], 'country', 'countries')})", ""]
        regional = _split(r["regional mapping names"])
        mapped = f"{_n(r['mappings'], 'mapping')}, {r['regional mappings']} of them regional"
        lines.append(f"- **Mapped by** {mapped}" + (f": {_list(regional)}." if regional else "."))
        overlap = []
        if r["most alike regional pair"]:
            overlap.append(
                f"{e(r['most alike regional pair'])} both cover "
                f"{r['countries both cover']} of its countries"
            )
        if r["most mapped topic"]:
            overlap.append(
                f"the most mapped topic is {e(r['most mapped topic'])} "
                f"({_n(r['mappings on it'], 'mapping')})"
            )
        overlap.append(
            f"{r['projects listed by 2+ mappings']} of its {_n(r['projects'], 'listed project')} "
            "appear in two or more mappings"
        )
        lines.append("- **Overlap**: " + "; ".join(overlap) + ".")
        gaps = []
        missing = _split(r["topics with no project"])
        if missing:
            gaps.append(f"no listed project on {_list(missing, 8)}")
        elif r["least served topic"]:
            gaps.append(
                f"the fewest listed projects are on {e(r['least served topic'])} "
                f"({r['projects on it']})"
            )
        if r["thin countries"]:
            thin = _n(r["thin countries"], "country", "countries")
            gaps.append(
                f"{thin} covered by at most {max_mappings} regional mappings and named by no "
                f"project, e.g. {_list(_split(r['thin country examples']))}"
            )
        lines.append("- **Gaps**: " + "; ".join(gaps) + ".")
    return "\n".join(lines) + "\n"


def _n(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else (plural or word + 's')}"


def _split(cell: str) -> list[str]:
    """A '; '-joined cell back into escaped values."""
    return [escape_markdown(v) for v in str(cell).split("; ") if v]
