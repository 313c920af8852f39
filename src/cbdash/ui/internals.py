"""Every use of a Streamlit internal (not public) API, in one place. Each is checked by
tests/test_streamlit_internals.py, which fails loudly when a Streamlit upgrade changes it.

- `KeptFigure`: `st.plotly_chart` turns a figure into a dict with `figure.to_dict()` on every
  rerun (a deep copy that costs more than a page's own work); a figure subclass whose
  `to_dict` returns a dict made once lets a kept figure skip that copy.
- `leave_legacy_pages_mode`: Streamlit starts in its legacy multipage mode when a `pages/`
  folder exists, until the first run of app.py calls st.navigation. A link such as /gaps
  opened first on a fresh server would run pages/gaps.py alone (no page list, no page
  config); turning the mode off and rerunning lets app.py route the same URL.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import plotly.graph_objects as go


class KeptFigure(go.Figure):
    """A stand-in that gives Streamlit a dict made once (`to_dict`, treated as read-only)."""

    @classmethod
    def of(cls, figure: go.Figure, clean: Callable[[Any], Any] = lambda d: d) -> KeptFigure:
        """The stand-in for `figure`, its dict passed through `clean` once."""
        kept = cls(layout={"template": {}}, _validate=False)
        object.__setattr__(kept, "_kept_dict", clean(figure.to_dict()))
        return kept

    def to_dict(self) -> dict:
        return self._kept_dict


def leave_legacy_pages_mode() -> bool:
    """Turn Streamlit's legacy `pages/` mode off; True if it was on (the caller reruns)."""
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:  # a Streamlit without this class: nothing to do
        return False
    if getattr(PagesManager, "uses_pages_directory", False):
        PagesManager.uses_pages_directory = False
        return True
    return False
