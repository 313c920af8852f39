"""From scored pairs to answers: clusters of rows that are one project, the link of each row
to a known project (an inventory), and the review queue of each row's best candidates."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cbdash.dedupe.candidates import candidate_pairs, cross_pairs, neighbour_pairs
from cbdash.dedupe.constraints import Decisions, decisions_for, shared_code, veto
from cbdash.dedupe.features import compare
from cbdash.dedupe.normalise import Record, make_record
from cbdash.dedupe.score import Model, model

REQUIRED_COLUMNS = ("project_id", "title")
OPTIONAL_COLUMNS = ("aliases", "funders", "implementers", "beneficiary_countries",
                    "start_year", "end_year", "listed_in")  # fmt: skip


class DedupeInputError(ValueError):
    """Bad input; `messages` name file, row and field. `exit_code`: 2 for an unusable file,
    1 for data errors inside a readable one."""

    def __init__(self, messages: list[str], exit_code: int = 2):
        super().__init__("\n".join(messages))
        self.messages = messages
        self.exit_code = exit_code


@dataclass(frozen=True)
class Link:
    """A compared pair of records (indices), its probability, decision and evidence."""

    i: int
    j: int
    p: float
    same: bool
    evidence: str


Scorer = Callable[[list[Record], np.ndarray], list[float]]


def records_of(df: pd.DataFrame) -> list[Record]:
    missing = [c for c in REQUIRED_COLUMNS if c not in df.columns]
    if missing:
        raise DedupeInputError([f"missing required column '{c}'" for c in missing])
    return [make_record(row) for row in df.to_dict("records")]


def score_links(
    left: list[Record], right: list[Record], pairs: np.ndarray, m: Model, p: Iterable[float] = ()
) -> list[Link]:
    """Each pair (index into `left`, index into `right`) compared and decided: a shared portal
    code is the same project, a veto keeps apart, else the probability against the
    threshold. `p` may give the probabilities (as cross-validation does)."""
    comparisons = [compare(left[i], right[j]) for i, j in pairs]
    given = list(p)
    probs = given if given else m.probability(comparisons).tolist() if comparisons else []
    out = []
    for (i, j), c, q in zip(pairs.tolist(), comparisons, probs, strict=True):
        code, why = shared_code(left[i], right[j]), veto(left[i], right[j])
        if code:
            out.append(Link(i, j, 1.0, True, f"1.00: same code {code}"))
        elif why or c.held:
            out.append(Link(i, j, q, False, f"{m.explain(c, q)}; {why or 'held back: ' + c.held}"))
        else:
            out.append(Link(i, j, q, q >= m.threshold, m.explain(c, q)))
    return out


def known_links(new: list[Record], known: list[Record], m: Model) -> dict[int, tuple[int, float]]:
    """Record index -> (index of the known record it is, probability): only when exactly one
    known record is accepted as the same project."""
    found: dict[int, list[tuple[float, int]]] = defaultdict(list)
    for link in score_links(new, known, cross_pairs(new, known), m):
        if link.same:
            found[link.i].append((link.p, link.j))
    return {i: (max(ms)[1], max(ms)[0]) for i, ms in found.items() if len({j for _, j in ms}) == 1}


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
    """Merge accepted links from the most probable down; a merge is refused when any two
    members of the two groups are vetoed, kept `apart` or reviewed as different."""
    index = {r.project_id: k for k, r in enumerate(records)}
    groups = _Groups(len(records))
    vetoed = {
        (min(k.i, k.j), max(k.i, k.j)) for k in links if not k.same and "kept apart" in k.evidence
    }
    different = {
        tuple(sorted((index[a], index[b])))
        for (a, b), (d, _) in decided.items()
        if d == "different"
    }

    def conflict(x: int, y: int) -> bool:
        key = (min(x, y), max(x, y))
        if key in vetoed or key in different or apart(x, y):
            return True
        if key in checked:
            return checked[key]
        checked[key] = bool(veto(records[x], records[y]))
        return checked[key]

    checked: dict[tuple[int, int], bool] = {}
    for (a, b), (decision, _) in sorted(decided.items()):
        if decision == "same":
            groups.union(index[a], index[b])
    for x, y in different:
        if groups.find(x) == groups.find(y):
            raise DedupeInputError(
                [f"reviewed pairs contradict: '{records[x].project_id}' and "
                 f"'{records[y].project_id}' are marked different but joined by 'same' pairs"],
                exit_code=1,
            )  # fmt: skip
    for link in sorted((k for k in links if k.same), key=lambda k: (-k.p, k.i, k.j)):
        ra, rb = groups.find(link.i), groups.find(link.j)
        if ra != rb and not any(
            conflict(x, y) for x in groups.members[ra] for y in groups.members[rb]
        ):
            groups.union(link.i, link.j)
    return groups


def _with_known(records: list[Record], known: pd.DataFrame | None, m: Model
                ) -> tuple[dict[int, tuple[str, float]], list[Link]]:  # fmt: skip
    """Links to known projects by project_id, and a link for each two records that are
    names of one known project (as probable as the weaker of their two links)."""
    if known is None or known.empty or not records:
        return {}, []
    known_records = records_of(known.assign(project_id=known["project_id"].astype(str)))
    links = {
        i: (known_records[j].project_id, p)
        for i, (j, p) in known_links(records, known_records, m).items()
    }
    by_known: dict[str, list[int]] = defaultdict(list)
    for i, (kid, _) in sorted(links.items()):
        by_known[kid].append(i)
    extra = [
        Link(x, y, min(links[x][1], links[y][1]), True,
             f"{min(links[x][1], links[y][1]):.2f}: both are names of known project '{kid}'")
        for kid, members in by_known.items() for n, x in enumerate(members) for y in members[n + 1:]
    ]  # fmt: skip
    return links, extra


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
    records = records_of(df)
    ids = [r.project_id for r in records]
    dupes = sorted({i for i in ids if ids.count(i) > 1}) if len(set(ids)) < len(ids) else []
    if dupes:
        raise DedupeInputError([f"duplicate project_id '{d}'" for d in dupes], exit_code=1)
    pairs = candidate_pairs(records)
    links = score_links(records, records, pairs, m, scorer(records, pairs) if scorer else ())
    to_known, extra = _with_known(records, known, m)
    links += extra
    decided = decisions_for(records, reviewed or [])
    groups = group(records, links, decided,
                   lambda x, y: x in to_known and y in to_known and to_known[x][0] != to_known[y][0])  # fmt: skip
    best: dict[int, tuple[float, str]] = {}
    nearest: dict[int, tuple[float, str]] = {}
    for link in links:
        together = groups.find(link.i) == groups.find(link.j)
        for x, y in ((link.i, link.j), (link.j, link.i)):
            text = f"{ids[y]}: {link.evidence}"
            if together and link.same and link.p > best.get(x, (-1.0, ""))[0]:
                best[x] = (link.p, text)
            elif not together and link.p > nearest.get(x, (-1.0, ""))[0]:
                nearest[x] = (link.p, text)
    notes: dict[int, list[str]] = defaultdict(list)
    index = {pid: k for k, pid in enumerate(ids)}
    for (a, b), (decision, reason) in sorted(decided.items()):
        for x, y in ((index[a], b), (index[b], a)):
            if decision == "same":
                best[x] = (1.0, f"{y}: reviewed same ({reason})")
            else:
                notes[x].append(f"reviewed: different from {y} ({reason})")
    rows = []
    for k, pid in enumerate(ids):
        members = groups.members[groups.find(k)]
        score, text = float("nan"), "alone; no candidate"
        if len(members) > 1 and k in best:
            score, text = best[k][0], "same as " + best[k][1]
        elif k in nearest:
            text = f"alone; nearest {nearest[k][1]}"
        rows.append(
            (pid, "c-" + min(ids[x] for x in members), score, " | ".join([text, *notes[k]]))
        )
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


QUEUE_COLUMNS = ["project_id", "rank", "candidate_id", "candidate_title", "candidate_from",
                 "score", "verdict", "evidence"]  # fmt: skip


def review_queue(
    df: pd.DataFrame,
    k: int = 5,
    known: pd.DataFrame | None = None,
    reviewed: Iterable[dict[str, str]] | None = None,
) -> pd.DataFrame:
    """For each row, its `k` most probable candidates among the other rows ("list") and,
    with `known`, among the known projects ("inventory"), ranked within each, with the
    probability, the verdict ("same", "review", "kept apart", or a reviewed decision) and
    the evidence in words. Two rows that are names of one known project are candidates
    at the weaker of their two links."""
    m = model()
    records = records_of(df)
    titles = [r.names[0].raw if r.names else "" for r in records]
    pairs = np.unique(np.vstack([candidate_pairs(records), neighbour_pairs(records, n=k)]), axis=0)
    links = score_links(records, records, pairs, m)
    _, extra = _with_known(records, known, m)
    links += extra
    decided = decisions_for(records, reviewed or [])
    rows: list[tuple[int, str, str, str, float, str, str]] = []
    best: dict[tuple[int, int], Link] = {}
    for link in links:
        key = (min(link.i, link.j), max(link.i, link.j))
        if key not in best or link.p > best[key].p:
            best[key] = link
    for (i, j), link in best.items():
        for x, y in ((i, j), (j, i)):
            verdict = decided.get(tuple(sorted((records[x].project_id, records[y].project_id))))
            rows.append((x, records[y].project_id, titles[y], "list", link.p,
                         f"reviewed {verdict[0]}" if verdict else _verdict(link), link.evidence))  # fmt: skip
    if known is not None and not known.empty:
        inventory = records_of(known.assign(project_id=known["project_id"].astype(str)))
        near = np.vstack([cross_pairs(records, inventory), neighbour_pairs(records, inventory, k)])
        for link in score_links(records, inventory, np.unique(near, axis=0), m):
            rows.append((link.i, inventory[link.j].project_id, inventory[link.j].names[0].raw
                         if inventory[link.j].names else "", "inventory", link.p, _verdict(link),
                         link.evidence))  # fmt: skip
    frame = pd.DataFrame(rows, columns=["i", *QUEUE_COLUMNS[2:]])
    frame = frame.sort_values(["i", "candidate_from", "score", "candidate_id"],
                              ascending=[True, False, False, True], kind="stable")  # fmt: skip
    frame["rank"] = frame.groupby(["i", "candidate_from"]).cumcount() + 1
    frame = frame[frame["rank"] <= k]
    frame.insert(0, "project_id", [records[i].project_id for i in frame["i"]])
    return frame[QUEUE_COLUMNS].reset_index(drop=True)


def _verdict(link: Link) -> str:
    return "same" if link.same else "kept apart" if "kept apart" in link.evidence else "review"
