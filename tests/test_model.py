"""Model.memo: what it keeps, for how long, and how much."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cbdash.analysis import model as model_module
from cbdash.analysis.model import approx_bytes, build_model
from tests.conftest import FIXTURE_DIR


@pytest.fixture
def model():
    return build_model(FIXTURE_DIR)


def test_memo_computes_once_per_key(model):
    calls = []

    def make(x):
        calls.append(x)
        return x * 2

    assert model.memo(("a", 1), lambda: make(1)) == 2
    assert model.memo(("a", 1), lambda: make(99)) == 2  # kept: not computed again
    assert model.memo(("a", 2), lambda: make(2)) == 4
    assert calls == [1, 2]


def test_memo_forgets_the_least_recent_key_beyond_max_entries(model):
    for i in range(3):
        model.memo(i, lambda i=i: i, max_entries=2)
    model.memo(1, lambda: "recomputed", max_entries=2)  # 1 is kept
    assert model.memo(0, lambda: "recomputed", max_entries=2) == "recomputed"  # 0 was dropped


def test_memo_keeps_at_most_memo_bytes(model, monkeypatch):
    monkeypatch.setattr(model_module, "MEMO_BYTES", 3000)
    array = np.zeros(100)  # 800 bytes
    for i in range(4):
        model.memo(i, lambda: array.copy())
    cache = model.derived("memo", dict)
    assert sum(size for _, size in cache.values()) <= 3000
    assert list(cache) == [1, 2, 3]  # the oldest went first
    big = np.zeros(1000)  # 8,000 bytes: more than half the budget, never kept
    model.memo("big", lambda: big)
    assert "big" not in cache


def test_approx_bytes_counts_buffers_inside_containers():
    frame = pd.DataFrame({"a": np.zeros(10, dtype=np.int64)})
    assert approx_bytes(frame) == frame.memory_usage(index=True).sum()
    assert approx_bytes((np.zeros(4), [np.zeros(2)], {"x": np.zeros(1)})) == 56
    assert approx_bytes("text") == 1024
    assert approx_bytes(list(range(1000))) == 64_000  # long containers are not walked


def test_derived_and_memo_may_nest(model):
    # A derived value built from another derived value and a memo (as cbdash.present.views does):
    # the model's lock is reentrant, so this returns instead of waiting on itself.
    import threading

    result = []

    def outer():
        inner = model.derived("nest_inner", lambda: 2)
        kept = model.memo(("nest", 1), lambda: 3)
        return inner * kept

    worker = threading.Thread(
        target=lambda: result.append(model.derived("nest_outer", outer)), daemon=True
    )
    worker.start()
    worker.join(timeout=10)
    assert not worker.is_alive(), "derived() waited on its own lock"
    assert result == [6] and model.derived("nest_outer", lambda: 0) == 6


def test_project_mask_marks_the_rows_given(model):
    projects = model.inventory.projects
    mask = model.project_mask(projects.iloc[[0, 2]])
    assert mask.dtype == bool and len(mask) == len(projects)
    assert mask.tolist() == [i in (0, 2) for i in range(len(projects))]
    assert not model.project_mask(projects.iloc[:0]).any()


def test_mapping_short_names_prefer_the_data_then_a_short_label(tmp_path):
    import shutil

    import yaml

    from cbdash.analysis.model import build_model
    from tests.conftest import FIXTURE_DIR

    data = tmp_path / "data"
    shutil.copytree(FIXTURE_DIR, data)
    doc = yaml.safe_load((data / "mappings.yaml").read_text(encoding="utf-8"))
    doc["mappings"][0]["short_name"] = "Alpha"
    doc["mappings"][1]["name"] = "Beta Database of Every Capacity-Building Project (BDB)"
    (data / "mappings.yaml").write_text(yaml.safe_dump(doc), encoding="utf-8")
    short = build_model(data).mapping_short_names
    assert short["alpha"] == "Alpha"  # as the data gives it
    assert short["beta"] == "Beta Database of Every…"  # its first words, not "BDB"
    assert short["gamma"] == "Gamma Index"  # short enough already
