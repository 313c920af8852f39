"""Small text helpers shared by the package and the pages: escaping text from the data or
the URL so that it renders as plain text in Markdown, naming the characters
and formula starts a data file may not hold, and words for counts and lists."""

from __future__ import annotations

import re
import unicodedata

MARKDOWN_SPECIALS = "\\`*_[]<>#|~$"
_ESCAPES = str.maketrans({ch: "\\" + ch for ch in MARKDOWN_SPECIALS})
# What GitHub-flavoured Markdown turns into a link by itself: a scheme's "://", "www." and
# the "@" of an e-mail address (its domain has a dot: "Cybercrime@Octopus" is no address).
# Streamlit's Markdown finds them in the text after escapes are read, so a backslash cannot
# stop it: an invisible word joiner (U+2060) inside does.
_AUTOLINKS = re.compile(
    r"(?<=[A-Za-z]:)(?=//)|(?<=www)(?=\.[-\w])|(?<=@)(?=[-\w]+\.[-\w])", re.IGNORECASE
)
WORD_JOINER = "\u2060"
# Text a spreadsheet runs as a formula (CSV injection) when a cell starts with it.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d[\d,]*)?(\.\d+)?([eE][+-]?\d+)?%?")
_CONTROL_NAMES = {0: "NUL", 0x7F: "DELETE"}
# Characters a text value may not hold: C0 and C1 controls but tab, LF and CR, and the
# bidirectional controls (marks, embeddings, overrides, isolates), which can hide or reorder
# text on screen.
CONTROL_CHARS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


def escape_markdown(text: object) -> str:
    """Text from the data made inert in Markdown: a backslash before each of
    MARKDOWN_SPECIALS (no links, emphasis or HTML) and a word joiner inside what Markdown
    would turn into a link by itself (https:⁠//…, www⁠.…, name@⁠host)."""
    escaped = str(text).translate(_ESCAPES)
    if ":" in escaped or "@" in escaped or "www" in escaped.lower():
        escaped = _AUTOLINKS.sub(WORD_JOINER, escaped)
    return escaped


def unsafe_character(text: str) -> str:
    """Names the first control character in `text`, e.g. "holds U+202E (RIGHT-TO-LEFT
    OVERRIDE), a control character that can hide or reorder text"."""
    found = CONTROL_CHARS.search(text)
    if found is None:
        return "holds no control character"
    ch = found.group(0)
    name = _CONTROL_NAMES.get(ord(ch)) or unicodedata.name(ch, "control character")
    return f"holds U+{ord(ch):04X} ({name}), a control character that can hide or reorder text"


def formula_start(text: str) -> bool:
    """True when a spreadsheet would run `text` as a formula: it starts with '=', '@', a
    tab or a carriage return, or with '+' or '-' and is not a number."""
    if not text.startswith(FORMULA_STARTS):
        return False
    return not (text[0] in "+-" and _NUMBER.fullmatch(text.strip()))


def plural(n: int, word: str, plural_form: str | None = None) -> str:
    """'1 mapping', '3 mappings' ('2 countries' with plural_form)."""
    return f"{n:,} {word if n == 1 else (plural_form or word + 's')}"


def name_list(values: list[str], limit: int = 3) -> str:
    """'A', 'A and B', 'A, B and C', 'A, B and C and 4 more'."""
    shown = values[:limit]
    text = ", ".join(shown[:-1]) + (" and " if len(shown) > 1 else "") + shown[-1] if shown else ""
    return text + (f" and {len(values) - limit} more" if len(values) > limit else "")


def names_and_more(values: list[str], limit: int = 3) -> str:
    """'A', 'A and B', 'A, B and C', 'A, B, C and 4 more': every name up to `limit`, then
    how many more."""
    if len(values) <= limit:
        return name_list(values, limit)
    return f"{', '.join(values[:limit])} and {len(values) - limit} more"


def lower_first(label: str) -> str:
    """'Cybercrime' -> 'cybercrime', but 'CIIP' and 'EU' stay as they are."""
    return label[:1].lower() + label[1:] if label[1:2].islower() else label


def each(values: list[str]) -> str:
    """' each' after a count shared by several named values ('3 each'), else ''."""
    return " each" if len(values) > 1 else ""


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


def short_label(name: str, limit: int = SHORT_LABEL_CHARS) -> str:
    """A label of at most `limit` characters for a crowded chart, which starts with the
    name's own first words so that the same thing is recognisable on every page: the name
    itself when it fits; else the name without its brackets, or its part before ' / ',
    ' - ' or ': '; else the name cut after a whole word, with '…' ('Cybersecurity Capacity
    Maturity Model for Nations (CMM) reviews' -> 'Cybersecurity Capacity Maturity…'). Show
    the full name on hover wherever a short label is drawn."""
    name = " ".join(str(name).split())
    if len(name) <= limit:
        return name
    bare = _without_brackets(name)
    candidates = [bare] + [bare.split(sep)[0].strip() for sep in _SEPARATORS if sep in bare]
    for candidate in candidates:
        if 3 <= len(candidate) <= limit:
            return candidate
    cut = ""
    for word in bare.split():
        if len(cut) + len(word) + 2 > limit:
            break
        cut = f"{cut} {word}".strip()
    return (cut.rstrip(",;:-&") or bare[: limit - 1]).rstrip() + "…"
