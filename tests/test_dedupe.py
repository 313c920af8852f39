"""Duplicate check (cbdash.dedupe): each step on small hand-checked inputs, the review queue,
reviewed pairs, input errors and the CLI. The measured figures are in test_dedupe_evaluation."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cbdash import dedupe
from cbdash.analysis import projects as projects_module
from cbdash.analysis.projects import QUEUE_COLUMNS, match_existing, neighbour_pairs, review_queue
from cbdash.cli import main as cli_main
from cbdash.data.lists import REVIEWED_COLUMNS
from cbdash.dedupe import DedupeInputError, cluster
from cbdash.dedupe import score as score_module
from cbdash.dedupe.candidates import candidate_pairs, cross_pairs
from cbdash.dedupe.cluster import records_of
from cbdash.dedupe.constraints import decisions_for, shared_code, veto
from cbdash.dedupe.features import FEATURES, NAME_LEVELS, compare, name_similarity
from cbdash.dedupe.normalise import (
    GENERIC,
    STOP,
    acronyms,
    discount_common,
    make_record,
    markers,
    name_language,
    normalise_title,
    portal_code,
    translate_name,
)
from evaluation import dedupe as ev

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"


def rec(pid: str, title: str, **fields: str) -> dict[str, str]:
    return {"project_id": pid, "title": title, **fields}


def record(title: str, pid: str = "x", **fields: str):
    return make_record(rec(pid, title, **fields))


def features(a: str, b: str, **fields: str) -> dict[str, float]:
    """The features of two names (with the same `fields`) that are not zero."""
    c = compare(record(a, "a", **fields), record(b, "b", **fields))
    return {f: v for f, v in zip(FEATURES, c.values, strict=True) if v}


COE = {"funders": "European Union;Council of Europe", "implementers": "Council of Europe"}


# ----------------------------------------------------------------------------- normalise


def test_word_lists_are_data():
    words = pd.read_csv(DATA / "dedupe_words.csv", dtype=str, keep_default_na=False)
    assert {"stop", "generic", "region", "spelling", "function_fr", "number", "script"} <= set(
        words["list"]
    )
    assert "the" in STOP and "cybersecurity" in GENERIC
    assert (DATA / "dedupe_words.meta.yaml").exists()
    for name in ("normalise", "features", "candidates", "constraints", "cluster", "score"):
        code = (REPO / "src" / "cbdash" / "dedupe" / f"{name}.py").read_text(encoding="utf-8")
        assert "cybersecurity capacity" not in code.lower()  # no word lists in code


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
        ("CICTE's Cybersecurity program", "cicte cybersecurity program"),
        ("Association of Southeast Asian Nations", "association of south east asian nations"),
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
        ("iPROCEEDS-2", "2"),
        ("Cybercrime@EAP III – Public/private cooperation", "3"),
        ("Capacity-Building on Combating Cybercrime in Central Asia: Phase II", "2"),
        ("ASEAN-Japan Cybersecurity Cooperation Hub (Step 1)", "1"),
        ("EL PAcCTO 2.0", "2"),
        ("GLACY", ""),
        ("Safe Digital Community during COVID-19 Project", ""),
        ("e-Governance Academy", ""),
    ],
)
def test_phase_marks(raw, expected):
    symbols, words = markers(raw.replace("\u2013", "-"))
    assert " ".join(sorted(symbols) + sorted(words)) == expected


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
    ],
)
def test_portal_code(raw, expected):
    assert portal_code(raw) == expected


@pytest.mark.parametrize(
    ("raw", "language"),
    [
        ("Action globale sur la cybercriminalité élargie", "fr"),
        ("Centro de Cibercapacidades para Latinoamérica y el Caribe", "es"),
        ("サイバーセキュリティ人材育成プロジェクト", "ja"),
        ("Project on Capacity Building for Cyber Security in Vietnam", "en"),
        ("AU Expertengruppe für Cybersicherheit", "de"),
        ("EL PAcCTO", ""),  # one Spanish-looking word is no sign
        ("Cyber Safety Pasifika", ""),
    ],
)
def test_name_language(raw, language):
    assert name_language(raw) == language


def test_translate_name_reads_the_glossary_and_country_names():
    assert translate_name("Action globale sur la cybercriminalité élargie") == (
        "Action global sur la cybercrime extended"
    )
    assert translate_name("GLACY+ (Global Action on Cybercrime Extended)").startswith("GLACY+ (")
    assert "chad" in translate_name("Projet de Transformation Numérique du Tchad").lower()


def test_a_name_gives_its_parts():
    names = [n.raw for n in record("GLACY+ (Global Action on Cybercrime Extended)").names]
    assert names[:3] == [
        "GLACY+ (Global Action on Cybercrime Extended)",
        "GLACY+",
        "Global Action on Cybercrime Extended",
    ]
    names = [n.raw for n in record("Cyber Safety Pasifika (CSP)").names]
    assert names == ["Cyber Safety Pasifika (CSP)", "Cyber Safety Pasifika", "CSP"]
    # an organisation in parentheses is not the project's name
    assert [n.raw for n in record("Cybersecurity Policy Program (OAS/CICTE)").names][
        -1
    ] != "OAS/CICTE"


def test_words_most_records_hold_count_as_common():
    records = [record(f"Zorvan hub {chr(97 + i)}", f"p{i}") for i in range(12)]
    assert records[0].names[0].weights["zorvan"] == 1.0
    discounted = discount_common(records, limit=10)
    assert discounted[0].names[0].weights["zorvan"] == 0.3
    assert discount_common(records, limit=20) is records


# ----------------------------------------------------------------------------- candidates


def test_acronyms_and_coined_words_meet_their_words_in_blocking():
    df = pd.DataFrame(
        [
            rec("glacy", "GLACY"),
            rec("gac", "Global Action on Cybercrime"),
            rec("eap", "CyberCrime@EAP"),
            rec("eap-long", "Eastern Partnership – Cooperation against Cybercrime"),
            rec("pacson", "PaCSON"),
            rec("pacson-long", "Pacific Cyber Security Operational Network"),
            rec("certtonga", "Developing certTonga"),
            rec("tonga", "Tonga CERT cybersecurity grant"),
            rec("other", "Octopus Conference"),
        ]
    )
    records = records_of(df)
    pairs = {
        tuple(sorted((records[i].project_id, records[j].project_id)))
        for i, j in candidate_pairs(records)
    }
    for pair in [
        ("gac", "glacy"),
        ("eap", "eap-long"),
        ("pacson", "pacson-long"),
        ("certtonga", "tonga"),
    ]:
        assert pair in pairs
    assert not any("other" in pair for pair in pairs)


def test_a_common_key_needs_a_second_one():
    """Twelve names share 'zorvan' (more than RARE_BLOCK): only the two that also share
    'kelpra' are compared."""
    df = pd.DataFrame(
        [
            rec(f"p{i}", f"Zorvan {w}")
            for i, w in enumerate(["Kelpra Trust", "Kelpra Hub", *(f"Word{k}x" for k in range(10))])
        ]
    )
    records = records_of(df)
    assert candidate_pairs(records).tolist() == [[0, 1]]


def test_neighbours_meet_without_a_shared_word():
    records = records_of(
        pd.DataFrame(
            [rec("a", "CSIRTs Network"), rec("b", "CSIRTAmericas Network"), rec("c", "Octopus")]
        )
    )
    assert [0, 1] in neighbour_pairs(records, n=1).tolist()
    assert neighbour_pairs(records[:1], records[1:], n=1).tolist() == [[0, 0]]
    assert len(candidate_pairs(records)) == len(cross_pairs(records[:1], records[1:])) == 0


def test_the_review_queue_uses_nearest_names_up_to_a_size(monkeypatch):
    rows = pd.DataFrame([rec("a", "CSIRTs Network"), rec("b", "CSIRTAmericas Network")])
    known = pd.DataFrame([rec("k", "CSIRTAmericas Network Hub")])
    queue = review_queue(rows, k=5, known=known)
    assert {"b", "k"} <= set(queue.loc[queue["project_id"] == "a", "candidate_id"])
    monkeypatch.setattr(projects_module, "NEIGHBOUR_ROWS", 2)  # 3 rows: blocking alone
    assert "a" not in set(review_queue(rows, k=5, known=known)["project_id"])


# ----------------------------------------------------------------------------- features


def test_the_name_comparison_is_one_level():
    assert features("Global Action on Cybercrime", "Action globale sur la cybercriminalité")[
        "same_name"
    ]
    found = features("DCCP", "Digital Connectivity and Cybersecurity Partnership")
    assert found["acronym"] and not found.get("same_name")
    found = features("DCCP", "DCCP-Pacific")
    assert found["acronym_in_longer"] and found["added_place"] and not found.get("acronym")
    levels = [f for f in NAME_LEVELS if features("Kelpra Trust Fund", "Kelpra Trust Hub").get(f)]
    assert len(levels) == 1


def test_name_similarity_weighs_common_words_less():
    def sim(a: str, b: str) -> float:
        return name_similarity(record(a).names[0], record(b).names[0])[0]

    assert sim("Cyber Drill Kelpra", "Kelpra Drill") > 0.7  # "cyber" is a common word
    assert sim("Kelpra operation", "Kelpra operations") == 1.0  # a plural
    assert sim("Kelpra Trust Fund", "Kelpra Trust Fund for Kenya") < sim(
        "Kelpra Trust Fund", "Kelpra Trust Fund Programme"
    )
    assert (
        sim("Cybersecurity Capacity Building", "Cybersecurity Capacity Hub") < 0.5
    )  # only common words


def test_fields_agree_only_beside_names_that_point_to_each_other():
    same_fields = {
        "funders": "Donor A",
        "implementers": "Implementer X",
        "beneficiary_countries": "KEN",
        "start_year": "2019",
    }
    near = features("Kelpra Kenya Cyber Hub", "Kelpra Cyber Hub Kenya", **same_fields)
    assert near["funders_agree"] and near["corroborated"]
    apart = features("Kenya Cyber Hub", "Kenya Police Training", **same_fields)
    assert not apart.get("funders_agree") and not apart.get("corroborated")
    differ = features(
        "Kenya Cyber Hub",
        "Kenya Police Training",
        funders="A",
        start_year="2010",
        **{"beneficiary_countries": "KEN"},
    )
    assert not differ.get("funders_differ")  # the same funder
    assert features("X Hub", "X Hub", start_year="2010", end_year="2011").get("years_agree")


# ----------------------------------------------------------------------------- constraints


@pytest.mark.parametrize(
    ("a", "b", "why"),
    [
        ("GLACY+", "GLACY-e", "[+]"),
        (
            "Global Action on Cybercrime Extended",
            "Global Action on Cybercrime Enhanced",
            "[enhanced]",
        ),
        ("Cybercrime@EAP II", "Cybercrime@EAP III", "[2]"),
        ("ASEAN-ITU 2022 CyberDrill", "ASEAN-ITU 2023 CyberDrill", "[2022]"),
        ("OCWAR-M (Money Laundering)", "OCWAR-C (Cybersecurity)", "OCWAR-M vs OCWAR-C"),
        (
            "Organised Crime: West African Response to Trafficking (OCWAR–T)",
            "Organised Crime (OCWAR)",
            "bare OCWAR",
        ),
        (
            "Action globale sur la cybercriminalité élargie",
            "Action globale renforcée sur la cybercriminalité",
            "[",
        ),
    ],
)
def test_vetoes(a, b, why):
    text = veto(record(a, "a"), record(b, "b"))
    assert text.startswith("kept apart") and why in text, text
    assert cluster(pd.DataFrame([rec("a", a), rec("b", b)]))["cluster_id"].nunique() == 2


def test_codes_decide():
    a = record("Project X", "a", aliases="Cybil code G0583")
    assert shared_code(a, record("Other name", "b", aliases="Cybil code G0583"))
    assert "G0583 vs" in veto(a, record("Project X", "b", aliases="Cybil code G0584"))
    out = cluster(
        pd.DataFrame(
            [
                rec("a", "Project X", aliases="Cybil code G0583"),
                rec("b", "Other name", aliases="Cybil code G0583"),
            ]
        )
    )
    assert out["cluster_id"].nunique() == 1 and "same code cybil:G0583" in out["evidence"][0]


def test_a_phase_on_one_side_needs_the_same_start_year():
    c = compare(
        record("Global Project on Cybercrime (Phase III)", "a"),
        record("Global Project on Cybercrime", "b"),
    )
    assert "phase marked on one side only" in c.held
    years = {"start_year": "2006"}
    c = compare(
        record("Global Project on Cybercrime (Phase III)", "a", **years),
        record("Global Project on Cybercrime", "b", **years),
    )
    assert c.held == ""


def test_a_veto_holds_through_a_third_name():
    rows = [
        rec("p1", "GLACY+", **COE),
        rec("p2", "GLACY-e", **COE),
        rec("p3", "Global Action on Cybercrime GLACY", **COE),
    ]
    out = cluster(pd.DataFrame(rows)).set_index("project_id")["cluster_id"]
    assert out["p1"] != out["p2"]


# ----------------------------------------------------------------------------- model


def test_the_fit_recovers_a_known_model():
    rng = np.random.default_rng(1)
    x = rng.random((4000, len(FEATURES)))
    true = np.zeros(len(FEATURES) + 1)
    true[list(FEATURES).index("same_name")], true[-1] = 4.0, -2.0
    y = (rng.random(4000) < 1 / (1 + np.exp(-(x @ true[:-1] + true[-1])))).astype(float)
    w = score_module.fit(x, y, l2=0.01)
    assert abs(w[list(FEATURES).index("same_name")] - 4.0) < 0.5 and abs(w[-1] + 2.0) < 0.5
    assert all(w[list(FEATURES).index(f)] <= 0 for f in score_module.AGAINST)


def test_the_threshold_is_the_lowest_with_the_target_precision():
    p = np.array([0.99, 0.95, 0.9, 0.8, 0.7, 0.6])
    y = np.array([1, 1, 1, 0, 1, 0])
    assert ev.choose_threshold(p, y, 1.0) == 0.9
    assert ev.choose_threshold(p, y, 0.8) == 0.7


def test_cross_validation_never_scores_a_family_it_learned(monkeypatch):
    """A pair of family f is scored by weights fitted only on rows outside f's fold."""
    x = np.eye(len(FEATURES))[[0, 1, 2, 3] * 5]
    groups = tuple(frozenset({f"fam{i % 7}"}) for i in range(20))
    data = ev.TrainingSet(x, np.array([1.0, 0.0] * 10), groups)
    sizes: list[int] = []
    real_fit = ev.fit
    monkeypatch.setattr(
        ev, "fit", lambda xs, ys, l2=1.0: sizes.append(len(xs)) or real_fit(xs, ys, l2)
    )
    ev.fold_models(data)({"fam0"})
    held = ev._fold("fam0")
    assert sizes == [sum(ev._fold(next(iter(g))) != held for g in groups)]
    assert sizes[0] < 20


