"""The duplicate check measured (evaluation/dedupe.py): the label file in step with the
inventory, the sets of real names well formed and apart, the figures of issue #17 (targets
not met are strict xfails with the measured figure), the frozen set left alone, and a
SYNTHETIC list at scale. The frozen set (tests/data/dedupe_blind10.*) is never opened here."""

from __future__ import annotations

import time
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from cbdash.data.lists import read_projects
from cbdash.data.synth import project_list
from cbdash.dedupe import cluster
from cbdash.dedupe.candidates import candidate_pairs
from cbdash.dedupe.cluster import records_of
from cbdash.dedupe.features import FEATURES
from cbdash.dedupe.normalise import normalise_title
from evaluation import collision_check
from evaluation import dedupe as ev
from evaluation import model_forms as mf

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"
SETS = list(ev.EARLIER_SETS)


@cache
def shipped(names_only: bool) -> dict:
    return ev.shipped_cv(DATA, names_only)


@cache
def pooled(with_inventory: bool) -> dict:
    known = read_projects(DATA / "projects.csv")[0] if with_inventory else None
    return ev.pooled(ev.evaluate_set(ev.read_set(ev.set_path(name)), known) for name in SETS)


def test_labels_are_in_step_with_projects():
    """Derived labels match projects.csv; rerun refresh_labels after editing names."""
    projects = pd.read_csv(DATA / "projects.csv", dtype=str, keep_default_na=False)
    labels = pd.read_csv(DATA / "dedupe_labels.csv", dtype=str, keep_default_na=False)
    key = list(ev.LABEL_COLUMNS)
    fresh = ev.refresh_labels(projects, labels).sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(fresh, labels.sort_values(key).reset_index(drop=True))


def test_the_frozen_set_is_read_only_when_asked(monkeypatch, capsys):
    read: list[str] = []
    monkeypatch.setattr(ev, "read_set", lambda path: read.append(path.name) or pd.DataFrame())
    monkeypatch.setattr(ev, "shipped_cv", lambda *a: {**ev.rates(1, 0, 0, 1), "cross_row_pairs": 0})
    monkeypatch.setattr(
        ev, "evaluate_set", lambda *a: {**ev.rates(1, 0, 0, 1), "recall_at_5": 1.0, "found_at_k": 1}
    )
    assert ev.run(DATA) == 0
    assert read == [f"dedupe_{n}.csv" for n in SETS] and "blind10" not in capsys.readouterr().out
    read.clear()
    assert ev.run(DATA, frozen=True) == 0
    assert read[-1] == "dedupe_blind10.csv"


@pytest.mark.parametrize("name", SETS)
def test_real_name_sets_are_sourced_and_marked_as_read(name):
    pairs = ev.read_set(ev.set_path(name))
    assert set(pairs["label"]) == {"same", "different"}
    assert (
        pairs["source_a"].str.startswith("http").all()
        and pairs["source_b"].str.startswith("http").all()
    )
    assert not pairs.duplicated(["title_a", "title_b"]).any()
    meta = yaml.safe_load(ev.set_path(name).with_suffix(".meta.yaml").read_text(encoding="utf-8"))
    assert {"producer", "description", "results", "limits", "sources", "status"} <= set(meta)
    assert meta["status"].startswith("read")


def test_real_name_sets_share_no_name():
    seen: dict[str, str] = {}
    for name in SETS:
        pairs = ev.read_set(ev.set_path(name))
        for title in {normalise_title(t) for t in (*pairs["title_a"], *pairs["title_b"])}:
            assert seen.setdefault(title, name) == name, (title, seen[title], name)


@pytest.mark.parametrize("names_only", [False, True], ids=["all fields", "names only"])
def test_shipped_labels_cross_validated_keep_rows_apart(names_only):
    result = shipped(names_only)
    assert result["precision"] >= 0.98 and result["cross_row_pairs"] <= 15
    assert result["recall"] >= (0.25 if names_only else 0.70)  # today: 0.284, 0.719


@pytest.mark.xfail(
    strict=True, reason="measured 2026-12-07: precision 0.983, recall 0.719 (tp 286, fp 5, fn 112)"
)
def test_shipped_labels_cross_validated_reach_the_target():
    """Issue #17: precision 0.98 and recall 0.90 on the shipped labels, all fields, by CV."""
    result = shipped(False)
    assert result["precision"] >= 0.98 and result["recall"] >= 0.90


