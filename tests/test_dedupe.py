"""De-duplication: tiny hand-checked cases, bad input, overrides, and the shipped evaluation."""

from __future__ import annotations

import random
from pathlib import Path

import pandas as pd
import pytest

from cbdash import dedupe
from cbdash.dedupe import (
    DedupeInputError,
    acronyms,
    cluster,
    normalise_title,
    phase_marker,
    portal_code,
    score_pair,
)

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"


def rec(pid: str, title: str, **fields: str) -> dict[str, str]:
    return {"project_id": pid, "title": title, **fields}


COE = {"funders": "European Union;Council of Europe", "implementers": "Council of Europe"}


# --------------------------------------------------------------------------- text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Cyber Security Capacity Building Programme", "cybersecurity capacity building program"),
        ("Côte d’Ivoire Centre", "cote d ivoire center"),
        (
            "GLACY+ (Global Action on Cybercrime Extended)",
            "glacy plus global action on cybercrime extended",
        ),
        ("EU Cyber Resilience (Cyber4Dev) (*GFCE Initiative)", "eu cyber resilience cyber4dev"),
        ("R&D Co-operation", "r and d cooperation"),
    ],
)
def test_normalise_title(raw, expected):
    assert normalise_title(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("GLACY+", "+"),
        ("GLACY-e", "e"),
        ("Global Action on Cybercrime Extended", "extended"),
        ("Global Action on Cybercrime Enhanced (GLACY-e)", "e enhanced"),
        ("CyberEast+: Enhanced action on cybercrime", "+ enhanced"),
        ("iPROCEEDS-2", "2"),
        ("Cybercrime@EAP III – Public/private cooperation", "3"),
        ("Capacity-Building on Combating Cybercrime in Central Asia: Phase II", "2"),
        ("ASEAN-Japan Cybersecurity Cooperation Hub (Step 1)", "1"),
        ("EL PAcCTO 2.0", "2"),
        ("GLACY", ""),
        ("Safe Digital Community during COVID-19 Project", ""),
        ("e-Governance Academy", ""),
        ("Enhancing Cybersecurity in Least Developed Countries", ""),
    ],
)
def test_phase_marker(raw, expected):
    assert phase_marker(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Pacific Cyber Security Operational Network (PaCSON)", {"pacson"}),
        ("OCWAR-C – Organised Crime", {"ocwarc", "ocwar"}),
        ("Western Balkans Cyber Capacity Centre (WB3C)", {"wb3c"}),
        ("EU support to the CMM and CERT of the UK", set()),
        ("GLACY+", {"glacy"}),
    ],
)
def test_acronyms(raw, expected):
    assert acronyms(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Cybil code G0583", "cybil:G0583"),
        ("GFCE Code GI-07", "cybil:GI-07"),
        ("ITU Project No 9RAS17059", "itu project no:9RAS17059"),
        ("ADB TA 0024-REG", "adb ta:0024-REG"),
        ("Cybercrime Capacity Building Project in the Americas", None),
        ("Cyber Americas II", None),
    ],
)
def test_portal_code(raw, expected):
    assert portal_code(raw) == expected


# --------------------------------------------------------------------------- pairs


