"""From compared pairs to answers: clusters of rows that are one project and each row's link
to a known project (an inventory such as data/projects.csv)."""

from __future__ import annotations

import gc
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cbdash.data.lists import REQUIRED_COLUMNS, DedupeInputError
from cbdash.dedupe.candidates import candidate_pairs, cross_pairs
from cbdash.dedupe.constraints import Decisions, code_conflict, decisions_for, shared_code, veto
from cbdash.dedupe.features import Comparison, compare
from cbdash.dedupe.normalise import Record, discount_common, make_record
from cbdash.dedupe.score import Model, model

KEEP_EVIDENCE = 0.05  # comparisons kept for their evidence; others compared again if asked


def records_of(df: pd.DataFrame) -> list[Record]:
    """The rows of a project list as records (words most rows hold count as common)."""
    if missing := [c for c in REQUIRED_COLUMNS if c not in df.columns]:
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
    """Links between `left` and `right` records (`given` may hold probabilities, as in CV)."""

    def __init__(self, left: list, right: list, pairs: np.ndarray, m: Model, given=()) -> None:
        self.left, self.right, self.m = left, right, m
        self.links: list[Link] = []
        self.kept: dict[tuple[int, int], Comparison] = {}
        for start in range(0, len(pairs), 20_000):
            chunk = pairs[start : start + 20_000].tolist()
            comparisons = [compare(left[i], right[j]) for i, j in chunk]
            probs = list(given[start : start + 20_000]) or m.probability(comparisons).tolist()
            for (i, j), c, p in zip(chunk, comparisons, probs, strict=True):
                self.links.append(self._decide(i, j, c, p))
                self.kept.update({(i, j): c} if p >= KEEP_EVIDENCE else {})

    def _decide(self, i: int, j: int, c: Comparison, p: float) -> Link:
        a, b = self.left[i], self.right[j]
        if code := shared_code(a, b):
            return Link(i, j, 1.0, True, f"same code {code}")
        why = f"kept apart: {conflict}" if (conflict := c.conflict or code_conflict(a, b)) else ""
        why = why or (c.held and f"held back: {c.held}")
        return Link(i, j, p, p >= self.m.threshold and not why, why)

    def evidence(self, link: Link) -> str:
        """The link in words: probability, names, what counted for and against."""
        if link.note.startswith("both are names"):
            return f"{link.p:.2f}: {link.note}"
        c = self.kept.get((link.i, link.j)) or compare(self.left[link.i], self.right[link.j])
        return self.m.explain(c, link.p) + (f"; {link.note}" if link.note else "")


def known_links(new: list[Record], known: list[Record], m: Model) -> dict[int, tuple[int, float]]:
    """Record index -> (index of the one known record accepted as it, probability)."""
    found: dict[int, dict[int, float]] = defaultdict(dict)
    for link in (k for k in Scored(new, known, cross_pairs(new, known), m).links if k.same):
        found[link.i][link.j] = max(link.p, found[link.i].get(link.j, 0.0))
    return {i: next(iter(js.items())) for i, js in found.items() if len(js) == 1}


def with_known(records: list[Record], known: pd.DataFrame | None, m: Model):
    """Each record's known project (project_id, probability) and a link for each two records
    that are names of one known project, as probable as the weaker of their two links."""
    if known is None or known.empty or not records:
        return {}, []
    inventory = records_of(known.assign(project_id=known["project_id"].astype(str)))
    found = known_links(records, inventory, m).items()
    to = {i: (inventory[j].project_id, p) for i, (j, p) in found}
    by_known: dict[str, list[int]] = defaultdict(list)
    for i, (kid, _) in sorted(to.items()):
        by_known[kid].append(i)
    note = "both are names of known project '{}'"
    pairs = [
        (kid, x, y) for kid, xs in by_known.items() for n, x in enumerate(xs) for y in xs[n + 1 :]
    ]
    return to, [Link(x, y, min(to[x][1], to[y][1]), True, note.format(kid)) for kid, x, y in pairs]


