"""Projects across mappings: which projects several mappings list; the duplicate check on the
inventory's own rows; another list checked against the inventory; each row's best candidates
for a person to review; imported rows matched to existing projects (the method is
`cbdash.dedupe`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from cbdash import dedupe
from cbdash.data.lists import OPTIONAL_COLUMNS, REQUIRED_COLUMNS, reviewed_frame
from cbdash.dedupe.candidates import MAX_BLOCK, candidate_pairs, cross_pairs
from cbdash.dedupe.cluster import Link, Scored, known_links, records_of, with_known
from cbdash.dedupe.constraints import decisions_for
from cbdash.dedupe.normalise import Record
from cbdash.dedupe.score import model

DEDUPE_COLUMNS = (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)


def flat(projects: pd.DataFrame) -> pd.DataFrame:
    """Projects with list cells joined by ';' and years as text: the dedupe input format."""
    out = pd.DataFrame(index=projects.index)
    for col in DEDUPE_COLUMNS:
        values = projects[col]
        if col in {"start_year", "end_year"}:
            out[col] = values.map(lambda v: "" if pd.isna(v) else str(int(v)))
        elif col in {"project_id", "title"}:
            out[col] = values.astype(str)
        else:
            out[col] = values.map(lambda v: ";".join(v) if v else "")
    return out


def clusters(projects: pd.DataFrame, reviewed_path: Path | None) -> pd.DataFrame:
    """The duplicate check on the inventory: project_id, cluster_id, score, evidence,
    cluster_size, and overridden (True when a reviewed pair in `reviewed_path` decided)."""
    reviewed = dedupe.load_reviewed(reviewed_path) if reviewed_path is not None else []
    result = dedupe.cluster(flat(projects), reviewed)
    result["cluster_size"] = result.groupby("cluster_id")["project_id"].transform("size")
    result["overridden"] = result["evidence"].str.contains("reviewed", regex=False)
    return result


def inventory_queue(projects: pd.DataFrame, reviewed_path: Path | None, k: int) -> pd.DataFrame:
    """The review queue of the inventory's own rows as pairs (queue_pairs): each row's `k`
    most probable candidates, the pairs decided in `reviewed_path` left out."""
    reviewed = dedupe.load_reviewed(reviewed_path) if reviewed_path is not None else []
    rows = flat(projects)
    queue = review_queue(rows, k, reviewed=reviewed)
    return queue_pairs(queue, dict(zip(rows["project_id"], rows["title"], strict=True)))


CHECK_COLUMNS = [
    "project_id",
    "title",
    "inventory_project",
    "inventory_title",
    "score",
    "same_as_rows",
    "evidence",
]


def check_list(new: pd.DataFrame, inventory: pd.DataFrame) -> pd.DataFrame:
    """Another mapping's project list (dedupe.parse_projects) against the inventory's
    projects (`flat` form): per row, the inventory project it is (inventory_project,
    inventory_title, score; empty when none), the other rows of the list that are the same
    project (same_as_rows, ";"-joined) and the evidence. The inventory's names count as
    knowledge (dedupe.cluster with `known`)."""
    grouped = dedupe.cluster(new, known=inventory).set_index("project_id")
    titles = inventory.set_index("project_id")["title"].to_dict()
    row = grouped.reindex(new["project_id"])
    members = row.reset_index().groupby("cluster_id")["project_id"].agg(list).to_dict()
    rows = [
        (
            pid,
            title,
            known_id,
            titles.get(known_id, ""),
            score,
            ";".join(m for m in members[cluster] if m != pid),
            evidence,
        )  # fmt: skip
        for pid, title, known_id, score, cluster, evidence in zip(
            new["project_id"],
            new["title"],
            row["known_project"],
            row["known_score"],
            row["cluster_id"],
            row["evidence"],
            strict=True,
        )  # fmt: skip
    ]
    return pd.DataFrame(rows, columns=CHECK_COLUMNS)


def nearest_score(evidence: pd.Series) -> pd.Series:
    """Score of the nearest rejected candidate in an 'alone; nearest X: 0.73; ...' text."""
    return pd.to_numeric(
        evidence.str.extract(r"alone; nearest [^:]+: ([0-9.]+)", expand=False), errors="coerce"
    )


def nearest_id(evidence: pd.Series) -> pd.Series:
    """Id of the nearest rejected candidate in an 'alone; nearest X: 0.73; ...' text."""
    return evidence.str.extract(r"alone; nearest ([^:]+): [0-9.]+", expand=False)


def same_threshold() -> float:
    """The probability from which the duplicate check calls two rows one project."""
    return model().threshold


def listed_by_several(projects: pd.DataFrame, at_least: int = 2) -> pd.DataFrame:
    """Projects that `at_least` mappings list, most-listed first."""
    counts = projects["listed_in"].map(len)
    chosen = projects[counts >= at_least].assign(listings=counts[counts >= at_least])
    return chosen.sort_values(["listings", "title"], ascending=[False, True])


QUEUE_COLUMNS = ["project_id", "rank", "candidate_id", "candidate_title", "candidate_from", "score",
                 "verdict", "evidence"]  # fmt: skip


def match_existing(new: pd.DataFrame, existing: pd.DataFrame) -> pd.DataFrame:
    """`new` with matches_existing (the project_id in `existing` a row is, or "") and
    match_score (that link's probability), by known_links."""
    out = new.assign(matches_existing="", match_score=float("nan"))
    if new.empty or existing.empty or "title" not in new.columns:
        return out
    old = records_of(existing.assign(project_id=existing["project_id"].astype(str)))
    fresh = records_of(new.assign(project_id=[f"new:{i}" for i in range(len(new))]))
    for i, (j, p) in known_links(fresh, old, model()).items():
        out.iloc[
            i, [out.columns.get_loc("matches_existing"), out.columns.get_loc("match_score")]
        ] = [old[j].project_id, p]
    return out


def _grams(rec: Record) -> set[str]:
    return {f" {n.stem} "[k : k + 3] for n in rec.names for k in range(len(n.stem))}


def neighbour_pairs(
    left: list[Record], right: list[Record] | None = None, n: int = 5
) -> np.ndarray:
    """Each record of `left` with its `n` nearest records of `right` (default: the others of
    `left`) by the character 3-grams of their names, rarer ones weighing more (tf-idf cosine;
    3-grams more than MAX_BLOCK records hold skipped): the review queue adds these to
    blocking, so that names sharing no word meet ("CSIRTs Network" / "CSIRTAmericas")."""
    grams = [_grams(r) for r in (right if right is not None else left)]
    postings: dict[str, list[int]] = defaultdict(list)
    for j, gs in enumerate(grams):
        for g in gs:
            postings[g].append(j)
    idf = {
        g: np.log(len(grams) / len(js)) ** 2 for g, js in postings.items() if len(js) <= MAX_BLOCK
    }
    norm = [np.sqrt(sum(idf.get(g, 0.0) for g in gs)) or 1.0 for gs in grams]
    out = []
    for i, rec in enumerate(left):
        scores: dict[int, float] = defaultdict(float)
        for g in (mine := _grams(rec)) & idf.keys():
            for j in postings[g]:
                scores[j] += idf[g]
        scores.pop(i, None) if right is None else None
        own = np.sqrt(sum(idf.get(g, 0.0) for g in mine)) or 1.0
        best = sorted(scores, key=lambda j: (-scores[j] / (own * norm[j]), j))[:n]
        out += [(min(i, j), max(i, j)) if right is None else (i, j) for j in best]
    return np.unique(np.asarray(out, dtype=np.int64).reshape(-1, 2), axis=0)


NEIGHBOUR_ROWS = 20_000
"""Up to this many rows (list and known projects together) the review queue adds each row's
nearest names to blocking; beyond, blocking alone proposes candidates (the nearest names of
20,000 rows take about 20 s, growing with the rows)."""


def review_queue(
    df: pd.DataFrame,
    k: int = 5,
    known: pd.DataFrame | None = None,
    reviewed: Iterable[dict] | None = None,
) -> pd.DataFrame:
    """For each row, its `k` most probable candidates among the other rows ("list") and,
    with `known`, among the known projects ("inventory"), ranked within each (those a veto or
    a reviewed decision keeps apart last), with probability, verdict ("same", "review",
    "kept apart", or the reviewed decision) and evidence in words. Candidates come from
    blocking and from each row's nearest names; two names of one known project meet at the
    weaker of their two links (NEIGHBOUR_ROWS says up to what size)."""
    m, records = model(), records_of(df)
    near = len(df) + (0 if known is None else len(known)) <= NEIGHBOUR_ROWS
    extra = neighbour_pairs(records, n=k) if near else np.empty((0, 2), dtype=np.int64)
    pairs = np.unique(np.vstack([candidate_pairs(records), extra]), axis=0)
    scored = Scored(records, records, pairs, m)
    best: dict[tuple[int, int], Link] = {}
    for link in scored.links + with_known(records, known, m)[1]:
        if link.p > best.get((link.i, link.j), Link(0, 0, -1.0, False)).p:
            best[(link.i, link.j)] = link
    decided = decisions_for(records, reviewed or [])
    rows = []
    for (i, j), link in best.items():
        for x, y in ((i, j), (j, i)):
            decision = decided.get(tuple(sorted((records[x].project_id, records[y].project_id))))
            verdict = f"reviewed {decision[0]}" if decision else _verdict(link)
            rows.append((x, records[y], "list", link.p, verdict, scored.evidence(link)))
    if known is not None and not known.empty:
        inventory = records_of(known.assign(project_id=known["project_id"].astype(str)))
        extra = neighbour_pairs(records, inventory, k) if near else np.empty((0, 2), np.int64)
        both = np.vstack([cross_pairs(records, inventory), extra])
        to = Scored(records, inventory, np.unique(both, axis=0), m)
        rows += [
            (x.i, inventory[x.j], "inventory", x.p, _verdict(x), to.evidence(x)) for x in to.links
        ]
    frame = pd.DataFrame(
        rows, columns=["i", "candidate", "candidate_from", "score", "verdict", "evidence"]
    )
    frame["apart"] = frame["verdict"].isin(["kept apart", "reviewed different"])
    order = ["i", "candidate_from", "apart", "score"]
    frame = frame.sort_values(order, ascending=[True, False, True, False], kind="stable")
    frame["rank"] = frame.groupby(["i", "candidate_from"]).cumcount() + 1
    frame = frame[frame["rank"] <= k].assign(
        project_id=lambda f: [records[i].project_id for i in f["i"]],
        candidate_id=lambda f: [r.project_id for r in f["candidate"]],
        candidate_title=lambda f: [r.names[0].raw if r.names else "" for r in f["candidate"]],
    )
    return frame[QUEUE_COLUMNS].reset_index(drop=True)


PAIR_COLUMNS = ["pair", "project_id", "title", "candidate_id", "candidate_title",
                "candidate_from", "rank", "score", "verdict", "evidence"]  # fmt: skip


def queue_pairs(queue: pd.DataFrame, titles: Mapping[str, str]) -> pd.DataFrame:
    """The review queue (review_queue) as pairs to decide, each once (two rows of a list
    proposed to each other are one pair, at the better rank): its rows' titles from `titles`,
    the pairs a reviewed decision settled left out, the most probable first. `pair` names it
    ("id|candidate id", prefixed by where the candidate is from)."""
    undecided = queue[~queue["verdict"].str.startswith("reviewed")]
    first = undecided["project_id"].astype(str) <= undecided["candidate_id"].astype(str)
    own = undecided["candidate_from"] == "list"
    a = undecided["project_id"].where(first | ~own, undecided["candidate_id"])
    b = undecided["candidate_id"].where(first | ~own, undecided["project_id"])
    out = undecided.assign(
        project_id=a,
        candidate_id=b,
        title=a.map(titles),
        candidate_title=undecided["candidate_title"],
        pair=undecided["candidate_from"] + ":" + a + "|" + b,
    )
    out["candidate_title"] = out["candidate_title"].where(~own, b.map(titles))
    out["swapped"] = ~(first | ~own)  # of a pair's two rows, the one as named is kept
    order = ["score", "rank", "swapped", "pair"]
    out = out.sort_values(order, ascending=[False, True, True, True], kind="stable")
    return out.drop_duplicates("pair")[PAIR_COLUMNS].reset_index(drop=True)


def reviewed_rows(
    pairs: pd.DataFrame,
    decided: Mapping[str, tuple[str, str]],
    reviewer: str,
    day: str,
    inventory_ids: bool,
) -> pd.DataFrame:
    """The decisions `decided` ({pair: (same|different, reason)}) on rows of `pairs` as
    reviewed pairs (REVIEWED_COLUMNS) by `reviewer` on `day` (YYYY-MM-DD). Ids are written
    for rows of the inventory only: both with `inventory_ids`, else an inventory candidate's
    (a row of another list is known by its name). Without a reason, the model's evidence is
    recorded as what the decision was shown."""
    chosen = pairs[pairs["pair"].isin(list(decided))]
    rows = []
    for r in chosen.itertuples(index=False):
        decision, reason = decided[r.pair]
        shown = f"decided in the review queue; the model's evidence: {r.evidence}"
        inventory = inventory_ids or r.candidate_from == "inventory"
        rows.append(
            {
                "id_a": r.project_id if inventory_ids else "",
                "title_a": r.title,
                "id_b": r.candidate_id if inventory else "",
                "title_b": r.candidate_title,
                "decision": decision,
                "reviewer": reviewer.strip(),
                "date": day,
                "reason": reason.strip() or shown,
            }
        )
    return reviewed_frame(rows)


def _verdict(link: Link) -> str:
    return "same" if link.same else "kept apart" if link.note.startswith("kept apart") else "review"