def test_the_shipped_model_file_is_what_training_gives():
    """data/dedupe_model.csv is in step with the labels, reviewed pairs, projects.csv, word
    lists and features: after changing any, run `python -m evaluation.dedupe --train`."""
    shipped = score_module.read_model(DATA / score_module.MODEL_FILE)
    assert shipped is not None, "the model file is missing or written for other features"
    fresh = ev.train(DATA)
    assert np.allclose(shipped.weights, fresh.weights, atol=1e-3)
    assert abs(shipped.threshold - fresh.threshold) < 1e-3


def test_evidence_is_in_words():
    m = score_module.model()
    c = compare(
        record("DCCP", "a"), record("Digital Connectivity and Cybersecurity Partnership", "b")
    )
    text = m.explain(c, 0.5)
    assert (
        text.startswith("0.50; names 'DCCP' ~ ")
        and "for: an acronym of 4+ letters spelt out" in text
    )


# ----------------------------------------------------------------------------- clusters


SAME = [  # clear cases: one project under two names
    (
        rec("a", "GLACY+ (Global Action on Cybercrime Extended)", **COE),
        rec("b", "Global Action on Cybercrime Extended", **COE),
    ),
    (rec("a", "GLACY+ (Global Action on Cybercrime Extended)"), rec("b", "GLACY+")),
    (
        rec("a", "Action globale sur la cybercriminalité élargie"),
        rec("b", "Global Action on Cybercrime Extended"),
    ),
    (rec("a", "Cyber4Peace Network"), rec("b", "Cyber for Peace Network")),
    (
        rec("a", "Centro di competenza informatica dell'America latina e dei Caraibi (Lac4)"),
        rec("b", "Latin America and Caribbean Cyber Capacity Center (LAC4)"),
    ),
    (rec("a", "Programa de Ciberseguridad OEA"), rec("b", "OAS Cybersecurity Program")),
]
DIFFERENT = [  # phases, parts and siblings
    (rec("a", "GLACY+", **COE), rec("b", "GLACY-e", **COE)),
    (
        rec("a", "Global Action on Cybercrime (GLACY)"),
        rec("b", "GLACY+ (Global Action on Cybercrime Extended)"),
    ),
    (rec("a", "CyberEast", **COE), rec("b", "CyberEast+", **COE)),
    (rec("a", "DCCP"), rec("b", "DCCP-Pacific")),
    (
        rec("a", "CMM Review: Samoa", beneficiary_countries="WSM"),
        rec("b", "CMM Review: Tonga", beneficiary_countries="TON"),
    ),
    (
        rec("a", "World Bank support to establish Bhutan's national CSIRT"),
        rec("b", "World Bank support to establish Ghana's national CSIRT"),
    ),
    (rec("a", "GFCE Pacific Hub"), rec("b", "GFCE Southeast Asia Hub")),
]


