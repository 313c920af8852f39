"""From scored pairs to answers: clusters of rows that are one project, the link of each row
to a known project (an inventory), and the review queue of each row's best candidates."""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cbdash.dedupe.candidates import candidate_pairs, cross_pairs, neighbour_pairs
from cbdash.dedupe.constraints import Decisions, code_conflict, decisions_for, shared_code, veto
from cbdash.dedupe.features import Comparison, compare
from cbdash.dedupe.normalise import Record, discount_common, make_record
from cbdash.dedupe.score import Model, model

REQUIRED_COLUMNS = ("project_id", "title")
OPTIONAL_COLUMNS = ("aliases", "funders", "implementers", "beneficiary_countries",
                    "start_year", "end_year", "listed_in")  # fmt: skip
QUEUE_COLUMNS = ["project_id", "rank", "candidate_id", "candidate_title", "candidate_from",
                 "score", "verdict", "evidence"]  # fmt: skip
KEEP_EVIDENCE = 0.05
"""Comparisons at least this probable are kept for their evidence; others are compared again
when asked (most candidate pairs of a large list are far below)."""
Scorer = Callable[[list[Record], np.ndarray], list[float]]


class DedupeInputError(ValueError):
    """Bad input; `messages` name file, row and field. `exit_code`: 2 for an unusable file,
    1 for data errors inside a readable one."""

    def __init__(self, messages: list[str], exit_code: int = 2):
        super().__init__("\n".join(messages))
        self.messages = messages
        self.exit_code = exit_code


def records_of(df: pd.DataFrame) -> list[Record]:
    """The rows of a project list as records (words most rows hold count as common)."""
    missing = [c for c in REQUIRED_COLUMNS if c not in df.columns]
    if missing:
        raise DedupeInputError([f"missing required column '{c}'" for c in missing])
    return discount_common([make_record(row) for row in df.to_dict("records")])


@dataclass(frozen=True)
class Link:
    """Two compared records (indices), the probability, the decision, and what decided it
    when not the probability ("same code ...", "kept apart: ...", "held back: ...")."""

    i: int
    j: int
    p: float
    same: bool
    note: str = ""


class Scored:
    """The links between `left` and `right` records for `pairs`, with their evidence."""

    def __init__(self, left: list[Record], right: list[Record], pairs: np.ndarray, m: Model,
                 given: Iterable[float] = ()):  # fmt: skip
        self.left, self.right, self.m = left, right, m
        self.links: list[Link] = []
        self.kept: dict[tuple[int, int], Comparison] = {}
        given = list(given)
        for start in range(0, len(pairs), 20_000):
            chunk = pairs[start : start + 20_000].tolist()
            comparisons = [compare(left[i], right[j]) for i, j in chunk]
            probs = given[start : start + 20_000] or m.probability(comparisons).tolist()
            for (i, j), c, p in zip(chunk, comparisons, probs, strict=True):
                self.links.append(self._decide(i, j, c, p))
                if p >= KEEP_EVIDENCE:
                    self.kept[(i, j)] = c

    def _decide(self, i: int, j: int, c: Comparison, p: float) -> Link:
        if code := shared_code(self.left[i], self.right[j]):
            return Link(i, j, 1.0, True, f"same code {code}")
        a, b = self.left[i], self.right[j]
        why = (c.conflict or code_conflict(a, b)) and f"kept apart: {c.conflict or code_conflict(a, b)}"
        why = why or (c.held and f"held back: {c.held}")
        return Link(i, j, p, p >= self.m.threshold and not why, why)

    def evidence(self, link: Link) -> str:
        """The link in words: probability, names, what counted for and against."""
        if link.note.startswith("both are names"):
            return f"{link.p:.2f}: {link.note}"
        c = self.kept.get((link.i, link.j)) or compare(self.left[link.i], self.right[link.j])
        return self.m.explain(c, link.p) + (f"; {link.note}" if link.note else "")


def known_links(new: list[Record], known: list[Record], m: Model) -> dict[int, tuple[int, float]]:
    """Record index -> (index of the known record it is, probability), when exactly one
    known record is accepted as the same project."""
    found: dict[int, dict[int, float]] = defaultdict(dict)
    for link in Scored(new, known, cross_pairs(new, known), m).links:
        if link.same:
            found[link.i][link.j] = max(link.p, found[link.i].get(link.j, 0.0))
    return {i: next(iter(js.items())) for i, js in found.items() if len(js) == 1}


def _with_known(records: list[Record], known: pd.DataFrame | None, m: Model
                ) -> tuple[dict[int, tuple[str, float]], list[Link]]:  # fmt: skip
    """Each record's known project (by project_id), and a link for each two records that are
    names of one known project, as probable as the weaker of their two links."""
    if known is None or known.empty or not records:
        return {}, []
    inventory = records_of(known.assign(project_id=known["project_id"].astype(str)))
    to = {i: (inventory[j].project_id, p) for i, (j, p) in known_links(records, inventory, m).items()}
    by_known: dict[str, list[int]] = defaultdict(list)
    for i, (kid, _) in sorted(to.items()):
        by_known[kid].append(i)
    extra = [Link(x, y, min(to[x][1], to[y][1]), True, f"both are names of known project '{kid}'")
             for kid, xs in by_known.items() for n, x in enumerate(xs) for y in xs[n + 1 :]]  # fmt: skip
    return to, extra


