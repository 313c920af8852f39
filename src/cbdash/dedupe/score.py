"""The learned part: a logistic regression over FEATURES. It learns from the labelled pairs
(dedupe_labels.csv on the rows of projects.csv, each pair with its rows' fields and with
names only; every other pair blocking proposes between two rows' names as "different") and
the reviewed pairs (names only); pairs a constraint decides are left out. Its threshold is
chosen by cross-validation grouped by family. The weights are data (dedupe_model.csv),
reviewed in pull requests and rewritten by `python -m cbdash dedupe --train`."""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from cbdash.dedupe.candidates import candidate_pairs
from cbdash.dedupe.constraints import shared_code, veto
from cbdash.dedupe.features import FEATURES, Comparison, compare
from cbdash.dedupe.normalise import (
    Record,
    knowledge_dir,
    make_record,
    normalise_title,
    portal_code,
    split_list,
)

L2, FOLDS = 1.0, 5  # ridge penalty on the weights; folds of the cross-validation
TARGET_PRECISION = 0.99
"""The threshold is the lowest at which cross-validated precision reaches this."""
AGAINST = {
    "part_name",
    "added_place",
    "added_kind",
    "place_conflict",
    "funders_differ",
    "implementers_differ",
    "countries_differ",
    "years_differ",
}
"""Features that only count against a pair; the others only for it (as in Fellegi-Sunter,
agreement never lowers the odds): a weight of the wrong sign is held at 0."""
LABELS_FILE, REVIEWED_FILE, MODEL_FILE = (
    "dedupe_labels.csv",
    "dedupe_reviewed.csv",
    "dedupe_model.csv",
)
FIELDS = ("funders", "implementers", "beneficiary_countries", "start_year", "end_year")


def name_records(projects: pd.DataFrame) -> pd.DataFrame:
    """One record per distinct name of each row, with the row's fields (portal codes with the
    title): id "<project_id>#<n>", the row in `source_project_id`."""
    out = []
    for row in projects.to_dict("records"):
        names: dict[str, str] = {}
        raws = [str(row.get("title") or "").strip(), *split_list(row.get("aliases"))]
        for raw in (r for r in raws if r and not portal_code(r)):
            names.setdefault(normalise_title(raw), raw)
        codes = ";".join(r for r in raws if r and portal_code(r))
        fields = {c: row.get(c, "") for c in FIELDS}
        for n, name in enumerate(names.values()):
            pid = f"{row['project_id']}#{n}"
            aliases = codes if n == 0 else ""
            out.append(
                {
                    "project_id": pid,
                    "source_project_id": row["project_id"],
                    "title": name,
                    "aliases": aliases,
                    **fields,
                }
            )
    return pd.DataFrame(out)


def _families(labels: pd.DataFrame) -> dict[str, str]:
    """Project id -> its family: projects joined by labelled pairs other than near misses (a
    programme, its phases and its parts)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            x = parent[x] = parent[parent[x]]
        return x

    for ids, basis in zip(labels["source_project_ids"], labels["basis"], strict=True):
        first, *rest = split_list(ids)
        for other in rest if not str(basis).startswith("near miss") else []:
            parent[find(other)] = find(first)
    return {x: find(x) for ids in labels["source_project_ids"] for x in split_list(ids)}


@dataclass(frozen=True)
class TrainingSet:
    """Features, labels (1 same) and each row's families (as cross-validation groups them)."""

    x: np.ndarray
    y: np.ndarray
    groups: tuple[frozenset[str], ...]


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False) if path.exists() else pd.DataFrame()