@pytest.mark.parametrize(("a", "b"), SAME)
def test_same_project_under_other_names(a, b):
    out = cluster(pd.DataFrame([a, b]))
    assert out["cluster_id"].nunique() == 1, out["evidence"][0]


@pytest.mark.parametrize(("a", "b"), DIFFERENT)
def test_phases_parts_and_siblings_stay_apart(a, b):
    out = cluster(pd.DataFrame([a, b]))
    assert out["cluster_id"].nunique() == 2, out["evidence"][0]


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
    assert first.loc["glacy-plus", "cluster_id"] == "c-gace"
    assert first.loc["pacson-2", "cluster_id"] == "c-pacson"
    assert first.loc["glacy-e", "cluster_id"] == "c-glacy-e"
    assert pd.isna(first.loc["glacy-e", "score"])
    assert first.loc["glacy-e", "evidence"].startswith("alone; nearest ")
    assert re.match(r"same as \S+: 0\.\d\d; names ", first.loc["pacson-2", "evidence"])


def reviewed(*rows: tuple[str, str, str, str, str]) -> list[dict[str, str]]:
    return [
        dict(
            zip(
                REVIEWED_COLUMNS,
                (a, ta, b, tb, d, "A. Reviewer", "2026-11-29", "checked"),
                strict=True,
            )
        )
        for a, ta, b, tb, d in rows
    ]


