"""Text from outside made inert (issue #16): plotly labels keep only cbdash's own tags;
Markdown escapes keep bare URLs from being linked; the characters and formula starts a
data value may not hold are named."""

from __future__ import annotations

import numpy as np
import pytest

from cbdash.present.charts import inert_text
from cbdash.text import escape_markdown, formula_start, unsafe_character


def test_plotly_text_keeps_only_cbdash_tags():
    figure = {
        "data": [
            {
                "y": ['<a href="https://evil.example">A</a>', "Plain & simple"],
                "customdata": np.array([["<img src=x onerror=alert(1)>", 3]], dtype=object),
                "hovertemplate": "%{y}<br>value: %{x}<extra></extra>",
                "z": np.array([1.0, 2.0]),
            }
        ],
        "layout": {"title": {"text": "<b>Bold</b> <script>x</script>"}},
    }
    out = inert_text(figure)
    trace = out["data"][0]
    assert trace["y"] == ['&lt;a href="https://evil.example">A&lt;/a>', "Plain & simple"]
    assert trace["customdata"][0, 0] == "&lt;img src=x onerror=alert(1)>"
    assert trace["customdata"][0, 1] == 3
    assert trace["hovertemplate"] == "%{y}<br>value: %{x}<extra></extra>"
    assert out["layout"]["title"]["text"] == "<b>Bold</b> &lt;script>x&lt;/script>"
    assert trace["z"] is figure["data"][0]["z"]  # numbers untouched, not copied


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("https://x.example/a", "https:\u2060//x.example/a"),
        ("HTTP://X.EXAMPLE", "HTTP:\u2060//X.EXAMPLE"),
        ("www.x.example", "www\u2060.x.example"),
        ("me@x.example", "me@\u2060x.example"),
        ("10:30, ratio 3:1", "10:30, ratio 3:1"),
        ("Cybercrime@Octopus, www", "Cybercrime@Octopus, www"),  # no link to break
        ("[a](b)", r"\[a\](b)"),
    ],
)
def test_markdown_escapes_break_autolinks(text, escaped):
    assert escape_markdown(text) == escaped


@pytest.mark.parametrize(
    ("text", "formula"),
    [
        ("=1+1", True),
        ("@SUM(A1)", True),
        ("-cmd|' /C calc'!A0", True),
        ("+44 20 7946 0000", True),
        ("\tTab", True),
        ("-5", False),
        ("+1.5e3", False),
        ("12%", False),
        ("Plain", False),
        ("", False),
    ],
)
def test_formula_start(text, formula):
    assert formula_start(text) is formula


def test_unsafe_character_names_the_first_one():
    assert unsafe_character("ok\u202eko") == (
        "holds U+202E (RIGHT-TO-LEFT OVERRIDE), a control character that can hide or reorder text"
    )
    assert unsafe_character("a\x00").startswith("holds U+0000 (NUL)")
    assert unsafe_character("fine") == "holds no control character"
