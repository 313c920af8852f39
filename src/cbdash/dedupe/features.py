"""Compare two records: each signal a column (FEATURES), with what a person reads as
evidence. No signal decides alone; `score` learns how much each weighs."""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz, process

from cbdash.dedupe import normalise as nz
from cbdash.dedupe.constraints import phase_relation
from cbdash.dedupe.normalise import Name, Record

NAME_LEVELS = "same_name names_085 acronym own_acronym names_070 short_acronym acronym_in_longer"
NAME_LEVELS = (*NAME_LEVELS.split(), "names_050", "names_030")
"""The names compared, as exclusive levels (the first that holds): the same name, similarity
0.85+, an acronym (4+ letters) the other spells, the same own acronym in parentheses, ..."""
FEATURES = """token_set_ratio shared_acronym distinctive_word two_languages part_name added_place
    added_kind place_conflict funders_agree funders_differ implementers_agree implementers_differ
    countries_same countries_overlap countries_differ years_agree years_differ corroborated"""
FEATURES = (*NAME_LEVELS, *FEATURES.split())
"""The signals, in the model's order; what each says is in the model file's notes."""


@dataclass(frozen=True)
class Comparison:
    """Two records compared: the feature values (FEATURES order) and what they rest on."""

    values: tuple[float, ...]
    names: tuple[str, str]  # the best-matching names as written
    similarity: float  # their name similarity
    cue: str  # what the names share, in words
    held: str  # why the pair may be the same only with the same start year ("" if it may)
    conflict: str  # a phase, component or edition conflict: a veto


def match_words(a: Name, b: Name, orgs: frozenset[str]) -> tuple[set[str], set[str]]:
    """Words of `a` and of `b` that match: equal, a typo or plural apart, a coined word and
    its parts ("Cyber4Peace" / "Cyber for Peace"), or acronyms of organisations both records
    list."""
    ma = set(a.weights) & set(b.weights)
    mb, rest = set(ma), [u for u in b.long if u not in ma]
    for t in (t for t in a.long if t not in ma):
        if rest and (hit := process.extractOne(t, rest, scorer=fuzz.ratio, score_cutoff=88)):
            ma.add(t), mb.add(hit[0]), rest.remove(hit[0])
    for x, y, mx, my in ((a, b, ma, mb), (b, a, mb, ma)):
        for t, parts in x.coined.items():
            if t not in mx and all(p in y.weights and p not in my for p in parts):
                mx.add(t), my.update(parts)
    ours, theirs = (
        sorted(t for t in n.weights if t in orgs and t not in m) for n, m in ((a, ma), (b, mb))
    )
    for t, u in zip(ours, theirs, strict=False):
        ma.add(t), mb.add(u)
    return ma, mb


def _expansion(acronym: str, words: list[str]) -> list[str]:
    """The first run of two or more words that `acronym` abbreviates."""
    for i in (i for i in range(len(words)) if words[i][:1] == acronym[:1]):
        for j in range(i + 2, min(len(words), i + 2 * len(acronym)) + 1):
            if nz.abbreviates(acronym, tuple(words[i:j])):
                return words[i:j]
    return []


def name_similarity(a: Name, b: Name, orgs: frozenset = frozenset()) -> tuple[float, set, set]:
    """(similarity, matched words of a, of b): a weighted Tversky index, shared weight /
    (shared + the smaller side's missing weight + half the larger side's); a place or kind of
    activity one name adds counts in full; sharing only common words caps it at their weight."""
    if a.stem == b.stem or a.weights.keys() == b.weights.keys():
        return 1.0, set(a.weights), set(b.weights)
    ma, mb = match_words(a, b, orgs)
    shared = (sum(a.weights[t] for t in ma) + sum(b.weights[t] for t in mb)) / 2
    rest, added = zip(*(_missing(n, m) for n, m in ((a, ma), (b, mb))), strict=True)
    whole = shared + min(rest) + max(rest) / 2 + sum(added)
    sim = shared / whole if whole else 0.0
    if any(a.weights[t] >= 1 for t in ma) and any(b.weights[t] >= 1 for t in mb):
        return sim, ma, mb
    return sim * min(1.0, shared), ma, mb


