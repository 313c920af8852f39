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

from dataclasses import dataclass
from datetime import date
from itertools import chain

import numpy as np
import pandas as pd

from cbdash.analysis.gaps import global_mapping_ids, group_members
from cbdash.analysis.model import Model
from cbdash.text import escape_markdown, plural

EXAMPLES = 5


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

    `projects` are rows of `model.inventory.projects` (e.g. the ones that pass the
    filters). `topics` are the topics a region's projects are checked against (default:
    every topic of the vocabulary except `other`).

    Computed from boolean membership matrices (mappings x countries, projects x regions)
    and code arrays (project x topic, project x country) built once per model, so a region
    costs a few array operations instead of set lookups over every project.
    """
    names = model.mapping_names
    topic_labels = model.labels["topics"]
    if topics is None:
        topics = [t for t in model.inventory.vocabulary("topics")["id"] if t != "other"]
    index = model.derived("recommendations_index", lambda: _RegionIndex.build(model))
    ids = [str(m) for m in dict.fromkeys(mappings["id"])]
    global_ids = global_mapping_ids(mappings)
    regional = np.array([m not in global_ids for m in ids], dtype=bool)
    cov = index.coverage_of(ids)
    topic_values, mapping_topic = _topic_matrix(mappings, ids)
    chosen = np.zeros(index.n_projects, dtype=bool)
    positions = model.inventory.projects.index.get_indexer(projects.index)
    chosen[positions[positions >= 0]] = True
    topic_rows, topic_codes = index.project_topics
    country_rows, country_codes = index.project_countries
    topic_position = {t: i for i, t in enumerate(index.topic_values)}
    country_names = dict(zip(model.countries["iso3"], model.countries["name"], strict=True))
    rows = []
    for region_id, region, members in index.regions:
        members_set = set(members)
        in_members = index.countries.isin(members)
        here_mask = cov[:, in_members].any(axis=1)
        here = [m for m, h in zip(ids, here_mask, strict=True) if h]
        here_regional = sorted(
            (m for m, h, r in zip(ids, here_mask, regional, strict=True) if h and r),
            key=lambda m: names.get(m, m),
        )
        regional_cov = cov[regional][:, in_members]
        regional_ids = [m for m, r in zip(ids, regional, strict=True) if r]
        pair, shared = _top_pair(regional_ids, regional_cov)
        topic_counts = _ranked(topic_values, mapping_topic[here_mask].sum(axis=0), topics)
        in_region = chosen & index.project_region[:, index.region_ids.index(region_id)]
        per_code = np.bincount(topic_codes[in_region[topic_rows]], minlength=len(topic_position))
        per_topic = pd.Series(
            [int(per_code[topic_position[t]]) if t in topic_position else 0 for t in topics],
            index=topics,
            dtype="int64",
        )
        no_project_topics = [t for t in topics if per_topic[t] == 0]
        least = per_topic.sort_values(kind="stable")  # ties in vocabulary order
        reg_counts = dict(
            zip(index.countries[in_members], regional_cov.sum(axis=0).tolist(), strict=True)
        )
        named_codes = np.unique(country_codes[in_region[country_rows]])
        named = set(index.country_values[named_codes])
        thin = sorted(
            (c for c in members_set if reg_counts.get(c, 0) <= max_mappings and c not in named),
            key=lambda c: (reg_counts.get(c, 0), country_names.get(c, c)),
        )
        n_projects = int(in_region.sum())
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
                    topic_labels.get(topic_counts[0][0], topic_counts[0][0]) if topic_counts else ""
                ),
                "mappings on it": topic_counts[0][1] if topic_counts else 0,
                "projects": n_projects,
                "projects listed by 2+ mappings": int((in_region & index.listed_twice).sum()),
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


@dataclass(frozen=True)
class _RegionIndex:
    """What `by_region` reads for every region, built once per model: the coverage as a
    boolean matrix (mappings with coverage x countries), the regions with their member
    countries (UN members only when the data has them), projects x regions as a boolean
    matrix, and each project's distinct topics and beneficiary countries as code pairs
    (row in `inventory.projects`, value code)."""

    coverage_ids: pd.Index
    countries: pd.Index
    coverage: np.ndarray
    regions: list[tuple[str, str, list[str]]]
    region_ids: list[str]
    n_projects: int
    project_region: np.ndarray
    listed_twice: np.ndarray
    topic_values: np.ndarray
    project_topics: tuple[np.ndarray, np.ndarray]
    country_values: np.ndarray
    project_countries: tuple[np.ndarray, np.ndarray]

    @classmethod
    def build(cls, model: Model) -> _RegionIndex:
        inv = model.inventory
        un = group_members(inv.country_groups, "un_members")
        regions = []
        for (region_id, region), members in model.country_regions.groupby(["region_id", "region"])[
            "iso3"
        ]:
            members_set = set(members) & un if un else set(members)
            if members_set:
                regions.append((str(region_id), str(region), sorted(members_set)))
        cov_ids = pd.Index(pd.unique(model.coverage["mapping_id"].to_numpy(dtype=object)))
        countries = pd.Index(
            sorted(set(model.coverage["iso3"]) | {c for _, _, ms in regions for c in ms}),
            dtype=object,
        )
        coverage = np.zeros((len(cov_ids), len(countries)), dtype=bool)
        coverage[
            cov_ids.get_indexer(model.coverage["mapping_id"].to_numpy(dtype=object)),
            countries.get_indexer(model.coverage["iso3"].to_numpy(dtype=object)),
        ] = True
        projects = inv.projects
        n = len(projects)
        region_ids = [r for r, _, _ in regions]
        project_ids = pd.Index(projects["project_id"].to_numpy(dtype=object))
        pr = model.project_regions
        rows = project_ids.get_indexer(pr["project_id"].to_numpy(dtype=object))
        cols = pd.Index(region_ids, dtype=object).get_indexer(
            pr["region_id"].to_numpy(dtype=object)
        )
        keep = (rows >= 0) & (cols >= 0)
        project_region = np.zeros((n, len(region_ids)), dtype=bool)
        project_region[rows[keep], cols[keep]] = True
        listed = projects["listed_in"].to_numpy(dtype=object)
        listed_twice = np.fromiter((len(v) >= 2 for v in listed), dtype=bool, count=n)
        topic_values, project_topics = _code_pairs(projects["topics"])
        country_values, project_countries = _code_pairs(projects["beneficiary_countries"])
        return cls(
            cov_ids,
            countries,
            coverage,
            regions,
            region_ids,
            n,
            project_region,
            listed_twice,
            topic_values,
            project_topics,
            country_values,
            project_countries,
        )

    def coverage_of(self, ids: list[str]) -> np.ndarray:
        """Boolean matrix ids x `countries` (no row in the coverage: no country)."""
        rows = self.coverage_ids.get_indexer(pd.Index(ids, dtype=object))
        out = np.zeros((len(ids), len(self.countries)), dtype=bool)
        out[rows >= 0] = self.coverage[rows[rows >= 0]]
        return out


def _code_pairs(lists: pd.Series) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray]]:
    """(the distinct values as text, (row, value code)): one pair per distinct value of
    each row's list (a value repeated within a list counts once, as `explode` would)."""
    items = lists.to_numpy(dtype=object)
    lengths = np.fromiter((len(v or ()) for v in items), dtype=np.int64, count=len(items))
    rows = np.repeat(np.arange(len(items)), lengths)
    values = np.fromiter(
        (str(v) for v in chain.from_iterable(v or () for v in items)),
        dtype=object,
        count=int(lengths.sum()),
    )
    codes, uniques = pd.factorize(values)
    if len(codes):
        pairs = np.unique(rows * len(uniques) + codes)
        rows, codes = pairs // len(uniques), pairs % len(uniques)
    return np.asarray(uniques, dtype=object), (rows, codes)


