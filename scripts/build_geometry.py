"""Build the app's offline country geometry from Natural Earth (via the npm package world-atlas).

Produces ``data/geo/countries.geojson`` (simplified country shapes) and ``data/geo/points.csv``
(one representative point per country, with an area and a ``small`` flag for map markers).

Source
    Natural Earth Admin 0 countries, version 4.1.0 (public domain), as redistributed in the
    npm package ``world-atlas@2`` (TopoJSON, ids = ISO 3166-1 numeric). Fetch the tarball with::

        cd /tmp && npm pack world-atlas@2        # -> /tmp/world-atlas-2.0.2.tgz

Usage
    python scripts/build_geometry.py /tmp/world-atlas-2.0.2.tgz [--out data/geo]
        [--groups data/country_groups.csv] [--tolerance 0.05]

    The argument may also be the unpacked ``package/`` folder. Only the standard library and
    ``pycountry`` are needed. Output is deterministic for a given tarball and groups file
    (``--groups`` supplies ``un_members``, to check that every UN member state gets a shape,
    and ``sids``, for the ``small`` flag). Provenance: ``data/geo/*.meta.yaml``.

What it does
    1. Decodes the 1:50m TopoJSON (delta-encoded, quantised arcs + transform) to coordinates.
    2. Simplifies every *arc* once with Douglas-Peucker (``--tolerance`` degrees; 3x that for
       arcs whose mean |latitude| > 60, which Web Mercator inflates), so borders shared by two
       countries stay identical, then rounds coordinates to 2 decimals (~1 km). The defaults give
       a file under 400 KB.
    3. Maps numeric ids to ISO 3166-1 alpha-3 with pycountry. Natural Earth features without an
       ISO code: Kosovo -> ``XKX`` (common convention); Somaliland, N. Cyprus and Siachen Glacier
       are kept with ``iso3 = ""`` and their Natural Earth name (so the map has no holes; the app
       draws them as "no data"). "Indian Ocean Ter." is split by longitude into Christmas Island
       (CXR) and Cocos (Keeling) Islands (CCK). Ashmore and Cartier Is. (id 036) are merged into
       Australia.
    4. UN member states absent from the 1:50m file (only Tuvalu, TUV, in NE 4.1.0) are taken
       from the 1:10m file of the same package.
    5. Drops slivers: a polygon whose rounded ring collapses, or (for countries that are not
       ``small``) whose area is under ``MIN_POLY_KM2`` (300 km2), is dropped, but a country's
       largest polygon is never dropped and ``small`` countries keep every polygon (at 3 decimals if
       2 would collapse it). Holes (enclaves such as Lesotho, San Marino, Vatican) are kept.
    6. Antimeridian: world-atlas stitches some rings across +/-180 (Chukotka and Wrangel Island
       of Russia, an island of Fiji). Each ring is unwrapped to continuous longitudes and every
       polygon that crosses is clipped (Sutherland-Hodgman) into a part west and a part east of
       the line, so no ring smears across a planar (Web Mercator) map; the script asserts that no
       output ring has a step over 180 degrees of longitude. Antarctica's coast, a ring around the
       pole, is cut at +/-180 and closed along the pole. Latitudes are clamped to +/-85.05 (the
       Web Mercator limit; only Antarctica reaches it).
    7. Ring orientation follows the source (d3/TopoJSON convention, checked for every input
       ring): exterior rings clockwise, holes counter-clockwise, as plotly's d3-based choropleth
       needs; deck.gl ignores winding. This is the opposite of RFC 7946's recommendation.
    8. points.csv: ``iso3,name,lon,lat,area_km2,small`` -- the area-weighted centroid of the
       country's largest polygon (full resolution) if it lies inside it, else the midpoint of the
       widest horizontal chord through it (a point on the surface); ``area_km2`` is the spherical
       area of the full-resolution geometry (R = 6371.0088 km), approximate; ``small`` is true for
       countries under 30,000 km2 or members of the ``sids`` group in ``--groups`` (if given).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import sys
import tarfile
from pathlib import Path

import pandas as pd
import pycountry

from cbdash.data.geometry import polygon_area_km2, simplify_chain, simplify_shapes
from cbdash.data.writes import write_atomic

MIN_POLY_KM2 = 300.0  # slivers below this are dropped for countries that are not "small"
SMALL_KM2 = 30000.0
POLAR_LAT = 60.0
POLAR_FACTOR = 3.0
MAX_LAT = 85.05
NO_ISO = {"Somaliland", "N. Cyprus", "Siachen Glacier"}
NAME_OVERRIDES = {"XKX": "Kosovo"}
# pycountry's official names that read badly on a map -> common short names
SHORT_NAMES = {
    "BOL": "Bolivia",
    "VEN": "Venezuela",
    "IRN": "Iran",
    "TZA": "Tanzania",
    "FSM": "Micronesia",
    "MDA": "Moldova",
    "KOR": "South Korea",
    "PRK": "North Korea",
    "LAO": "Laos",
    "SYR": "Syria",
    "RUS": "Russia",
    "VNM": "Viet Nam",
    "BRN": "Brunei",
    "COD": "DR Congo",
    "COG": "Congo",
    "CZE": "Czechia",
    "PSE": "Palestine",
    "VAT": "Holy See",
    "TUR": "Türkiye",
    "MKD": "North Macedonia",
    "CIV": "Côte d'Ivoire",
    "SWZ": "Eswatini",
    "CPV": "Cabo Verde",
    "TWN": "Taiwan",
    "MAF": "Saint Martin (French part)",
    "SXM": "Sint Maarten (Dutch part)",
}


# ----------------------------------------------------------------------------- TopoJSON
def load_topology(src: Path, name: str) -> dict:
    if src.is_dir():
        return json.loads((src / name).read_text(encoding="utf-8"))
    with tarfile.open(src) as tar:
        member = tar.getmember(f"package/{name}")
        return json.load(io.TextIOWrapper(tar.extractfile(member), encoding="utf-8"))


def decode_arcs(topo: dict) -> list[list[tuple[float, float]]]:
    """Delta-decode quantised arcs and apply the transform -> absolute lon/lat."""
    tr = topo.get("transform")
    out = []
    for arc in topo["arcs"]:
        if tr:
            (sx, sy), (tx, ty) = tr["scale"], tr["translate"]
            x = y = 0
            pts = []
            for dx, dy in arc:
                x += dx
                y += dy
                pts.append((x * sx + tx, y * sy + ty))
        else:
            pts = [(p[0], p[1]) for p in arc]
        out.append(pts)
    return out


def simplify_arc_wrapped(pts, tol: float):
    """Simplify in unwrapped longitudes (an arc may cross +/-180), then wrap back.

    Arcs in polar regions (mean |lat| > POLAR_LAT: Arctic Canada, Greenland, Siberia,
    Antarctica) use POLAR_FACTOR times the tolerance: Web Mercator inflates them and they
    carry no detail the dashboard needs.
    """
    if sum(abs(y) for _, y in pts) / len(pts) > POLAR_LAT:
        tol *= POLAR_FACTOR
    return _rewrap(simplify_chain(_unwrap(pts), tol))


def ring_from_arcs(idx: list[int], arcs: list[list[tuple[float, float]]]) -> list:
    ring: list[tuple[float, float]] = []
    for a in idx:
        seg = arcs[a] if a >= 0 else arcs[~a][::-1]
        ring.extend(seg if not ring else seg[1:])
    return ring


def geometry_polygons(geom: dict, arcs) -> list[list[list[tuple[float, float]]]]:
    if geom["type"] == "Polygon":
        return [[ring_from_arcs(r, arcs) for r in geom["arcs"]]]
    if geom["type"] == "MultiPolygon":
        return [[ring_from_arcs(r, arcs) for r in poly] for poly in geom["arcs"]]
    return []


# ----------------------------------------------------------------------------- antimeridian
def _unwrap(ring) -> list[tuple[float, float]]:
    """Make longitudes continuous (no step over 180 degrees) starting from the first point."""
    out = [tuple(ring[0])]
    for x, y in ring[1:]:
        px = out[-1][0]
        while x - px > 180:
            x -= 360
        while x - px < -180:
            x += 360
        out.append((x, y))
    return out


def _rewrap(pts) -> list[tuple[float, float]]:
    return [((x + 180) % 360 - 180 if abs(x) > 180 else x, y) for x, y in pts]


def _clip(ring, edge: float, keep_below: bool) -> list[tuple[float, float]]:
    """Sutherland-Hodgman clip of a closed ring against the half-plane x <= edge (or >= edge)."""

    def inside(p):
        return p[0] <= edge if keep_below else p[0] >= edge

    def cut(a, b):
        t = (edge - a[0]) / (b[0] - a[0])
        return (edge, a[1] + t * (b[1] - a[1]))

    pts = ring[:-1] if ring[0] == ring[-1] else ring
    out = []
    for i in range(len(pts)):
        cur, prev = pts[i], pts[i - 1]
        if inside(cur):
            if not inside(prev):
                out.append(cut(prev, cur))
            out.append(cur)
        elif inside(prev):
            out.append(cut(prev, cur))
    if out:
        out.append(out[0])
    return out


def _close_polar(ring) -> list[tuple[float, float]]:
    """A ring that encircles a pole (Antarctica's coast): cut it at +/-180 and close it along
    the pole, so it becomes a planar ring from -180 to 180 (clockwise, interior on the right)."""
    pts = ring[:-1] if ring[0] == ring[-1] else list(ring)
    n = len(pts)
    start = next(i for i in range(n) if abs(pts[i][0] - pts[i - 1][0]) > 180)
    pts = pts[start:] + pts[:start]
    u = _unwrap(pts)
    shift = -360 * math.floor((u[0][0] + 180) / 360)
    u = [(x + shift, y) for x, y in u]
    x_first, x_last = u[0][0], u[-1][0]
    step = 1 if x_last > x_first else -1
    edge_a, edge_b = (-180.0, 180.0) if step == 1 else (180.0, -180.0)
    # the crossing points themselves: interpolate the coast to the edges
    (xa, ya), (xb, yb) = u[-1], (u[0][0] + 360 * step, u[0][1])
    y_cross = ya + (edge_b - xa) * (yb - ya) / (xb - xa) if xb != xa else ya
    pole = math.copysign(90.0, sum(y for _, y in u))
    body = [(edge_a, y_cross)] + u + [(edge_b, y_cross), (edge_b, pole), (edge_a, pole)]
    body = [(x, y) for x, y in body if -180 <= x <= 180]
    return body + [body[0]]


def _nondegenerate(ring) -> bool:
    return len(ring) >= 4 and planar_signed_area(ring[:-1]) != 0


def split_antimeridian(poly) -> list:
    """Split a polygon whose rings cross +/-180 into parts on either side (planar rendering)."""
    polar = [r for r in poly if abs(_unwrap(r)[-1][0] - _unwrap(r)[0][0]) > 1]
    if polar:  # encircles a pole (Antarctica): drop the pure pole-edge ring, close the coast
        coast = [r for r in polar if max(y for _, y in r) - min(y for _, y in r) > 0.01]
        others = [_unwrap(r) for r in poly if r not in polar]
        return [[_close_polar(r)] + others for r in coast]
    ext = _unwrap(poly[0])
    xs = [p[0] for p in ext]
    shift = -360 if min(xs) >= 180 else 360 if max(xs) <= -180 else 0
    ext = [(x + shift, y) for x, y in ext]
    lo, hi = min(x for x, _ in ext), max(x for x, _ in ext)
    holes = []
    for h in poly[1:]:
        h = _unwrap(h)
        while h[0][0] > hi + 1e-9:
            h = [(x - 360, y) for x, y in h]
        while h[0][0] < lo - 1e-9:
            h = [(x + 360, y) for x, y in h]
        holes.append(h)
    if hi <= 180 and lo >= -180:
        return [[ext] + holes]
    edge = 180.0 if hi > 180 else -180.0
    parts = []
    for keep_below in (True, False):
        off = (0 if keep_below else -360) if edge == 180 else (360 if keep_below else 0)
        rings = []
        e = _clip(ext, edge, keep_below)
        if not _nondegenerate(e):
            continue
        rings.append([(x + off, y) for x, y in e])
        for h in holes:
            hc = _clip(h, edge, keep_below)
            if _nondegenerate(hc):
                rings.append([(x + off, y) for x, y in hc])
        parts.append(rings)
    return parts


# ----------------------------------------------------------------------------- measures
def planar_signed_area(ring) -> float:
    s = 0.0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        s += x1 * y2 - x2 * y1
    return s / 2.0


def point_in_ring(x, y, ring) -> bool:
    inside = False
    n = len(ring)
    j = n - 1
    for i in range(n):
        xi, yi = ring[i]
        xj, yj = ring[j]
        if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def point_in_poly(x, y, poly) -> bool:
    return point_in_ring(x, y, poly[0]) and not any(point_in_ring(x, y, h) for h in poly[1:])


def representative_point(poly) -> tuple[float, float]:
    ext = poly[0]
    a = planar_signed_area(ext)
    if a != 0:
        cx = cy = 0.0
        for (x1, y1), (x2, y2) in zip(ext, ext[1:] + ext[:1], strict=True):
            f = x1 * y2 - x2 * y1
            cx += (x1 + x2) * f
            cy += (y1 + y2) * f
        cx, cy = cx / (6 * a), cy / (6 * a)
        if point_in_poly(cx, cy, poly):
            return cx, cy
    else:
        cx = sum(p[0] for p in ext) / len(ext)
        cy = sum(p[1] for p in ext) / len(ext)
    ys = [p[1] for p in ext]
    lo, hi = min(ys), max(ys)
    best = None
    for y in [cy] + [lo + (hi - lo) * k / 20 for k in range(1, 20)]:
        xs = []
        for ring in poly:
            for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
                if (y1 > y) != (y2 > y):
                    xs.append(x1 + (y - y1) * (x2 - x1) / (y2 - y1))
        xs.sort()
        for k in range(0, len(xs) - 1, 2):
            w = xs[k + 1] - xs[k]
            if best is None or w > best[0]:
                best = (w, (xs[k] + xs[k + 1]) / 2, y)
        if best and y == cy and best[0] > 0:
            break
    if best is None:
        return cx, cy
    return best[1], best[2]


# ----------------------------------------------------------------------------- output helpers
def round_ring(ring, nd: int) -> list[list[float]]:
    out: list[list[float]] = []
    for x, y in ring:
        p = [round(x, nd), round(max(-MAX_LAT, min(MAX_LAT, y)), nd)]
        if nd == 2:
            p = [float(f"{p[0]:.2f}"), float(f"{p[1]:.2f}")]
        if not out or out[-1] != p:
            out.append(p)
    if len(out) > 1 and out[0] != out[-1]:
        out.append(out[0])
    return out


def ring_ok(ring) -> bool:
    return (
        len(ring) >= 4
        and len({tuple(p) for p in ring}) >= 3
        and planar_signed_area([tuple(p) for p in ring[:-1]]) != 0
    )


def orient(ring, clockwise: bool):
    a = planar_signed_area([tuple(p) for p in ring[:-1]])
    if (a < 0) != clockwise:
        ring = ring[::-1]
    return ring


def iso3_for(num: str | None, ne_name: str) -> str:
    if ne_name == "Kosovo":
        return "XKX"
    if num is None:
        return ""
    c = pycountry.countries.get(numeric=num)
    if c is None:
        raise SystemExit(f"unknown ISO numeric id {num} ({ne_name})")
    return c.alpha_3


def display_name(iso3: str, ne_name: str) -> str:
    if not iso3:
        return ne_name
    if iso3 in NAME_OVERRIDES:
        return NAME_OVERRIDES[iso3]
    if iso3 in SHORT_NAMES:
        return SHORT_NAMES[iso3]
    c = pycountry.countries.get(alpha_3=iso3)
    return getattr(c, "common_name", None) or c.name


def un_members_from_groups(path: Path | None, gid: str) -> set[str]:
    if not path or not path.exists():
        return set()
    with path.open(encoding="utf-8") as f:
        return {r["iso3"] for r in csv.DictReader(f) if r["group_id"] == gid}


# ----------------------------------------------------------------------------- main
def collect(topo: dict, tol: float):
    """-> dict key -> {'name', 'full': [poly...], 'simple': [poly...]}"""
    arcs = decode_arcs(topo)
    sarcs = [simplify_arc_wrapped(a, tol) for a in arcs]
    feats: dict[str, dict] = {}
    for g in topo["objects"]["countries"]["geometries"]:
        ne_name = g["properties"]["name"]
        iso3 = iso3_for(g.get("id"), ne_name)
        full, simple = [], []
        for pf, ps in zip(geometry_polygons(g, arcs), geometry_polygons(g, sarcs), strict=True):
            a, b = split_antimeridian(pf), split_antimeridian(ps)
            if len(a) != len(b):  # simplification changed the split: fall back to full rings
                b = a
            full += a
            simple += b
        if ne_name == "Indian Ocean Ter.":  # Christmas Island (~105.6E) + Cocos (~96.8E)
            for code in ("CXR", "CCK"):
                sel = [k for k, p in enumerate(full) if (p[0][0][0] > 100) == (code == "CXR")]
                feats[code] = {
                    "name": display_name(code, ne_name),
                    "full": [full[k] for k in sel],
                    "simple": [simple[k] for k in sel],
                }
            continue
        key = iso3 or f"~{ne_name}"
        if key in feats:  # e.g. Ashmore and Cartier Is. (036) -> Australia
            feats[key]["full"] += full
            feats[key]["simple"] += simple
        else:
            feats[key] = {"name": display_name(iso3, ne_name), "full": full, "simple": simple}
    return feats


def simplify_for_world_map(features: list[dict], small: set[str]) -> list[dict]:
    """The shapes as the world map draws them (cbdash.data.geometry.simplify_shapes: slivers
    under 2,000 km2 dropped except for small states, 0.2 degree Douglas-Peucker with shared
    borders kept shared), so that the app simplifies nothing at load."""
    rows = []
    for k, f in enumerate(features):
        g = f["geometry"]
        polys = [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"]
        rows += [{"feature": k, "iso3": f["properties"]["iso3"], "polygon": p} for p in polys]
    shapes = simplify_shapes(pd.DataFrame(rows), keep_all=sorted(small))
    out = []
    for k, f in enumerate(features):
        polys = shapes.loc[shapes["feature"] == k, "polygon"].tolist()
        geom = (
            {"type": "Polygon", "coordinates": polys[0]}
            if len(polys) == 1
            else {"type": "MultiPolygon", "coordinates": polys}
        )
        out.append({**f, "geometry": geom})
    return out


def with_missing_members(feats: dict, source: Path, tol: float, un: set[str]) -> list[str]:
    """Add the UN members the 1:50m file lacks from the 1:10m file (only Tuvalu in NE 4.1.0;
    without the groups file, Tuvalu); return the codes taken from 1:10m."""
    missing = sorted(un - set(feats)) if un else ["TUV"]
    missing = [iso for iso in missing if iso not in feats]
    if not missing:
        return []
    f10 = collect(load_topology(source, "countries-10m.json"), tol)
    taken = [iso for iso in missing if iso in f10]
    for iso in taken:
        feats[iso] = f10[iso]
    return taken


def country_polygons(key: str, f: dict, small: bool) -> list:
    """A country's output polygons: slivers dropped (not for small states or the largest),
    rings rounded to 2 decimals (3 or 4 if that collapses a small state), oriented as d3
    expects; checked never to cross the antimeridian."""
    areas = [polygon_area_km2(p) for p in f["full"]]
    largest = max(range(len(areas)), key=areas.__getitem__)
    polys = []
    for k, (pf, ps) in enumerate(zip(f["full"], f["simple"], strict=True)):
        if not small and k != largest and areas[k] < MIN_POLY_KM2:
            continue
        ext = exterior_ring(pf, ps, keep=small or k == largest)
        if ext is None:
            continue
        rings = [orient(ext, True)]
        for hf, hs in zip(pf[1:], ps[1:], strict=False):
            h = round_ring(hs, 2)
            if not ring_ok(h):
                h = round_ring(hf, 2)
            if ring_ok(h):
                rings.append(orient(h, False))
        polys.append(rings)
    if not polys:
        raise SystemExit(f"{key}: all polygons dropped")
    for poly in polys:
        for ring in poly:
            for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False):
                along_pole = y1 == y2 and abs(y1) >= MAX_LAT  # Antarctica's closing edge
                if abs(x2 - x1) > 180 and not along_pole:
                    raise SystemExit(f"{key}: ring crosses the antimeridian")
    return polys


def exterior_ring(pf: list, ps: list, keep: bool) -> list | None:
    """The simplified exterior ring rounded to 2 decimals, or the full one when that
    collapses; for a polygon that must be kept, 3 or 4 decimals before giving up."""
    ext = round_ring(ps[0], 2)
    if not ring_ok(ext):
        ext = round_ring(pf[0], 2)
    if not ring_ok(ext):
        if not keep:
            return None
        ext = round_ring(pf[0], 3)
        if not ring_ok(ext):
            ext = round_ring(pf[0], 4)
    return ext


def write_outputs(out: Path, features: list[dict], points: list[dict]) -> int:
    """Write countries.geojson (one feature a line) and points.csv, each atomically (a
    temporary file renamed over the old one); return the GeoJSON size."""
    out.mkdir(parents=True, exist_ok=True)
    gj = {"type": "FeatureCollection", "features": features}
    text = json.dumps(gj, ensure_ascii=False, separators=(",", ":")).replace(
        '},{"type":"Feature"', '},\n{"type":"Feature"'
    )
    write_atomic(out / "countries.geojson", (text + "\n").encode("utf-8"))
    fh = io.StringIO()
    w = csv.DictWriter(
        fh, fieldnames=["iso3", "name", "lon", "lat", "area_km2", "small"], lineterminator="\n"
    )
    w.writeheader()
    w.writerows(points)
    write_atomic(out / "points.csv", fh.getvalue().encode("utf-8"))
    return (out / "countries.geojson").stat().st_size


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("source", type=Path, help="world-atlas npm tarball or its package/ folder")
    ap.add_argument("--out", type=Path, default=Path("data/geo"))
    ap.add_argument("--groups", type=Path, default=Path("data/country_groups.csv"))
    ap.add_argument("--tolerance", type=float, default=0.05, help="Douglas-Peucker, degrees")
    args = ap.parse_args(argv)

    feats = collect(load_topology(args.source, "countries-50m.json"), args.tolerance)
    un = un_members_from_groups(args.groups, "un_members")
    sids = un_members_from_groups(args.groups, "sids")
    from_10m = with_missing_members(feats, args.source, args.tolerance, un)

    features, points = [], []
    for key in sorted(feats, key=lambda k: (k.startswith("~"), k)):
        f = feats[key]
        iso3 = "" if key.startswith("~") else key
        total = sum(polygon_area_km2(p) for p in f["full"])
        small = total < SMALL_KM2 or iso3 in sids
        polys = country_polygons(key, f, small)
        geom = (
            {"type": "Polygon", "coordinates": polys[0]}
            if len(polys) == 1
            else {"type": "MultiPolygon", "coordinates": polys}
        )
        features.append(
            {"type": "Feature", "properties": {"iso3": iso3, "name": f["name"]}, "geometry": geom}
        )
        if iso3:
            largest = max(f["full"], key=polygon_area_km2)
            lon, lat = representative_point(largest)
            points.append(
                {
                    "iso3": iso3,
                    "name": f["name"],
                    "lon": f"{lon:.3f}",
                    "lat": f"{lat:.3f}",
                    "area_km2": str(round(total)),
                    "small": "true" if small else "false",
                }
            )
    features = simplify_for_world_map(features, {p["iso3"] for p in points if p["small"] == "true"})
    size = write_outputs(args.out, features, points)
    print(
        f"features={len(features)} points={len(points)} geojson_bytes={size} from_10m={from_10m}",
        file=sys.stderr,
    )
    if un:
        lacking = sorted(un - {p["iso3"] for p in points})
        print(f"UN members without polygon or point: {lacking}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
