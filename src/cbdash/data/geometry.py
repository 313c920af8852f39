"""Plane geometry of country shapes: Douglas-Peucker, spherical area, topology-preserving
simplification and the borders between neighbours.

Used once, at build time, by `scripts/build_geometry.py` (which writes the simplified shapes
to `data/geo/countries.geojson`), and by the world map for the lines between neighbours.
A polygon is a list of rings; a ring is a closed list of [lon, lat] points.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd

R_KM = 6371.0088  # mean Earth radius

Point = tuple[float, float]


def douglas_peucker_keep(points: Sequence[Point], tolerance: float) -> list[bool]:
    """Douglas-Peucker on an open chain: which points to keep (both ends always)."""
    keep = [False] * len(points)
    if not points:
        return keep
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    tol2 = tolerance * tolerance
    while stack:
        a, b = stack.pop()
        if b - a < 2:
            continue
        (ax, ay), (bx, by) = points[a][:2], points[b][:2]
        dx, dy = bx - ax, by - ay
        norm = dx * dx + dy * dy
        best, best_d = -1, tol2
        for i in range(a + 1, b):
            px, py = points[i][:2]
            t = 0.0 if norm == 0 else min(1.0, max(0.0, ((px - ax) * dx + (py - ay) * dy) / norm))
            d = (px - ax - t * dx) ** 2 + (py - ay - t * dy) ** 2
            if d > best_d:
                best, best_d = i, d
        if best >= 0:
            keep[best] = True
            stack += [(a, best), (best, b)]
    return keep


def simplify_chain(points: Sequence[Point], tolerance: float) -> list[Point]:
    """`points` simplified with Douglas-Peucker; a closed chain (first point = last) is
    anchored at its farthest point as well, so that it cannot collapse to a line."""
    if len(points) < 3:
        return list(points)
    if points[0] == points[-1]:
        x0, y0 = points[0][:2]
        far = max(
            range(len(points)), key=lambda i: (points[i][0] - x0) ** 2 + (points[i][1] - y0) ** 2
        )
        keep = douglas_peucker_keep(points[: far + 1], tolerance)[:-1]
        keep += douglas_peucker_keep(points[far:], tolerance)
    else:
        keep = douglas_peucker_keep(points, tolerance)
    return [p for p, k in zip(points, keep, strict=True) if k]


def ring_area_km2(ring: Sequence[Sequence[float]]) -> float:
    """Signed spherical area of a lon/lat ring in km2 (Chamberlain & Duquette, as in
    turf/area)."""
    pts = ring[:-1] if len(ring) > 1 and ring[0] == ring[-1] else ring
    n = len(pts)
    if n < 3:
        return 0.0
    total = 0.0
    for i in range(n):
        lon_prev = math.radians(pts[i - 1][0])
        lon_next = math.radians(pts[(i + 1) % n][0])
        total += (lon_next - lon_prev) * math.sin(math.radians(pts[i][1]))
    return total * R_KM * R_KM / 2.0


def polygon_area_km2(polygon: Sequence[Sequence[Sequence[float]]]) -> float:
    """Area of a polygon (its exterior ring less its holes) in km2."""
    if not polygon:
        return 0.0
    area = abs(ring_area_km2(polygon[0])) - sum(abs(ring_area_km2(h)) for h in polygon[1:])
    return max(area, 0.0)


def _edge(a: tuple, b: tuple) -> tuple[tuple, tuple]:
    """An undirected edge between two points: the same key whichever way a ring runs."""
    return (a, b) if a <= b else (b, a)


def simplify_shapes(
    shapes: pd.DataFrame,
    tolerance: float = 0.2,
    min_area_km2: float = 2000.0,
    keep_all: Sequence[str] = (),
) -> pd.DataFrame:
    """World-map geometry: fewer polygons and vertices, same topology. `shapes` has one
    row per polygon (iso3, name, polygon).

    Drops polygons under `min_area_km2` (under a pixel at world zoom) except a country's
    largest and every polygon of the countries in `keep_all` (small states). Then simplifies
    every ring with Douglas-Peucker (`tolerance` in degrees; a pixel is about 0.5 degree at
    world zoom) so that shared borders stay shared: each ring is cut wherever the set of
    rings using an edge changes (where a coast meets a border, or three countries meet),
    each piece is simplified once, and both neighbours get the identical result. A ring that
    would collapse keeps its vertices.
    """
    if shapes.empty:
        return shapes
    area = shapes["polygon"].map(polygon_area_km2)
    largest = area == area.groupby(shapes["iso3"]).transform("max")
    kept = shapes[(area >= min_area_km2) | largest | shapes["iso3"].isin(set(keep_all))]
    rings = [
        [(float(p[0]), float(p[1])) for p in ring] for poly in kept["polygon"] for ring in poly
    ]
    users: dict[tuple, set[int]] = {}
    for r, ring in enumerate(rings):
        for a, b in zip(ring, ring[1:], strict=False):
            users.setdefault(_edge(a, b), set()).add(r)
    simplified = [_simplify_ring(ring, users, tolerance, {}) for ring in rings]
    rings_iter = iter(simplified)
    polygons = [[next(rings_iter) for _ in poly] for poly in kept["polygon"]]
    return kept.assign(polygon=polygons).reset_index(drop=True)


def _simplify_ring(
    ring: list[Point], users: dict[tuple, set[int]], tolerance: float, done: dict
) -> list[list[float]]:
    """One ring simplified piece by piece, each piece between two points where the rings
    sharing its edges change (see simplify_shapes); `done` keeps pieces already simplified
    so that a neighbour gets the identical result."""

    def piece(points: list[Point]) -> list[Point]:
        forward = points[0] < points[-1] or (points[0] == points[-1] and points[1] <= points[-2])
        key = tuple(points if forward else points[::-1])
        if key not in done:
            done[key] = tuple(simplify_chain(key, tolerance))
        out = list(done[key])
        return out if forward else out[::-1]

    body = ring[:-1] if ring[0] == ring[-1] else ring
    n = len(body)
    out = ring
    if n >= 4:
        owners = [
            frozenset(users[_edge(a, b)]) for a, b in zip(body, body[1:] + body[:1], strict=True)
        ]
        cuts = [i for i in range(n) if owners[i - 1] != owners[i]]
        if not cuts:  # one loop, shared all round with the same rings (or with none)
            start = min(range(n), key=lambda i: body[i])
            out = piece(body[start:] + body[:start] + [body[start]])
        else:
            out = []
            for k, c in enumerate(cuts):
                end = cuts[(k + 1) % len(cuts)]
                idx = list(range(c, end + 1)) if end > c else [*range(c, n), *range(end + 1)]
                part = piece([body[i] for i in idx])
                out.extend(part if not out else part[1:])
            if out[0] != out[-1]:
                out.append(out[0])
        if len(set(out)) < 3:
            out = ring
    return [[x, y] for x, y in out]


def shared_borders(shapes: pd.DataFrame) -> list[list[float]]:
    """The borders between neighbouring polygons, each once, as flat [x0, y0, x1, y1, ...]
    paths: the edges found in two rings (after `simplify_shapes` a shared border is the
    same vertices in both neighbours), chained end to end where they meet."""
    count: dict[tuple, int] = {}
    for polygon in shapes["polygon"]:
        for ring in polygon:
            points = [(float(p[0]), float(p[1])) for p in ring]
            for a, b in zip(points, points[1:], strict=False):
                if a != b:
                    edge = _edge(a, b)
                    count[edge] = count.get(edge, 0) + 1
    edges = sorted(edge for edge, n in count.items() if n >= 2)
    neighbours: dict[tuple, list[tuple]] = {}
    for a, b in edges:
        neighbours.setdefault(a, []).append(b)
        neighbours.setdefault(b, []).append(a)
    unused = set(edges)

    def take(a: tuple, b: tuple) -> bool:
        edge = _edge(a, b)
        if edge in unused:
            unused.discard(edge)
            return True
        return False

    paths: list[list[float]] = []
    # Start at chain ends (a point with one border edge or a junction of three) first,
    # then at whatever is left (closed loops, e.g. an enclave).
    starts = [p for p in sorted(neighbours) if len(neighbours[p]) != 2] + sorted(neighbours)
    for start in starts:
        for nxt in neighbours[start]:
            if not take(start, nxt):
                continue
            path = [start, nxt]
            while len(neighbours[path[-1]]) == 2:
                step = next((q for q in neighbours[path[-1]] if take(path[-1], q)), None)
                if step is None:
                    break
                path.append(step)
            paths.append([c for point in path for c in point])
    return paths
