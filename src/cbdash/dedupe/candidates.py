"""Blocking: which pairs of records are compared at all.

Records are indexed under keys (words, acronyms, initials of word runs, coined words' parts,
whole names, portal codes, and funder + implementer + start year); records sharing a rare
key are compared, a commoner key needs a second one, and a key held by more than
MAX_BLOCK records proposes nothing. An acronym also meets any run of words it spells."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from functools import lru_cache

import numpy as np

from cbdash.dedupe.normalise import (
    GENERIC,
    STOP,
    Record,
    abbreviates,
    raw_words,
    readings,
    strip_markers,
)

MAX_BLOCK = 200
RARE_BLOCK = 10
MAX_ACRONYM_LETTERS = 10


def block_keys(rec: Record) -> set[str]:
    """The keys a record is indexed under: words (not common in the field), acronyms and
    coined words' parts ("t:", one namespace, so "CyberSud" meets "sud"), word prefixes, two
    words written together, the whole name, its words in any order, portal codes, and
    funder + implementer + start year (so that names in two languages meet)."""
    keys = {f"code:{c}" for c in rec.codes} | {f"t:{a}" for a in rec.acronyms}
    for name in rec.names:
        words = [t for t in name.stem.split() if t not in STOP and t != "@"]
        keys.add(f"stem:{name.stem}")
        keys.add("w:" + " ".join(sorted(name.weights)))  # the same words in any order
        for t in [*words, *name.weights, *(p for c in name.coined.values() for p in c)]:
            if t not in GENERIC and (len(t) >= 3 or t in rec.acronyms):
                keys.add(f"t:{t}")
                keys.update([f"p:{t[:5]}"] if len(t) >= 6 else [])  # "african" meets "africa"
        keys.update(f"t:{x}{y}" for x, y in zip(words, words[1:], strict=False))
    if rec.start is not None:
        for funder in rec.funders:
            keys.update(f"fy:{funder[0]}|{impl[0]}|{rec.start}" for impl in rec.implementers)
    return keys


@lru_cache(maxsize=20_000)
def _acronym_initials(acronym: str) -> frozenset[str]:
    """The initials of the word runs an acronym may spell, each word giving it one to three
    letters: "glacy" (GLobal ACtion on CYbercrime) gives "gac", among others."""
    out: set[str] = set()
    for acr in readings(acronym) if 3 <= len(acronym) <= MAX_ACRONYM_LETTERS else ():
        todo = [(0, "")]
        while todo:
            i, initials = todo.pop()
            if i == len(acr):
                out.update([initials] if len(initials) >= 2 else [])
            todo += [(i + k, initials + acr[i]) for k in (1, 2, 3) if i + k <= len(acr)]
    return frozenset(out)


def _runs(records: list[Record]) -> Iterator[tuple[int, str, tuple[str, ...]]]:
    """(record index, initials, words) for each run of two or more words of each name."""
    for idx, rec in enumerate(records):
        for name in rec.names:  # words as written: "Cyber Security" gives c, s
            words = tuple(t for t in raw_words(strip_markers(name.raw)) if t not in STOP)
            for i in range(len(words)):
                for j in range(i + 2, min(len(words), i + MAX_ACRONYM_LETTERS) + 1):
                    yield idx, "".join(w[0] for w in words[i:j]), words[i:j]


def _acronym_runs(records: list[Record], max_block: int = MAX_BLOCK) -> set[tuple[int, int]]:
    """Pairs where an acronym of one record spells a run of words of the other's name, each
    word giving one letter (initials more than `max_block` runs give are skipped, like
    common keys) or, among at most RARE_BLOCK runs, up to three ("GLACY": GLobal ACtion on
    CYbercrime)."""
    holders: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for idx, rec in enumerate(records):
        for acronym in rec.acronyms:
            for initials in _acronym_initials(acronym):
                holders[initials].append((idx, acronym))
    counts = Counter(initials for _, initials, _ in _runs(records) if initials in holders)
    for initials, found in holders.items():  # several letters a word only among rare runs
        limit = {True: max_block, False: RARE_BLOCK}
        found[:] = [(i, a) for i, a in found if counts[initials] <= limit[initials == a]]
    pairs: set[tuple[int, int]] = set()
    for idx, initials, words in _runs(records):
        for other, acronym in holders.get(initials, ()):
            pair = (min(idx, other), max(idx, other))
            if other != idx and pair not in pairs and abbreviates(acronym, words):
                pairs.add(pair)
    return pairs


def candidate_pairs(records: list[Record], max_block: int = MAX_BLOCK) -> np.ndarray:
    """Index pairs (i < j) into `records` worth comparing, as an (n, 2) array: two records
    sharing a key that at most RARE_BLOCK records hold, or two keys that at most `max_block`
    hold (a word prefix counts only when rare), or an acronym and the words it spells."""
    postings: dict[int, list[int]] = defaultdict(list)  # by the key's hash: less memory
    prefixes: set[int] = set()
    for i, rec in enumerate(records):
        for key in block_keys(rec):
            postings[hash(key)].append(i)
            prefixes.update([hash(key)] if key.startswith("p:") else [])
    n = len(records)
    rare: list[np.ndarray] = []
    common: list[np.ndarray] = []
    while postings:
        key, members = postings.popitem()
        if 2 <= len(members) <= (max_block if key not in prefixes else RARE_BLOCK):
            m = np.asarray(members, dtype=np.int64)
            i, j = np.triu_indices(len(m), 1)
            (rare if len(m) <= RARE_BLOCK else common).append(m[i] * n + m[j])
    codes = [np.unique(np.concatenate(rare))] if rare else []
    if common:
        values, counts = np.unique(np.concatenate(common), return_counts=True)
        codes.append(values[counts >= 2])
    runs = [i * n + j for i, j in _acronym_runs(records)]
    codes.append(np.asarray(runs, dtype=np.int64))
    found = np.unique(np.concatenate(codes)) if codes else np.empty(0, np.int64)
    return np.stack([found // n, found % n], axis=1) if len(found) else np.empty((0, 2), np.int64)


def cross_pairs(new: list[Record], old: list[Record]) -> np.ndarray:
    """Pairs (index into `new`, index into `old`) worth comparing: blocking over both lists,
    and each new record with every old one it shares a key held by at most RARE_BLOCK old
    records, however common the key is in the new list (a long list must not hide a name)."""
    pairs = candidate_pairs(new + old)
    cross = pairs[(pairs[:, 0] < len(new)) & (pairs[:, 1] >= len(new))]
    found = {(int(i), int(j) - len(new)) for i, j in cross}
    postings: dict[str, list[int]] = defaultdict(list)
    for j, rec in enumerate(old):
        for key in block_keys(rec):
            postings[key].append(j)
    for i, rec in enumerate(new):
        for key in block_keys(rec):
            if len(postings.get(key, ())) <= RARE_BLOCK:
                found.update((i, j) for j in postings.get(key, ()))
    return np.asarray(sorted(found), dtype=np.int64).reshape(-1, 2)


def _grams(rec: Record) -> set[str]:
    return {f" {n.stem} "[k : k + 3] for n in rec.names for k in range(len(n.stem))}


def neighbour_pairs(
    left: list[Record], right: list[Record] | None = None, n: int = 5
) -> np.ndarray:
    """Each record of `left` with its `n` nearest records of `right` (default: the other
    records of `left`) by the character 3-grams of their names as compared, rarer 3-grams
    weighing more (tf-idf cosine; 3-grams of more than MAX_BLOCK records are skipped). The
    review queue adds these to blocking, so that names sharing no whole word still meet
    ("CSIRTs Network" / "CSIRTAmericas Network")."""
    same = right is None
    right = left if right is None else right
    grams = [_grams(r) for r in right]
    postings: dict[str, list[int]] = defaultdict(list)
    for j, gs in enumerate(grams):
        for g in gs:
            postings[g].append(j)
    idf = {
        g: np.log(len(right) / len(js)) ** 2 for g, js in postings.items() if len(js) <= MAX_BLOCK
    }
    norm = [np.sqrt(sum(idf.get(g, 0.0) for g in gs)) or 1.0 for gs in grams]
    out = []
    for i, rec in enumerate(left):
        mine = grams[i] if same else _grams(rec)
        scores: dict[int, float] = defaultdict(float)
        for g in mine:
            for j in postings.get(g, ()) if g in idf else ():
                scores[j] += idf[g]
        scores.pop(i, None) if same else None
        own = np.sqrt(sum(idf.get(g, 0.0) for g in mine)) or 1.0
        best = sorted(scores, key=lambda j: (-scores[j] / (own * norm[j]), j))[:n]
        out += [(min(i, j), max(i, j)) if same else (i, j) for j in best]
    return np.unique(np.asarray(out, dtype=np.int64).reshape(-1, 2), axis=0)
