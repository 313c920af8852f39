"""Loading and validation: broken inputs get a message naming file, row and field, and
every good row and value is kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from cbdash.data.inventory import load_inventory


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text not found: {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _messages(inv) -> list[str]:
    return [str(i) for i in inv.report.errors]


def test_fixture_loads_clean(inventory):
    assert len(inventory.mappings) == 3
    assert len(inventory.projects) == 4
    assert inventory.projects.loc[0, "beneficiary_countries"] == ("KEN",)
    assert inventory.projects["start_year"].dtype == "Int64"


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        (
            "projects.csv",
            "KEN,,cybercrime",
            "KEN;Narnia,,cybercrime",
            "projects.csv, row 2, field 'beneficiary_countries': unknown iso3 'Narnia'",
        ),
        (
            "projects.csv",
            "2018,2020",
            "20222,2020",
            "projects.csv, row 2, field 'start_year': 20222 is not a year between 1900 and 2100",
        ),
        (
            "projects.csv",
            "p2,Pacific Skills",
            "p1,Pacific Skills",
            "projects.csv, row 3, field 'project_id': duplicate id 'p1' (first on row 2)",
        ),
        (
            "projects.csv",
            ",cybercrime;policy_strategy,",
            ",cybercrime;hacking,",
            "projects.csv, row 5, field 'topics': unknown topics 'hacking'",
        ),
        (
            "listings.csv",
            "p1,beta,https",
            "p1,zeta,https",
            "listings.csv, row 3, field 'mapping_id': unknown mappings 'zeta'",
        ),
        (
            "listings.csv",
            "p2,gamma,https://example.org/gamma/projects/p2",
            "p2,gamma,",
            "listings.csv, row 4, field 'url': missing value",
        ),
        (
            "mappings.yaml",
            "    coverage_url: https://example.org/beta/about\n",
            "",
            "mappings.yaml, row 2, field 'coverage_url': a stated coverage needs its page",
        ),
        (
            "mappings.yaml",
            "entries: [{value: 900, unit: projects, approx: true, as_of: 2023}]",
            "entries: [{value: 900, unit: projects, approx: true}]",
            "mappings.yaml, row 1, field 'entries[1].as_of': a quotable count needs as_of",
        ),
        (
            "mappings.yaml",
            "    scope_countries: [KEN]",
            "    scope_countries: [KEN, BVT]",
            "mappings.yaml, row 3, field 'scope_countries': derived coverage reaches only UN",
        ),
        (
            "mappings.yaml",
            "    role: mapping\n    status: active\n    launched: 2020",
            "    role: related\n    related_kind: proposal\n    status: active\n    launched: 2020",
            "mappings.yaml, row 2, field 'status': a proposal cannot be counted as active",
        ),
        (
            "projects.csv",
            ",https://example.org/p3",
            ",ftp://example.org/p3",
            "projects.csv, row 4, field 'sources': needs at least one value",
        ),
        (
            "projects.csv",
            "2022,2024",
            "2024,2022",
            "projects.csv, row 4, field 'end_year': ends (2022) before it starts (2024)",
        ),
        (
            "mappings.yaml",
            "kind: index_or_ranking",
            "kind: crystal_ball",
            "mappings.yaml, row 3, field 'kind': unknown mapping kinds 'crystal_ball'",
        ),
        (
            "mappings.yaml",
            "scope_countries: [KEN]",
            "scope_countries: [KEN, XYZ]",
            "mappings.yaml, row 3, field 'scope_countries': unknown iso3 'XYZ'",
        ),
        (
            "cooperation.csv",
            "alpha,beta,data_sharing",
            "alpha,omega,data_sharing",
            "cooperation.csv, row 2, field 'mapping_b': unknown mappings 'omega'",
        ),
    ],
)
def test_one_bad_value_is_reported_and_the_rest_kept(data_copy, file, old, new, expected):
    _edit(data_copy / file, old, new)
    inv = load_inventory(data_copy)
    assert any(expected in m for m in _messages(inv)), _messages(inv)
    assert len(inv.mappings) == 3
    assert len(inv.projects) >= 3


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "TON,Tonga,5,",
            "TON,Tonga,6,",
            "gci2024.csv, row 5, field 'tier': 6 is not between 1 and 5",
        ),
        (
            "KEN,Kenya,1,98.59",
            "KEN,Kenya,1,109",
            "row 3, field 'score': 109 is not between 0 and 100",
        ),
        ("KEN,Kenya,1,98.59", "KEN,Kenya,1,high", "row 3, field 'score': 'high' is not a number"),
        ("NGA,Nigeria", "XYZ,Nigeria", "gci2024.csv, row 4, field 'iso3': unknown iso3 'XYZ'"),
        ("NGA,Nigeria", "KEN,Nigeria", "row 4, field 'iso3': duplicate id 'KEN' (first on row 3)"),
        ("https://example.org/gci/ton", "", "gci2024.csv, row 5, field 'source_url': needs at"),
    ],
)
def test_gci_rows_are_validated(data_copy, old, new, expected):
    _edit(data_copy / "gci2024.csv", old, new)
    inv = load_inventory(data_copy)
    assert any(expected in m for m in _messages(inv)), _messages(inv)
    assert "BRA" in set(inv.gci["iso3"])  # the good rows are kept


def test_gci_tier_and_score_types(inventory):
    gci = inventory.gci.set_index("iso3")
    assert str(gci["tier"].dtype) == "Int64" and gci.loc["TON", "tier"] == 5
    assert gci.loc["KEN", "score"] == 98.59 and gci["score"].isna().sum() == 3


def test_without_a_gci_file_every_tier_is_unknown(data_copy):
    (data_copy / "gci2024.csv").unlink()
    inv = load_inventory(data_copy)
    assert inv.report.ok and inv.gci.empty and "tier" in inv.gci


def test_unknown_country_keeps_the_good_country(data_copy):
    _edit(data_copy / "projects.csv", "FJI;TON", "FJI;Atlantis;TON")
    inv = load_inventory(data_copy)
    assert inv.projects.set_index("project_id").loc["p2", "beneficiary_countries"] == (
        "FJI",
        "TON",
    )


def test_country_name_instead_of_code_gets_a_suggestion(data_copy):
    _edit(data_copy / "projects.csv", "FJI;TON", "FJI;Tonga")
    msgs = _messages(load_inventory(data_copy))
    assert any("unknown iso3 'Tonga' (did you mean 'TON'?)" in m for m in msgs), msgs


def test_bad_year_keeps_the_row(data_copy):
    _edit(data_copy / "projects.csv", "2018,2020", "20222,2020")
    inv = load_inventory(data_copy)
    p1 = inv.projects.set_index("project_id").loc["p1"]
    assert p1["end_year"] == 2020
    assert p1["start_year"] is None or str(p1["start_year"]) == "<NA>"


def test_missing_column_is_named(data_copy):
    path = data_copy / "projects.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    cut = [",".join(line.split(",")[:1] + line.split(",")[2:]) for line in lines]  # drop title
    path.write_text("\n".join(cut) + "\n", encoding="utf-8")
    inv = load_inventory(data_copy)
    assert "ERROR: projects.csv, row 1, field 'title': required column is missing" in (
        _messages(inv)
    )


def test_missing_id_column_gives_no_projects_and_a_message(data_copy):
    _edit(data_copy / "projects.csv", "project_id,", "id,")
    inv = load_inventory(data_copy)
    assert inv.projects.empty
    assert any("field 'project_id': required column is missing" in m for m in _messages(inv))


def test_empty_file(data_copy):
    (data_copy / "cooperation.csv").write_text("", encoding="utf-8")
    inv = load_inventory(data_copy)
    assert "ERROR: cooperation.csv: file is empty" in _messages(inv)
    assert len(inv.projects) == 4


def test_latin1_file_is_read_with_a_warning(data_copy):
    path = data_copy / "projects.csv"
    text = path.read_text(encoding="utf-8").replace("Pacific Skills", "Pacific Skills Côte")
    path.write_bytes(text.encode("latin-1"))
    inv = load_inventory(data_copy)
    assert "Pacific Skills Côte" in set(inv.projects["title"])
    assert any("not UTF-8" in str(w) for w in inv.report.warnings)


def test_broken_yaml_names_the_line(data_copy):
    _edit(data_copy / "mappings.yaml", "    name: Beta Database", "    name: [Beta Database")
    inv = load_inventory(data_copy)
    assert any(
        m.startswith("ERROR: mappings.yaml, row ") and "not valid YAML" in m for m in _messages(inv)
    )


def test_missing_provenance_sidecar_is_an_error(data_copy):
    (data_copy / "crosswalk.meta.yaml").unlink()
    assert "ERROR: crosswalk.csv: no provenance sidecar crosswalk.meta.yaml" in _messages(
        load_inventory(data_copy)
    )


def test_large_file_loads(data_copy):
    """A ~50 MB projects file is read and validated, not refused."""
    path = data_copy / "projects.csv"
    header, *rows = path.read_text(encoding="utf-8").splitlines()
    row = rows[0].split(",", 1)[1]
    filler = ";".join(["https://example.org/" + "x" * 80] * 4)
    n = 50_000_000 // (len(row) + len(filler) + 12)
    with path.open("w", encoding="utf-8") as fh:
        fh.write(header + "\n")
        for i in range(n):
            fh.write(f"big{i},{row};{filler}\n")
    assert path.stat().st_size > 45_000_000
    inv = load_inventory(data_copy)
    assert len(inv.projects) == n
