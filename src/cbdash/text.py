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