def test_reviewed_pairs_win_by_ids_or_by_names():
    decisions = reviewed(
        ("glacy-plus", "", "gace", "", "different"),
        ("", "GLACY-e", "", "Pacific Cyber Security Operational Network (PaCSON)", "same"),
    )
    out = cluster(pd.DataFrame(ROWS), decisions).set_index("project_id")
    assert out.loc["glacy-plus", "cluster_id"] != out.loc["gace", "cluster_id"]
    assert (
        "reviewed: different from gace (different by A. Reviewer on 2026-11-29: checked)"
        in out.loc["glacy-plus", "evidence"]
    )
    assert out.loc["glacy-e", "cluster_id"] == out.loc["pacson", "cluster_id"]
    assert (
        out.loc["glacy-e", "score"] == 1.0
        and "reviewed same by A. Reviewer" in out.loc["glacy-e", "evidence"]
    )


def test_contradictory_reviewed_pairs_are_refused():
    decisions = reviewed(
        ("gace", "", "glacy-e", "", "same"),
        ("glacy-e", "", "pacson", "", "same"),
        ("gace", "", "pacson", "", "different"),
    )
    with pytest.raises(DedupeInputError, match="reviewed pairs contradict"):
        cluster(pd.DataFrame(ROWS), decisions)


def test_decisions_apply_to_names_after_normalisation():
    records = [record("Cyber Drill Kelpra", "a"), record("KELPRA Exercise", "b")]
    found = decisions_for(
        records, reviewed(("", "cyber drill  kelpra", "", "Kelpra exercise", "same"))
    )
    assert list(found) == [("a", "b")]


