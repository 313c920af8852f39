"""Precision and recall of the duplicate check (`cbdash.dedupe`) on labelled pairs.

The shipped labels (`data/dedupe_labels.csv`) pair the names of `data/projects.csv`: every
title with each of its aliases ("same") and near misses between rows ("different"). The
held-out and blind sets in `tests/data/` are real name pairs from public pages, scored with
names only and with the inventory's names as knowledge. Run `python -m evaluation.dedupe`.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from collections.abc import Iterable, Mapping
from itertools import combinations
from pathlib import Path
from typing import Any

import pandas as pd
from rapidfuzz import fuzz

from cbdash.dedupe import (
    LABEL_COLUMNS,
    LIST_SEPARATOR,
    OPTIONAL_COLUMNS,
    DedupeInputError,
    _read_csv,
    _split,
    cluster,
    normalise_title,
    portal_code,
    read_projects,
    score_pair,
)

SETS_DIR = Path(__file__).resolve().parents[1] / "tests" / "data"
"""The held-out and blind sets of real name pairs."""

POSITIVE_BASIS = "title vs alias of one row"
NEAR_MISS_BASIS = "near miss: different rows, similar names"
NEAR_MISS_RATIO = 80


def explode_names(projects: pd.DataFrame) -> pd.DataFrame:
    """One pseudo-record per name of each row (title and each alias that is not a portal
    code), carrying the row's funders, implementers, countries and years, with id
    "<project_id>#<n>" and the original id in `source_project_id`. Names equal after
    normalisation are kept once. Portal codes stay with the title record only, and
    `listed_in` is left empty: which mapping used which name is not recorded."""
    out = []
    for row in projects.to_dict("records"):
        names: list[str] = []
        codes: list[str] = []
        seen: set[str] = set()
        for raw in [str(row.get("title") or "").strip(), *_split(row.get("aliases"))]:
            if not raw:
                continue
            if portal_code(raw):
                codes.append(raw)
            elif normalise_title(raw) not in seen:
                seen.add(normalise_title(raw))
                names.append(raw)
        for n, name in enumerate(names):
            out.append(
                {
                    "project_id": f"{row['project_id']}#{n}",
                    "source_project_id": row["project_id"],
                    "title": name,
                    "aliases": LIST_SEPARATOR.join(codes) if n == 0 else "",
                    **{
                        c: row.get(c, "")
                        for c in OPTIONAL_COLUMNS
                        if c not in {"aliases", "listed_in"}
                    },
                    "listed_in": "",
                }
            )
    return pd.DataFrame(out)


def positive_labels(projects: pd.DataFrame) -> pd.DataFrame:
    """Labelled "same" pairs: a row's title against each of its aliases (portal codes
    excluded: they are identifiers, not names)."""
    records = explode_names(projects)
    rows = []
    for pid, group in records.groupby("source_project_id", sort=False):
        titles = group["title"].tolist()
        for alias in titles[1:]:
            rows.append((titles[0], alias, "same", POSITIVE_BASIS, pid))
    return pd.DataFrame(rows, columns=list(LABEL_COLUMNS))


def near_miss_labels(
    projects: pd.DataFrame, exclude: Iterable[tuple[str, str]] = ()
) -> pd.DataFrame:
    """Labelled "different" pairs: for every two rows whose most similar names reach
    rapidfuzz token_set_ratio >= NEAR_MISS_RATIO (a measure the scorer does not use), that
    pair of names. The shipped rows are distinct projects, so these are hard negatives.
    Row pairs in `exclude` (already labelled with a reason) are skipped."""
    records = explode_names(projects)
    skip = {tuple(sorted(p)) for p in exclude}
    names = [
        (r["source_project_id"], r["title"], normalise_title(r["title"]))
        for r in records.to_dict("records")
    ]
    best: dict[tuple[str, str], tuple[float, str, str]] = {}
    for (pa, ta, na), (pb, tb, nb) in combinations(names, 2):
        if pa == pb:
            continue
        key = (pa, pb) if pa < pb else (pb, pa)
        if key in skip:
            continue
        ratio = fuzz.token_set_ratio(na, nb)
        if ratio >= NEAR_MISS_RATIO and ratio > best.get(key, (-1.0, "", ""))[0]:
            best[key] = (ratio, ta, tb) if pa < pb else (ratio, tb, ta)
    rows = [
        (ta, tb, "different", f"{NEAR_MISS_BASIS} (token_set_ratio {ratio:.0f})", f"{a};{b}")
        for (a, b), (ratio, ta, tb) in sorted(best.items())
    ]
    return pd.DataFrame(rows, columns=list(LABEL_COLUMNS))


def curated_pair_labels(
    projects: pd.DataFrame, pairs: Iterable[tuple[str, str, str]]
) -> pd.DataFrame:
    """Labelled "different" pairs for row pairs a person judged distinct (phases,
    sub-projects, siblings): every name of one row against every name of the other, so a
    merge through any name is caught. `pairs` holds (project_id_a, project_id_b, basis)."""
    records = explode_names(projects)
    by_row = records.groupby("source_project_id")["title"].apply(list).to_dict()
    rows = []
    for a, b, basis in pairs:
        for ta in by_row.get(a, []):
            for tb in by_row.get(b, []):
                rows.append((ta, tb, "different", basis, f"{a};{b}"))
    return pd.DataFrame(rows, columns=list(LABEL_COLUMNS))


def refresh_labels(projects: pd.DataFrame, labels: pd.DataFrame) -> pd.DataFrame:
    """Rebuild the label set from `projects`: positives and near misses are derived again;
    the curated row pairs (any other basis) are kept and expanded to the current names."""
    derived = labels["basis"].str.startswith((POSITIVE_BASIS, NEAR_MISS_BASIS))
    curated = labels.loc[~derived, ["source_project_ids", "basis"]].drop_duplicates()
    pairs = []
    for ids, basis in curated.itertuples(index=False):
        parts = _split(ids)
        pairs.append((parts[0], parts[-1], basis))
    curated_labels = curated_pair_labels(projects, pairs)
    out = pd.concat(
        [
            positive_labels(projects),
            curated_labels,
            near_miss_labels(projects, exclude=[(a, b) for a, b, _ in pairs]),
        ],
        ignore_index=True,
    )
    return out.drop_duplicates(subset=["title_a", "title_b", "source_project_ids"]).reset_index(
        drop=True
    )


def _rates(tp: int, fp: int, fn: int, tn: int) -> dict[str, Any]:
    """precision, recall and f1 (rounded; 1.0 when nothing was predicted or expected) with
    the counts they come from."""
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    rounded = {"precision": precision, "recall": recall, "f1": f1}
    return {**{k: round(v, 4) for k, v in rounded.items()}, "tp": tp, "fp": fp, "fn": fn, "tn": tn}


def _label_lookup(records: pd.DataFrame) -> dict[tuple[str, str], str]:
    return {
        (r["source_project_id"], r["title"]): r["project_id"] for r in records.to_dict("records")
    }


def evaluate(
    records: pd.DataFrame, labels: pd.DataFrame, overrides: pd.DataFrame | None = None
) -> dict[str, Any]:
    """Cluster `records` (from explode_names) and score the labelled pairs.

    A label's title_a belongs to the first id in source_project_ids, title_b to the last.
    Returns precision, recall, f1, tp, fp, fn over labelled pairs, plus
    `cross_row_pairs`: pairs of records from different source rows put together, labelled
    or not (the shipped rows are distinct projects, so each is a wrong merge unless a
    label says otherwise), `missing_labels`: labels whose names are not in `records`,
    and the lists of false positives/negatives."""
    clusters = cluster(records, overrides).set_index("project_id")["cluster_id"]
    lookup = _label_lookup(records)
    tp = fp = fn = tn = 0
    missing: list[tuple[str, str]] = []
    false_pos: list[tuple[str, str, str]] = []
    false_neg: list[tuple[str, str, str]] = []
    for r in labels.to_dict("records"):
        ids = _split(r["source_project_ids"])
        a = lookup.get((ids[0], r["title_a"])) if ids else None
        b = lookup.get((ids[-1], r["title_b"])) if ids else None
        if a is None or b is None:
            missing.append((r["title_a"], r["title_b"]))
            continue
        together = clusters[a] == clusters[b]
        if r["label"] == "same":
            tp += together
            fn += not together
            if not together:
                false_neg.append((r["title_a"], r["title_b"], r["basis"]))
        else:
            fp += together
            tn += not together
            if together:
                false_pos.append((r["title_a"], r["title_b"], r["basis"]))
    source = records.set_index("project_id")["source_project_id"]
    cross = 0
    for _, members in clusters.groupby(clusters):
        srcs = source[members.index].tolist()
        cross += sum(1 for x, y in combinations(srcs, 2) if x != y)
    return {
        **_rates(tp, fp, fn, tn),
        "cross_row_pairs": cross,
        "missing_labels": missing,
        "false_positives": false_pos,
        "false_negatives": false_neg,
    }


HELDOUT_COLUMNS = ("title_a", "title_b", "label", "basis", "source_a", "source_b")
HELDOUT_PATH = SETS_DIR / "dedupe_heldout.csv"
"""The held-out set of real name pairs, relative to the repository root."""
BLIND_PATH = SETS_DIR / "dedupe_blind.csv"
"""A second set of real name pairs, collected and scored once before the rules it prompted."""
BLIND2_PATH = SETS_DIR / "dedupe_blind2.csv"
"""A third set, collected and scored once after the rules BLIND_PATH prompted."""
BLIND3_PATH = SETS_DIR / "dedupe_blind3.csv"
"""A fourth set, collected and scored once after the rules BLIND2_PATH prompted."""
BLIND4_PATH = SETS_DIR / "dedupe_blind4.csv"
"""A fifth set, collected without reading the scorer or the inventory, scored once after the
rules BLIND3_PATH prompted and the inventory's names became knowledge."""
BLIND5_PATH = SETS_DIR / "dedupe_blind5.csv"
"""A sixth set, collected the same way, scored once after the rules BLIND4_PATH prompted and
38 new inventory rows."""
BLIND6_PATH = SETS_DIR / "dedupe_blind6.csv"
"""A seventh set, collected the same way, scored once after the rules BLIND5_PATH prompted,
more inventory names and glossary terms."""
BLIND7_PATH = SETS_DIR / "dedupe_blind7.csv"
"""An eighth set, of projects only, scored once with the 297-row inventory."""
BLIND8_PATH = SETS_DIR / "dedupe_blind8.csv"
"""A ninth set (44 pairs), of projects only, scored once at the end of the session's work."""