SAME = [
    (
        rec("a", "GLACY+ (Global Action on Cybercrime Extended)", **COE),
        rec("b", "Global Action on Cybercrime Extended", **COE),
    ),
    (
        rec("a", "DCCP", funders="USAID"),
        rec("b", "Digital Connectivity and Cybersecurity Partnership", funders="USAID"),
    ),
    (rec("a", "GLACY+ (Global Action on Cybercrime Extended)"), rec("b", "GLACY+")),
    (rec("a", "Cyber Safety Pasifika (CSP)"), rec("b", "Cyber Safety Pasifika Program")),
    (rec("a", "ITU CyberDrills", implementers="ITU"), rec("b", "Cyberdrills", implementers="ITU")),
    (
        rec("a", "UNODC Global Programme on Cybercrime", implementers="UNODC", start_year="2013"),
        rec("b", "Global Programme on Cybercrime", implementers="UNODC", start_year="2013"),
    ),
    (
        rec("a", "AFJOC – African Joint Operation against Cybercrime", implementers="INTERPOL"),
        rec("b", "African Joint Operations against Cybercrime", implementers="INTERPOL"),
    ),
    (
        rec("a", "Project X", aliases="Cybil code G0583"),
        rec("b", "Other name", aliases="Cybil code G0583"),
    ),
    (  # an unmarked name joins a marked one when the years agree
        rec("a", "Global Project on Cybercrime (Phase III)", start_year="2006"),
        rec("b", "Global Project on Cybercrime", start_year="2006"),
    ),
]
DIFFERENT = [
    (rec("a", "GLACY+", **COE), rec("b", "GLACY-e", **COE)),
    (
        rec("a", "Global Action on Cybercrime Extended"),
        rec("b", "Global Action on Cybercrime Enhanced"),
    ),
    (
        rec("a", "Global Action on Cybercrime (GLACY)"),
        rec("b", "GLACY+ (Global Action on Cybercrime Extended)"),
    ),
    (rec("a", "CyberEast", **COE), rec("b", "CyberEast+", **COE)),
    (rec("a", "iPROCEEDS", **COE), rec("b", "iPROCEEDS-2", **COE)),
    (rec("a", "Cybercrime@EAP II", **COE), rec("b", "Cybercrime@EAP III", **COE)),
    (
        rec("a", "Global Project on Cybercrime (Phase III)"),
        rec("b", "Global Project on Cybercrime"),
    ),
    (
        rec("a", "Digital Access Programme", funders="FCDO", implementers="KPMG"),
        rec(
            "b",
            "Digital Access Programme: Brazil cybersecurity school curriculum",
            funders="FCDO",
            implementers="KPMG",
        ),
    ),
    (
        rec("a", "World Bank support to establish Bhutan's national CSIRT"),
        rec("b", "World Bank support to establish Ghana's national CSIRT"),
    ),
    (rec("a", "DCCP"), rec("b", "DCCP-Pacific")),
    (
        rec("a", "CMM Review: Samoa", beneficiary_countries="WSM"),
        rec("b", "CMM Review: Tonga", beneficiary_countries="TON"),
    ),
    (
        rec("a", "Same name", aliases="Cybil code G0583"),
        rec("b", "Same name", aliases="Cybil code G0584"),
    ),
    (
        rec("a", "Child Online Protection initiative"),
        rec("b", "CSIRT Commonwealth online platform"),
    ),
]


@pytest.mark.parametrize(("a", "b"), SAME)
def test_same_project_under_other_names(a, b):
    ev = score_pair(a, b)
    assert ev.same, ev.describe()
    assert cluster(pd.DataFrame([a, b]))["cluster_id"].nunique() == 1


@pytest.mark.parametrize(("a", "b"), DIFFERENT)
def test_phases_and_siblings_stay_apart(a, b):
    ev = score_pair(a, b)
    assert not ev.same, ev.describe()
    assert cluster(pd.DataFrame([a, b]))["cluster_id"].nunique() == 2


def test_evidence_names_what_agreed():
    a = rec(
        "a",
        "GLACY+",
        funders="European Union",
        beneficiary_countries="GHA;SEN;TON",
        start_year="2016",
    )
    b = rec(
        "b",
        "GLACY-e",
        funders="European Union",
        beneficiary_countries="GHA;SEN;TON",
        start_year="2016",
    )
    ev = score_pair(a, b)
    assert (ev.funders, ev.years, ev.countries_jaccard) == ("agree", "agree", 1.0)
    assert "'GLACY+' [+]" in ev.phase_conflict and "[e]" in ev.phase_conflict
    assert "phase conflict" in ev.describe()


def test_phase_conflict_blocks_a_chain_through_an_unmarked_name():
    """'GLACY' is close to both phases, but GLACY+ and GLACY-e never end in one cluster."""
    rows = [
        rec("p1", "GLACY+", **COE),
        rec("p2", "GLACY-e", **COE),
        rec("p3", "Global Action on Cybercrime GLACY", **COE),
    ]
    out = cluster(pd.DataFrame(rows)).set_index("project_id")["cluster_id"]
    assert out["p1"] != out["p2"]


# --------------------------------------------------------------------------- clusters


ROWS = [
    rec("glacy-plus", "GLACY+", **COE),
    rec("gace", "GLACY+ (Global Action on Cybercrime Extended)", **COE),
    rec("glacy-e", "GLACY-e", **COE),
    rec("pacson", "Pacific Cyber Security Operational Network (PaCSON)"),
    rec("pacson-2", "PaCSON"),
]


def test_cluster_ids_are_stable_under_row_order():
    df = pd.DataFrame(ROWS)
    first = cluster(df).set_index("project_id")
    shuffled = cluster(df.sample(frac=1, random_state=3)).set_index("project_id")
    assert first["cluster_id"].to_dict() == shuffled["cluster_id"].to_dict()
    assert first.loc["gace", "cluster_id"] == "c-gace"  # smallest id of the cluster
    assert first.loc["glacy-plus", "cluster_id"] == "c-gace"
    assert first.loc["pacson-2", "cluster_id"] == "c-pacson"
    assert first.loc["glacy-e", "cluster_id"] == "c-glacy-e"
    assert pd.isna(first.loc["glacy-e", "score"])
    assert first.loc["glacy-e", "evidence"].startswith("alone; nearest")