def _topic_matrix(mappings: pd.DataFrame, ids: list[str]) -> tuple[list[str], np.ndarray]:
    """(topic values, boolean matrix ids x topic values) of the mappings' topic lists."""
    position = {m: i for i, m in enumerate(ids)}
    values: dict[str, int] = {}
    pairs = []
    for m, ts in zip(mappings["id"], mappings["topics"], strict=True):
        for t in ts or ():
            if t is None or (isinstance(t, float) and np.isnan(t)):
                continue
            pairs.append((position[str(m)], values.setdefault(str(t), len(values))))
    matrix = np.zeros((len(ids), len(values)), dtype=bool)
    for i, j in pairs:
        matrix[i, j] = True
    return list(values), matrix


def _ranked(values: list[str], counts: np.ndarray, order: list[str]) -> list[tuple[str, int]]:
    """(value, count) for counts above zero, largest first, ties in the order of `order`
    (the vocabulary), then by value."""
    rank = {v: i for i, v in enumerate(order)}
    found = [(v, int(c)) for v, c in zip(values, counts, strict=True) if c > 0]
    return sorted(found, key=lambda vc: (-vc[1], rank.get(vc[0], len(rank)), vc[0]))


def _top_pair(ids: list[str], matrix: np.ndarray) -> tuple[tuple[str, str] | None, int]:
    """The two ids whose rows of a boolean matrix (ids x countries) share most columns,
    and how many (ties by id); (None, 0) when no two share one."""
    keep = matrix.any(axis=1)
    found = [m for m, k in zip(ids, keep, strict=True) if k]
    order = sorted(range(len(found)), key=found.__getitem__)
    if len(order) < 2:
        return None, 0
    m = matrix[keep][order].astype(float)
    shared = m @ m.T
    np.fill_diagonal(shared, -1)
    i, j = np.unravel_index(int(np.argmax(shared)), shared.shape)
    if shared[i, j] <= 0:
        return None, 0
    a, b = sorted((found[order[i]], found[order[j]]))
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
        lines += ["", f"## {e(r['region'])} ({plural(r['countries'], 'country', 'countries')})", ""]
        regional = _split(r["regional mapping names"])
        mapped = f"{plural(r['mappings'], 'mapping')}, {r['regional mappings']} of them regional"
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
                f"({plural(r['mappings on it'], 'mapping')})"
            )
        overlap.append(
            f"{r['projects listed by 2+ mappings']} of its "
            f"{plural(r['projects'], 'listed project')} "
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
            thin = plural(r["thin countries"], "country", "countries")
            gaps.append(
                f"{thin} covered by at most {max_mappings} regional mappings and named by no "
                f"project, e.g. {_list(_split(r['thin country examples']))}"
            )
        lines.append("- **Gaps**: " + "; ".join(gaps) + ".")
    return "\n".join(lines) + "\n"


def _split(cell: str) -> list[str]:
    """A '; '-joined cell back into escaped values."""
    return [escape_markdown(v) for v in str(cell).split("; ") if v]
