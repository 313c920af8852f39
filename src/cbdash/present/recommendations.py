"""A data-driven summary of the main overlaps and gaps per region, for the forum's report.

One row per UN region (M49) of the gaps page's answer (`cbdash.analysis.gaps.answer`: the
chosen group's countries with need, support and status), computed from the filtered
mappings and the projects on the chosen topic, and the same content as Markdown. So the
summary follows every choice made on the page. The judgement calls, stated once:
- A region's countries are the group's countries in it (states only).
- "Regional" mappings are those that do not cover every UN member state: a global mapping
  covers every region alike, so it says nothing about where attention goes.
- The overlap of a region is where effort concentrates: the two regional mappings sharing
  most of its countries, its most mapped topic, and projects two or more mappings list.
- The gaps of a region are its countries of high need and thin support (as ranked), those
  with thin support whose GCI tier is unknown, and the topics no project of the inventory reaches
  there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from cbdash.analysis import gaps
from cbdash.analysis.model import Model
from cbdash.text import escape_markdown, plural

EXAMPLES = 5


def _list(values: list[str], limit: int = EXAMPLES, total: int | None = None) -> str:
    """'A, B, C' or 'A, B, C and 4 more': up to `limit` of `values`, then how many more of
    `total` (default: all the values) are not named, so a count and its names agree."""
    total = len(values) if total is None else max(total, len(values))
    shown = values[:limit]
    return ", ".join(shown) + (f" and {total - len(shown)} more" if total > len(shown) else "")


@dataclass(frozen=True)
class _Coverage:
    """The coverage as a boolean matrix (mappings with coverage x countries), built once
    per model, and which mappings cover every UN member state."""

    ids: pd.Index
    countries: pd.Index
    matrix: np.ndarray
    global_ids: frozenset[str]

    @classmethod
    def build(cls, model: Model) -> _Coverage:
        cov = model.coverage
        ids = pd.Index(pd.unique(cov["mapping_id"].to_numpy(dtype=object)))
        countries = pd.Index(sorted(set(cov["iso3"]) | set(model.countries["iso3"])), dtype=object)
        matrix = np.zeros((len(ids), len(countries)), dtype=bool)
        matrix[
            ids.get_indexer(cov["mapping_id"].to_numpy(dtype=object)),
            countries.get_indexer(cov["iso3"].to_numpy(dtype=object)),
        ] = True
        un = gaps.group_members(model.inventory.country_groups, "un_members")
        un = un or set(countries)
        in_un = countries.isin(list(un))
        full = matrix[:, in_un].sum(axis=1) >= len(un)
        return cls(ids, countries, matrix, frozenset(ids[full]))

    def of(self, mapping_ids: list[str], countries: list[str]) -> np.ndarray:
        """Boolean matrix mapping_ids x countries (a mapping without coverage: no country)."""
        rows = self.ids.get_indexer(pd.Index(mapping_ids, dtype=object))
        cols = self.countries.get_indexer(pd.Index(countries, dtype=object))
        out = np.zeros((len(mapping_ids), len(countries)), dtype=bool)
        found = self.matrix[rows[rows >= 0]][:, cols[cols >= 0]]
        out[np.ix_(np.flatnonzero(rows >= 0), np.flatnonzero(cols >= 0))] = found
        return out


def by_region(
    model: Model,
    mappings: pd.DataFrame,
    projects: pd.DataFrame,
    answer: pd.DataFrame,
    topics: list[str],
    reach: gaps.ProjectReach,
) -> pd.DataFrame:
    """One row per region of `answer` (`gaps.answer`): its countries, gaps and overlaps.

    `mappings` are the mappings that pass the filters, `projects` rows of
    `model.inventory.projects` (those that pass the filters, on the question's topic),
    `topics` the topics a region's projects are checked against, `reach` the projects'
    reach (`gaps.ProjectReach` of every project). Rows: most ranked countries first."""
    answer = answer[answer["region"] != ""]
    if answer.empty:
        return pd.DataFrame()
    regions = sorted(set(answer["region"]))
    region_of = answer.set_index("iso3")["region"]
    chosen = model.project_mask(projects)
    members = set(answer["iso3"])
    rows_, codes = reach.region_pairs(chosen, members, region_of, regions)
    per_topic = reach.region_topic(chosen, members, region_of, regions, topics)
    listed = np.zeros(len(chosen), dtype=bool)  # listed by 2+ of the mappings that count
    listed[model.project_mask(projects)] = projects["listed_in"].map(len).to_numpy() >= 2
    index = model.derived("recommendations_coverage", lambda: _Coverage.build(model))
    rows = []
    for k, region in enumerate(regions):
        here = answer[answer["region"] == region]
        in_region = rows_[codes == k]
        rows.append(
            {
                "region": region,
                "countries": len(here),
                **_gap_cells(here),
                **_mapping_cells(model, mappings, list(here["iso3"]), index),
                "projects": len(in_region),
                "projects listed by 2+ mappings": int(listed[in_region].sum()),
                **_topic_cells(model, per_topic.loc[region]),
            }
        )
    table = pd.DataFrame(rows)
    order = ["high need, thin support", "thin support, tier unknown", "region"]
    return table.sort_values(order, ascending=[False, False, True]).reset_index(drop=True)


def _gap_cells(here: pd.DataFrame) -> dict[str, object]:
    """A region's ranked countries and those with thin support but no GCI tier."""
    ranked = here[here["status"] == gaps.RANKED].sort_values("rank")["name"].tolist()
    unknown = here[here["status"] == gaps.UNKNOWN]["name"].tolist()
    return {  # the first EXAMPLES names; the report says how many more
        "high need, thin support": len(ranked),
        "examples": "; ".join(ranked[:EXAMPLES]),
        "thin support, tier unknown": len(unknown),
        "examples (tier unknown)": "; ".join(unknown[:EXAMPLES]),
    }


def _mapping_cells(
    model: Model, mappings: pd.DataFrame, countries: list[str], index: _Coverage
) -> dict[str, object]:
    """The mappings covering a region's countries: how many, the regional ones by name, the
    most alike regional pair and the most mapped topic."""
    names = model.mapping_names
    labels = model.labels["topics"]
    ids = [str(m) for m in dict.fromkeys(mappings["id"])]
    cov = index.of(ids, countries)
    here = cov.any(axis=1)
    regional = np.array([m not in index.global_ids for m in ids], dtype=bool)
    regional_ids = [m for m, r in zip(ids, regional, strict=True) if r]
    here_regional = sorted(
        (m for m, h, r in zip(ids, here, regional, strict=True) if h and r),
        key=lambda m: names.get(m, m),
    )
    pair, shared = _top_pair(regional_ids, cov[regional])
    topics = (
        mappings.drop_duplicates("id")
        .set_index("id")
        .loc[[m for m, h in zip(ids, here, strict=True) if h], "topics"]
    )
    counts = pd.Series([t for ts in topics for t in (ts or ())], dtype=object).value_counts()
    order = {t: i for i, t in enumerate(model.inventory.vocabulary("topics")["id"])}
    top = sorted(counts.items(), key=lambda tc: (-tc[1], order.get(tc[0], len(order)), tc[0]))
    return {
        "mappings": int(here.sum()),
        "regional mappings": len(here_regional),
        "regional mapping names": "; ".join(names.get(m, m) for m in here_regional),
        "most alike regional pair": (
            f"{names.get(pair[0], pair[0])} & {names.get(pair[1], pair[1])}" if pair else ""
        ),
        "countries both cover": shared,
        "most mapped topic": labels.get(top[0][0], top[0][0]) if top else "",
        "mappings on it": int(top[0][1]) if top else 0,
    }


def _topic_cells(model: Model, per_topic: pd.Series) -> dict[str, object]:
    """A region's topics with no project, and its least served topic (ties in
    vocabulary order)."""
    labels = model.labels["topics"]
    least = per_topic.sort_values(kind="stable")
    return {
        "least served topic": labels.get(least.index[0], least.index[0]) if len(least) else "",
        "projects on it": int(least.iloc[0]) if len(least) else 0,
        "topics with no project": "; ".join(
            labels.get(t, t) for t, n in per_topic.items() if n == 0
        ),
    }


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
    question: str = "",
    filters_text: str = "",
    on: date | None = None,
) -> str:
    """The region table as a short Markdown report (every data value escaped)."""
    e = escape_markdown
    lines = [
        "# Main overlaps and gaps by region",
        "",
        f"Computed by cbdash from its inventory on {(on or date.today()).isoformat()}. "
        + (f"{e(question)} " if question else "")
        + (f"{e(filters_text)} " if filters_text else "")
        + "Regional mappings are those that do not cover every UN member state; a global "
        "mapping covers every country alike.",
    ]
    if table.empty:
        return "\n".join([*lines, "", "No region has data under these choices.", ""])
    for r in table.to_dict("records"):
        lines += ["", f"## {e(r['region'])} ({plural(r['countries'], 'country', 'countries')})", ""]
        lines.append("- **Gaps**: " + _gaps_text(r) + ".")
        lines.append("- **Overlap**: " + _overlap_text(r) + ".")
    return "\n".join(lines) + "\n"


