"""The cooperation network as a graph: mapping efforts as nodes, cooperation links as edges.

Pure functions: tables in, a deterministic layout out. The layout is a Fruchterman-Reingold
spring layout written in numpy (no networkx: forty links do not need it) with a fixed seed
and nodes sorted by id first, so the same data always gives the same picture, whatever the
row order. Mappings with no link sit on an outer ring, grouped by kind, so that "who stands
alone" is visible at a glance. The chart is drawn by `cbdash.present.network_chart`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache

import numpy as np
import pandas as pd

RING_RADIUS = 1.3


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


def spring_layout(
    ids: Sequence[str],
    edges: Sequence[tuple[str, str]],
    seed: int = 7,
    iterations: int = 300,
    gravity: float = 2.0,
) -> pd.DataFrame:
    """Fruchterman-Reingold positions (id, x, y) scaled into the unit disc.

    A pull towards the centre (`gravity`) keeps separate groups of linked mappings from
    drifting apart and squeezing the largest group into a dot. Deterministic: ids are
    sorted before the seeded start, so neither the order of `ids` nor of `edges` matters.
    """
    order = sorted(set(ids))
    n = len(order)
    if n == 0:
        return pd.DataFrame({"id": [], "x": [], "y": []})
    if n == 1:
        return pd.DataFrame({"id": order, "x": [0.0], "y": [0.0]})
    index = set(order)
    key = tuple(sorted((a, b) for a, b in edges if a in index and b in index and a != b))
    pos = _spring_positions(tuple(order), key, seed, iterations, gravity)
    return pd.DataFrame({"id": order, "x": pos[:, 0].copy(), "y": pos[:, 1].copy()})


@lru_cache(maxsize=32)
def _spring_positions(
    order: tuple[str, ...],
    edges: tuple[tuple[str, str], ...],
    seed: int,
    iterations: int,
    gravity: float,
) -> np.ndarray:
    """The spring layout's positions (rows in `order`), kept per process for the most
    recent graphs: the layout depends only on the nodes and edges, not on the other
    widgets of a page, and costs a few hundred ms for a few hundred linked mappings. The array
    is read-only. The arithmetic is the same, step for step, as a plain loop: any other
    order of the sums changes the picture (the iteration amplifies rounding)."""
    n = len(order)
    index = {m: i for i, m in enumerate(order)}
    adjacency = np.zeros((n, n))
    for a, b in edges:
        adjacency[index[a], index[b]] += 1.0
        adjacency[index[b], index[a]] += 1.0
    pos = np.random.default_rng(seed).uniform(-1.0, 1.0, size=(n, 2))
    k = np.sqrt(1.0 / n)
    step = 0.1
    cool = step / (iterations + 1)
    # The plain loop, step for step:
    #   delta = pos[:, None, :] - pos[None, :, :]
    #   dist = np.maximum(np.linalg.norm(delta, axis=-1), 0.01)
    #   force = k * k / dist**2 - adjacency * dist / k
    # computed with the same operations on the same numbers, only cheaper: delta one
    # coordinate at a time into one buffer (broadcasting over a last axis of 2 is slow),
    # the norm as the sqrt of the same sum, and the attraction only where there is a link
    # (elsewhere it is 0.0, and x - 0.0 is x).
    rows, cols = np.nonzero(adjacency)
    weights = adjacency[rows, cols]
    delta = np.empty((n, n, 2))
    dx, dy = delta[:, :, 0], delta[:, :, 1]
    for _ in range(iterations):
        x, y = pos[:, 0], pos[:, 1]
        np.subtract(x[:, None], x[None, :], out=dx)
        np.subtract(y[:, None], y[None, :], out=dy)
        dist = np.sqrt(dx * dx + dy * dy)
        np.maximum(dist, 0.01, out=dist)
        force = k * k / dist**2
        force[rows, cols] -= weights * dist[rows, cols] / k
        disp = np.einsum("ijk,ij->ik", delta, force) - gravity * pos
        length = np.maximum(np.sqrt(disp[:, 0] * disp[:, 0] + disp[:, 1] * disp[:, 1]), 0.01)
        pos += disp * (np.minimum(length, step) / length)[:, None]
        step -= cool
    pos -= pos.mean(axis=0)
    radius = np.linalg.norm(pos, axis=1).max()
    if radius > 0:
        pos /= radius
    pos.flags.writeable = False
    return pos


def network_layout(
    nodes: pd.DataFrame, links: pd.DataFrame, seed: int = 7, aspect: float = 1.0
) -> pd.DataFrame:
    """Positions for every node (id, x, y, linked): linked mappings by spring layout in the
    unit disc, stand-alone mappings evenly on an outer ring, grouped by kind then name.
    `aspect` stretches x so that the picture fills a wide chart (a projector is wide)."""
    edges = list(zip(links["mapping_a"], links["mapping_b"], strict=True))
    linked_ids = sorted({m for e in edges for m in e} & set(nodes["id"]))
    inner = spring_layout(linked_ids, edges, seed=seed).assign(linked=True)
    alone = nodes[~_isin(nodes["id"], linked_ids)].sort_values(["kind", "name", "id"])
    angles = np.linspace(0, 2 * np.pi, num=len(alone), endpoint=False) + np.pi / 2
    outer = pd.DataFrame(
        {
            "id": alone["id"].to_numpy(),
            "x": RING_RADIUS * np.cos(angles),
            "y": RING_RADIUS * np.sin(angles),
            "linked": False,
        }
    )
    both = pd.concat([inner, outer], ignore_index=True)
    both["x"] *= aspect
    return both


def degrees(links: pd.DataFrame) -> pd.Series:
    """Number of links each mapping takes part in (index mapping id)."""
    return pd.concat([links["mapping_a"], links["mapping_b"]]).value_counts()


# The legend's swatches in CSS (Streamlit's HTML sanitiser drops inline SVG): each marker
# symbol as a clip-path on a 14 px box, each dash pattern as a repeating gradient (px).