def test_overrides_win_and_are_named():
    overrides = pd.DataFrame(
        [
            ("glacy-plus", "gace", "different", "checked: not the same"),
            ("glacy-e", "pacson", "same", "test override"),
        ],
        columns=list(dedupe.OVERRIDE_COLUMNS),
    )
    out = cluster(pd.DataFrame(ROWS), overrides).set_index("project_id")
    assert out.loc["glacy-plus", "cluster_id"] != out.loc["gace", "cluster_id"]
    assert (
        "override: different from gace (checked: not the same)" in out.loc["glacy-plus", "evidence"]
    )
    assert out.loc["glacy-e", "cluster_id"] == out.loc["pacson", "cluster_id"]
    assert out.loc["glacy-e", "score"] == 1.0
    assert "override same (test override)" in out.loc["glacy-e", "evidence"]


def test_contradictory_overrides_are_refused():
    overrides = pd.DataFrame(
        [
            ("gace", "glacy-e", "same", "x"),
            ("glacy-e", "pacson", "same", "y"),
            ("gace", "pacson", "different", "z"),
        ],
        columns=list(dedupe.OVERRIDE_COLUMNS),
    )
    with pytest.raises(DedupeInputError, match="overrides contradict"):
        cluster(pd.DataFrame(ROWS), overrides)


def test_missing_optional_columns_are_empty():
    df = pd.DataFrame(
        {"project_id": ["a", "b", "c"], "title": ["CyberSouth", "CyberSouth Project", "Octopus"]}
    )
    out = cluster(df).set_index("project_id")
    assert out.loc["a", "cluster_id"] == out.loc["b", "cluster_id"] == "c-a"
    assert out.loc["c", "cluster_id"] == "c-c"


def test_match_existing_marks_known_projects():
    existing = pd.DataFrame([rec("pacson", "Pacific Cyber Security Operational Network (PaCSON)")])
    new = pd.DataFrame([rec("x", "PaCSON"), rec("y", "Cyber Safety Pasifika")])
    out = dedupe.match_existing(new, existing)
    assert out["matches_existing"].tolist() == ["pacson", ""]
    assert out.loc[0, "match_score"] >= dedupe.ACCEPT_SCORE


def test_two_thousand_synthetic_rows():
    """Blocking keeps this far from all pairs; seeded copies join, later phases do not."""
    rng = random.Random(20261127)
    syllables = ["ka", "ro", "mi", "ta", "ne", "su", "vo", "li", "pa", "de", "gu", "zo", "be", "xi"]
    words = [
        f"{rng.choice(syllables)}{rng.choice(syllables)}{rng.choice(syllables)}tion"
        for _ in range(300)
    ]
    places = ["Kenya", "Ghana", "Fiji", "Tonga", "Peru", "Chile", "Nepal", "Laos", "Samoa", "Benin"]
    rows = []
    for i in range(1800):
        coined = "".join(rng.choice(syllables) for _ in range(4)).capitalize()
        title = f"{coined} {' '.join(rng.sample(words, 3))} in {rng.choice(places)}"
        rows.append(
            rec(
                f"p{i:04d}",
                title,
                funders=rng.choice(["EU", "Japan", "USAID"]),
                start_year=str(rng.randint(2005, 2020)),
            )
        )
    for i in range(100):  # a second listing of the same project
        base = rows[i]
        rows.append(
            rec(
                f"q{i:04d}",
                base["title"] + " project",
                funders=base["funders"],
                start_year=base["start_year"],
            )
        )
    for i in range(100, 200):  # a later phase
        base = rows[i]
        rows.append(
            rec(
                f"r{i:04d}",
                base["title"] + " II",
                funders=base["funders"],
                start_year=str(int(base["start_year"]) + 4),
            )
        )
    df = pd.DataFrame(rows)
    assert len(dedupe.candidate_pairs(df)) < len(df) * 50
    out = cluster(df).set_index("project_id")["cluster_id"]
    joined = sum(out[f"q{i:04d}"] == out[f"p{i:04d}"] for i in range(100))
    assert joined >= 95
    assert not any(out[f"r{i:04d}"] == out[f"p{i:04d}"] for i in range(100, 200))


