"""How well the duplicate check (`cbdash.dedupe`) does, measured on labelled pairs.

- Shipped labels (`data/dedupe_labels.csv`, pairs of names of `data/projects.csv`),
  cross-validated by family: each pair is scored by a model that learned no pair touching
  the projects, phases or parts it joins (`score.fold_models`), then clustered; once with
  the rows' fields and once with names only.
- Real-name sets in `tests/data/` (names from public pages): precision and recall at the
  shipped threshold (names clustered, names only and with the inventory's names as known
  projects) and review-queue recall at 5 (the true match among a name's five best
  candidates, from either side). The earlier sets were read while the rules and features
  were written or scored: they are marked as read. The frozen set (dedupe_blind10.csv) is
  scored only with --frozen, once, at the end of the next change to the duplicate check.

- Training: the model file (data/dedupe_model.csv) is learned here from the labelled pairs
  (each with its rows' fields and with names only; every other pair blocking proposes between
  two shipped rows' names as "different", the rows being distinct projects) and the reviewed
  pairs (names only); pairs a constraint decides are left out; the threshold is the lowest at
  which the cross-validated precision reaches TARGET_PRECISION.

Run `python -m evaluation.dedupe [--train] [--frozen] [--scale N] [DATA_DIR]`.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from rapidfuzz import fuzz

from cbdash.analysis.projects import review_queue
from cbdash.data.lists import DedupeInputError, knowledge_dir, parse_csv, read_projects, split_list
from cbdash.data.writes import write_csv
from cbdash.dedupe.candidates import candidate_pairs
from cbdash.dedupe.cluster import cluster
from cbdash.dedupe.constraints import shared_code, veto
from cbdash.dedupe.features import FEATURES, Comparison, compare
from cbdash.dedupe.normalise import Record, make_record, normalise_title, portal_code
from cbdash.dedupe.score import MODEL_FILE, Model, fit, model, probability

SETS_DIR = Path(__file__).resolve().parents[1] / "tests" / "data"
EARLIER_SETS = ("heldout", *(f"blind{n}" for n in ("", 2, 3, 4, 5, 6, 7, 8, 9)))
"""Real-name sets scored before issue #17 and read since: no longer blind."""
FROZEN_SET = "blind10"
"""Collected blind on 2026-12-07 after issue #17's code (blind9, its frozen set, was scored
once then); to be scored once, only with --frozen, at the end of the next change to the
duplicate check."""
SET_COLUMNS = ("title_a", "title_b", "label", "basis", "source_a", "source_b")
LABEL_COLUMNS = ("title_a", "title_b", "label", "basis", "source_project_ids")
POSITIVE_BASIS = "title vs alias of one row"
NEAR_MISS_BASIS = "near miss: different rows, similar names"
NEAR_MISS_RATIO = 80
FIELDS = ("funders", "implementers", "beneficiary_countries", "start_year", "end_year")
NOTES = {  # what each feature says, as evidence reads it (written to the model file)
    "same_name": "the same name",
    "names_085": "names alike (0.85+)",
    "acronym": "an acronym of 4+ letters spelt out by the other name",
    "own_acronym": "the same own acronym in parentheses",
    "names_070": "names fairly alike (0.70+)",
    "short_acronym": "an acronym of 2-3 letters spelt out by the other name",
    "acronym_in_longer": "an acronym inside a longer name",
    "names_050": "names somewhat alike (0.50+)",
    "names_030": "a few words in common (0.30+)",
    "token_set_ratio": "words overlap (rapidfuzz token set ratio, 0-1)",
    "shared_acronym": "an acronym both use",
    "distinctive_word": "a distinctive word in common",
    "two_languages": "names in two languages or scripts",
    "part_name": "matched on a part of a longer name",
    "added_place": "a place on one side only",
    "added_kind": "a kind of activity on one side only",
    "place_conflict": "the names name other places",
    "funders_agree": "funders agree",
    "funders_differ": "funders differ",
    "implementers_agree": "implementers agree",
    "implementers_differ": "implementers differ",
    "countries_same": "the same 3+ countries",
    "countries_overlap": "countries overlap by half or more",
    "countries_differ": "no country in common",
    "years_agree": "start years at most a year apart",
    "years_differ": "years apart",
    "corroborated": "funders, implementers, years and countries agree",
}
LABELS_FILE, REVIEWED_FILE = "dedupe_labels.csv", "dedupe_reviewed.csv"
TARGET_PRECISION, FOLDS = 0.98, 5
"""The threshold is the lowest at which the cross-validated precision over the learned pairs
reaches TARGET_PRECISION (issue #17's target; 0.99 until 2026-12-07 left identical names in two
languages below the threshold); FOLDS folds of families."""


