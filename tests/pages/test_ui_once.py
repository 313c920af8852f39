"""cbdash.ui converts a kept frame or figure once, and again for a new object."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from cbdash import ui
from cbdash.ui import internals


def test_arrow_window_is_made_once_per_frame_object():
    frame = pd.DataFrame({"a": range(5), "b": list("vwxyz")})
    first = ui._arrow_window(frame, 3)
    assert first.num_rows == 3 and first.column_names == ["a", "b"]  # no index column
    assert ui._arrow_window(frame, 3) is first  # kept: the same object again
    assert ui._arrow_window(frame, 5) is not first  # another window of it
    assert ui._arrow_window(frame.copy(), 3) is not first  # another frame


def test_kept_figure_gives_streamlit_the_figure_as_a_dict_made_once():
    figure = go.Figure(go.Bar(x=["a"], y=[1]))
    kept = ui._once(figure, "plotly", internals.KeptFigure.of)
    assert kept.to_dict() is kept.to_dict()  # no copy per call
    assert kept.to_dict()["data"][0]["y"] == figure.to_dict()["data"][0]["y"]
    assert ui._once(figure, "plotly", internals.KeptFigure.of) is kept


def test_a_collected_object_leaves_the_cache():
    frame = pd.DataFrame({"a": [1]})
    ui._arrow_window(frame, 1)
    key = (id(frame), ("arrow", 1))
    assert key in ui._CONVERTED
    del frame
    assert key not in ui._CONVERTED
