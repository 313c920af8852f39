"""Blocking: which pairs are compared. Two records sharing a key (a word, acronym, part of a
coined word, prefix, whole name, portal code, funder + implementer + start year) that at most
RARE_BLOCK records hold are; a commoner key needs a second; one more than MAX_BLOCK hold
counts for nothing. An acronym also meets the runs of words it spells."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from functools import lru_cache

import numpy as np

from cbdash.dedupe import normalise as nz
from cbdash.dedupe.normalise import Record

MAX_BLOCK, RARE_BLOCK, MAX_ACRONYM_LETTERS = 200, 10, 10


def block_keys(rec: Record) -> set[str]:
    """The keys a record is indexed under ("t:" for words, acronyms and coined words' parts
    alike, so "CyberSud" meets "sud"; "p:" a prefix, so "african" meets "africa")."""
    keys = {f"code:{c}" for c in rec.codes} | {f"t:{a}" for a in rec.acronyms}
    for name in rec.names:
        words = [t for t in name.stem.split() if t not in nz.STOP and t != "@"]
        keys |= {f"stem:{name.stem}", "w:" + " ".join(sorted(name.weights))}
        for t in [*words, *name.weights, *(p for c in name.coined.values() for p in c)]:
            if t not in nz.GENERIC and (len(t) >= 3 or t in rec.acronyms):
                keys |= {f"t:{t}", f"p:{t[:5]}"} if len(t) >= 6 else {f"t:{t}"}
        keys.update(f"t:{x}{y}" for x, y in zip(words, words[1:], strict=False))
    for funder in rec.funders if rec.start is not None else ():
        keys.update(f"fy:{funder[0]}|{impl[0]}|{rec.start}" for impl in rec.implementers)
    return keys


@lru_cache(maxsize=20_000)
def _acronym_initials(acronym: str) -> frozenset[str]:
    """The initials of the runs of words an acronym may spell, each word giving one to three
    letters: "glacy" (GLobal ACtion on CYbercrime) gives "gac", among others."""
    out: set[str] = set()
    for acr in nz.readings(acronym) if 3 <= len(acronym) <= MAX_ACRONYM_LETTERS else ():
        todo = [(0, "")]
        while todo:
            i, initials = todo.pop()
            out |= {initials} if i == len(acr) and len(initials) >= 2 else set()
            todo += [(i + k, initials + acr[i]) for k in (1, 2, 3) if i + k <= len(acr)]
    return frozenset(out)


def _runs(records: list[Record]) -> Iterator[tuple[int, str, tuple[str, ...]]]:
    """(record index, initials, words) for each run of two words or more of each name."""
    for idx, rec in enumerate(records):
        for name in rec.names:  # words as written: "Cyber Security" gives c, s
            words = tuple(t for t in nz.raw_words(nz.strip_markers(name.raw)) if t not in nz.STOP)
            for i in range(len(words)):
                for j in range(i + 2, min(len(words), i + MAX_ACRONYM_LETTERS) + 1):
                    yield idx, "".join(w[0] for w in words[i:j]), words[i:j]


def _acronym_runs(records: list[Record], max_block: int = MAX_BLOCK) -> set[tuple[int, int]]:
    """Pairs where an acronym of one record spells a run of words of another, a letter a word
    (initials of more than `max_block` runs skipped) or, among at most RARE_BLOCK runs, up to
    three ("GLACY")."""
    holders: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for idx, rec in enumerate(records):
        for acronym in rec.acronyms:
            for initials in _acronym_initials(acronym):
                holders[initials].append((idx, acronym))
    counts = Counter(initials for _, initials, _ in _runs(records) if initials in holders)
    for initials, found in holders.items():
        found[:] = [
            (i, a)
            for i, a in found
            if counts[initials] <= (max_block if initials == a else RARE_BLOCK)
        ]
    pairs: set[tuple[int, int]] = set()
    for idx, initials, words in _runs(records):
        for other, acronym in holders.get(initials, ()):
            pair = (min(idx, other), max(idx, other))
            if other != idx and pair not in pairs and nz.abbreviates(acronym, words):
                pairs.add(pair)
    return pairs


def candidate_pairs(records: list[Record], max_block: int = MAX_BLOCK) -> np.ndarray:
    """Index pairs (i < j) into `records` worth comparing, as an (n, 2) array."""
    postings: dict[int, list[int]] = defaultdict(list)  # by the key's hash: less memory
    prefixes: set[int] = set()
    for i, rec in enumerate(records):
        for key in block_keys(rec):
            postings[hash(key)].append(i)
            prefixes |= {hash(key)} if key.startswith("p:") else set()
    n, rare, common = len(records), [], []
    while postings:
        key, members = postings.popitem()
        if 2 <= len(members) <= (RARE_BLOCK if key in prefixes else max_block):
            m = np.asarray(members, dtype=np.int64)
            i, j = np.triu_indices(len(m), 1)
            (rare if len(m) <= RARE_BLOCK else common).append(m[i] * n + m[j])
    values, counts = np.unique(np.concatenate([*common, np.empty(0, np.int64)]), return_counts=True)
    runs = np.asarray([i * n + j for i, j in _acronym_runs(records)], dtype=np.int64)
    found = np.unique(np.concatenate([*rare, values[counts >= 2], runs]))
    return np.stack([found // n, found % n], axis=1) if n else np.empty((0, 2), np.int64)


def cross_pairs(new: list[Record], old: list[Record]) -> np.ndarray:
    """Pairs (index into `new`, index into `old`) worth comparing: blocking over both lists,
    and each new record with every old one it shares a key that at most RARE_BLOCK old
    records hold, however common the key is in the new list (a long list hides no name)."""
    pairs = candidate_pairs(new + old)
    found = {(i, j - len(new)) for i, j in pairs.tolist() if i < len(new) <= j}
    postings: dict[str, list[int]] = defaultdict(list)
    for j, rec in enumerate(old):
        for key in block_keys(rec):
            postings[key].append(j)
    for i, rec in enumerate(new):
        for key in block_keys(rec):
            if len(theirs := postings.get(key, ())) <= RARE_BLOCK:
                found |= {(i, j) for j in theirs}
    return np.asarray(sorted(found), dtype=np.int64).reshape(-1, 2)
