"""Controlled vocabularies (topics, target users, mapping kinds, content types, link kinds).

A vocabulary is a frame with columns id, label, definition, synonyms (tuple). Free text
is matched to an id only by exact comparison after normalisation (case, accents, spacing,
punctuation) against the id, the label and the listed synonyms: no fuzzy guessing.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any

import pandas as pd

VOCABULARIES = ("topics", "target_users", "mapping_kinds", "content_types", "link_kinds")


def normalise_term(text: str) -> str:
    """Lower-case, accent-free, single-spaced form of a term for exact matching."""
    text = unicodedata.normalize("NFKD", str(text))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = text.replace("&", " and ").replace("_", " ")
    text = re.sub(r"[^\w]+", " ", text)
    return " ".join(text.split())


def vocabulary_frame(entries: list[Mapping[str, Any]]) -> pd.DataFrame:
    """Frame of one vocabulary from its YAML entries."""
    rows = [
        {
            "id": str(e.get("id", "")).strip(),
            "label": str(e.get("label") or e.get("id", "")).strip(),
            "definition": str(e.get("definition") or "").strip(),
            "synonyms": tuple(str(s) for s in (e.get("synonyms") or [])),
        }
        for e in entries
    ]
    return pd.DataFrame(rows, columns=["id", "label", "definition", "synonyms"])


def term_index(vocab: pd.DataFrame) -> dict[str, str]:
    """Normalised id, label and synonyms -> id. A form claimed by two ids maps to neither."""
    index: dict[str, str] = {}
    clashes: set[str] = set()
    for row in vocab.itertuples(index=False):
        for form in (row.id, row.label, *row.synonyms):
            key = normalise_term(form)
            if not key:
                continue
            if key in index and index[key] != row.id:
                clashes.add(key)
            index.setdefault(key, row.id)
    for key in clashes:
        index.pop(key, None)
    return index


def match_term(index: Mapping[str, str], text: str) -> str | None:
    """The vocabulary id for a free-text term, or None when it is not known."""
    return index.get(normalise_term(text))


def labels(vocab: pd.DataFrame) -> dict[str, str]:
    """id -> label."""
    return dict(zip(vocab["id"], vocab["label"], strict=True))