def set_path(name: str) -> Path:
    return SETS_DIR / f"dedupe_{name}.csv"


# ----------------------------------------------------------------------------- label file


def positive_labels(projects: pd.DataFrame) -> pd.DataFrame:
    """ "same" pairs: a row's title against each of its other names (portal codes aside)."""
    rows = []
    for pid, group in name_records(projects).groupby("source_project_id", sort=False):
        titles = group["title"].tolist()
        rows += [(titles[0], alias, "same", POSITIVE_BASIS, pid) for alias in titles[1:]]
    return pd.DataFrame(rows, columns=list(LABEL_COLUMNS))


def near_miss_labels(
    projects: pd.DataFrame, exclude: Iterable[tuple[str, str]] = ()
) -> pd.DataFrame:
    """ "different" pairs: for every two rows whose most similar names reach rapidfuzz
    token_set_ratio >= NEAR_MISS_RATIO, that pair of names (the rows are distinct projects)."""
    skip = {tuple(sorted(p)) for p in exclude}
    names = [
        (r["source_project_id"], r["title"], normalise_title(r["title"]))
        for r in name_records(projects).to_dict("records")
    ]
    best: dict[tuple[str, str], tuple[float, str, str]] = {}
    for (pa, ta, na), (pb, tb, nb) in combinations(names, 2):
        key = (pa, pb) if pa < pb else (pb, pa)
        if pa == pb or key in skip:
            continue
        ratio = fuzz.token_set_ratio(na, nb)
        if ratio >= NEAR_MISS_RATIO and ratio > best.get(key, (-1.0, "", ""))[0]:
            best[key] = (ratio, ta, tb) if pa < pb else (ratio, tb, ta)
    rows = [
        (ta, tb, "different", f"{NEAR_MISS_BASIS} (token_set_ratio {r:.0f})", f"{a};{b}")
        for (a, b), (r, ta, tb) in sorted(best.items())
    ]
    return pd.DataFrame(rows, columns=list(LABEL_COLUMNS))


def curated_pair_labels(
    projects: pd.DataFrame, pairs: Iterable[tuple[str, str, str]]
) -> pd.DataFrame:
    """ "different" pairs for row pairs a person judged distinct: every name of one row
    against every name of the other. `pairs` holds (project_id_a, project_id_b, basis)."""
    by_row = name_records(projects).groupby("source_project_id")["title"].apply(list).to_dict()
    rows = [
        (ta, tb, "different", basis, f"{a};{b}")
        for a, b, basis in pairs
        for ta in by_row.get(a, [])
        for tb in by_row.get(b, [])
    ]
    return pd.DataFrame(rows, columns=list(LABEL_COLUMNS))