def test_missing_optional_columns_and_duplicate_ids():
    out = cluster(
        pd.DataFrame(
            {
                "project_id": ["a", "b", "c"],
                "title": ["CyberSouth", "CyberSouth Project", "Octopus"],
            }
        )
    )
    assert out.set_index("project_id")["cluster_id"].to_dict() == {
        "a": "c-a",
        "b": "c-a",
        "c": "c-c",
    }
    with pytest.raises(DedupeInputError, match="duplicate project_id 'a'"):
        cluster(pd.DataFrame({"project_id": ["a", "a"], "title": ["X", "Y"]}))


def test_match_existing_marks_known_projects():
    existing = pd.DataFrame(
        [rec("glacy-plus", "GLACY+ (Global Action on Cybercrime Extended)", aliases="GLACY+")]
    )
    new = pd.DataFrame({"title": ["Global Action on Cybercrime Extended", "Octopus Conference"]})
    out = match_existing(new, existing)
    assert out["matches_existing"].tolist() == ["glacy-plus", ""]
    assert out["match_score"].notna().tolist() == [True, False]


KNOWN = pd.DataFrame(
    {
        "project_id": ["glacy-plus", "glacy-e", "csirtamericas"],
        "title": [
            "GLACY+ (Global Action on Cybercrime Extended)",
            "Global Action on Cybercrime Enhanced (GLACY-e)",
            "CSIRTAmericas Network",
        ],
        "aliases": [
            "GLACY+",
            "GLACY-e",
            "Hemispheric Network of Computer Security Incident Response Teams (CSIRTs)",
        ],
    }
)


