"""Readable tables: names in the shown columns, ids in their own columns, headers in words,
and the columns the filters acted on."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from cbdash.analysis.model import build_model
from cbdash.present import tables
from tests.conftest import FIXTURE_DIR

SNAKE = re.compile(r"[a-z]_[a-z]")


@pytest.fixture(scope="module")
def model():
    return build_model(FIXTURE_DIR)


def test_mapping_and_project_rows_name_things_with_ids_last(model):
    mappings = tables.mapping_rows(model)
    projects = tables.project_rows(model)
    for frame, id_column in ((mappings, "mapping id"), (projects, "project id")):
        assert frame.columns[-1] == id_column
        assert not [c for c in frame.columns if SNAKE.search(c)], frame.columns
    alpha = mappings.set_index("mapping id").loc["alpha"]
    assert alpha["name"] == "Alpha Portal" and alpha["status"] == "active"
    assert alpha["regions covered"] == "Africa; Americas; Oceania"  # BRA, FJI, KEN, NGA, TON
    p1 = projects.set_index("project id").loc["p1"]
    assert p1["listed in"] == "Alpha Portal; Beta Database"
    assert p1["regions reached"] == "Africa"  # Kenya


@pytest.mark.parametrize(
    ("active", "expected"),
    [
        ((), ["name", "kind"]),
        (("users", "kinds"), ["name", "kind", "target users"]),  # kind is shown already
        (
            ("regions", "include", "access"),
            ["name", "kind", "counts as", "status", "regions covered", "access"],
        ),
    ],
)
def test_with_filter_columns_adds_what_the_filters_acted_on(active, expected):
    available = [c for cs in tables.FILTER_COLUMNS["mappings"].values() for c in cs] + ["name"]
    assert tables.with_filter_columns(["name", "kind"], "mappings", active, available) == expected


def test_with_filter_columns_only_for_the_table_the_filter_acts_on():
    available = ["title", "topics", "target users", "regions reached"]
    got = tables.with_filter_columns(["title"], "projects", ["kinds", "topics"], available)
    assert got == ["title", "topics"]  # kind filters mappings only


def test_named_long_puts_names_first_and_ids_in_their_own_columns():
    matrix = pd.DataFrame([[1, 0]], index=pd.Index(["a"], name="id"), columns=["t1", "t2"])
    long = tables.named_long(matrix, "mapping", "topic", "covered", {"a": "A"}, {"t1": "T one"})
    assert long.columns.tolist() == ["mapping", "topic", "covered", "mapping id", "topic id"]
    assert long.values.tolist() == [["A", "T one", 1, "a", "t1"], ["A", "t2", 0, "a", "t2"]]
    plain = tables.named_long(matrix, "region", "topic", "n", None, {})
    assert plain.columns.tolist() == ["region", "topic", "n", "topic id"]


def test_column_widths_follow_the_content_up_to_a_cap():
    frame = pd.DataFrame(
        {"name": ["x" * 200, "y" * 5], "year": [2019, 2020], "a long header in words": [1, 2]}
    )
    widths = tables.column_widths(frame)
    assert widths["name"] == tables.MAX_COLUMN_PX  # long names are cut in the cell
    assert widths["year"] == tables.MIN_COLUMN_PX
    assert widths["year"] < widths["a long header in words"] < tables.MAX_COLUMN_PX
