"""Text helpers: short labels for crowded charts."""

from __future__ import annotations

import pytest

from cbdash.text import short_label


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("Short name", "Short name"),  # fits: itself
        ("UNODC Cybercrime Repository (within SHERLOC)", "UNODC Cybercrime Repository"),
        ("ENISA CSIRT Inventory / CSIRTs Map (formerly 'CERTs in Europe' map)", None),
        (
            "Cybersecurity Capacity Maturity Model for Nations (CMM) reviews",
            "Cybersecurity Capacity Maturity…",  # the name's own first words, not "CMM"
        ),
        (
            "Latin America and Caribbean Cyber Competence Centre (LAC4)",
            "Latin America and Caribbean Cyber…",
        ),
        (
            "Guide to Developing a National Cybersecurity Strategy (2021) - reference stocktaking",
            "Guide to Developing a National…",  # cut after a whole word, marked
        ),
    ],
)
def test_short_label(name, short):
    got = short_label(name, 34)
    assert len(got) <= 34
    if short is not None:
        assert got == short
    else:
        assert got == "ENISA CSIRT Inventory / CSIRTs Map"


def test_short_label_never_returns_more_than_the_limit():
    assert short_label("x" * 80, 20) == "x" * 19 + "…"
