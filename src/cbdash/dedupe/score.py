"""The learned part: a logistic regression over FEATURES, trained when first used from the
labelled pairs in the knowledge folder (`dedupe_labels.csv` on the rows of `projects.csv`)
and the reviewed pairs (`dedupe_reviewed.csv`), with its threshold chosen by grouped
cross-validation. Each labelled pair is learned twice: with its rows' fields and with
names only, as most lists give. Pairs a constraint decides (a veto, a shared code) are
not learned: the model weighs what is left."""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from functools import lru_cache
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from cbdash.dedupe.candidates import candidate_pairs
from cbdash.dedupe.constraints import shared_code, veto
from cbdash.dedupe.features import FEATURES, Comparison, compare
from cbdash.dedupe.normalise import (
    LIST_SEPARATOR,
    knowledge_dir,
    make_record,
    normalise_title,
    portal_code,
    split_list,
)

L2 = 1.0
"""Ridge penalty on the weights (not the intercept): a few hundred pairs per weight."""
FOLDS = 5
TARGET_PRECISION = 0.99
"""The shipped threshold is the lowest at which the cross-validated precision on the
labelled pairs is at least this (a margin over the 0.98 aimed at)."""
LABELS_FILE, REVIEWED_FILE = "dedupe_labels.csv", "dedupe_reviewed.csv"
MODEL_FILE = "dedupe_model.csv"
FIELDS = ("funders", "implementers", "beneficiary_countries", "start_year", "end_year")


def name_records(projects: pd.DataFrame) -> pd.DataFrame:
    """One record per distinct name of each row (title and aliases; portal codes stay with the
    title), with the row's fields; id "<project_id>#<n>", the row in `source_project_id`."""
    out = []
    for row in projects.to_dict("records"):
        names, codes, seen = [], [], set()
        for raw in [str(row.get("title") or "").strip(), *split_list(row.get("aliases"))]:
            if raw and portal_code(raw):
                codes.append(raw)
            elif raw and normalise_title(raw) not in seen:
                seen.add(normalise_title(raw))
                names.append(raw)
        for n, name in enumerate(names):
            out.append({"project_id": f"{row['project_id']}#{n}", "source_project_id": row["project_id"],
                        "title": name, "aliases": LIST_SEPARATOR.join(codes) if n == 0 else "",
                        **{c: row.get(c, "") for c in FIELDS}})  # fmt: skip
    return pd.DataFrame(out)


AGAINST = ("part_name", "added_place", "added_kind", "place_conflict", "funders_differ",
           "implementers_differ", "countries_differ", "years_differ")  # fmt: skip
"""Features that can only count against a pair; every other feature can only count for it
(as in Fellegi-Sunter, agreement never lowers the odds): a weight of the wrong sign is 0."""


def _fit(x: np.ndarray, y: np.ndarray, l2: float = L2) -> np.ndarray:
    """Logistic regression by Newton's method with each weight's sign as AGAINST says (a
    weight of the wrong sign is held at 0 and the rest refitted); intercept last."""
    sign = np.array([-1.0 if f in AGAINST else 1.0 for f in FEATURES])
    free = np.ones(len(FEATURES), dtype=bool)
    while True:
        w = np.zeros(len(FEATURES) + 1)
        w[np.append(free, True)] = _newton(x[:, free], y, l2)
        wrong = free & (w[:-1] * sign < 0)
        if not wrong.any():
            return w
        free &= ~wrong


def _newton(x: np.ndarray, y: np.ndarray, l2: float) -> np.ndarray:
    x1 = np.hstack([x, np.ones((len(x), 1))])
    w = np.zeros(x1.shape[1])
    penalty = np.full(x1.shape[1], l2)
    penalty[-1] = 0.0
    for _ in range(100):
        p = 1 / (1 + np.exp(-(x1 @ w)))
        gradient = x1.T @ (p - y) + penalty * w
        hessian = (x1 * (p * (1 - p))[:, None]).T @ x1 + np.diag(penalty) + 1e-9 * np.eye(len(w))
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-9:
            break
    return w


def _probability(w: np.ndarray, x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-(x @ w[:-1] + w[-1])))


@dataclass(frozen=True)
class TrainingSet:
    """Labelled comparisons: features, labels (1 same), each row's family group (rows
    joined by labelled phase, sibling or component pairs; -1 for reviewed pairs), whether
    it was compared with names only, and the pair's names."""

    x: np.ndarray
    y: np.ndarray
    groups: tuple[frozenset[str], ...]
    names_only: np.ndarray
    pairs: tuple[tuple[str, str], ...]