def group(records: list[Record], links: list[Link], decided: Decisions, apart: Callable) -> list:
    """Each record's group: reviewed "same" pairs, then accepted links from the most probable
    down, unless two members of the two groups are vetoed, kept `apart` or reviewed apart."""
    index = {r.project_id: k for k, r in enumerate(records)}
    members = {k: [k] for k in range(len(records))}
    root = list(range(len(records)))
    blocked = {(min(k.i, k.j), max(k.i, k.j)) for k in links if k.note.startswith("kept apart")}
    apart_by_people = [(index[a], index[b]) for (a, b), d in decided.items() if d[0] == "different"]
    different = {(min(x, y), max(x, y)) for x, y in apart_by_people}

    def merge(x: int, y: int) -> None:
        rx, ry = sorted((root[x], root[y]), key=lambda r: -len(members[r]))
        for k in members[ry]:
            root[k] = rx
        members[rx] += members.pop(ry)

    def conflict(x: int, y: int) -> bool:
        key = (min(x, y), max(x, y))
        return key in blocked | different or apart(x, y) or bool(veto(records[x], records[y]))

    for (a, b), (decision, _) in sorted(decided.items()):
        if decision == "same" and root[index[a]] != root[index[b]]:
            merge(index[a], index[b])
    for x, y in (pair for pair in sorted(different) if root[pair[0]] == root[pair[1]]):
        both = f"'{records[x].project_id}' and '{records[y].project_id}'"
        raise DedupeInputError([f"reviewed pairs contradict: {both} are different but joined"], 1)
    for link in sorted((k for k in links if k.same), key=lambda k: (-k.p, k.i, k.j)):
        rx, ry = root[link.i], root[link.j]
        if rx != ry and not any(conflict(x, y) for x in members[rx] for y in members[ry]):
            merge(link.i, link.j)
    return root


def cluster(df: pd.DataFrame, reviewed: Iterable | None = None, known=None, m=None, scorer=None):
    """Group rows that are the same project: project_id, cluster_id ("c-" + the smallest id
    in it), score (the strongest accepted link into its cluster; empty for a row alone) and
    evidence (that link in words, the reviewed decision, or a lone row's nearest candidate).
    With `known` (an inventory of distinct projects), rows that are names of one known project
    are joined, rows of two are kept apart, and known_project / known_score say which.
    `reviewed` pairs decide first; `scorer` may give the probabilities of the candidate pairs."""
    enabled = gc.isenabled()
    gc.disable()  # the work makes no cycles; the collector's passes over many records cost a third
    try:
        return _cluster(df, reviewed, known, m or model(), scorer)
    finally:
        if enabled:
            gc.enable()


def _cluster(df: pd.DataFrame, reviewed, known, m: Model, scorer) -> pd.DataFrame:
    records = records_of(df)
    ids = [r.project_id for r in records]
    if dupes := sorted(i for i, n in Counter(ids).items() if n > 1):
        raise DedupeInputError([f"duplicate project_id '{d}'" for d in dupes], exit_code=1)
    pairs = candidate_pairs(records)
    scored = Scored(records, records, pairs, m, scorer(records, pairs) if scorer else ())
    to_known, extra = with_known(records, known, m)
    decided = decisions_for(records, reviewed or [])
    known_of = {k: kid for k, (kid, _) in to_known.items()}
    root = group(
        records,
        scored.links + extra,
        decided,
        lambda x, y: known_of.get(x, x) != known_of.get(y, y) and {x, y} <= known_of.keys(),
    )
    best: dict[int, tuple[float, int, Link]] = {}
    nearest: dict[int, tuple[float, int, Link]] = {}
    for link in scored.links + extra:
        for x, y in ((link.i, link.j), (link.j, link.i)):
            table = nearest if root[x] != root[y] else best if link.same else {}
            if link.p > table.get(x, (-1.0,))[0]:
                table[x] = (link.p, y, link)
    index = {pid: k for k, pid in enumerate(ids)}
    notes: dict[int, list[str]] = defaultdict(list)
    for k, (kid, p) in to_known.items():
        notes[k].append(f"known project '{kid}' ({p:.2f})")
    for (a, b), (decision, why) in sorted(decided.items()):
        for x, y in ((index[a], b), (index[b], a)):
            if decision == "same":
                best[x] = (1.0, index[y], Link(x, index[y], 1.0, True, f"reviewed {why}"))
            notes[x] += [f"reviewed: different from {y} ({why})"] if decision == "different" else []
    size, first = Counter(root), {}
    for k, r in enumerate(root):
        first[r] = min(first.get(r, ids[k]), ids[k])
    rows = []
    for k, pid in enumerate(ids):
        score, text = float("nan"), "alone; no candidate"
        if size[root[k]] > 1 and k in best:
            score, y, link = best[k]
            said = link.note if link.note.startswith("reviewed") else scored.evidence(link)
            text = f"same as {ids[y]}: {said}"
        elif k in nearest:
            text = f"alone; nearest {ids[nearest[k][1]]}: {scored.evidence(nearest[k][2])}"
        rows.append((pid, "c-" + first[root[k]], score, " | ".join([text, *notes[k]])))
    out = pd.DataFrame(rows, columns=["project_id", "cluster_id", "score", "evidence"])
    if known is not None:
        out["known_project"] = [to_known.get(k, ("", 0.0))[0] for k in range(len(ids))]
        out["known_score"] = [to_known.get(k, ("", float("nan")))[1] for k in range(len(ids))]
    return out
