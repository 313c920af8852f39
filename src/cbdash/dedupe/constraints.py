"""What the model does not decide: vetoes (two phases, two components, two editions, two
codes of one portal series), a shared portal code, and people's reviewed decisions.

A veto keeps two records apart whatever their score, also through a third record when
clusters are built; a reviewed decision overrides everything (see `decide`)."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

from rapidfuzz import fuzz

from cbdash.dedupe.normalise import Name, Record, normalise_title

PHASE_COMPARE_SIMILARITY = 0.8
"""Two names are compared for phase marks when they are at least this similar (or are the
best-matching pair a score rests on)."""


def _marks_text(name: Name) -> str:
    return " ".join(sorted(name.marks[0] | name.marks[1] | name.years)) or "none"


def phase_relation(
    a: Record, b: Record, best: tuple[Name | None, Name | None] = (None, None)
) -> tuple[str, str]:
    """(conflict, unknown) as text, "" when none. A conflict: two matching names with
    different marks of one kind ("GLACY+" / "GLACY-e", "Phase II" / "III", "Extended" /
    "Enhanced") or stating different years (editions); a component letter that differs
    ("OCWAR-C" / "OCWAR-M") or against the bare acronym (the umbrella). Unknown: a mark on
    one side only, or marks of kinds that cannot be compared ("GLACY-e" / "... Extended")."""
    conflict = _component_conflict(a, b) if a.components[0] or b.components[0] else ""
    unknown = ""
    for na in a.names if a.marked or b.marked else ():
        for nb in b.names:
            (sa, wa), (sb, wb) = na.marks, nb.marks
            differ = (
                (sa and sb and sa != sb)
                or (wa and wb and wa != wb)
                or (na.years and nb.years and na.years != nb.years)
            )
            one_sided = bool(sa or wa or sb or wb) and not ((sa and sb) or (wa and wb))
            if not (differ or one_sided) or (conflict and (unknown or not one_sided)):
                continue
            is_best = na is best[0] and nb is best[1]
            similar = fuzz.token_set_ratio(na.stem, nb.stem) >= 100 * PHASE_COMPARE_SIMILARITY
            if not (is_best or similar):
                continue
            text = f"{na.raw!r} [{_marks_text(na)}] vs {nb.raw!r} [{_marks_text(nb)}]"
            if differ and not conflict:
                conflict = text
            elif one_sided and not unknown:
                unknown = text
    return conflict, unknown


def _component_conflict(a: Record, b: Record) -> str:
    (ma, ba), (mb, bb) = a.components, b.components
    for acronym in sorted(set(ma) & set(mb)):
        if not ma[acronym] & mb[acronym]:
            return f"{acronym}-{'/'.join(sorted(ma[acronym]))} vs {acronym}-{'/'.join(sorted(mb[acronym]))}"
    for marked, bare in ((ma, bb), (mb, ba)):
        for acronym in sorted(set(marked) & bare):
            return f"{acronym}-{'/'.join(sorted(marked[acronym]))} vs the bare {acronym}"
    return ""


def _series(code: str) -> str:
    """The portal and letter prefix of a code ("cybil:G0583" -> "cybil:G")."""
    family, _, value = code.partition(":")
    return f"{family}:{re.match(r'[A-Z]*', value).group(0)}"  # type: ignore[union-attr]


def code_conflict(a: Record, b: Record) -> str:
    """Two codes of one portal series: two entries the portal keeps apart."""
    if a.codes & b.codes:
        return ""
    series = {_series(c): c for c in a.codes}
    return next(
        (f"{series[_series(c)]} vs {c}" for c in sorted(b.codes) if _series(c) in series), ""
    )


def veto(a: Record, b: Record) -> str:
    """Why two records may never be one project ("" when nothing forbids it)."""
    conflict = code_conflict(a, b) or phase_relation(a, b)[0]
    return f"kept apart: {conflict}" if conflict else ""


def shared_code(a: Record, b: Record) -> str:
    return ", ".join(sorted(a.codes & b.codes))


Decisions = dict[tuple[str, str], tuple[str, str]]
"""(id, id) in sorted order -> (decision "same" | "different", the reason in words)."""


def decisions_for(records: Iterable[Record], reviewed: Iterable[dict[str, str]]) -> Decisions:
    """The reviewed pairs that concern `records`: a pair whose ids are both among the
    records' ids, or whose two names are names of two records (title or alias, compared
    after normalisation). Later rows win over earlier ones."""
    records = list(records)
    ids = {r.project_id for r in records}
    by_name: dict[str, set[str]] = defaultdict(set)
    for r in records:
        for name in r.names:
            by_name[normalise_title(name.raw)].add(r.project_id)
    out: Decisions = {}
    for row in reviewed:
        reason = f"{row['decision']} by {row.get('reviewer', '')} on {row.get('date', '')}: "
        reason += str(row.get("reason", ""))
        pairs = set()
        ia, ib = str(row.get("id_a") or ""), str(row.get("id_b") or "")
        if ia in ids and ib in ids and ia != ib:
            pairs.add(tuple(sorted((ia, ib))))
        for x in by_name.get(normalise_title(str(row.get("title_a", ""))), ()):
            for y in by_name.get(normalise_title(str(row.get("title_b", ""))), ()):
                if x != y:
                    pairs.add(tuple(sorted((x, y))))
        for pair in pairs:
            out[pair] = (str(row["decision"]), reason)
    return out