def read_heldout(path: str | Path) -> pd.DataFrame:
    """Read a held-out set of name pairs (HELDOUT_COLUMNS): real names of projects as
    public mappings and project pages write them, each with the page it was seen on."""
    df = _read_csv(Path(path), HELDOUT_COLUMNS)
    bad = sorted(set(df["label"]) - {"same", "different"})
    if bad:
        raise DedupeInputError([f"ERROR: {path}, field 'label': {bad} is not same|different"])
    return df


def evaluate_heldout(pairs: pd.DataFrame, known: pd.DataFrame | None = None) -> dict[str, Any]:
    """Score a held-out set of name pairs (read_heldout) with names only, as a new listing
    with nothing but a title would be: each distinct name is one record, all are clustered
    together (so a merge may also come through a third name), and a pair is predicted the
    same when its two names end in one cluster. `known` is passed to cluster (the
    inventory whose names count as knowledge; None: names only). Returns precision,
    recall, f1, tp, fp, fn, tn, `by_basis` (per basis: pairs decided right, pairs) and
    `decisions`: per pair, the two names, the label, whether they were put together and
    score_pair's evidence line."""
    names = sorted(set(pairs["title_a"]) | set(pairs["title_b"]))
    ids = {name: f"h{i:03d}" for i, name in enumerate(names)}
    records = pd.DataFrame({"project_id": list(ids.values()), "title": list(ids)})
    clusters = cluster(records, known=known).set_index("project_id")["cluster_id"]
    tp = fp = fn = tn = 0
    by_basis: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    decisions = []
    for r in pairs.to_dict("records"):
        a = {"project_id": ids[r["title_a"]], "title": r["title_a"]}
        b = {"project_id": ids[r["title_b"]], "title": r["title_b"]}
        ev = score_pair(a, b)
        together = bool(clusters[a["project_id"]] == clusters[b["project_id"]])
        same = r["label"] == "same"
        tp += same and together
        fn += same and not together
        fp += not same and together
        tn += not same and not together
        counts = by_basis[r["basis"]]
        counts[0] += together == same
        counts[1] += 1
        decisions.append((r["title_a"], r["title_b"], r["label"], together, ev.describe()))
    return {
        **_rates(tp, fp, fn, tn),
        "by_basis": {k: tuple(v) for k, v in sorted(by_basis.items())},
        "decisions": decisions,
    }