def _gaps_text(r: dict) -> str:
    e = escape_markdown
    parts = []
    if r["high need, thin support"]:
        count = int(r["high need, thin support"])
        n = plural(count, "country", "countries")
        parts.append(
            f"{n} of high need and thin support: {_list(_split(r['examples']), total=count)}"
        )
    else:
        parts.append("no country of high need and thin support")
    if r["thin support, tier unknown"]:
        count = int(r["thin support, tier unknown"])
        n = plural(count, "country", "countries")
        parts.append(
            f"{n} with thin support and GCI tier unknown: "
            f"{_list(_split(r['examples (tier unknown)']), total=count)}"
        )
    missing = _split(r["topics with no project"])
    if missing:
        parts.append(f"no project on {_list(missing, 8)}")
    elif r["least served topic"]:
        parts.append(
            f"the fewest projects are on {e(r['least served topic'])} ({r['projects on it']})"
        )
    return "; ".join(parts)


def _overlap_text(r: dict) -> str:
    e = escape_markdown
    regional = _split(r["regional mapping names"])
    parts = [
        f"mapped by {plural(r['mappings'], 'mapping')}, {r['regional mappings']} of them "
        "regional" + (f" ({_list(regional)})" if regional else "")
    ]
    if r["most alike regional pair"]:
        parts.append(
            f"{e(r['most alike regional pair'])} both cover {r['countries both cover']} of "
            "its countries"
        )
    if r["most mapped topic"]:
        parts.append(
            f"the most mapped topic is {e(r['most mapped topic'])} "
            f"({plural(r['mappings on it'], 'mapping')})"
        )
    multi = int(r["projects listed by 2+ mappings"])
    parts.append(
        f"{multi} of its {plural(r['projects'], 'project')} "
        f"{'appears' if multi == 1 else 'appear'} in two or more mappings"
    )
    return "; ".join(parts)


def _split(cell: str) -> list[str]:
    """A '; '-joined cell back into escaped values."""
    return [escape_markdown(v) for v in str(cell).split("; ") if v]