def training_set(folder: Path | None = None) -> TrainingSet:
    """The labelled, blocked and reviewed pairs of `folder` (default: knowledge_dir())."""
    folder = folder or knowledge_dir()
    labels, named = _read(folder / LABELS_FILE), name_records(_read(folder / "projects.csv"))
    family = _families(labels) if len(labels) else {}
    rows = named.to_dict("records")
    ids = {(r["source_project_id"], r["title"]): k for k, r in enumerate(rows)}
    pairs: dict[tuple[int, int], int] = {}
    for r in labels.to_dict("records"):
        first, *_, last = split_list(r["source_project_ids"]) * 2
        a, b = ids.get((first, r["title_a"])), ids.get((last, r["title_b"]))
        if a is not None and b is not None:
            pairs[(a, b)] = int(r["label"] == "same")
    full = [make_record(r) for r in rows]
    for a, b in candidate_pairs(full).tolist():
        if rows[a]["source_project_id"] != rows[b]["source_project_id"] and (b, a) not in pairs:
            pairs.setdefault((a, b), 0)
    bare = [make_record({"project_id": r["project_id"], "title": r["title"]}) for r in rows]
    out: list[tuple[Comparison, int, frozenset[str]]] = []
    for (a, b), y in pairs.items():
        group = frozenset(
            family.get(s, s) for s in (rows[a]["source_project_id"], rows[b]["source_project_id"])
        )
        out += [
            (c, y, group)
            for ra, rb in ((full[a], full[b]), (bare[a], bare[b]))
            if not shared_code(ra, rb) and _learnable(ra, rb, c := compare(ra, rb))
        ]
    for r in _read(folder / REVIEWED_FILE).to_dict("records"):
        ra, rb = (make_record({"project_id": k, "title": r[f"title_{k}"]}) for k in "ab")
        group = frozenset(family.get(r[f"id_{k}"], r[f"id_{k}"] or "reviewed") for k in "ab")
        out += (
            [(c, int(r["decision"] == "same"), group)]
            if _learnable(ra, rb, c := compare(ra, rb))
            else []
        )
    x = np.array([c.values for c, _, _ in out]).reshape(-1, len(FEATURES))
    return TrainingSet(x, np.array([y for _, y, _ in out], dtype=float), tuple(g for *_, g in out))


def _learnable(a: Record, b: Record, c: Comparison) -> bool:
    return not (c.held or c.conflict or veto(a, b))


def _fit(x: np.ndarray, y: np.ndarray, l2: float = L2) -> np.ndarray:
    """Logistic regression by Newton's method, each weight of the sign AGAINST says (a weight
    of the wrong sign is held at 0 and the rest fitted again); the intercept last."""
    sign = np.array([-1.0 if f in AGAINST else 1.0 for f in FEATURES])
    free = np.ones(len(FEATURES), dtype=bool)
    while True:
        x1 = np.hstack([x[:, free], np.ones((len(x), 1))])
        w, penalty = np.zeros(x1.shape[1]), np.append(np.full(free.sum(), l2), 0.0)
        for _ in range(100):
            p = 1 / (1 + np.exp(-(x1 @ w)))
            hessian = (
                (x1 * (p * (1 - p))[:, None]).T @ x1 + np.diag(penalty) + 1e-9 * np.eye(len(w))
            )
            step = np.linalg.solve(hessian, x1.T @ (p - y) + penalty * w)
            w -= step
            if np.abs(step).max() < 1e-9:
                break
        weights = np.zeros(len(FEATURES) + 1)
        weights[np.append(free, True)] = w
        if not (wrong := free & (weights[:-1] * sign < 0)).any():
            return weights
        free &= ~wrong


def _probability(w: np.ndarray, x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-(x @ w[:-1] + w[-1])))


def _fold(group: str) -> int:
    return zlib.crc32(group.encode()) % FOLDS


def fold_models(data: TrainingSet) -> Callable[[Iterable[str]], np.ndarray]:
    """Cross-validation by family: families fall into FOLDS folds; a pair of the families
    `groups` is scored by weights learned from the rows whose families all avoid their folds
    (no name of those projects, phases or parts learned; reviewed pairs always learned)."""
    folds = [frozenset(_fold(g) for g in groups if g != "reviewed") for groups in data.groups]
    fitted: dict[frozenset[int], np.ndarray] = {}

    def weights(groups: Iterable[str]) -> np.ndarray:
        held = frozenset(_fold(g) for g in groups)
        if held not in fitted:
            train = [i for i, f in enumerate(folds) if not f & held]
            fitted[held] = _fit(data.x[train], data.y[train])
        return fitted[held]

    return weights