def run_evaluate_cli(data_dir: str | Path) -> int:
    """Print the evaluation on data_dir/projects.csv and data_dir/dedupe_labels.csv:
    once with all fields and once with names only (funders, countries and years blanked),
    which is closer to sparse real listings; then evaluate_heldout on the repository's held-out
    and blind sets of real names (HELDOUT_PATH, BLIND_PATH ... BLIND8_PATH next to data_dir)
    when they are there, with names only and with data_dir's projects as known. Exit 1 or 2
    on bad input, as `python -m cbdash dedupe`."""
    data_dir = Path(data_dir)
    try:
        projects, _ = read_projects(data_dir / "projects.csv")
        labels = _read_csv(data_dir / "dedupe_labels.csv", LABEL_COLUMNS)
    except DedupeInputError as exc:
        for message in exc.messages:
            print(message, file=sys.stderr)
        return exc.exit_code
    records = explode_names(projects)
    n_same = int((labels["label"] == "same").sum())
    print(
        f"{len(projects)} projects -> {len(records)} name records; {len(labels)} labelled pairs "
        f"({n_same} same, {len(labels) - n_same} different)"
    )
    names_only = records.copy()
    for col in ("funders", "implementers", "beneficiary_countries", "start_year", "end_year"):
        names_only[col] = ""
    for title, recs in (("all fields", records), ("names only", names_only)):
        result = evaluate(recs, labels)
        print(
            f"{title}: {_rates_line(result)}; "
            f"pairs joined across different rows: {result['cross_row_pairs']}"
        )
        if title == "all fields":
            for a, b, basis in result["false_positives"]:
                print(f"  wrong merge: {a!r} ~ {b!r} [{basis}]")
            for a, b, _ in result["false_negatives"]:
                print(f"  missed: {a!r} ~ {b!r}")
        if result["missing_labels"]:
            print(
                f"  {len(result['missing_labels'])} labels name titles not in projects.csv",
                file=sys.stderr,
            )
    sets = (
        ("held-out", HELDOUT_PATH),
        ("blind", BLIND_PATH),
        ("blind2", BLIND2_PATH),
        ("blind3", BLIND3_PATH),
        ("blind4", BLIND4_PATH),
        ("blind5", BLIND5_PATH),
        ("blind6", BLIND6_PATH),
        ("blind7", BLIND7_PATH),
        ("blind8", BLIND8_PATH),
    )
    for title, path in sets:
        if not path.exists():
            continue
        try:
            pairs = read_heldout(path)
        except DedupeInputError as exc:
            for message in exc.messages:
                print(message, file=sys.stderr)
            return exc.exit_code
        for how, known in (("names only", None), ("names + known projects", projects)):
            result = evaluate_heldout(pairs, known)
            print(f"{title} names ({path}, {how}): {_rates_line(result, with_tn=True)}")
    return 0


def _rates_line(result: Mapping[str, Any], with_tn: bool = False) -> str:
    """'precision P  recall R  f1 F  (tp, fp, fn[, tn])' of an evaluation result."""
    counts = ("tp", "fp", "fn", "tn") if with_tn else ("tp", "fp", "fn")
    return (
        f"precision {result['precision']:.3f}  recall {result['recall']:.3f}  "
        f"f1 {result['f1']:.3f}  (" + ", ".join(f"{c} {result[c]}" for c in counts) + ")"
    )


if __name__ == "__main__":
    sys.exit(run_evaluate_cli(sys.argv[1] if len(sys.argv) > 1 else "data"))