def _missing(name: Name, matched: set[str]) -> tuple[float, float]:
    """Weight of the unmatched words: (others, places and kinds of activity at 1 each)."""
    out = [t for t in name.weights if t not in matched]
    added = [t in nz.place_words() or t in nz.KIND for t in out]
    return sum(name.weights[t] for t, a in zip(out, added, strict=True) if not a), sum(added)


def acronym_relation(a: Name, b: Name) -> tuple[float, frozenset[str] | None]:
    """(strength, spelt) when one name is a single acronym that the other holds or spells
    ("DCCP" / "Digital Connectivity and Cybersecurity Partnership"): strength 1 (0.5 for two
    or three letters); spelt, the other's words it stands for, or None when the other adds
    a distinctive word as well ("DCCP-Pacific")."""
    for s, o in ((a, b), (b, a)):
        if s.acronym and len(o.weights) >= 2:
            words = [
                w
                for w in nz.raw_words(nz.strip_markers(o.raw))
                if w not in nz.STOP and w != s.acronym
            ]
            if (
                s.acronym in o.weights
                or s.acronym in nz.acronyms(o.raw)
                or (_capitals(s.raw) and nz.abbreviates(s.acronym, tuple(words)))
            ):
                spelt = {
                    s.acronym,
                    *nz.normalise_title(" ".join(_expansion(s.acronym, words))).split(),
                }
                whole = all(w < 1 or t in spelt or t in nz.DECORATION for t, w in o.weights.items())
                return (1.0 if len(s.acronym) >= 4 else 0.5), frozenset(spelt) if whole else None
    return 0.0, None


def _orgs(a: tuple[tuple[str, ...], ...], b: tuple[tuple[str, ...], ...]) -> float:
    keys = [(ka, kb) for x in a for y in b for ka in x for kb in y]
    same = (
        ka == kb or min(len(ka), len(kb)) >= 4 and fuzz.token_set_ratio(ka, kb) >= 90
        for ka, kb in keys
    )
    return 0.0 if not a or not b else 1.0 if any(same) else -1.0


def _years(a: Record, b: Record) -> float:
    if a.start is None or b.start is None:
        return 0.0
    if (a.end is not None and a.end < b.start - 1) or (b.end is not None and b.end < a.start - 1):
        return -1.0
    gap = abs(a.start - b.start)
    return 1.0 if gap <= 1 else -1.0 if gap >= 3 else 0.0


def _capitals(raw: str) -> bool:
    letters = [c for c in nz.strip_markers(raw) if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) * 2 >= len(letters)


def _languages(x: Name, y: Name) -> str:
    lx, ly = x.language, y.language
    if bool(lx and ly and lx != ly) or ((lx in nz.SCRIPT_LANGUAGES) != (ly in nz.SCRIPT_LANGUAGES)):
        return f"names in two languages ({lx or 'latin'}, {ly or 'latin'})"
    return ""


LEVELS = (("same_name", 1.0), ("names_085", 0.85), ("names_070", 0.7), ("names_050", 0.5))
LEVELS += (("names_030", 0.3),)