def test_two_names_of_one_known_project_are_the_same():
    rows = pd.DataFrame(
        {
            "project_id": ["a", "b", "c", "d"],
            "title": [
                "Global Action on Cybercrime Extended",
                "GLACY+",
                "Hemispheric Network of Computer Security Incident Response Teams (CSIRTs)",
                "CSIRTAmericas Network",
            ],
        }
    )
    assert cluster(rows)["cluster_id"].nunique() == 4
    out = cluster(rows, known=KNOWN).set_index("project_id")
    assert out["cluster_id"].tolist() == ["c-a", "c-a", "c-c", "c-c"]
    assert out["known_project"].tolist() == [
        "glacy-plus",
        "glacy-plus",
        "csirtamericas",
        "csirtamericas",
    ]
    assert (
        "both are names of known project 'csirtamericas'"
        in out.loc["c", "evidence"] + out.loc["d", "evidence"]
    )
    assert "known project 'csirtamericas'" in out.loc["d", "evidence"]


def test_rows_of_two_known_projects_stay_apart():
    known = pd.DataFrame(
        {
            "project_id": ["k1", "k2"],
            "title": ["Cyber Bridge", "Cyber Bridge"],
            "funders": ["United Kingdom", "Japan"],
            "start_year": ["2016", "2021"],
            "end_year": ["2018", "2023"],
        }
    )
    rows = pd.DataFrame(
        {
            "project_id": ["a", "b", "c"],
            "title": ["Cyber Bridge"] * 3,
            "funders": ["United Kingdom", "Japan", ""],
            "start_year": ["2016", "2021", ""],
            "end_year": ["2018", "2023", ""],
        }
    )
    assert cluster(rows, known=known)["cluster_id"].tolist() == ["c-a", "c-b", "c-a"]


# ----------------------------------------------------------------------------- review queue


def test_the_review_queue_ranks_candidates_with_evidence():
    rows = pd.DataFrame(
        [
            rec("a", "Global Action on Cybercrime Extended"),
            rec("b", "GLACY+"),
            rec("c", "GLACY-e"),
            rec("d", "Octopus Conference"),
        ]
    )
    queue = review_queue(rows, k=2, known=KNOWN)
    assert list(queue.columns) == QUEUE_COLUMNS
    assert queue.groupby(["project_id", "candidate_from"])["rank"].max().max() <= 2
    first = queue[(queue["project_id"] == "a") & (queue["candidate_from"] == "inventory")].iloc[0]
    assert (first["candidate_id"], first["rank"], first["verdict"]) == ("glacy-plus", 1, "same")
    assert first["evidence"].startswith(f"{first['score']:.2f}; names ")
    apart = queue[(queue["project_id"] == "b") & (queue["candidate_id"] == "c")]
    assert apart["verdict"].tolist() == ["kept apart"] and "kept apart" in apart["evidence"].iloc[0]
    assert apart["rank"].tolist() == [2]  # after the candidate that may be the same


def test_the_review_queue_names_reviewed_decisions():
    rows = pd.DataFrame([rec("a", "Kelpra Trust Fund"), rec("b", "Kelpra Trust Facility")])
    queue = review_queue(
        rows,
        k=3,
        reviewed=reviewed(("", "Kelpra Trust Fund", "", "Kelpra Trust Facility", "different")),
    )
    assert set(queue["verdict"]) == {"reviewed different"}