def _families(labels: pd.DataFrame) -> dict[str, str]:
    """Each project id -> its family: projects joined by labelled pairs other than the
    derived near misses (a programme's phases and parts are one family)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            x = parent[x] = parent[parent[x]]
        return x

    for ids, basis in zip(labels["source_project_ids"], labels["basis"], strict=True):
        first, *rest = split_list(ids) or [""]
        for other in rest if not str(basis).startswith("near miss") else []:
            parent[find(other)] = find(first)
    return {
        x: find(x) for x in {i for ids in labels["source_project_ids"] for i in split_list(ids)}
    }


def training_set(folder: Path | None = None) -> TrainingSet:
    """The labelled pairs of `folder` (default: knowledge_dir()) as comparisons, each with
    its rows' fields and with names only; the other pairs blocking proposes between names of
    two rows as "different" (the rows are distinct projects); reviewed pairs with names only."""
    folder = folder or knowledge_dir()
    labels = _read(folder / LABELS_FILE)
    named = name_records(_read(folder / "projects.csv"))
    family = _families(labels) if len(labels) else {}
    pairs: dict[tuple[str, str], int] = {}
    ids = {(r["source_project_id"], r["title"]): r["project_id"] for r in named.to_dict("records")}
    for r in labels.to_dict("records"):
        rows = split_list(r["source_project_ids"])
        a, b = ids.get((rows[0], r["title_a"])), ids.get((rows[-1], r["title_b"]))
        if a and b:
            pairs[(a, b)] = int(r["label"] == "same")
    full = [make_record(r) for r in named.to_dict("records")]
    bare = [make_record({"project_id": r.project_id, "title": r.names[0].raw if r.names else ""})
            for r in full]  # fmt: skip
    source = (
        dict(zip(named["project_id"], named["source_project_id"], strict=True))
        if len(named)
        else {}
    )
    index = {r.project_id: k for k, r in enumerate(full)}
    for i, j in candidate_pairs(full).tolist():
        a, b = full[i].project_id, full[j].project_id
        if source[a] != source[b] and (a, b) not in pairs and (b, a) not in pairs:
            pairs[(a, b)] = 0
    rows: list[tuple[Comparison, int, frozenset[str], bool, tuple[str, str]]] = []
    for (a, b), label in pairs.items():
        group = frozenset(family.get(source[x], source[x]) for x in (a, b))
        for records, only in ((full, False), (bare, True)):
            ra, rb = records[index[a]], records[index[b]]
            c = compare(ra, rb)
            if not veto(ra, rb) and not shared_code(ra, rb) and not c.held:
                rows.append((c, label, group, only, (ra.names[0].raw, rb.names[0].raw)))
    for r in _read(folder / REVIEWED_FILE).to_dict("records"):
        ra, rb = (make_record({"project_id": k, "title": r[f"title_{k}"]}) for k in "ab")
        # a pair of inventory rows belongs to their families (cross-validation keeps them out)
        group = frozenset(family.get(r[f"id_{k}"], r[f"id_{k}"] or "reviewed") for k in "ab")
        if not veto(ra, rb) and not (c := compare(ra, rb)).held:
            rows.append(
                (c, int(r["decision"] == "same"), group, True, (r["title_a"], r["title_b"]))
            )
    return TrainingSet(
        np.array([c.values for c, *_ in rows]).reshape(-1, len(FEATURES)),
        np.array([y for _, y, *_ in rows], dtype=float),
        tuple(g for _, _, g, *_ in rows),
        np.array([o for *_, o, _ in rows], dtype=bool),
        tuple(p for *_, p in rows),
    )


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False) if path.exists() else pd.DataFrame()


def _fold(group: str) -> int:
    return zlib.crc32(group.encode()) % FOLDS


def fold_models(data: TrainingSet) -> Callable[[Iterable[str]], np.ndarray]:
    """Cross-validation by family: families fall into FOLDS folds; a pair touching the
    families `groups` is scored by the weights learned from the rows whose families all
    avoid those folds (so no name of those projects, their phases or parts was learned;
    reviewed pairs are always learned)."""
    folds = [frozenset(_fold(g) for g in groups if g != "reviewed") for groups in data.groups]
    fitted: dict[frozenset[int], np.ndarray] = {}

    def weights(groups: Iterable[str]) -> np.ndarray:
        held = frozenset(_fold(g) for g in groups)
        if held not in fitted:
            train = [i for i, f in enumerate(folds) if not f & held]
            fitted[held] = _fit(data.x[train], data.y[train])
        return fitted[held]

    return weights


def cross_validated(data: TrainingSet) -> np.ndarray:
    """Each labelled row's probability from fold_models (NaN for reviewed pairs)."""
    weights = fold_models(data)
    out = np.full(len(data.y), np.nan)
    for i, groups in enumerate(data.groups):
        if "reviewed" not in groups:
            out[i] = _probability(weights(groups), data.x[i : i + 1])[0]
    return out


