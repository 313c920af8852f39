"""The Streamlit internals cbdash relies on (cbdash.ui.internals) still behave as assumed:
a failure here after a Streamlit upgrade names what changed."""

from __future__ import annotations

import json

import plotly.graph_objects as go
from streamlit.testing.v1 import AppTest

from cbdash.ui import internals


def test_pages_manager_still_has_the_legacy_pages_flag():
    from streamlit.runtime.pages_manager import PagesManager

    assert hasattr(PagesManager, "uses_pages_directory"), (
        "Streamlit's PagesManager lost `uses_pages_directory`: cbdash.ui.internals."
        "leave_legacy_pages_mode can no longer route a first deep link through app.py"
    )


def test_leave_legacy_pages_mode_turns_the_flag_off():
    from streamlit.runtime.pages_manager import PagesManager

    before = PagesManager.uses_pages_directory
    try:
        PagesManager.uses_pages_directory = True
        assert internals.leave_legacy_pages_mode() is True
        assert PagesManager.uses_pages_directory is False
        assert internals.leave_legacy_pages_mode() is False
    finally:
        PagesManager.uses_pages_directory = before


def _chart_app():
    import plotly.graph_objects as go
    import streamlit as st

    from cbdash.ui.internals import KeptFigure

    fig = go.Figure(go.Bar(x=["a"], y=[1]))
    kept = KeptFigure.of(fig)
    kept._kept_dict["layout"]["title"] = {"text": "made once"}  # only the kept dict has it
    st.plotly_chart(kept, key="kept")


def test_plotly_chart_sends_the_kept_dict():
    at = AppTest.from_function(_chart_app).run()
    assert not at.exception
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert spec["layout"]["title"] == {"text": "made once"}, (
        "st.plotly_chart no longer builds its spec from figure.to_dict(): "
        "cbdash.ui.internals.KeptFigure has no effect (or breaks charts)"
    )
    assert spec["data"][0]["type"] == "bar"


def test_kept_figure_is_a_figure():
    assert isinstance(internals.KeptFigure.of(go.Figure()), go.Figure)