# --------------------------------------------------------------------------- input and CLI


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "code", "message"),
    [
        (None, 2, "file not found"),
        ("", 2, "file is empty"),
        ("project_id,title\n", 2, "no data rows"),
        ("project_id,name\na,GLACY\n", 2, "missing required column 'title'"),
        ("id,title\na,GLACY\n", 2, "missing required column 'project_id'"),
        (
            "project_id,title\na,GLACY\nb,PaCSON\na,CyberEast\n",
            1,
            "rows 2, 4, field 'project_id': duplicate project_id 'a'",
        ),
        ("project_id,title\n,GLACY\n", 1, "row 2, field 'project_id': empty"),
    ],
)
def test_bad_input_messages(tmp_path, capsys, text, code, message):
    src = tmp_path / "projects.csv"
    if text is not None:
        write(src, text)
    assert dedupe.run_dedupe_cli(src, tmp_path / "out.csv") == code
    err = capsys.readouterr().err
    assert message in err and str(src) in err
    assert not (tmp_path / "out.csv").exists()


def test_cli_writes_clusters_and_ignores_other_columns(tmp_path, capsys):
    src = write(
        tmp_path / "projects.csv",
        "project_id,title,colour,start_year\n"
        "b,Cyber Safety Pasifika (CSP),red,2011\n"
        "a,Cyber Safety Pasifika Program,blue,2011\n"
        "c,GLACY,green,not a year\n",
    )
    assert dedupe.run_dedupe_cli(src, tmp_path / "out.csv") == 0
    captured = capsys.readouterr()
    assert "row 4, field 'start_year': 'not a year' is not a year; ignored" in captured.err
    assert "3 rows -> 2 clusters" in captured.out
    out = pd.read_csv(tmp_path / "out.csv", dtype=str, keep_default_na=False)
    assert list(out.columns) == ["project_id", "cluster_id", "score"]
    assert out["cluster_id"].tolist() == ["c-a", "c-a", "c-c"]
    assert out.loc[2, "score"] == ""


def test_bad_override_rows_are_named(tmp_path, capsys):
    src = write(tmp_path / "projects.csv", "project_id,title\na,GLACY\n")
    write(
        tmp_path / "dedupe_overrides.csv", "project_id_a,project_id_b,decision,reason\na,b,maybe,\n"
    )
    assert dedupe.run_dedupe_cli(src, tmp_path / "out.csv") == 1
    err = capsys.readouterr().err
    assert "row 2, field 'decision': 'maybe' is not same|different" in err
    assert "row 2, field 'reason': empty" in err


# --------------------------------------------------------------------------- shipped data


@pytest.fixture(scope="module")
def shipped():
    projects, _ = dedupe.read_projects(DATA / "projects.csv")
    labels = pd.read_csv(DATA / "dedupe_labels.csv", dtype=str, keep_default_na=False)
    return projects, labels


@pytest.fixture(scope="module")
def evaluation(shipped):
    projects, labels = shipped
    return dedupe.evaluate(dedupe.explode_names(projects), labels)


def test_labels_are_in_step_with_projects(shipped):
    """Derived labels match projects.csv; rerun refresh_labels after editing names."""
    projects, labels = shipped
    fresh = dedupe.refresh_labels(projects, labels)
    key = list(dedupe.LABEL_COLUMNS)
    pd.testing.assert_frame_equal(
        fresh.sort_values(key).reset_index(drop=True),
        labels.sort_values(key).reset_index(drop=True),
    )
    assert set(labels["label"]) == {"same", "different"}


def test_shipped_evaluation_precision(evaluation):
    assert evaluation["missing_labels"] == []
    assert evaluation["precision"] >= 0.95, evaluation["false_positives"]
    assert evaluation["cross_row_pairs"] == 0


def test_shipped_evaluation_recall_floor(evaluation):
    """What the scorer reaches today (0.70); guards against regressions."""
    assert evaluation["recall"] >= 0.70


@pytest.mark.xfail(
    strict=True,
    reason="target recall 0.90 not met: 25 of 51 missed aliases have next to no name similarity "
    "(translations, former or umbrella names); see data/dedupe_labels.meta.yaml",
)
def test_shipped_evaluation_recall_target(evaluation):
    assert evaluation["recall"] >= 0.90


def test_shipped_rows_stay_distinct_and_overrides_are_valid(shipped):
    projects, _ = shipped
    overrides = dedupe.load_overrides(DATA / "dedupe_overrides.csv")
    assert set(overrides["project_id_a"]) | set(overrides["project_id_b"]) <= set(
        projects["project_id"]
    )
    out = cluster(projects, overrides)
    assert out["cluster_id"].nunique() == len(projects)


def test_run_evaluate_cli_prints_both_runs(capsys):
    assert dedupe.run_evaluate_cli(DATA) == 0
    out = capsys.readouterr().out
    assert "all fields: precision" in out and "names only: precision" in out
