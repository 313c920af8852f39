"""Country geometry shipped in `data/geo/` (Natural Earth, public domain): read once,
flattened into one record per polygon for deck.gl, and a reference table of countries.

Small states (island states, micro-states) get a marker at a representative point so that
they stay visible and clickable on a world map, whatever the scale of their polygons.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from cbdash.data.countries import country_name
from cbdash.data.files import read_csv
from cbdash.data.validation import Report


def read_geojson(path: Path, report: Report) -> dict[str, Any]:
    """The GeoJSON FeatureCollection at `path`; an empty one (and an error) if unusable."""
    empty: dict[str, Any] = {"type": "FeatureCollection", "features": []}
    if not path.exists():
        report.add(path.name, None, None, f"file not found: {path}")
        return empty
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        report.add(path.name, None, None, f"not valid GeoJSON: {exc}")
        return empty
    if not isinstance(data, dict) or not isinstance(data.get("features"), list):
        report.add(path.name, None, "features", "expected a FeatureCollection")
        return empty
    return data


def polygon_records(geojson: dict[str, Any]) -> pd.DataFrame:
    """One row per polygon: iso3, name, polygon (list of rings, each a list of [lon, lat])."""
    rows = []
    for feature in geojson.get("features", []):
        props = feature.get("properties") or {}
        iso3 = str(props.get("iso3") or "")
        geom = feature.get("geometry") or {}
        if geom.get("type") == "Polygon":
            polygons = [geom["coordinates"]]
        elif geom.get("type") == "MultiPolygon":
            polygons = geom["coordinates"]
        else:
            continue
        name = country_name(iso3) if iso3 else str(props.get("name") or "")
        rows.extend({"iso3": iso3, "name": name, "polygon": p} for p in polygons)
    return pd.DataFrame(rows, columns=["iso3", "name", "polygon"])


def read_points(path: Path, report: Report) -> pd.DataFrame:
    """Representative points (iso3, name, lon, lat, area_km2, small) for every country."""
    df = read_csv(path, report)
    columns = ["iso3", "name", "lon", "lat", "area_km2", "small"]
    if df is None or not set(columns) <= set(df.columns):
        if df is not None:
            report.add(path.name, 1, None, f"expected columns {', '.join(columns)}")
        return pd.DataFrame(
            {c: pd.Series(dtype=float if c in {"lon", "lat", "area_km2"} else str) for c in columns}
        ).astype({"small": bool})
    out = df[columns].copy()
    for col in ("lon", "lat", "area_km2"):
        out[col] = pd.to_numeric(out[col], errors="coerce")
    out["small"] = out["small"].str.strip().str.lower().isin({"true", "1", "yes"})
    out = out[out["iso3"].str.len() == 3].dropna(subset=["lon", "lat"])
    out["name"] = [country_name(c) for c in out["iso3"]]
    return out.sort_values("name").reset_index(drop=True)


def load_geometry(data_dir: Path, report: Report) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(polygon records, points) from `data_dir/geo/`."""
    shapes = polygon_records(read_geojson(data_dir / "geo" / "countries.geojson", report))
    points = read_points(data_dir / "geo" / "points.csv", report)
    return shapes, points
