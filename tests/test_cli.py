"""The command line: validate, import (CSV and XLSX survey exports)."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml

from cbdash.cli import main
from cbdash.data.importer import match_headers, resolve_country_answer, split_answers
from tests.conftest import FIXTURE_DIR, REPO


def test_validate_fixture_ok(capsys):
    assert main(["validate", str(FIXTURE_DIR)]) == 0
    assert "0 error(s)" in capsys.readouterr().out


def test_validate_broken_copy_names_the_row(data_copy, capsys):
    path = data_copy / "projects.csv"
    path.write_text(path.read_text().replace("2018,2020", "20222,2020"))
    assert main(["validate", str(data_copy)]) == 1
    out = capsys.readouterr().out
    assert "projects.csv, row 2, field 'start_year': 20222 is not a year" in out


def test_validate_single_file(data_copy, capsys):
    path = data_copy / "cooperation.csv"
    path.write_text(path.read_text().replace("data_sharing", "gossip"))
    assert main(["validate", str(data_copy / "projects.csv")]) == 0
    assert main(["validate", str(path)]) == 1
    assert "unknown link kinds 'gossip'" in capsys.readouterr().out


def test_validate_missing_path(capsys):
    assert main(["validate", "/nonexistent/cbdash"]) == 1


def test_validate_shipped_data(capsys):
    """The shipped inventory validates clean (as `make test` also checks)."""
    assert main(["validate", str(REPO / "data")]) == 0, capsys.readouterr().out


SURVEY = (
    "Name of the mapping,Organisation running it,Website,Type of mapping,"
    "Which countries does it cover?,Focus topics,Target users,Comments\n"
    'Alpha Two,Org A,https://example.org/a2,portal,"Kenya, Korea, Rep., Narnia",'
    '"cyber crime, awareness","government; NGOs",first\n'
    'Beta Two,Org B,https://example.org/b2,index,Tonga;Fiji,"strategy, quantum stuff",'
    "police,second\n"
)


def test_import_survey_csv(tmp_path, capsys):
    src = tmp_path / "survey.csv"
    src.write_text(SURVEY, encoding="utf-8")
    out = tmp_path / "out.yaml"
    code = main(
        ["import", str(src), "--kind", "mappings", "--out", str(out), "--data", str(FIXTURE_DIR)]
    )
    assert code == 0
    text = capsys.readouterr().out
    assert "survey.csv, row 2, field 'scope_countries': country 'Narnia' not recognised" in text
    assert "survey.csv, row 3, field 'topics': 'quantum stuff' matches no topics term" in text
    records = yaml.safe_load(out.read_text())["mappings"]
    assert records[0]["id"] == "alpha_two"
    assert records[0]["scope_countries"] == ["KEN", "KOR"]
    assert records[0]["topics"] == ["cybercrime", "culture_skills"]
    assert records[0]["target_users"] == ["governments_policymakers", "civil_society"]
    assert records[0]["kind"] == "knowledge_portal"
    assert records[1]["scope_countries"] == ["TON", "FJI"]


def test_import_never_overwrites_without_force(tmp_path, capsys):
    src = tmp_path / "survey.csv"
    src.write_text(SURVEY, encoding="utf-8")
    out = tmp_path / "out.yaml"
    out.write_text("keep me")
    args = ["import", str(src), "--kind", "mappings", "--out", str(out), "--data", str(FIXTURE_DIR)]
    assert main(args) == 2
    assert out.read_text() == "keep me"
    assert main([*args, "--force"]) == 0
    assert out.read_text() != "keep me"


def test_import_xlsx_with_title_row(tmp_path, capsys):
    src = tmp_path / "export.xlsx"
    rows = [
        ["Survey export, 2026-11-27", None, None],
        ["Project title", "Beneficiary countries", "Funded by"],
        ["Pacific Skills Two", "Tonga, Fiji", "Donor B"],
        ["", "Kenya", "Donor A"],
    ]
    pd.DataFrame(rows).to_excel(src, header=False, index=False)
    out = tmp_path / "projects.csv"
    code = main(
        ["import", str(src), "--kind", "projects", "--out", str(out), "--data", str(FIXTURE_DIR)]
    )
    text = capsys.readouterr().out
    assert code == 0, text
    assert "header found on row 2" in text
    assert "export.xlsx, row 4, field 'title': empty name/title; row skipped" in text
    got = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert got.loc[0, "title"] == "Pacific Skills Two"
    assert got.loc[0, "beneficiary_countries"] == "TON;FJI"
    assert got.loc[0, "funders"] == "Donor B"


def test_import_without_title_column(tmp_path, capsys):
    src = tmp_path / "bad.csv"
    src.write_text("colour,size\nred,3\n", encoding="utf-8")
    assert (
        main(
            [
                "import",
                str(src),
                "--kind",
                "projects",
                "--out",
                str(tmp_path / "o.csv"),
                "--data",
                str(FIXTURE_DIR),
            ]
        )
        == 2
    )
    assert "no column holds the name/title" in capsys.readouterr().out


def test_import_empty_file(tmp_path, capsys):
    src = tmp_path / "empty.csv"
    src.write_text("")
    assert main(["import", str(src), "--kind", "mappings", "--data", str(FIXTURE_DIR)]) == 2
    assert "file is empty" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("text", "codes", "bad"),
    [
        ("Kenya", ["KEN"], []),
        ("Korea, Rep.", ["KOR"], []),
        ("Kenya, Korea, Rep., Fiji", ["KEN", "KOR", "FJI"], []),
        ("Tonga; Narnia", ["TON"], ["Narnia"]),
        ("", [], []),
    ],
)
def test_resolve_country_answer(text, codes, bad):
    assert resolve_country_answer(text) == (codes, bad)


def test_split_answers():
    assert split_answers("a, b") == ["a", "b"]
    assert split_answers("a, b; c") == ["a, b", "c"]
    assert split_answers("") == []


def test_match_headers():
    matched, unmatched = match_headers(["Name of the mapping", "Favourite colour"], "mappings")
    assert matched == {"Name of the mapping": "name"}
    assert unmatched == ["Favourite colour"]


def test_every_page_is_in_the_readme():
    readme = (REPO / "README.md").read_text()
    app = (REPO / "app.py").read_text()
    import re

    titles = re.findall(r'st\.Page\([^)]*title="([^"]+)"', app)
    assert titles
    for title in titles:
        assert f"| {title} |" in readme, f"page '{title}' missing from the README pages table"


def test_every_data_file_has_provenance():
    data = REPO / "data"
    for path in sorted(data.rglob("*")):
        if path.is_file() and not path.name.endswith(".meta.yaml"):
            meta = path.with_name(path.name.split(".")[0] + ".meta.yaml")
            assert meta.exists(), f"{path.relative_to(REPO)} has no provenance sidecar"
            info = yaml.safe_load(meta.read_text())
            for key in ("producer", "title", "url_main", "date_accessed", "licence"):
                assert info.get(key), f"{meta.name} lacks {key}"


FUNDER_META = (
    "producer: t\ntitle: t\nurl_main: https://example.org\ndate_accessed: '2026-12-07'\n"
    "licence: CC0-1.0\n"
)


def test_validate_funder_aliases_names_row_and_field(data_copy, capsys):
    """Rows 2-6 of the alias table, each broken once: a duplicate alias (any case), an
    alias that is its own funder, a funder that is itself an alias (a chain), a row without
    its funder, and an alias no project uses (a warning)."""
    (data_copy / "funder_aliases.csv").write_text(
        "alias,funder,note,source_url\n"
        "Donor B Agency,Donor B,ok,\n"
        "donor b agency,Donor B,twice,\n"
        "Donor A,Donor A,itself,\n"
        "Donor A Fund,Donor B Agency,a chain,\n"
        "Donor C,,no funder,\n"
        "Nobody,Donor B,unused,\n",
        encoding="utf-8",
    )
    (data_copy / "funder_aliases.meta.yaml").write_text(FUNDER_META, encoding="utf-8")
    assert main(["validate", str(data_copy)]) == 1
    out = capsys.readouterr().out
    assert "funder_aliases.csv, row 3, field 'alias': alias 'donor b agency' is given twice" in out
    assert "row 4, field 'funder': alias 'Donor A' names itself as its funder" in out
    assert "row 5, field 'funder': funder 'Donor B Agency' is itself an alias" in out
    assert "row 6, field 'funder'" in out
    assert "row 7, field 'alias': no project in projects.csv is funded by 'Nobody'" in out
    assert "row 2," not in out.split("funder_aliases.csv")[1].split("\n")[0]


def test_shipped_funder_aliases_group_the_split_funders():
    """The funders the review found split are one funder each, and every alias is used."""
    from cbdash.analysis.funding import alias_lookup, canonical
    from cbdash.data.inventory import load_inventory

    inventory = load_inventory(REPO / "data")
    lookup = alias_lookup(inventory.funder_aliases)
    for alias, funder in [
        ("UK Government", "United Kingdom"),
        ("Foreign, Commonwealth and Development Office (FCDO)", "United Kingdom"),
        ("JICA", "Japan"),
        ("USAID", "United States"),
        ("European Commission", "European Union"),
        ("World Bank Group (WBG)", "World Bank"),
    ]:
        assert canonical(alias, lookup) == funder
    assert canonical("Freedom Online Coalition member countries", lookup).startswith("Freedom")
    funders = set(lookup.values())
    assert not funders & set(lookup)  # no chain: a funder is never itself an alias
    assert not [i for i in inventory.report.issues if i.file == "funder_aliases.csv"]


def test_shipped_short_names_start_like_the_names():
    """A mapping is recognisable on every page: its chart label starts with its name's first
    word (CMM reviews, the ENISA strategies map and the rest)."""
    from cbdash.analysis.model import build_model
    from cbdash.data.rules import same_start

    model = build_model(REPO / "data")
    short, names = model.mapping_short_names, model.mapping_names
    assert [i for i in names if not same_start(short[i], names[i])] == []
    assert short["gcscc_cmm"].startswith("Cybersecurity Capacity Maturity Model")
    assert short["enisa_ncss_map"].startswith("ENISA National Cyber Security Strategies")


def test_validate_warns_on_a_short_name_from_other_words(data_copy, capsys):
    path = data_copy / "mappings.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("    name: Alpha", "    short_name: Other words\n    name: Alpha", 1),
        encoding="utf-8",
    )
    assert main(["validate", str(data_copy)]) == 0
    assert "field 'short_name': 'Other words' should start with the name's first word" in (
        capsys.readouterr().out
    )