class _Groups:
    """Union-find whose merges can be refused."""

    def __init__(self, n: int):
        self.parent = list(range(n))
        self.members = {i: [i] for i in range(n)}

    def find(self, x: int) -> int:
        while self.parent[x] != x:
            self.parent[x] = x = self.parent[self.parent[x]]
        return x

    def union(self, a: int, b: int) -> None:
        ra, rb = sorted((self.find(a), self.find(b)), key=lambda r: -len(self.members[r]))
        if ra != rb:
            self.parent[rb] = ra
            self.members[ra] += self.members.pop(rb)


def group(records: list[Record], links: list[Link], decided: Decisions,
          apart: Callable[[int, int], bool]) -> _Groups:  # fmt: skip
    """Reviewed "same" pairs first, then accepted links from the most probable down; a merge
    is refused when any two members of the two groups are vetoed, kept `apart` or reviewed
    as different."""
    index = {r.project_id: k for k, r in enumerate(records)}
    groups = _Groups(len(records))
    blocked = {(min(k.i, k.j), max(k.i, k.j)) for k in links if k.note.startswith("kept apart")}
    blocked |= {tuple(sorted((index[a], index[b]))) for (a, b), (d, _) in decided.items() if d == "different"}
    checked: dict[tuple[int, int], bool] = {}

    def conflict(x: int, y: int) -> bool:
        key = (min(x, y), max(x, y))
        if key not in checked:
            checked[key] = key in blocked or apart(x, y) or bool(veto(records[x], records[y]))
        return checked[key]

    for (a, b), (decision, _) in sorted(decided.items()):
        if decision == "same":
            groups.union(index[a], index[b])
    for (a, b), (decision, _) in sorted(decided.items()):
        if decision == "different" and groups.find(index[a]) == groups.find(index[b]):
            message = f"reviewed pairs contradict: '{a}' and '{b}' are different but joined by 'same' pairs"
            raise DedupeInputError([message], exit_code=1)
    for link in sorted((k for k in links if k.same), key=lambda k: (-k.p, k.i, k.j)):
        ra, rb = groups.find(link.i), groups.find(link.j)
        if ra != rb and not any(conflict(x, y) for x in groups.members[ra] for y in groups.members[rb]):
            groups.union(link.i, link.j)
    return groups


def cluster(
    df: pd.DataFrame,
    reviewed: Iterable[dict[str, str]] | None = None,
    known: pd.DataFrame | None = None,
    m: Model | None = None,
    scorer: Scorer | None = None,
) -> pd.DataFrame:
    """Group rows that are the same project: project_id, cluster_id ("c-" + the smallest id
    in it), score (the strongest accepted link into its cluster; empty for a row alone) and
    evidence (that link in words, the reviewed decision, or the nearest candidate of a row
    alone). With `known` (an inventory of distinct projects, e.g. data/projects.csv), two
    rows that are names of one known project are joined, rows of two known projects are
    kept apart, and known_project / known_score say which. `reviewed` pairs decide first;
    `scorer` may give the probabilities of the candidate pairs (cross-validation)."""
    m = m or model()
    with _frozen():
        return _cluster(df, reviewed, known, m, scorer)


