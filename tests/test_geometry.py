"""Plane geometry: Douglas-Peucker, areas, and the shipped shapes simplified at build time."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from cbdash.data import geometry
from cbdash.data.geo import polygon_records

REPO = Path(__file__).resolve().parents[1]


def test_douglas_peucker_keeps_the_ends_and_drops_what_lies_on_the_line():
    points = [(0.0, 0.0), (1.0, 0.01), (2.0, 0.0), (3.0, 5.0), (4.0, 0.0)]
    assert geometry.douglas_peucker_keep(points, 0.1) == [True, False, True, True, True]
    assert geometry.simplify_chain([(0.0, 0.0), (1.0, 0.0), (2.0, 0.0)], 0.1) == [
        (0.0, 0.0),
        (2.0, 0.0),
    ]


def test_a_closed_ring_never_collapses_to_a_line():
    ring = [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0), (0.0, 0.0)]
    assert len(set(geometry.simplify_chain(ring, 5.0))) >= 2


def test_spherical_area_of_a_one_degree_square_at_the_equator():
    square = [[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]
    assert 12_300 < geometry.polygon_area_km2([square]) < 12_400  # about 111 km x 111 km


def test_the_app_draws_the_shipped_shapes_as_the_build_simplified_them():
    """Shapes are simplified once, at build time (scripts/build_geometry.py): the model keeps
    the shipped polygons as they are (Antarctica aside), and they are few enough to draw."""
    from cbdash.analysis.model import build_model

    geojson = json.loads((REPO / "data" / "geo" / "countries.geojson").read_text())
    shipped = polygon_records(geojson)
    shipped = shipped[shipped["iso3"] != "ATA"].reset_index(drop=True)
    model = build_model(REPO / "data")
    assert model.shapes["polygon"].tolist() == shipped["polygon"].tolist()
    vertices = sum(len(ring) for poly in shipped["polygon"] for ring in poly)
    assert vertices < 30_000, vertices
    assert isinstance(shipped, pd.DataFrame)