def refresh_labels(projects: pd.DataFrame, labels: pd.DataFrame) -> pd.DataFrame:
    """The label file rebuilt from `projects`: positives and near misses derived again, the
    curated row pairs kept and expanded to the current names."""
    derived = labels["basis"].str.startswith((POSITIVE_BASIS, NEAR_MISS_BASIS))
    curated = labels.loc[~derived, ["source_project_ids", "basis"]].drop_duplicates()
    pairs = [(split_list(i)[0], split_list(i)[-1], b) for i, b in curated.itertuples(index=False)]
    out = pd.concat(
        [
            positive_labels(projects),
            curated_pair_labels(projects, pairs),
            near_miss_labels(projects, exclude=[(a, b) for a, b, _ in pairs]),
        ],
        ignore_index=True,
    )
    return out.drop_duplicates(subset=["title_a", "title_b", "source_project_ids"]).reset_index(
        drop=True
    )


# ----------------------------------------------------------------------------- training


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
            fitted[held] = fit(data.x[train], data.y[train])
        return fitted[held]

    return weights


def choose_threshold(p: np.ndarray, y: np.ndarray, target: float) -> float:
    """The lowest threshold at which the precision on (p, y) is at least `target`."""
    order = np.argsort(-p, kind="stable")
    ok = np.flatnonzero(np.cumsum(y[order]) / np.arange(1, len(p) + 1) >= target)
    return float(p[order][ok[-1]]) if len(ok) else 1.0


def model_table(m: Model) -> pd.DataFrame:
    """The model as MODEL_FILE holds it: name, value, what it says."""
    notes = ["probability from which a pair is the same project", *m.notes, "the base"]
    values = [round(m.threshold, 4), *np.round(m.weights, 4)]
    names = ["(threshold)", *FEATURES, "(intercept)"]
    return pd.DataFrame({"name": names, "value": values, "note": notes})


def train(folder: Path | None = None) -> Model:
    """Fit on every labelled and reviewed pair; the threshold from cross-validation."""
    data = training_set(folder)
    weights = fold_models(data)
    scored = [i for i, g in enumerate(data.groups) if "reviewed" not in g]
    p = np.array([probability(weights(data.groups[i]), data.x[i : i + 1])[0] for i in scored])
    threshold = choose_threshold(p, data.y[scored], TARGET_PRECISION)
    return Model(fit(data.x, data.y), threshold, tuple(NOTES[f] for f in FEATURES))


def write_model(folder: Path) -> Model:
    """Train on `folder` and write its model file (the diff is reviewed in a pull request)."""
    m = train(folder)
    write_csv(model_table(m), folder / MODEL_FILE, safe=False, lineterminator="\n")  # atomic
    return m


# ----------------------------------------------------------------------------- measures


def rates(tp: int, fp: int, fn: int, tn: int = 0) -> dict[str, Any]:
    """precision, recall, f1 (1.0 when nothing was predicted or expected) and the counts."""
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {
        "precision": round(p, 4),
        "recall": round(r, 4),
        "f1": round(f1, 4),
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "tn": tn,
    }


def shipped_cv(folder: Path, names_only: bool = False) -> dict[str, Any]:
    """The shipped labels cross-validated by family and clustered: precision, recall and
    counts over the labelled pairs, `cross_row_pairs` (names of two shipped rows put
    together: each a wrong merge, the rows being distinct projects), and the errors."""
    labels = pd.read_csv(folder / LABELS_FILE, dtype=str, keep_default_na=False)
    projects = pd.read_csv(folder / "projects.csv", dtype=str, keep_default_na=False)
    family, named = _families(labels), name_records(projects)
    if names_only:
        named = named.assign(**dict.fromkeys(FIELDS, ""))
    source = dict(zip(named["project_id"], named["source_project_id"], strict=True))
    weights = fold_models(training_set(folder))

    def scorer(records: list, pairs: np.ndarray) -> list[float]:
        out = []
        for i, j in pairs.tolist():
            groups = [
                family.get(source[records[k].project_id], source[records[k].project_id])
                for k in (i, j)
            ]
            x = np.array([compare(records[i], records[j]).values])
            out.append(float(probability(weights(groups), x)[0]))
        return out

    m = model(folder)
    clusters = cluster(named.drop(columns=["source_project_id"]), m=m, scorer=scorer)
    of = clusters.set_index("project_id")["cluster_id"]
    lookup = {
        (r["source_project_id"], r["title"]): r["project_id"] for r in named.to_dict("records")
    }
    counts = {"tp": 0, "fp": 0, "fn": 0, "tn": 0}
    errors = []
    for r in labels.to_dict("records"):
        ids = split_list(r["source_project_ids"])
        a, b = lookup.get((ids[0], r["title_a"])), lookup.get((ids[-1], r["title_b"]))
        if a is None or b is None:
            continue
        together, same = of[a] == of[b], r["label"] == "same"
        counts[("t" if together == same else "f") + ("p" if together else "n")] += 1
        if together != same:
            errors.append(
                ("wrong merge" if together else "missed", r["title_a"], r["title_b"], r["basis"])
            )
    cross = sum(
        sum(1 for x, y in combinations([source[p] for p in members.index], 2) if x != y)
        for _, members in of.groupby(of)
    )
    return {**rates(**counts), "cross_row_pairs": cross, "errors": errors, "threshold": m.threshold}


