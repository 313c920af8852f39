"""The synthetic generator writes a valid, clearly labelled inventory."""

from __future__ import annotations

from cbdash.cli import main
from cbdash.data.inventory import load_inventory


def test_synth_writes_a_valid_labelled_inventory(tmp_path, capsys):
    out = tmp_path / "synth"
    assert main(["synth", "--mappings", "20", "--projects", "200", "--out", str(out)]) == 0
    inv = load_inventory(out)
    assert inv.report.ok, inv.report.text()
    assert len(inv.mappings) == 20 and len(inv.projects) == 200
    assert inv.mappings["name"].str.startswith("SYNTHETIC").all()
    assert inv.projects["title"].str.startswith("SYNTHETIC").all()
    assert all(
        s.startswith("https://example.invalid/") for ss in inv.projects["sources"] for s in ss
    )
    assert "SYNTHETIC" in (out / "projects.meta.yaml").read_text()


def test_synth_is_seeded(tmp_path):
    a, b = tmp_path / "a_synth", tmp_path / "b_synth"
    for target in (a, b):
        main(["synth", "--mappings", "10", "--projects", "50", "--out", str(target)])
    assert (a / "projects.csv").read_text() == (b / "projects.csv").read_text()
