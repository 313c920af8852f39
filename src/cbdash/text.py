"""Small text helpers shared by the package and the pages: escaping text from the data or
the URL so that it renders as plain text, and words for counts and lists."""

from __future__ import annotations

MARKDOWN_SPECIALS = "\\`*_[]<>#|~$"
_ESCAPES = str.maketrans({ch: "\\" + ch for ch in MARKDOWN_SPECIALS})


def escape_markdown(text: object) -> str:
    """Text from the data made inert in Markdown (no links, emphasis or HTML): a backslash
    before each of MARKDOWN_SPECIALS (one str.translate, not a Python step per character)."""
    return str(text).translate(_ESCAPES)


def plural(n: int, word: str, plural_form: str | None = None) -> str:
    """'1 mapping', '3 mappings' ('2 countries' with plural_form)."""
    return f"{n:,} {word if n == 1 else (plural_form or word + 's')}"


def name_list(values: list[str], limit: int = 3) -> str:
    """'A', 'A and B', 'A, B and C', 'A, B and C and 4 more'."""
    shown = values[:limit]
    text = ", ".join(shown[:-1]) + (" and " if len(shown) > 1 else "") + shown[-1] if shown else ""
    return text + (f" and {len(values) - limit} more" if len(values) > limit else "")


SHORT_LABEL_CHARS = 38
_SEPARATORS = (" / ", " – ", " - ", ": ", ", ")


def _without_brackets(text: str) -> str:
    out, depth = [], 0
    for ch in text:
        depth += ch == "("
        if depth == 0:
            out.append(ch)
        depth -= ch == ")" and depth > 0
    return " ".join("".join(out).split())


def _acronym(text: str) -> str | None:
    """'GCI' or 'CRI' (a bracketed word with two capitals or more), else None."""
    text = text.strip()
    capitals = sum(ch.isupper() for ch in text)
    return text if 0 < len(text) <= 14 and " " not in text and capitals >= 2 else None


def short_label(name: str, limit: int = SHORT_LABEL_CHARS) -> str:
    """A label of at most `limit` characters for a crowded chart: the name itself when it
    fits; else the name without its brackets, or its part before ' / ', ' - ' or ': ';
    else a bracketed acronym and the words after it ('Capacity Maturity Model (CMM)
    reviews' -> 'CMM reviews'); else the name cut after a whole word, with '…'. Show the
    full name on hover wherever a short label is drawn."""
    name = " ".join(str(name).split())
    if len(name) <= limit:
        return name
    bare = _without_brackets(name)
    candidates = [bare] + [bare.split(sep)[0].strip() for sep in _SEPARATORS if sep in bare]
    start = 0
    while (open_at := name.find("(", start)) >= 0 and (close_at := name.find(")", open_at)) > 0:
        acronym = _acronym(name[open_at + 1 : close_at])
        if acronym:
            candidates.append(f"{acronym} {_without_brackets(name[close_at + 1 :])}".strip())
        start = close_at + 1
    for candidate in candidates:
        if 3 <= len(candidate) <= limit:
            return candidate
    cut = ""
    for word in bare.split():
        if len(cut) + len(word) + 2 > limit:
            break
        cut = f"{cut} {word}".strip()
    return (cut.rstrip(",;:-&") or bare[: limit - 1]).rstrip() + "…"