def compare(a: Record, b: Record) -> Comparison:
    """The features of two records, from their best-matching names (FEATURES order)."""
    orgs, v = a.org_acronyms & b.org_acronyms, dict.fromkeys(FEATURES, 0.0)
    best: tuple = (-1.0, None, None, frozenset(), set(), set())
    sim, languages, levels = 0.0, "", set()
    for x in a.names:
        for y in b.names:
            s, ma, mb = name_similarity(x, y, orgs)
            strength, spelt = acronym_relation(x, y) if x.acronym or y.acronym else (0.0, None)
            kind = "acronym" if strength == 1 else "short_acronym"
            levels |= {"acronym_in_longer" if spelt is None else kind} if strength else set()
            levels |= (
                {"own_acronym"} if len(x.declared) >= 3 and x.declared == y.declared else set()
            )
            tsr = fuzz.token_set_ratio(x.stem, y.stem) / 100
            v["token_set_ratio"] = max(v["token_set_ratio"], tsr)
            languages = languages or _languages(x, y)
            if max(s, 0.9 * strength) > best[0]:
                best = (max(s, 0.9 * strength), x, y, spelt or frozenset(), ma, mb)
            sim = max(sim, s)
    _, na, nb, spelt, ma, mb = best
    cue = held = conflict = ""
    if na is not None:
        mine = nz.GENERIC | nz.PLACE_NAME_WORDS
        distinct = sorted(t for t in ma if na.weights[t] >= 1 and t not in mine)
        shared = (a.acronyms & b.acronyms) - a.org_acronyms - b.org_acronyms - nz.GENERIC_ACRONYMS
        pairs = ((na, ma), (nb, mb))
        added = [t for n, m in pairs for t in n.weights if t not in m and t not in spelt]
        said = [*(f"shared acronym '{t}'" for t in sorted(shared)[:1])]
        said += [f"shared word '{t}'" for t in distinct[:1]] + [languages] * bool(languages)
        cue = next(iter([*said, *(f"same place '{t}'" for t in sorted(na.places & nb.places)), ""]))
        levels |= {k for k, t in LEVELS if sim >= t}
        v[next((k for k in NAME_LEVELS if k in levels), "same_name")] = float(bool(levels))
        pa, pb = (frozenset().union(*(n.places for n in r.names)) for r in (a, b))
        v["shared_acronym"], v["distinctive_word"] = float(bool(shared)), float(bool(distinct))
        v["two_languages"], v["part_name"] = float(bool(languages)), float(na.part or nb.part)
        v["added_place"] = float(any(t in nz.place_words() for t in added))
        v["added_kind"] = float(any(t in nz.KIND for t in added))
        v["place_conflict"] = float(bool(pa and pb and not pa & pb))
        conflict, held = phase_relation(a, b, (na, nb))
        held = held and f"a phase marked on one side only: {held}"
        held = "" if a.start is not None and a.start == b.start else held
    cued = sim >= 0.5 or bool(levels - {"names_030"}) or any(v[f] for f in _CUES)
    v.update(_fields(a, b, cued))
    names = (na.raw, nb.raw) if na is not None else ("", "")
    return Comparison(tuple(v.values()), names, round(sim, 3), cue, held, conflict)


_CUES = ("shared_acronym", "distinctive_word", "two_languages")


def _fields(a: Record, b: Record, cued: bool) -> dict[str, float]:
    """The field features; agreement counts only beside names that point to each other."""
    funders, implementers = _orgs(a.funders, b.funders), _orgs(a.implementers, b.implementers)
    years, common = _years(a, b), len(a.countries & b.countries)
    jaccard = common / len(a.countries | b.countries) if a.countries and b.countries else None
    overlap = jaccard is not None and jaccard >= 0.5
    whole = funders == implementers == years == 1.0 and (overlap or not a.countries | b.countries)
    agree = {"funders_agree": funders > 0, "implementers_agree": implementers > 0}
    agree |= {"countries_same": bool(jaccard and jaccard >= 0.8 and common >= 3)}
    agree |= {"countries_overlap": overlap, "years_agree": years > 0, "corroborated": whole}
    out = {k: float(on and cued) for k, on in agree.items()}
    differ = {"funders": funders < 0, "implementers": implementers < 0, "years": years < 0}
    out |= {f"{k}_differ": float(on) for k, on in differ.items()}
    return out | {"countries_differ": float(jaccard == 0)}