def read_set(path: Path) -> pd.DataFrame:
    """A set of real name pairs (SET_COLUMNS), each name with the page it was read on."""
    if not path.exists():
        raise DedupeInputError([f"ERROR: {path}: file not found"])
    df = parse_csv(path.read_bytes(), str(path), SET_COLUMNS)
    bad = sorted(set(df["label"]) - {"same", "different"})
    if bad:
        raise DedupeInputError([f"ERROR: {path}, field 'label': {bad} is not same|different"])
    return df


def evaluate_set(
    pairs: pd.DataFrame, known: pd.DataFrame | None = None, k: int = 5
) -> dict[str, Any]:
    """A set of name pairs as one list of names (names only): precision and recall at the
    shipped threshold (a pair is "same" when its names end in one cluster, so a merge may
    come through a third name), review-queue recall at `k` (the true match among the `k`
    best candidates of either name) and the misses. `known`: the inventory whose names
    count as knowledge (None: none)."""
    names = sorted(set(pairs["title_a"]) | set(pairs["title_b"]))
    ids = {name: f"n{i:03d}" for i, name in enumerate(names)}
    records = pd.DataFrame({"project_id": list(ids.values()), "title": names})
    of = cluster(records, known=known).set_index("project_id")["cluster_id"]
    queue = review_queue(records, k=k, known=known)
    queue = queue[queue["candidate_from"] == "list"]
    top = set(zip(queue["project_id"], queue["candidate_id"], strict=True))
    counts = {"tp": 0, "fp": 0, "fn": 0, "tn": 0}
    found = 0
    decisions = []
    for r in pairs.to_dict("records"):
        a, b = ids[r["title_a"]], ids[r["title_b"]]
        together, same = bool(of[a] == of[b]), r["label"] == "same"
        counts[("t" if together == same else "f") + ("p" if together else "n")] += 1
        in_queue = (a, b) in top or (b, a) in top
        found += same and in_queue
        decisions.append((r["title_a"], r["title_b"], r["label"], together, in_queue))
    result = rates(**counts)
    positives = counts["tp"] + counts["fn"]
    return {
        **result,
        f"recall_at_{k}": round(found / positives, 4) if positives else 1.0,
        "found_at_k": found,
        "decisions": decisions,
    }


def pooled(results: Iterable[Mapping[str, Any]], k: int = 5) -> dict[str, Any]:
    results = list(results)
    counts = {c: sum(r[c] for r in results) for c in ("tp", "fp", "fn", "tn")}
    positives = counts["tp"] + counts["fn"]
    found = sum(r["found_at_k"] for r in results)
    return {**rates(**counts), f"recall_at_{k}": round(found / positives, 4), "found_at_k": found}


