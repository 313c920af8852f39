"""The cooperation network as a graph: mapping efforts as nodes, cooperation links as edges.

Pure functions: tables in, a deterministic order out. The linked mappings are drawn as an
arc diagram (`cbdash.present.network_chart`): one row per mapping, grouped by kind, so that
every mapping gets a label of its own that no other label or node can overlap, which no
force layout guarantees. Mappings with no link are listed apart (`standalone`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd


def node_table(
    mappings: pd.DataFrame,
    coverage: pd.DataFrame,
    projects: pd.DataFrame,
    *,
    derived: pd.Series | None = None,
    listed: pd.Series | None = None,
) -> pd.DataFrame:
    """One row per mapping: id, name, kind, countries, countries_from, projects.

    `countries` is the derived coverage (countries its scope expands to) or, when the scope
    gives no list, the count a source states; `countries_from` says which ("derived",
    "stated" or "unknown"). `projects` counts the inventory's projects that list it.

    `derived` (countries per mapping id in `coverage`) and `listed` (projects listing each
    mapping id) may be given when computed elsewhere, e.g. once per model or from
    precomputed codes, so that neither table is grouped or exploded again.
    """
    if derived is None:
        derived = coverage.groupby("mapping_id")["iso3"].nunique()
    if listed is None:
        listed = projects["listed_in"].explode().dropna().value_counts()
    table = mappings[["id", "name", "kind"]].copy()
    d = table["id"].map(derived)
    stated = pd.to_numeric(mappings["countries_stated"], errors="coerce").astype(float)
    table["countries"] = d.fillna(stated).fillna(0).astype(int)
    table["countries_from"] = np.where(d.notna(), "derived", np.where(stated.notna(), "stated", ""))
    table.loc[table["countries_from"] == "", "countries_from"] = "unknown"
    table["projects"] = table["id"].map(listed).fillna(0).astype(int)
    return table.reset_index(drop=True)


def listing_codes(projects: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, pd.Index]:
    """(row of `projects`, mapping code, mapping ids): one pair per element of each
    project's `listed_in`, for `listed_counts` (compute once for all projects)."""
    lists = projects["listed_in"].to_numpy(dtype=object)
    lengths = np.fromiter((len(v or ()) for v in lists), dtype=np.int64, count=len(lists))
    rows = np.repeat(np.arange(len(lists)), lengths)
    values = np.fromiter(
        (v for items in lists for v in (items or ())), dtype=object, count=int(lengths.sum())
    )
    codes, ids = pd.factorize(values)
    keep = codes >= 0  # no missing value in a list
    return rows[keep], codes[keep], pd.Index(ids, dtype=object)


def listed_counts(codes: tuple[np.ndarray, np.ndarray, pd.Index], chosen: np.ndarray) -> pd.Series:
    """Projects listing each mapping id, among the projects (rows) where `chosen` is True:
    `projects["listed_in"].explode().dropna().value_counts()` without exploding, up to
    order (index: mapping ids listed at least once)."""
    rows, mapping_codes, ids = codes
    counts = np.bincount(mapping_codes[chosen[rows]], minlength=len(ids))
    series = pd.Series(counts, index=ids, dtype="int64")
    return series[series > 0]


def _isin(values: pd.Series, wanted: Iterable[str]) -> np.ndarray:
    """`values.isin(wanted)` as a numpy mask, by set lookup (pandas' isin on Arrow-backed
    strings walks the values one Python object at a time)."""
    found = set(wanted)
    return np.fromiter(
        (v in found for v in values.to_numpy(dtype=object)), dtype=bool, count=len(values)
    )


def links_among(
    links: pd.DataFrame, mapping_ids: Sequence[str], kinds: Sequence[str] | None = None
) -> pd.DataFrame:
    """Links whose two ends are both in `mapping_ids`, of the given kinds (all if None)."""
    ids = set(mapping_ids)
    mask = _isin(links["mapping_a"], ids) & _isin(links["mapping_b"], ids)
    if kinds:
        mask &= _isin(links["kind"], kinds)
    return links[mask].sort_values(["kind", "link_id"]).reset_index(drop=True)


def standalone(mappings: pd.DataFrame, links: pd.DataFrame) -> pd.DataFrame:
    """The mappings that appear in no link of `links` (an opportunity to cooperate)."""
    linked = set(links["mapping_a"]) | set(links["mapping_b"])
    alone = mappings[~_isin(mappings["id"], linked)]
    return alone.sort_values(["kind", "name"]).reset_index(drop=True)


def arc_order(
    nodes: pd.DataFrame, links: pd.DataFrame, max_nodes: int | None = None
) -> pd.DataFrame:
    """The mappings of `nodes` (id, name, kind) that take part in a link, in the order an
    arc diagram draws them from the top: grouped by kind, the kind of the most linked
    mapping first (then by links in all, then by id), and within a kind the most linked
    first, then by name. Row 0 is thus a mapping with the most links (`hub`). Columns id,
    row (0 = top), links. With `max_nodes`, only that many are kept: the most linked, ties
    by name. Deterministic whatever the row order of either table."""
    count = degrees(links)
    linked = nodes[_isin(nodes["id"], count.index)][["id", "name", "kind"]].copy()
    linked["links"] = linked["id"].map(count).astype(int)
    if max_nodes is not None and len(linked) > max_nodes:
        linked = linked.sort_values(["links", "name", "id"], ascending=[False, True, True])
        linked = linked.head(max_nodes)
    by_kind = linked.groupby("kind")["links"].agg(["max", "sum"]).sort_index()
    kinds = by_kind.sort_values(["max", "sum"], ascending=False, kind="stable").index
    rank = {k: i for i, k in enumerate(kinds)}
    linked["kind_rank"] = linked["kind"].map(rank)
    linked = linked.sort_values(
        ["kind_rank", "links", "name", "id"], ascending=[True, False, True, True]
    )
    linked["row"] = np.arange(len(linked))
    return linked[["id", "row", "links"]].reset_index(drop=True)


def degrees(links: pd.DataFrame) -> pd.Series:
    """Number of links each mapping takes part in (index mapping id)."""
    return pd.concat([links["mapping_a"], links["mapping_b"]]).value_counts()