@contextmanager
def _frozen() -> Iterator[None]:
    """No cyclic garbage collection while a list is compared (the work makes no cycles, and
    the collector's passes over a large list's records would take a third of the time)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _cluster(df: pd.DataFrame, reviewed: Iterable[dict[str, str]] | None, known: pd.DataFrame | None,
             m: Model, scorer: Scorer | None) -> pd.DataFrame:  # fmt: skip
    records = records_of(df)
    ids = [r.project_id for r in records]
    if len(set(ids)) < len(ids):
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        raise DedupeInputError([f"duplicate project_id '{d}'" for d in dupes], exit_code=1)
    pairs = candidate_pairs(records)
    scored = Scored(records, records, pairs, m, scorer(records, pairs) if scorer else ())
    to_known, extra = _with_known(records, known, m)
    links = scored.links + extra
    decided = decisions_for(records, reviewed or [])
    groups = group(records, links, decided,
                   lambda x, y: x in to_known and y in to_known and to_known[x][0] != to_known[y][0])  # fmt: skip
    best: dict[int, tuple[float, int, Link]] = {}
    nearest: dict[int, tuple[float, int, Link]] = {}
    for link in links:
        together = groups.find(link.i) == groups.find(link.j)
        for x, y in ((link.i, link.j), (link.j, link.i)):
            table = best if together and link.same else nearest if not together else {}
            if link.p > table.get(x, (-1.0, 0, link))[0]:
                table[x] = (link.p, y, link)
    index = {pid: k for k, pid in enumerate(ids)}
    notes: dict[int, list[str]] = defaultdict(list)
    reviewed_same: dict[int, str] = {}
    for (a, b), (decision, reason) in sorted(decided.items()):
        for x, y in ((index[a], b), (index[b], a)):
            if decision == "same":
                reviewed_same[x] = f"same as {y}: reviewed {reason}"
            else:
                notes[x].append(f"reviewed: different from {y} ({reason})")
    for k, (kid, p) in to_known.items():
        notes[k].append(f"known project '{kid}' ({p:.2f})")
    rows = []
    for k, pid in enumerate(ids):
        members = groups.members[groups.find(k)]
        score, text = float("nan"), "alone; no candidate"
        if len(members) > 1 and k in reviewed_same:
            score, text = 1.0, reviewed_same[k]
        elif len(members) > 1 and k in best:
            score, y, link = best[k]
            text = f"same as {ids[y]}: {scored.evidence(link)}"
        elif k in nearest:
            text = f"alone; nearest {ids[nearest[k][1]]}: {scored.evidence(nearest[k][2])}"
        rows.append((pid, "c-" + min(ids[x] for x in members), score, " | ".join([text, *notes[k]])))
    out = pd.DataFrame(rows, columns=["project_id", "cluster_id", "score", "evidence"])
    if known is not None:
        out["known_project"] = [to_known.get(k, ("", 0.0))[0] for k in range(len(ids))]
        out["known_score"] = [to_known.get(k, ("", float("nan")))[1] for k in range(len(ids))]
    return out


def match_existing(new: pd.DataFrame, existing: pd.DataFrame) -> pd.DataFrame:
    """`new` with matches_existing (the project_id in `existing` a row is, or "") and
    match_score (that link's probability), by known_links."""
    out = new.copy()
    out["matches_existing"] = ""
    out["match_score"] = float("nan")
    if new.empty or existing.empty or "title" not in new.columns:
        return out
    old = records_of(existing.assign(project_id=existing["project_id"].astype(str)))
    fresh = records_of(new.assign(project_id=[f"new:{i}" for i in range(len(new))]))
    for i, (j, p) in known_links(fresh, old, model()).items():
        out.iloc[i, out.columns.get_loc("matches_existing")] = old[j].project_id
        out.iloc[i, out.columns.get_loc("match_score")] = p
    return out


def review_queue(
    df: pd.DataFrame,
    k: int = 5,
    known: pd.DataFrame | None = None,
    reviewed: Iterable[dict[str, str]] | None = None,
) -> pd.DataFrame:
    """For each row, its `k` most probable candidates among the other rows ("list") and,
    with `known`, among the known projects ("inventory"), ranked within each (those kept
    apart by a veto or a reviewed decision last): probability, verdict ("same", "review",
    "kept apart", or a reviewed decision) and evidence in words.
    Candidates come from blocking and from each row's nearest names (neighbour_pairs); two
    rows that are names of one known project meet at the weaker of their two links."""
    m = model()
    records = records_of(df)
    pairs = np.unique(np.vstack([candidate_pairs(records), neighbour_pairs(records, n=k)]), axis=0)
    scored = Scored(records, records, pairs, m)
    best: dict[tuple[int, int], Link] = {}
    for link in scored.links + _with_known(records, known, m)[1]:
        if link.p > best.get((link.i, link.j), Link(0, 0, -1.0, False)).p:
            best[(link.i, link.j)] = link
    decided = decisions_for(records, reviewed or [])
    rows = []
    for (i, j), link in best.items():
        for x, y in ((i, j), (j, i)):
            decision = decided.get(tuple(sorted((records[x].project_id, records[y].project_id))))
            verdict = f"reviewed {decision[0]}" if decision else _verdict(link)
            rows.append((x, records[y].project_id, _title(records[y]), "list", link.p, verdict, scored.evidence(link)))
    if known is not None and not known.empty:
        inventory = records_of(known.assign(project_id=known["project_id"].astype(str)))
        near = np.vstack([cross_pairs(records, inventory), neighbour_pairs(records, inventory, k)])
        to = Scored(records, inventory, np.unique(near, axis=0), m)
        rows += [(link.i, inventory[link.j].project_id, _title(inventory[link.j]), "inventory",
                  link.p, _verdict(link), to.evidence(link)) for link in to.links]  # fmt: skip
    frame = pd.DataFrame(rows, columns=["i", *QUEUE_COLUMNS[2:]])
    frame["apart"] = frame["verdict"].isin(["kept apart", "reviewed different"])  # known not to be
    frame = frame.sort_values(["i", "candidate_from", "apart", "score", "candidate_id"],
                              ascending=[True, False, True, False, True], kind="stable")  # fmt: skip
    frame["rank"] = frame.groupby(["i", "candidate_from"]).cumcount() + 1
    frame = frame[frame["rank"] <= k]
    frame.insert(0, "project_id", [records[i].project_id for i in frame["i"]])
    return frame[QUEUE_COLUMNS].reset_index(drop=True)


def _title(record: Record) -> str:
    return record.names[0].raw if record.names else ""


def _verdict(link: Link) -> str:
    return "same" if link.same else "kept apart" if link.note.startswith("kept apart") else "review"
