"""What the model does not decide: vetoes (two phases, components, editions or codes of one
portal series) keep records apart, also through a third record; a shared portal code joins
them; people's reviewed decisions override both."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

from rapidfuzz import fuzz

from cbdash.dedupe.normalise import Name, Record, normalise_title

Decisions = dict[tuple[str, str], tuple[str, str]]
"""(id, id) sorted -> ("same" | "different", who decided when, and why)."""


def _marks(name: Name) -> str:
    marks = " ".join(sorted(name.marks[0] | name.marks[1] | name.years))
    return f"{name.raw!r} [{marks or 'none'}]"


def phase_relation(a: Record, b: Record, best: tuple = (None, None)) -> tuple[str, str]:
    """(conflict, unknown) as text, "" when none, over names at least 80 % alike or the
    best-matching pair. Conflict: marks of one kind that differ ("GLACY+" / "GLACY-e",
    "Extended" / "Enhanced"), years stated that differ (editions), component letters that
    differ ("OCWAR-C" / "OCWAR-M") or one against the bare acronym. Unknown: marks on one
    side only, or of kinds that cannot be compared ("GLACY-e" / "... Extended")."""
    conflict = _components(a, b) if a.components[0] or b.components[0] else ""
    unknown = ""
    for na in a.names if a.marked or b.marked else ():
        for nb in b.names:
            (sa, wa), (sb, wb) = na.marks, nb.marks
            differ = (sa and sb and sa != sb) or (wa and wb and wa != wb)
            differ = differ or (na.years and nb.years and na.years != nb.years)
            one_sided = bool(sa or wa or sb or wb) and not ((sa and sb) or (wa and wb))
            if not (differ or one_sided) or (conflict and (unknown or not one_sided)):
                continue
            if (na, nb) == best or fuzz.token_set_ratio(na.stem, nb.stem) >= 80:
                text = f"{_marks(na)} vs {_marks(nb)}"
                conflict = conflict or (text if differ else "")
                unknown = unknown or (text if one_sided and not differ else "")
    return conflict, unknown


def _components(a: Record, b: Record) -> str:
    (ma, ba), (mb, bb) = a.components, b.components
    for acronym in sorted(set(ma) & set(mb)):
        if not ma[acronym] & mb[acronym]:
            left, right = "/".join(sorted(ma[acronym])), "/".join(sorted(mb[acronym]))
            return f"{acronym}-{left} vs {acronym}-{right}"
    for marked, bare in ((ma, bb), (mb, ba)):
        for acronym in sorted(set(marked) & bare):
            return f"{acronym}-{'/'.join(sorted(marked[acronym]))} vs the bare {acronym}"
    return ""


def _series(code: str) -> str:
    return re.sub(r"(?<=:)([A-Z]*).*", r"\1", code)


def code_conflict(a: Record, b: Record) -> str:
    """Two codes of one portal series ("cybil:G0583" / "cybil:G0584"): entries a portal keeps
    apart. A series is the portal and the code's letter prefix ("cybil:G", "cybil:GI")."""
    theirs = {_series(c): c for c in a.codes} if not a.codes & b.codes else {}
    return next(
        (f"{theirs[_series(c)]} vs {c}" for c in sorted(b.codes) if _series(c) in theirs), ""
    )


def veto(a: Record, b: Record) -> str:
    """Why two records may never be one project ("" when nothing forbids it)."""
    conflict = code_conflict(a, b) or phase_relation(a, b)[0]
    return f"kept apart: {conflict}" if conflict else ""


def shared_code(a: Record, b: Record) -> str:
    return ", ".join(sorted(a.codes & b.codes))


def decisions_for(records: Iterable[Record], reviewed: Iterable[dict[str, str]]) -> Decisions:
    """The reviewed pairs that concern `records`: both ids among theirs, or title_a a name of
    one record and title_b of another (after normalisation). Later rows win."""
    records = list(records)
    ids = {r.project_id for r in records}
    by_name: dict[str, set[str]] = defaultdict(set)
    for r in records:
        for name in r.names:
            by_name[normalise_title(name.raw)].add(r.project_id)
    out: Decisions = {}
    for row in reviewed:
        ia, ib = str(row.get("id_a") or ""), str(row.get("id_b") or "")
        pairs = {(ia, ib)} if ia in ids and ib in ids else set()
        na, nb = (
            by_name.get(normalise_title(str(row.get(k) or "")), ()) for k in ("title_a", "title_b")
        )
        pairs |= {(x, y) for x in na for y in nb}
        who = f"{row.get('reviewer', '')} on {row.get('date', '')}"
        why = f"{row['decision']} by {who}: {row.get('reason', '')}"
        out.update({tuple(sorted(p)): (str(row["decision"]), why) for p in pairs if p[0] != p[1]})
    return out