@pytest.mark.parametrize("with_inventory", [False, True], ids=["names only", "with the inventory"])
def test_earlier_sets_review_queue_recall_at_5(with_inventory):
    result = pooled(with_inventory)
    assert result["recall_at_5"] >= 0.90
    assert result["recall"] >= (0.25 if not with_inventory else 0.42)  # today: 0.256, 0.431


@pytest.mark.parametrize(
    "with_inventory",
    [
        pytest.param(
            False, marks=pytest.mark.xfail(strict=True, reason="measured: 0.926 (fp 5 of 68)")
        ),
        pytest.param(
            True, marks=pytest.mark.xfail(strict=True, reason="measured: 0.946 (fp 6 of 112)")
        ),
    ],
    ids=["names only", "with the inventory"],
)
def test_earlier_sets_precision_target(with_inventory):
    """Issue #17: precision 0.95 at the shipped threshold, pooled over the earlier sets."""
    assert pooled(with_inventory)["precision"] >= 0.95


def test_a_synthetic_list_is_blocked_and_found():
    """3,000 SYNTHETIC rows: few candidates a row, most second listings found, phases apart."""
    frame = project_list(3000, seed=7)
    truth = frame.pop("duplicate_of")
    assert len(candidate_pairs(records_of(frame))) <= 20 * len(frame)
    start = time.process_time()
    of = cluster(frame).set_index("project_id")["cluster_id"]
    assert time.process_time() - start < 60
    pairs = [(a, b) for a, b in zip(frame["project_id"], truth, strict=True) if b]
    assert sum(of[a] == of[b] for a, b in pairs) >= 0.7 * len(pairs)  # 0.75 today
    first = dict(zip(frame["title"], frame["project_id"], strict=True))
    phases = [
        (first[t.removesuffix(" II")], pid)
        for t, pid in zip(frame["title"], frame["project_id"], strict=True)
        if t.endswith(" II") and t.removesuffix(" II") in first
    ]
    assert phases and not any(of[a] == of[b] for a, b in phases)


def _toy_training_set(overlap: bool) -> ev.TrainingSet:
    """40 families; 'same' pairs have the same name, 'different' ones do not (with
    `overlap`, a quarter of each kind look like the other)."""
    rows, labels, groups = [], [], []
    for k in range(40):
        for same in (1.0, 0.0):
            x = [0.0] * len(FEATURES)
            alike = bool(same) != (overlap and k % 4 == 0)
            x[FEATURES.index("same_name")] = float(alike)
            rows.append(x), labels.append(same), groups.append(frozenset({f"family{k}"}))
    return ev.TrainingSet(np.array(rows), np.array(labels), tuple(groups))


def test_model_forms_cross_validate_by_family():
    """A separable toy set is found whole; when a quarter of each kind look like the other,
    no threshold reaches 0.98 precision except above every score (recall 0)."""
    for form, (x, fitter) in mf.forms(_toy_training_set(False)).items():
        t, precision, recall = mf.cv_recall(_toy_training_set(False), x, fitter)
        assert (precision, recall) == (1.0, 1.0), form
    data = _toy_training_set(True)
    t, precision, recall = mf.cv_recall(data, data.x, mf.free_fit)
    assert recall == 0.0 and t == 1.0
    assert mf.no_name_cue(data) == 0.25


def test_collision_check_names_lines_only(tmp_path, capsys):
    """A candidate pair whose name the inventory already has is flagged by line number."""
    title = pd.read_csv(DATA / "projects.csv", dtype=str)["title"].iloc[0]
    rows = [
        [title, "A project nobody has named yet 7f3k", "different", "x", "https://a", "https://b"],
        ["Another unseen name q9z", "Yet another unseen name w2v", "same", "x", "https://a", "b"],
    ]
    path = tmp_path / "candidate.csv"
    pd.DataFrame(rows, columns=list(ev.SET_COLUMNS)).to_csv(path, index=False)
    assert collision_check.main([str(path)]) == 1
    out = capsys.readouterr().out
    assert out.splitlines() == [
        "line 2: a is a name the project has",
        "line 3: source_a and source_b must be URLs",
        "2 pairs (1 same); 2 lines with problems",
    ]
    assert title not in out