def choose_threshold(p: np.ndarray, y: np.ndarray, target: float = TARGET_PRECISION) -> float:
    """The lowest threshold at which the precision on (p, y) is at least `target`."""
    keep = ~np.isnan(p)
    order = np.argsort(-p[keep], kind="stable")
    ps, ys = p[keep][order], y[keep][order]
    ok = np.flatnonzero(np.cumsum(ys) / np.arange(1, len(ys) + 1) >= target)
    return float(ps[ok[-1]]) if len(ok) else 1.0


@dataclass(frozen=True)
class Model:
    """Weights per feature (intercept last) and the threshold of "the same project"."""

    weights: np.ndarray
    threshold: float

    def probability(self, comparisons: list[Comparison]) -> np.ndarray:
        x = np.array([c.values for c in comparisons]).reshape(-1, len(FEATURES))
        return _probability(self.weights, x)

    def explain(self, c: Comparison, p: float) -> str:
        """The comparison in words: the names, then what counted for and against."""
        parts = [f"{p:.2f}"]
        if c.names[0] or c.names[1]:
            parts.append(f"names {c.names[0]!r} ~ {c.names[1]!r} ({c.similarity:.2f})")
        pro, con = [], []
        for f, v, w in zip(FEATURES, c.values, self.weights, strict=False):
            if v and abs(v * w) >= 0.25:
                words = FEATURES[f] if f not in ("shared_acronym", "distinctive_word") else c.cue
                (pro if v * w > 0 else con).append((abs(v * w), words.split(" (")[0]))
        parts += [f"for: {', '.join(t for _, t in sorted(pro, reverse=True))}"] if pro else []
        parts += [f"against: {', '.join(t for _, t in sorted(con, reverse=True))}"] if con else []
        return "; ".join(parts)


def train(folder: Path | None = None) -> Model:
    """Fit on every labelled and reviewed pair; the threshold from cross-validation."""
    data = training_set(folder)
    if not len(data.y) or data.y.min() == data.y.max():
        raise ValueError(f"no labelled pairs of both kinds in {folder or knowledge_dir()}")
    return Model(_fit(data.x, data.y), choose_threshold(cross_validated(data), data.y))


def model_table(m: Model) -> pd.DataFrame:
    """The model as MODEL_FILE holds it: name, value, what it says."""
    names = ["(threshold)", *FEATURES, "(intercept)"]
    notes = ["probability from which a pair is the same project", *FEATURES.values(), "the base"]
    values = [round(m.threshold, 4), *np.round(m.weights, 4)]
    return pd.DataFrame({"name": names, "value": values, "note": notes})


def read_model(path: Path) -> Model | None:
    """The model in `path`, or None when it is missing or its features are not FEATURES."""
    if not path.exists():
        return None
    table = pd.read_csv(path, dtype={"name": str, "value": float}, keep_default_na=False)
    if list(table["name"]) != ["(threshold)", *FEATURES, "(intercept)"]:
        return None
    return Model(table["value"].to_numpy()[1:], float(table["value"].iloc[0]))


def _stamp(folder: Path) -> float:
    return (folder / MODEL_FILE).stat().st_mtime if (folder / MODEL_FILE).exists() else 0.0


@lru_cache(maxsize=4)
def _model(folder: Path, stamp: float) -> Model:
    return read_model(folder / MODEL_FILE) or train(folder)


def model(folder: Path | None = None) -> Model:
    """The model of `folder` (default: knowledge_dir()): its MODEL_FILE, reviewed in pull
    requests and rewritten by `python -m cbdash dedupe --train`; trained here when the file
    is missing or was written for other features."""
    folder = (folder or knowledge_dir()).resolve()
    return _model(folder, _stamp(folder))
