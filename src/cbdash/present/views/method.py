"""The Method page's view: what it shows, kept per filter state and choice."""

from __future__ import annotations

import pandas as pd

from cbdash.analysis.model import Model
from cbdash.present.tables import (
    cited_pages,
)


def method_cited_pages(model: Model) -> pd.DataFrame:
    """Every web page the inventory cites (`tables.cited_pages`); made once per model."""
    inv = model.inventory
    return model.derived(
        "cited_pages", lambda: cited_pages(inv.mappings, inv.projects, inv.cooperation)
    )


ORIGIN_HEADERS = {  # the provenance sidecars' fields, in words
    "url_main": "main URL",
    "date_accessed": "date accessed",
    "url_main_note": "note on the main URL",
    "extra_sources_accessed": "other sources accessed",
}


def method_origins(model: Model) -> pd.DataFrame:
    """The provenance of each data file, headers in words; made once per model."""
    origins = model.inventory.origins
    return model.derived(
        "origin_rows",
        lambda: origins.rename(columns=lambda c: ORIGIN_HEADERS.get(c, str(c).replace("_", " "))),
    )


def method_terms(model: Model, vocabulary: str) -> pd.DataFrame:
    """A vocabulary's terms (label, definition, synonyms joined by "; ", id last); made
    once per model."""

    def make() -> pd.DataFrame:
        terms = model.inventory.vocabulary(vocabulary)
        return pd.DataFrame(
            {
                "term": terms["label"],
                "definition": terms["definition"],
                "synonyms": terms["synonyms"].map("; ".join),
                "term id": terms["id"],
            }
        )

    return model.derived(f"terms_{vocabulary}", make)


def method_report_rows(model: Model) -> pd.DataFrame:
    """The validation report's issues as rows; made once per model."""
    return model.derived("report_rows", model.inventory.report.to_frame)


def method_full_inventory(model: Model) -> dict[str, pd.DataFrame]:
    """The whole inventory to download, name -> frame, without the rows' source line
    numbers (made on each call, not kept)."""
    inv = model.inventory
    return {
        name: frame.drop(columns=["source_row"])
        for name, frame in {
            "mappings": inv.mappings,
            "projects": inv.projects,
            "cooperation links": inv.cooperation,
        }.items()
    }
