"""What each page shows, computed from the model and kept per filter state (`Model.memo`):
one module per page (`pages/gaps.py` -> `cbdash.present.views.gaps`).

A page reads its widgets, calls one function of its view module per section and renders
the result; the analyses themselves are in `cbdash.analysis`. Every function is pure apart
from the model's memo: the same model, filters and choices give the same (read-only)
objects, computed once.
"""

from __future__ import annotations

from cbdash.analysis.filters import Filters
from cbdash.analysis.model import Model


def mapping_ids(model: Model, filters: Filters) -> tuple[str, ...]:
    """The ids of the mappings that pass the filters, kept per filter state: the key of
    what depends only on which mappings pass."""
    return model.memo(
        ("mapping_ids", filters), lambda: tuple(model.filtered_mappings(filters)["id"])
    )
