"""`python -m cbdash import`, `dedupe --out` and `validate` on the files of issue #16: each
reproduction gives a clear message or the right result, and nothing is lost."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
import yaml

from cbdash.cli import main
from cbdash.data.inventory import load_inventory
from tests.conftest import FIXTURE_DIR, REPO
from tests.faults.files import TITLE_ROW_CSV, many_rows_bomb, one_cell_bomb


@pytest.fixture
def inventory_copy(tmp_path):
    """A copy of the shipped projects file, the target an `import --force` could replace."""
    target = tmp_path / "data" / "projects.csv"
    target.parent.mkdir()
    shutil.copy(REPO / "data" / "projects.csv", target)
    return target


def _import(src, out, kind="projects", force=True) -> int:
    args = ["import", str(src), "--kind", kind, "--out", str(out), "--data", str(FIXTURE_DIR)]
    return main(args + (["--force"] if force else []))


def test_defect2_a_title_row_in_csv_is_skipped_and_nothing_is_dropped(tmp_path, capsys):
    src = tmp_path / "portal_x.csv"
    src.write_text(TITLE_ROW_CSV, encoding="utf-8")
    out = tmp_path / "projects.csv"
    assert _import(src, out) == 0
    text = capsys.readouterr().out
    assert "header found on row 2; 1 title row(s) above it skipped" in text
    assert "column not recognised" not in text
    got = pd.read_csv(out, dtype=str, keep_default_na=False).set_index("project_id")
    assert list(got.index) == ["p7", "p8", "p9", "p10"]
    assert got.loc["p7", "title"] == "Kenya Cyber Skills"
    assert got.loc["p7", "funders"] == "European Union"
    assert got.loc["p8", "beneficiary_countries"] == "FJI;TON"
    assert (got.loc["p10", "start_year"], got.loc["p10", "end_year"]) == ("2018", "2020")


def test_defect8_utf16_unicode_text_is_imported(tmp_path, capsys):
    src = tmp_path / "export.txt"
    text = "Project title\tFunded by\tBeneficiary countries\nCôte d’Ivoire Cyber\tDonor A\tCIV\n"
    src.write_bytes(text.encode("utf-16"))  # Excel's "Unicode text": UTF-16 LE, BOM, tabs
    out = tmp_path / "projects.csv"
    assert _import(src, out) == 0
    got = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert got.loc[0, "title"] == "Côte d’Ivoire Cyber"
    assert got.loc[0, "beneficiary_countries"] == "CIV"


def test_defect9_a_duplicated_column_is_refused_and_the_target_kept(
    tmp_path, inventory_copy, capsys
):
    before = inventory_copy.read_bytes()
    src = tmp_path / "dup.csv"
    src.write_text("project_id,title,title,funders\np1,A,B,Donor\n", encoding="utf-8")
    assert _import(src, inventory_copy) == 2
    out = capsys.readouterr()
    assert "column 'title' appears twice (columns 2 and 3)" in out.out
    assert "Nothing imported." in out.err
    assert inventory_copy.read_bytes() == before


def test_defect10_formula_cells_are_left_out_of_imports(tmp_path, capsys):
    src = tmp_path / "evil.csv"
    src.write_text(
        'project_id,title,funders\np1,"=HYPERLINK(""http://x"",""y"")",Donor\n'
        "p2,Fine Title,@SUM(A1)\np3,Budget -5,-cmd|' /C calc'!A0\n",
        encoding="utf-8",
    )
    out = tmp_path / "projects.csv"
    assert _import(src, out) == 0
    text = capsys.readouterr().out
    assert "evil.csv, row 2, field 'title': '=HYPERLINK" in text and "left out" in text
    assert "evil.csv, row 3, field 'funders': '@SUM(A1)' would run as a spreadsheet formula" in text
    got = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert list(got["project_id"]) == ["p2", "p3"]  # p1 lost its title: skipped, reported
    cells = got.to_numpy().ravel().tolist()
    assert not any(str(c).startswith(("=", "@", "+", "-")) for c in cells)


def test_defect10_dedupe_out_is_formula_safe(tmp_path, capsys):
    src = tmp_path / "list.csv"
    src.write_text('project_id,title\n=1+1,"=HYPERLINK(""http://x"")"\np2,@SUM(A1)\n')
    out = tmp_path / "clusters.csv"
    assert main(["dedupe", str(src), "--out", str(out), "--names-only"]) == 0
    assert f"wrote {out}" in capsys.readouterr().out
    got = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert list(got["project_id"]) == ["'=1+1", "p2"]  # neutralised, as in downloads
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clusters.csv", "list.csv"]


def test_defect11_empty_lists_are_empty_in_imported_mappings(tmp_path):
    src = tmp_path / "survey.csv"
    src.write_text(
        "Name of the mapping,Website,Which countries does it cover?,Focus topics,Comments\n"
        "Alpha Two,https://example.org/a2,,,a note; with a semicolon\n",
        encoding="utf-8",
    )
    out = tmp_path / "mappings.yaml"
    assert _import(src, out, kind="mappings") == 0
    record = yaml.safe_load(out.read_text())["mappings"][0]
    assert record["scope_countries"] == [] and record["topics"] == [] and record["owners"] == []
    assert record["note"] == "a note; with a semicolon"  # a text field is not split


@pytest.mark.parametrize("char", ["\x00", "\u202e"])
def test_defect11_nul_and_bidi_controls_are_refused_by_import(tmp_path, capsys, char):
    src = tmp_path / "ctl.csv"
    src.write_text(f"project_id,title\np1,Fine\np2,evil{char}gnp.exe\n", encoding="utf-8")
    out = tmp_path / "projects.csv"
    assert _import(src, out) == 2
    text = capsys.readouterr().out
    assert f"ctl.csv, row 3, field 'title': holds U+{ord(char):04X}" in text
    assert not out.exists()


def test_defect11_controls_in_data_files_fail_validation_and_never_reach_exports(data_copy, capsys):
    path = data_copy / "mappings.yaml"
    path.write_text(
        path.read_text().replace("name: Alpha Portal", 'name: "Alpha \\u202eltroP"'),
        encoding="utf-8",
    )
    projects = data_copy / "projects.csv"
    projects.write_text(projects.read_text().replace("Pacific Skills", "Pacific\x00Skills"))
    assert main(["validate", str(data_copy)]) == 1
    out = capsys.readouterr().out
    assert "mappings.yaml, row 1, field 'name': holds U+202E (RIGHT-TO-LEFT OVERRIDE)" in out
    assert "projects.csv, row 3, field 'title': holds U+0000 (NUL)" in out
    inv = load_inventory(data_copy)
    from cbdash.present.export import to_csv

    for frame in (inv.mappings, inv.projects):
        assert not any(ch in to_csv(frame).decode() for ch in ("\x00", "\u202e"))


@pytest.mark.parametrize(
    ("book", "message"),
    [(one_cell_bomb, "unpacks to 2,147 MB"), (many_rows_bomb, "unpacks to 640 MB")],
)
def test_defect4_xlsx_bombs_are_refused_by_import(tmp_path, capsys, book, message):
    src = tmp_path / "bomb.xlsx"
    src.write_bytes(book())
    assert _import(src, tmp_path / "projects.csv") == 2
    assert message in capsys.readouterr().out


def test_defect8_dedupe_reads_a_utf16_list_with_a_title_row(tmp_path, capsys):
    src = tmp_path / "theirs.txt"
    text = "Exported 2024\t\nproject_id\ttitle\nx1\tKCT\nx2\tKenya Cybercrime Training\n"
    src.write_bytes(text.encode("utf-16"))
    out = tmp_path / "clusters.csv"
    assert (
        main(["dedupe", str(src), "--out", str(out), "--known", str(FIXTURE_DIR / "projects.csv")])
        == 0
    )
    captured = capsys.readouterr()
    assert "header found on row 2" in captured.err
    got = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert got.loc[0, "cluster_id"] == got.loc[1, "cluster_id"]  # both names of p1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clusters.csv", "theirs.txt"]


def test_defect9_dedupe_refuses_a_duplicated_column(tmp_path, capsys):
    src = tmp_path / "dup.csv"
    src.write_text("project_id,title,title\np1,A,B\n", encoding="utf-8")
    assert main(["dedupe", str(src), "--out", str(tmp_path / "c.csv"), "--names-only"]) == 2
    assert "column 'title' appears twice" in capsys.readouterr().err
    assert not (tmp_path / "c.csv").exists()