def _line(title: str, r: Mapping[str, Any]) -> str:
    counts = f"tp {r['tp']}, fp {r['fp']}, fn {r['fn']}"
    text = f"{title:<34} P {r['precision']:.3f}  R {r['recall']:.3f}  ({counts}"
    text += f", tn {r['tn']})" if r.get("tn") else ")"
    return text + (f"  recall@5 {r['recall_at_5']:.3f}" if "recall_at_5" in r else "")


# ----------------------------------------------------------------------------- scale


def scale_run(n: int, seed: int = 42) -> dict[str, float]:
    """`n` SYNTHETIC projects (cbdash.data.synth.project_list) clustered: wall and CPU seconds,
    peak resident memory of this process (MB), and of the generator's second listings how
    many were found, against the pairs of rows put together."""
    from cbdash.data.synth import project_list

    frame = project_list(n, seed)
    truth = frame.pop("duplicate_of")
    wall, cpu = time.perf_counter(), time.process_time()
    of = cluster(frame).set_index("project_id")["cluster_id"]
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    sizes = of.value_counts()
    found = sum(of[a] == of[b] for a, b in zip(frame["project_id"], truth, strict=True) if b)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "rows": n,
        "wall_s": round(wall, 1),
        "cpu_s": round(cpu, 1),
        "peak_mb": round(peak),
        "second_listings": int((truth != "").sum()),
        "found": int(found),
        "pairs_joined": int((sizes * (sizes - 1) // 2).sum()),
    }


# ----------------------------------------------------------------------------- report


def run(
    data_dir: str | Path = "data", frozen: bool = False, scale: int = 0, train: bool = False
) -> int:
    """Print the evaluation; exit 1 or 2 on bad input, as `python -m cbdash dedupe`. With
    `train`, write the model file first (from the labelled and reviewed pairs of data_dir)."""
    if train:
        m = write_model(Path(data_dir))
        print(f"wrote {Path(data_dir) / MODEL_FILE} (threshold {m.threshold:.4f})")
    if scale:
        print(scale_run(scale))
        return 0
    folder = Path(data_dir)
    try:
        projects, _ = read_projects(folder / "projects.csv")
        sets = {name: read_set(set_path(name)) for name in EARLIER_SETS if set_path(name).exists()}
        if frozen:
            sets[FROZEN_SET] = read_set(set_path(FROZEN_SET))
    except DedupeInputError as exc:
        print("\n".join(exc.messages), file=sys.stderr)
        return exc.exit_code
    m = model(folder)
    print(f"model: {folder / 'dedupe_model.csv'}, threshold {m.threshold:.3f}")
    for names_only in (False, True):
        result = shipped_cv(folder, names_only)
        how = "names only" if names_only else "all fields"
        print(
            _line(f"shipped labels, CV, {how}", result)
            + f"  cross-row pairs {result['cross_row_pairs']}"
        )
    for how, known in (("names only", None), ("with the inventory", projects)):
        results = {}
        for name, pairs in sets.items():
            results[name] = evaluate_set(pairs, known)
            read = "" if name == FROZEN_SET else " (read)"
            print(_line(f"{name}{read}, {how}", results[name]))
        earlier = [r for n, r in results.items() if n != FROZEN_SET]
        if earlier:
            print(_line(f"pooled earlier sets, {how}", pooled(earlier)))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m evaluation.dedupe", description=__doc__.split("\n")[0]
    )
    parser.add_argument("data_dir", nargs="?", default="data")
    parser.add_argument(
        "--frozen", action="store_true", help="also score the frozen set (once, at the end)"
    )
    parser.add_argument("--scale", type=int, default=0, help="time N SYNTHETIC projects instead")
    parser.add_argument(
        "--train", action="store_true", help="first rewrite DATA_DIR/dedupe_model.csv"
    )
    args = parser.parse_args(argv)
    return run(args.data_dir, args.frozen, args.scale, args.train)


if __name__ == "__main__":
    sys.exit(main())