def choose_threshold(p: np.ndarray, y: np.ndarray, target: float = TARGET_PRECISION) -> float:
    """The lowest threshold at which the precision on (p, y) is at least `target`."""
    order = np.argsort(-p, kind="stable")
    ok = np.flatnonzero(np.cumsum(y[order]) / np.arange(1, len(p) + 1) >= target)
    return float(p[order][ok[-1]]) if len(ok) else 1.0


@dataclass(frozen=True)
class Model:
    """Weights per feature (intercept last) and the threshold of "the same project"."""

    weights: np.ndarray
    threshold: float

    def probability(self, comparisons: list[Comparison]) -> np.ndarray:
        return _probability(
            self.weights, np.array([c.values for c in comparisons]).reshape(-1, len(FEATURES))
        )

    def explain(self, c: Comparison, p: float) -> str:
        """The comparison in words: the names, then what counted for and against it."""
        said: dict[bool, list[tuple[float, str]]] = {True: [], False: []}
        for f, v, w in zip(FEATURES, c.values, self.weights, strict=False):
            words = (
                c.cue if f in ("shared_acronym", "distinctive_word") else FEATURES[f].split(" (")[0]
            )
            said[v * w > 0] += [(abs(v * w), words)] if v and abs(v * w) >= 0.25 else []
        parts = [
            f"{p:.2f}",
            *(
                [f"names {c.names[0]!r} ~ {c.names[1]!r} ({c.similarity:.2f})"]
                if any(c.names)
                else []
            ),
        ]
        for side, label in ((True, "for"), (False, "against")):
            parts += (
                [f"{label}: {', '.join(t for _, t in sorted(said[side], reverse=True))}"]
                if said[side]
                else []
            )
        return "; ".join(parts)


def train(folder: Path | None = None) -> Model:
    """Fit on every labelled and reviewed pair; the threshold from cross-validation."""
    data = training_set(folder)
    weights = fold_models(data)
    scored = [i for i, g in enumerate(data.groups) if "reviewed" not in g]
    p = np.array([_probability(weights(data.groups[i]), data.x[i : i + 1])[0] for i in scored])
    return Model(_fit(data.x, data.y), choose_threshold(p, data.y[scored]))


def model_table(m: Model) -> pd.DataFrame:
    """The model as MODEL_FILE holds it: name, value, what it says."""
    notes = ["probability from which a pair is the same project", *FEATURES.values(), "the base"]
    values = [round(m.threshold, 4), *np.round(m.weights, 4)]
    return pd.DataFrame(
        {"name": ["(threshold)", *FEATURES, "(intercept)"], "value": values, "note": notes}
    )


def read_model(path: Path) -> Model | None:
    """The model in `path`; None when it is missing or was written for other features."""
    table = pd.read_csv(path, dtype={"name": str, "value": float}) if path.exists() else None
    if table is None or list(table["name"]) != ["(threshold)", *FEATURES, "(intercept)"]:
        return None
    return Model(table["value"].to_numpy()[1:], float(table["value"].iloc[0]))


@lru_cache(maxsize=4)
def _model(folder: Path, stamp: float) -> Model:
    return read_model(folder / MODEL_FILE) or train(folder)


def model(folder: Path | None = None) -> Model:
    """The model of `folder` (default: knowledge_dir()), kept until its file changes;
    trained here when the file is missing or was written for other features."""
    folder = (folder or knowledge_dir()).resolve()
    return _model(
        folder, (folder / MODEL_FILE).stat().st_mtime if (folder / MODEL_FILE).exists() else 0.0
    )
