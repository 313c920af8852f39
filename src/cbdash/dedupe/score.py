"""The learned part: a logistic regression over FEATURES, with the threshold from which a
pair is the same project. Its weights are data (dedupe_model.csv, reviewed in pull requests),
learned by `python -m evaluation.dedupe --train` from the labelled and reviewed pairs with
`fit`, the threshold chosen by cross-validation grouped by family (see evaluation/)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from cbdash.data.lists import knowledge_dir
from cbdash.dedupe.features import FEATURES, Comparison

L2 = 1.0  # ridge penalty on the weights (not the intercept)
AGAINST = {
    f for f in FEATURES if f.endswith("_differ") or f.startswith(("added_", "place_", "part_"))
}
"""Features that only count against a pair; the others only for it (as in Fellegi-Sunter,
agreement never lowers the odds): a weight of the wrong sign is held at 0."""
REVIEWED_FILE, MODEL_FILE = "dedupe_reviewed.csv", "dedupe_model.csv"


def fit(x: np.ndarray, y: np.ndarray, l2: float = L2, sign: np.ndarray | None = None) -> np.ndarray:
    """Logistic regression by Newton's method, each weight of the sign AGAINST says (or `sign`,
    0 for free; a weight of the wrong sign is held at 0, the rest fitted again); intercept last."""
    sign = np.array([-1.0 if f in AGAINST else 1.0 for f in FEATURES]) if sign is None else sign
    free = np.ones(x.shape[1], dtype=bool)
    while True:
        x1 = np.hstack([x[:, free], np.ones((len(x), 1))])
        w, penalty = np.zeros(x1.shape[1]), np.append(np.full(free.sum(), l2), 0.0)
        for _ in range(100):
            p = 1 / (1 + np.exp(-(x1 @ w)))
            hessian = (x1 * (p * (1 - p))[:, None]).T @ x1 + np.diag(penalty + 1e-9)
            step = np.linalg.solve(hessian, x1.T @ (p - y) + penalty * w)
            w -= step
            if np.abs(step).max() < 1e-9:
                break
        weights = np.zeros(x.shape[1] + 1)
        weights[np.append(free, True)] = w
        if not (wrong := free & (weights[:-1] * sign < 0)).any():
            return weights
        free &= ~wrong


def probability(w: np.ndarray, x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-(x @ w[:-1] + w[-1])))


@dataclass(frozen=True)
class Model:
    """Weights per feature (intercept last), the threshold of "the same project", and what
    each feature says, in words (as evidence reads it)."""

    weights: np.ndarray
    threshold: float
    notes: tuple[str, ...]

    def probability(self, comparisons: list[Comparison]) -> np.ndarray:
        x = np.array([c.values for c in comparisons]).reshape(-1, len(FEATURES))
        return probability(self.weights, x)

    def explain(self, c: Comparison, p: float) -> str:
        """The comparison in words: the names, then what counted for and against it."""
        said: dict[bool, list[tuple[float, str]]] = {True: [], False: []}
        for f, v, w, note in zip(FEATURES, c.values, self.weights, self.notes, strict=False):
            words = c.cue if f in ("shared_acronym", "distinctive_word") else note
            said[v * w > 0] += [(abs(v * w), words.split(" (")[0])] if abs(v * w) >= 0.25 else []
        parts = [f"{p:.2f}"] + [
            f"names {c.names[0]!r} ~ {c.names[1]!r} ({c.similarity:.2f})"
        ] * any(c.names)
        for side, label in ((True, "for"), (False, "against")):
            items = ", ".join(t for _, t in sorted(said[side], reverse=True))
            parts += [f"{label}: {items}"] if items else []
        return "; ".join(parts)


def read_model(path: Path) -> Model | None:
    """The model in `path`; None when it is missing or was written for other features."""
    table = pd.read_csv(path, dtype={"name": str, "value": float}) if path.exists() else None
    if table is None or list(table["name"]) != ["(threshold)", *FEATURES, "(intercept)"]:
        return None
    values, notes = table["value"].to_numpy(), table["note"].fillna("").tolist()
    return Model(values[1:], float(values[0]), tuple(notes[1:-1]))


@lru_cache(maxsize=4)
def _model(path: Path, stamp: float) -> Model:
    if (found := read_model(path)) is None:
        raise FileNotFoundError(
            f"{path}: no model for these features (python -m evaluation.dedupe --train)"
        )
    return found


def model(folder: Path | None = None) -> Model:
    """The model in `folder` (default: knowledge_dir()), kept until its file changes."""
    path = (folder or knowledge_dir()).resolve() / MODEL_FILE
    return _model(path, path.stat().st_mtime if path.exists() else 0.0)
