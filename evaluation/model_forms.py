"""Does another form of model close the gap to issue #17's recall target? Each form is
cross-validated by family on the same training pairs as the shipped model (labelled pairs
with their rows' fields and with names only, blocked "different" pairs, reviewed pairs) and
measured pair by pair: the recall at the lowest threshold whose cross-validated precision
is TARGET_PRECISION. Also: the share of same-project pairs whose names give the model
nothing to go on (no word, acronym, language cue or similarity of 0.30+ in common).

Run `python -m evaluation.model_forms [DATA_DIR]` (about 10 s)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import partial
from itertools import combinations
from pathlib import Path

import numpy as np

from cbdash.dedupe.features import FEATURES, NAME_LEVELS
from cbdash.dedupe.score import fit
from evaluation.dedupe import TARGET_PRECISION, TrainingSet, _fold, choose_threshold, training_set

Fitter = Callable[[np.ndarray, np.ndarray], np.ndarray]
AGREE = ("funders_agree", "implementers_agree", "countries_same", "countries_overlap")
AGREE += ("years_agree",)
NAME_CUES = (*NAME_LEVELS, "shared_acronym", "distinctive_word", "two_languages")


def free_fit(x: np.ndarray, y: np.ndarray, l2: float = 1.0) -> np.ndarray:
    """Ridge logistic regression (`score.fit`) with no sign held; the intercept last."""
    return fit(x, y, l2, sign=np.zeros(x.shape[1]))


def cv_recall(data: TrainingSet, x: np.ndarray, fitter: Fitter) -> tuple[float, float, float]:
    """(threshold, precision, recall) of `fitter` on the columns `x`, cross-validated by
    family as `evaluation.dedupe.fold_models` does; reviewed pairs are learned, not scored."""
    folds = [frozenset(_fold(g) for g in groups if g != "reviewed") for groups in data.groups]
    fitted: dict[frozenset[int], np.ndarray] = {}
    p = np.zeros(len(data.y))
    for i, groups in enumerate(data.groups):
        held = frozenset(_fold(g) for g in groups)
        if held not in fitted:
            train = [k for k, f in enumerate(folds) if not f & held]
            fitted[held] = fitter(x[train], data.y[train])
        w = fitted[held]
        p[i] = 1 / (1 + np.exp(-(x[i] @ w[:-1] + w[-1])))
    scored = np.array(["reviewed" not in g for g in data.groups])
    p, y = p[scored], data.y[scored]
    t = choose_threshold(p, y, TARGET_PRECISION)
    chosen = y[p >= t]
    return t, float(chosen.mean()) if len(chosen) else 1.0, float((p[y == 1] >= t).mean())


def forms(data: TrainingSet) -> dict[str, tuple[np.ndarray, Fitter]]:
    """The forms compared: the shipped one, then richer ones over the same features."""
    col = {f: i for i, f in enumerate(FEATURES)}
    x, agree = data.x, data.x[:, [col[f] for f in AGREE]].sum(axis=1, keepdims=True)
    by_agree = np.hstack([x, x[:, [col[f] for f in NAME_CUES]] * agree])
    pairwise = np.hstack(
        [x, np.array([x[:, i] * x[:, j] for i, j in combinations(range(x.shape[1]), 2)]).T]
    )
    return {
        "shipped (signs held)": (x, fit),
        "free signs": (x, free_fit),
        "names x fields agreeing": (by_agree, free_fit),
        **{
            f"all pairwise products, ridge {l2:g}": (pairwise, partial(free_fit, l2=l2))
            for l2 in (1.0, 3.0, 10.0)
        },
    }


def no_name_cue(data: TrainingSet) -> float:
    """Share of same-project pairs whose names give nothing (no name level or cue on)."""
    cues = data.x[:, [FEATURES.index(f) for f in NAME_CUES]]
    return float((cues[data.y == 1].sum(axis=1) == 0).mean())


def main(argv: list[str] | None = None) -> int:
    folder = Path((argv or sys.argv[1:] or ["data"])[0])
    data = training_set(folder)
    print(f"{len(data.y)} training pairs, {int(data.y.sum())} same project")
    print(f"same-project pairs with no name cue: {no_name_cue(data):.3f}")
    for name, (x, fitter) in forms(data).items():
        t, p, r = cv_recall(data, x, fitter)
        print(f"{name:40} threshold {t:.3f}  precision {p:.3f}  recall {r:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