# ----------------------------------------------------------------------------- input, files, CLI


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
        (
            "project_id,title\na,GLACY\nb,PaCSON\na,CyberEast\n",
            1,
            "rows 2, 4, field 'project_id': duplicate project_id 'a'",
        ),
        ("project_id,title\n,GLACY\n", 1, "row 2, field 'project_id': empty"),
    ],
)
def test_bad_input_messages(tmp_path, capsys, text, code, message):
    src = tmp_path / "in.csv"
    if text is not None:
        write(src, text)
    assert (
        cli_main(["dedupe", str(src), "--out", str(tmp_path / "out.csv"), "--names-only"]) == code
    )
    assert message in capsys.readouterr().err
    assert not (tmp_path / "out.csv").exists()


def test_parse_projects_numbers_rows_without_ids():
    df, warnings = dedupe.parse_projects(b"title,start_year\nGLACY,20x6\n", "up.csv")
    assert df["project_id"].tolist() == ["row 2"]
    assert warnings == ["WARNING: up.csv, row 2, field 'start_year': '20x6' is not a year; ignored"]


def test_reviewed_pairs_are_checked(tmp_path):
    path = write(tmp_path / "r.csv", ",".join(REVIEWED_COLUMNS) + "\n,A,,B,maybe,,2026-13,\n")
    with pytest.raises(DedupeInputError) as info:
        dedupe.load_reviewed(path)
    text = "\n".join(info.value.messages)
    for part in (
        "field 'decision': 'maybe' is not same|different",
        "field 'reviewer': empty",
        "field 'date': '2026-13' is not YYYY-MM-DD",
        "field 'reason': empty",
    ):
        assert part in text
    assert dedupe.load_reviewed(tmp_path / "none.csv") == []
    shipped = dedupe.load_reviewed(DATA / "dedupe_reviewed.csv")
    assert shipped and {r["decision"] for r in shipped} <= {"same", "different"}


def test_validate_data_checks_the_reviewed_pairs(tmp_path):
    import shutil

    for path in DATA.iterdir():
        if path.is_file():
            shutil.copy(path, tmp_path / path.name)
    shutil.copytree(DATA / "geo", tmp_path / "geo")
    assert cli_main(["validate", str(tmp_path)]) == 0
    with (tmp_path / "dedupe_reviewed.csv").open("a", encoding="utf-8") as f:
        f.write("a,A,b,B,same,Someone,29 Nov 2026,because\n")
    assert cli_main(["validate", str(tmp_path)]) == 1


def test_cli_writes_clusters_and_the_review_queue(tmp_path, capsys):
    src = write(
        tmp_path / "in.csv",
        "project_id,title,extra\na,Global Action on Cybercrime Extended,x\n"
        "b,GLACY+,y\nc,Octopus,z\n",
    )
    assert cli_main(["dedupe", str(src), "--out", str(tmp_path / "out.csv")]) == 0
    assert "known projects from" in capsys.readouterr().out
    out = pd.read_csv(tmp_path / "out.csv", dtype=str)
    assert list(out.columns) == [
        "project_id",
        "cluster_id",
        "score",
        "evidence",
        "known_project",
        "known_score",
    ]
    assert out["cluster_id"].tolist() == ["c-a", "c-a", "c-c"]
    args = [
        "dedupe",
        str(src),
        "--out",
        str(tmp_path / "q.csv"),
        "--candidates",
        "3",
        "--names-only",
    ]
    assert cli_main(args) == 0
    queue = pd.read_csv(tmp_path / "q.csv", dtype=str)
    assert list(queue.columns) == QUEUE_COLUMNS and set(queue["candidate_from"]) == {"list"}
    assert "top 3 per row" in capsys.readouterr().out


def test_cli_names_a_missing_known_file(tmp_path, capsys):
    src = write(tmp_path / "in.csv", "project_id,title\na,GLACY\n")
    assert (
        cli_main(
            [
                "dedupe",
                str(src),
                "--out",
                str(tmp_path / "o.csv"),
                "--known",
                str(tmp_path / "no.csv"),
            ]
        )
        == 2
    )
    assert "no.csv" in capsys.readouterr().err


def test_nothing_under_src_reads_the_evaluation_sets():
    for path in (REPO / "src").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"""["']tests["']|tests/data|dedupe_blind""", text), path


def test_the_package_is_at_most_1200_lines():
    lines = sum(
        len(p.read_text(encoding="utf-8").splitlines())
        for p in (REPO / "src/cbdash/dedupe").glob("*.py")
    )
    assert lines <= 1200, lines
