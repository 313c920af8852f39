"""De-duplication: tiny hand-checked cases, bad input, overrides, and the shipped evaluation."""

from __future__ import annotations

import random
from functools import cache
from pathlib import Path

import pandas as pd
import pytest

from cbdash import dedupe
from cbdash.cli import main as cli_main
from cbdash.dedupe import (
    DedupeInputError,
    acronyms,
    cluster,
    normalise_title,
    phase_marker,
    portal_code,
    score_pair,
)
from evaluation import dedupe as ev

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
        ("CICTE's Cybersecurity program", "cicte cybersecurity program"),
        ("Cyber Leaders' Alumni Fellowship", "cyber leaders alumni fellowship"),
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


@pytest.mark.parametrize(
    ("raw", "language"),
    [
        ("Action globale sur la cybercriminalité élargie", "fr"),
        ("Centro de Cibercapacidades para Latinoamérica y el Caribe", "es"),
        ("サイバーセキュリティ人材育成プロジェクト", "ja"),
        ("Project on Capacity Building for Cyber Security in Vietnam", "en"),
        ("Programma di assistenza contro il crimine transnazionale", "it"),
        ("AU Expertengruppe für Cybersicherheit", "de"),
        ("EL PAcCTO", ""),  # one Spanish-looking word is no sign
        ("GLACY-e", ""),
        ("AU-GFCE Collaboration Project", ""),
        ("Cyber Safety Pasifika", ""),
    ],
)
def test_name_language(raw, language):
    assert dedupe.name_language(raw) == language


def test_translate_name_reads_the_fields_words():
    assert dedupe.translate_name("Action globale sur la cybercriminalité élargie") == (
        "Action global sur la cybercrime extended"
    )
    assert dedupe.translate_name("GLACY+ (Global Action on Cybercrime Extended)") == (
        "GLACY+ (Global Action on Cybercrime Extended)"
    )
    # phrases first; parts of coined words in any language; Japanese wherever a term occurs
    assert dedupe.translate_name("riesgos, avances y el camino a seguir") == (
        "risks, progress y el way forward"
    )
    assert dedupe.translate_name("CyberSud") == "CyberSouth"
    assert dedupe.translate_name("renforcement des capacités antiterroristes") == (
        "capacity building counter terrorism"
    )
    assert dedupe.translate_name("日ASEANサイバーセキュリティ能力構築センター") == (
        "japan ASEAN cybersecurity capacity building center"
    )
    # the translated word "élargie" is the phase word marker "extended"
    a = rec("a", "Action globale sur la cybercriminalité élargie")
    assert not score_pair(a, rec("b", "Global Action on Cybercrime Extended")).phase_conflict
    assert score_pair(a, rec("b", "Global Action on Cybercrime Enhanced")).phase_conflict


def test_syllable_acronyms_and_coined_words_meet_their_words_in_blocking():
    df = pd.DataFrame(
        [
            rec("glacy", "GLACY"),
            rec("gac", "Global Action on Cybercrime"),
            rec("eap", "CyberCrime@EAP"),
            rec("eap-long", "Eastern Partnership – Cooperation against Cybercrime"),
            rec("iproceeds", "iPROCEEDS"),
            rec("proceeds", "Targeting crime proceeds on the internet in South Eastern Europe"),
            rec("certtonga", "Developing certTonga"),
            rec("tonga", "Tonga CERT cybersecurity grant"),
        ]
    )
    pairs = set(map(tuple, dedupe.candidate_pairs(df).to_numpy()))
    for pair in [
        ("gac", "glacy"),
        ("eap", "eap-long"),
        ("iproceeds", "proceeds"),
        ("certtonga", "tonga"),
    ]:
        assert pair in pairs


# --------------------------------------------------------------------------- pairs


JICA_VN = {
    "funders": "Japan International Cooperation Agency (JICA)",
    "implementers": "Ministry of Information Communication (MIC)",
    "beneficiary_countries": "VNM",
    "start_year": "2019",
    "end_year": "2021",
}
EAP = {
    "funders": "European Union",
    "implementers": "consortium led by GFA Consulting Group",
    "beneficiary_countries": "ARM;AZE;BLR;GEO;MDA;UKR",
    "start_year": "2019",
}
OCSC = {  # the same funder, implementers and year for every CMM review of a round
    "funders": "United Kingdom",
    "implementers": "Oceania Cyber Security Centre (OCSC);UN-ITU",
    "start_year": "2018",
    "end_year": "2018",
}
WB = {"funders": "World Bank", "implementers": "World Bank", "start_year": "2016"}
DAP = {
    "funders": "UK Foreign, Commonwealth & Development Office (Digital Access Programme)",
    "implementers": "KPMG",
    "start_year": "2021",
}
ACP = {  # ITU-EC-ACP regional projects: one donor, one implementer, one year, no countries
    "funders": "European Union (9th European Development Fund, ACP @CP-ICT programme)",
    "implementers": "ITU",
    "start_year": "2008",
}
GFCE = {"implementers": "Global Forum on Cyber Expertise (GFCE)", "start_year": "2020"}


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
    (rec("a", "GLACY", **COE), rec("b", "Global Action on Cybercrime", **COE)),  # syllables
    (  # the same words in another order (a translation read through the glossary)
        rec("a", "Action globale sur la cybercriminalité élargie"),
        rec("b", "Global Action on Cybercrime Extended"),
    ),
    (  # a Japanese name: all four fields agree and the names are in two languages
        rec("a", "Project on Capacity Building for Cyber Security in Vietnam", **JICA_VN),
        rec("b", "サイバーセキュリティに関する能力向上プロジェクト (ベトナム)", **JICA_VN),
    ),
    (  # little in common but a region ("Eastern" = east) and all four fields
        rec(
            "a",
            "EU4Digital: Improving Cyber Resilience in the Eastern Partnership Countries",
            **EAP,
        ),
        rec("b", "Cybersecurity EAST", **EAP),
    ),
    (  # two organisations both rows list, and the implementer alone
        rec("a", "OAS Cybersecurity Program", implementers="OAS (OAS);CICTE (CICTE)"),
        rec("b", "CICTE Cybersecurity Program", implementers="OAS (OAS);CICTE (CICTE)"),
    ),
    (rec("a", "CyberSud"), rec("b", "CyberSouth")),  # a coined word's part translated
    (  # German, with an organisation's acronym spelling its name
        rec("a", "AU Expertengruppe für Cybersicherheit"),
        rec("b", "African Union Cyber Security Expert Group (AUCSEG)"),
    ),
    (  # a committee named for its parent organisation, and a possessive
        rec("a", "Cyber Security Program of the Organization of American States (OAS)"),
        rec("b", "CICTE's Cybersecurity program"),
    ),
    (  # the same own acronym in parentheses, in Italian and in English
        rec("a", "Centro di competenza informatica dell'America latina e dei Caraibi (Lac4)"),
        rec("b", "Latin America and Caribbean Cyber Capacity Center (LAC4)"),
    ),
    (  # a short form made of the long name's acronyms
        rec(
            "a",
            "Western Balkans Media, Cyber and Defence (MCD) CSSF Programme",
            funders="UK",
        ),
        rec("b", "MCD CSSF Programme", funders="UK"),
    ),
    (  # names sharing nothing, but the donor, implementer, year and 3+ countries agree
        rec(
            "a",
            "iPROCEEDS",
            beneficiary_countries="ALB;BIH;MNE;SRB;TUR",
            start_year="2016",
            **COE,
        ),
        rec(
            "b",
            "Cooperation on Cybercrime under the Instrument of Pre-accession (IPA)",
            beneficiary_countries="ALB;BIH;MNE;SRB;TUR",
            start_year="2016",
            **COE,
        ),
    ),
    # blocking reads words as they are compared: "OEA" is the OAS
    (rec("a", "Programa de Ciberseguridad OEA"), rec("b", "OAS Cybersecurity Program")),
    (rec("a", "Cyber4Peace Network"), rec("b", "Cyber for Peace Network")),  # a coined word
    (  # an organisation named in full reads as its acronym
        rec("a", "Council of Europe Project on Cybercrime in Ruritania"),
        rec("b", "CoE Cybercrime Project in Ruritania"),
    ),
    (  # a compass compound gives its parts' initials
        rec("a", "ASEAN Cyber Dialogue"),
        rec("b", "Association of Southeast Asian Nations Cyber Dialogue"),
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
    # siblings that share funders, implementers and years but not countries or regions
    (
        rec("a", "CMM Review: Samoa", beneficiary_countries="WSM", **OCSC),
        rec("b", "CMM review Tonga (2018)", beneficiary_countries="TON", **OCSC),
    ),
    (
        rec("a", "World Bank support to establish Bhutan's national CSIRT", **WB),
        rec("b", "World Bank support to set up Bangladesh's government CSIRT", **WB),
    ),
    (  # a programme and its country project; the programme's list holds the country
        rec(
            "a",
            "Digital Access Programme (DAP)",
            beneficiary_countries="BRA;KEN;NGA;ZAF;IDN",
            **DAP,
        ),
        rec(
            "b",
            "Digital Access Programme: Brazil school curriculum",
            beneficiary_countries="BRA",
            **DAP,
        ),
    ),
    (
        rec(
            "a",
            "Digital Access Programme: Brazil school curriculum",
            beneficiary_countries="BRA",
            **DAP,
        ),
        rec(
            "b",
            "Digital Access Programme: Indonesia's cybersecurity strategy",
            beneficiary_countries="IDN",
            **DAP,
        ),
    ),
    (  # no countries on either side, and the names name other regions
        rec(
            "a",
            "HIPSSA – Support for Harmonization of the ICT Policies in Sub-Saharan Africa",
            **ACP,
        ),
        rec("b", "ICB4PAC – ICT Policy Support for Pacific Island Countries", **ACP),
    ),
    (rec("a", "GFCE Pacific Hub", **GFCE), rec("b", "GFCE Southeast Asia Hub", **GFCE)),
    (  # a JICA project in another country: two languages, but the countries differ
        rec("a", "Project on Capacity Building for Cyber Security in Vietnam", **JICA_VN),
        rec(
            "b",
            "サイバーセキュリティ能力向上プロジェクト",
            **{**JICA_VN, "beneficiary_countries": "KHM"},
        ),
    ),
    (  # only the donor's name in common, however well the fields agree
        rec("a", "Trust4Cyber Initiative", **JICA_VN),
        rec("b", "Capacity Building for resilient Cybersecurity", **JICA_VN),
    ),
    (  # components of one programme
        rec("a", "OCWAR-M (Organised Crime West African Response to Money Laundering)"),
        rec("b", "OCWAR-C (Organised Crime West African response to Cybersecurity)"),
    ),
    (  # the umbrella, written with the bare acronym, and a component
        rec("a", "Crime organisé : réponse ouest-africaine (OCWAR)"),
        rec("b", "Organised Crime: West Africa Response on Cybersecurity (OCWAR-C)"),
    ),
    (  # phases in French: "élargie" (extended) vs "renforcée" (enhanced)
        rec("a", "Action globale sur la cybercriminalité élargie"),
        rec("b", "Action globale renforcée sur la cybercriminalité"),
    ),
    (  # the umbrella and a component whose letter follows an en dash
        rec("a", "Organised Crime: West African Response to Trafficking (OCWAR–T)"),
        rec("b", "Organised Crime: West African Response (OCWAR)"),
    ),
    (rec("a", "Cybercrime@EAPIII"), rec("b", "Cybercrime@EAP II")),  # a numeral glued on
    (rec("a", "ASEAN-ITU 2022 CyberDrill"), rec("b", "ASEAN-ITU 2023 CyberDrill")),  # editions
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


def test_evidence_names_the_corroboration_and_the_cue():
    a = rec("a", "Project on Capacity Building for Cyber Security in Vietnam", **JICA_VN)
    b = rec("b", "サイバーセキュリティに関する能力向上プロジェクト (ベトナム)", **JICA_VN)
    ev = score_pair(a, b)  # the Japanese name, read in English, and the fields carry it
    assert ev.same and ev.corroboration == "full" and ev.name_similarity > 0.4
    assert "fields corroborate (full)" in ev.describe()
    ev = score_pair({**a, "beneficiary_countries": ""}, {**b, "beneficiary_countries": ""})
    assert ev.corroboration == "countries absent" and ev.same  # a second language is cue enough
    assert "two languages (en, ja)" in ev.name_cue
    one_side = score_pair({**a, "beneficiary_countries": ""}, b)  # one side has countries
    assert one_side.corroboration == "" and not one_side.same


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


def test_organisations_that_normalise_to_nothing_are_ignored():
    rows = [
        rec("a", "GLACY", funders="()", implementers="The", start_year="2016"),
        rec("b", "GLACY project", funders="()", implementers="The", start_year="2016"),
    ]
    assert cluster(pd.DataFrame(rows))["cluster_id"].nunique() == 1


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


# --------------------------------------------------------------------------- known projects

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


def test_known_links_name_the_one_known_project_a_record_is():
    rows = pd.DataFrame(
        {
            "project_id": ["a", "b", "c"],
            "title": ["Global Action on Cybercrime Extended", "CSIRTAmericas Network", "GLACY"],
        }
    )
    links = dedupe.known_links(dedupe._records(rows), KNOWN)
    assert {k: v[0] for k, v in links.items()} == {"a": "glacy-plus", "b": "csirtamericas"}
    # a name two known rows share is no link
    twice = pd.concat([KNOWN, KNOWN.assign(project_id=["x1", "x2", "x3"])])
    assert dedupe.known_links(dedupe._records(rows), twice) == {}


def test_a_long_list_does_not_hide_a_known_name():
    """Words common in a long list must not keep its rows from meeting the known rows: among
    the 71 held-out names, the French name of GLACY-e still meets the shipped GLACY-e row."""
    pairs = ev.read_heldout(HELDOUT)
    names = sorted(set(pairs["title_a"]) | set(pairs["title_b"]))
    rows = pd.DataFrame({"project_id": [f"h{i:03d}" for i in range(len(names))], "title": names})
    projects, _ = dedupe.read_projects(DATA / "projects.csv")
    links = dedupe.known_links(rows, projects)
    french = f"h{names.index('Action globale renforcée sur la cybercriminalité'):03d}"
    assert links.get(french, ("",))[0] == "glacy-e"


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
    alone = cluster(rows)
    assert alone["cluster_id"].nunique() == 4
    out = cluster(rows, known=KNOWN).set_index("project_id")
    assert out["cluster_id"].tolist() == ["c-a", "c-a", "c-c", "c-c"]
    assert "both are names of known project 'csirtamericas'" in out.loc["c", "evidence"]
    assert "known project 'csirtamericas'" in out.loc["d", "evidence"]


def test_known_phases_stay_apart():
    rows = pd.DataFrame(
        {
            "project_id": ["a", "b"],
            "title": ["Global Action on Cybercrime Extended", "GLACY-e"],
        }
    )
    assert cluster(rows, known=KNOWN)["cluster_id"].nunique() == 2


def test_rows_of_two_known_projects_are_not_joined_through_a_third():
    known = pd.DataFrame(
        {
            "project_id": ["k1", "k2"],
            "title": ["Cyber Bridge", "Cyber Bridge"],
            "funders": ["United Kingdom", "Japan"],
            "start_year": [2016, 2021],
            "end_year": [2018, 2023],
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
    assert cluster(rows)["cluster_id"].nunique() == 1
    assert cluster(rows, known=known)["cluster_id"].tolist() == ["c-a", "c-b", "c-a"]


def test_cli_uses_the_shipped_projects_as_known_unless_names_only(tmp_path, capsys):
    src = write(
        tmp_path / "in.csv",
        "project_id,title\na,Global Action on Cybercrime Extended\nb,GLACY+\n",
    )
    assert cli_main(["dedupe", str(src), "--out", str(tmp_path / "out.csv")]) == 0
    assert "known projects from" in capsys.readouterr().out
    out = pd.read_csv(tmp_path / "out.csv", dtype=str)
    assert out["cluster_id"].tolist() == ["c-a", "c-a"]
    args = ["dedupe", str(src), "--out", str(tmp_path / "out2.csv"), "--names-only"]
    assert cli_main(args) == 0
    assert "known projects" not in capsys.readouterr().out
    out = pd.read_csv(tmp_path / "out2.csv", dtype=str)
    assert out["cluster_id"].tolist() == ["c-a", "c-b"]


def test_cli_names_a_missing_known_file(tmp_path, capsys):
    src = write(tmp_path / "in.csv", "project_id,title\na,GLACY\n")
    args = [
        "dedupe",
        str(src),
        "--out",
        str(tmp_path / "o.csv"),
        "--known",
        str(tmp_path / "no.csv"),
    ]
    assert cli_main(args) == 2
    assert "no.csv" in capsys.readouterr().err
    assert not (tmp_path / "o.csv").exists()


# --------------------------------------------------------------------------- shipped data


@pytest.fixture(scope="module")
def shipped():
    projects, _ = dedupe.read_projects(DATA / "projects.csv")
    labels = pd.read_csv(DATA / "dedupe_labels.csv", dtype=str, keep_default_na=False)
    return projects, labels


@pytest.fixture(scope="module")
def evaluation(shipped):
    projects, labels = shipped
    return ev.evaluate(ev.explode_names(projects), labels)


def test_labels_are_in_step_with_projects(shipped):
    """Derived labels match projects.csv; rerun refresh_labels after editing names."""
    projects, labels = shipped
    fresh = ev.refresh_labels(projects, labels)
    key = list(dedupe.LABEL_COLUMNS)
    pd.testing.assert_frame_equal(
        fresh.sort_values(key).reset_index(drop=True),
        labels.sort_values(key).reset_index(drop=True),
    )
    assert set(labels["label"]) == {"same", "different"}


def test_shipped_evaluation_precision(evaluation):
    """With the 388-row inventory of 2026-12-07 the rules merge the Western Balkans siblings
    and four near misses of the new rows (0.9497 over 1,336 pairs); the learned scorer of
    issue #17 replaces these rules."""
    assert evaluation["missing_labels"] == []
    assert evaluation["precision"] >= 0.94, evaluation["false_positives"]


def test_shipped_evaluation_recall_target(evaluation):
    """Issue #4's target, met with 0.906 (154 of 170); see data/dedupe_labels.meta.yaml."""
    for a, b, _ in evaluation["false_negatives"]:
        print(f"  missed: {a!r} ~ {b!r}")
    assert evaluation["recall"] >= 0.90


def test_shipped_names_only_evaluation():
    """Names only (funders, implementers, countries, years blanked): no field rule helps."""
    projects, _ = dedupe.read_projects(DATA / "projects.csv")
    labels = pd.read_csv(DATA / "dedupe_labels.csv", dtype=str, keep_default_na=False)
    records = ev.explode_names(projects)
    for col in ("funders", "implementers", "beneficiary_countries", "start_year", "end_year"):
        records[col] = ""
    result = ev.evaluate(records, labels)
    print(f"names only: precision {result['precision']:.3f} recall {result['recall']:.3f}")
    assert result["precision"] >= 0.95
    assert result["recall"] >= 0.44


def test_shipped_rows_stay_distinct_and_overrides_are_valid(shipped):
    projects, _ = shipped
    overrides = dedupe.load_overrides(DATA / "dedupe_overrides.csv")
    assert set(overrides["project_id_a"]) | set(overrides["project_id_b"]) <= set(
        projects["project_id"]
    )
    out = cluster(projects, overrides)
    assert out["cluster_id"].nunique() == len(projects)


def test_run_evaluate_cli_prints_every_set(capsys):
    assert ev.run_evaluate_cli(DATA) == 0
    out = capsys.readouterr().out
    assert "all fields: precision" in out and "names only: precision" in out
    assert "held-out names (" in out and "blind names (" in out and "blind2 names (" in out
    assert "blind3 names (" in out
    assert all(f"blind{n} names (" in out for n in (4, 5, 6, 7, 8))
    assert out.count("names + known projects): precision") == 9


# --------------------------------------------------------------------------- real name sets

HELDOUT = REPO / "tests" / "data" / "dedupe_heldout.csv"
BLIND = REPO / "tests" / "data" / "dedupe_blind.csv"
BLIND2 = REPO / "tests" / "data" / "dedupe_blind2.csv"
BLIND3 = REPO / "tests" / "data" / "dedupe_blind3.csv"
BLIND4 = REPO / "tests" / "data" / "dedupe_blind4.csv"
BLIND5 = REPO / "tests" / "data" / "dedupe_blind5.csv"
BLIND6 = REPO / "tests" / "data" / "dedupe_blind6.csv"
BLIND7 = REPO / "tests" / "data" / "dedupe_blind7.csv"
BLIND8 = REPO / "tests" / "data" / "dedupe_blind8.csv"


def _report(result: dict) -> None:
    print(
        f"precision {result['precision']:.3f} recall {result['recall']:.3f} "
        f"(tp {result['tp']}, fp {result['fp']}, fn {result['fn']}, tn {result['tn']})"
    )
    for a, b, label, together, evidence in result["decisions"]:
        if together != (label == "same"):
            print(f"  {'wrong merge' if together else 'missed'}: {a!r} ~ {b!r}: {evidence}")


@pytest.fixture(scope="module")
def heldout():
    pairs = ev.read_heldout(HELDOUT)
    return pairs, ev.evaluate_heldout(pairs)


@pytest.fixture(scope="module")
def blind():
    pairs = ev.read_heldout(BLIND)
    return pairs, ev.evaluate_heldout(pairs)


@pytest.fixture(scope="module")
def blind2():
    pairs = ev.read_heldout(BLIND2)
    return pairs, ev.evaluate_heldout(pairs)


@pytest.fixture(scope="module")
def blind3():
    pairs = ev.read_heldout(BLIND3)
    return pairs, ev.evaluate_heldout(pairs)


@cache
def _names_only_and_known(path: Path) -> tuple[dict, dict]:
    """A real-name set scored with names only, and with the shipped inventory's names as
    knowledge (the dedupe command's default)."""
    pairs = ev.read_heldout(path)
    projects, _ = dedupe.read_projects(DATA / "projects.csv")
    return ev.evaluate_heldout(pairs), ev.evaluate_heldout(pairs, projects)


@pytest.mark.parametrize(
    "path",
    [HELDOUT, BLIND, BLIND2, BLIND3, BLIND4, BLIND5, BLIND6, BLIND7, BLIND8],
    ids=["heldout", "blind", "blind2", "blind3", "blind4", "blind5", "blind6", "blind7", "blind8"],
)
def test_real_name_sets_are_sourced(path):
    pairs = ev.read_heldout(path)
    assert list(pairs.columns) == list(ev.HELDOUT_COLUMNS)
    assert set(pairs["label"]) == {"same", "different"}
    assert pairs["source_a"].str.startswith("http").all()
    assert pairs["source_b"].str.startswith("http").all()
    assert not pairs.duplicated(["title_a", "title_b"]).any()


@pytest.mark.parametrize(
    "path", [HELDOUT, BLIND, BLIND2, BLIND3], ids=["heldout", "blind", "blind2", "blind3"]
)
def test_real_name_sets_are_apart_from_projects(path):
    """No pair of the first four sets is a title and an alias of one shipped row, so their
    figures with the inventory as knowledge stay an estimate for unseen names, except the
    pairs in KNOWN_SINCE: real names that a data helper who had not read the sets added to
    new rows on 2026-11-28 (the sets' metas say so). (blind4 was collected without looking
    at the inventory either way, as an outside set would be.)"""
    pairs = ev.read_heldout(path)
    pairs = pairs[~pairs.apply(lambda r: (r["title_a"], r["title_b"]) in KNOWN_SINCE, axis=1)]
    projects, _ = dedupe.read_projects(DATA / "projects.csv")
    records = ev.explode_names(projects)
    row_of: dict[str, set[str]] = {}
    for name, pid in zip(records["title"], records["source_project_id"], strict=True):
        row_of.setdefault(normalise_title(name), set()).add(pid)
    for a, b in zip(pairs["title_a"], pairs["title_b"], strict=True):
        shared_rows = row_of.get(normalise_title(a), set()) & row_of.get(normalise_title(b), set())
        assert not shared_rows, (a, b)


KNOWN_SINCE = {
    # 2026-12-07: a helper who had not read the sets found the renaming on the launch page.
    ("Commonwealth Africa Cyber Fellowship", "African Cyber Experts Fellowship"),
    (
        "Cyber Capacity Center For Southern Africa",
        "Cybersecurity Capacity Centre for Southern Africa (C3SA)",
    ),
    (
        "Hemispheric Network of Computer Security Incident Response Teams (CSIRTs)",
        "CSIRTAmericas Network",
    ),
    ("OEA Cyberwomen Challenge", "Cyberwomen Challenge"),
    ("African Commonwealth National Cyber Risk Assessment Community", "NCRA+"),
}


def _names(path: Path) -> set[str]:
    pairs = ev.read_heldout(path)
    return {normalise_title(n) for n in (*pairs["title_a"], *pairs["title_b"])}


@pytest.mark.parametrize(
    ("one", "other"),
    [
        (HELDOUT, BLIND),
        (HELDOUT, BLIND2),
        (BLIND, BLIND2),
        (HELDOUT, BLIND3),
        (BLIND, BLIND3),
        (BLIND2, BLIND3),
        (HELDOUT, BLIND4),
        (BLIND, BLIND4),
        (BLIND2, BLIND4),
        (BLIND3, BLIND4),
        (HELDOUT, BLIND5),
        (BLIND, BLIND5),
        (BLIND2, BLIND5),
        (BLIND3, BLIND5),
        (BLIND4, BLIND5),
        *((other, BLIND6) for other in (HELDOUT, BLIND, BLIND2, BLIND3, BLIND4, BLIND5)),
        *((other, BLIND7) for other in (HELDOUT, BLIND, BLIND2, BLIND3, BLIND4, BLIND5, BLIND6)),
        *(
            (other, BLIND8)
            for other in (HELDOUT, BLIND, BLIND2, BLIND3, BLIND4, BLIND5, BLIND6, BLIND7)
        ),
    ],
    ids=[
        "heldout-blind",
        "heldout-blind2",
        "blind-blind2",
        "heldout-blind3",
        "blind-blind3",
        "blind2-blind3",
        "heldout-blind4",
        "blind-blind4",
        "blind2-blind4",
        "blind3-blind4",
        "heldout-blind5",
        "blind-blind5",
        "blind2-blind5",
        "blind3-blind5",
        "blind4-blind5",
        *(
            f"{name}-blind6"
            for name in ("heldout", "blind", "blind2", "blind3", "blind4", "blind5")
        ),
        *(
            f"{name}-blind7"
            for name in ("heldout", "blind", "blind2", "blind3", "blind4", "blind5", "blind6")
        ),
        *(
            f"{name}-blind8"
            for name in (
                "heldout",
                "blind",
                "blind2",
                "blind3",
                "blind4",
                "blind5",
                "blind6",
                "blind7",
            )
        ),
    ],
)
def test_real_name_sets_share_no_name(one, other):
    assert not _names(one) & _names(other)


def test_heldout_evaluation_precision(heldout):
    _, result = heldout
    _report(result)
    assert result["precision"] >= 0.95
    assert result["recall"] >= 0.84  # what the rules reach today; guards against regressions


@pytest.mark.xfail(
    strict=True,
    reason="held-out recall 0.846 (22 of 26) with names only, unchanged by the rules of blind2 "
    "(0.462 before its errors were read): a Japanese short name that drops a qualifier, an "
    "Italian name without the places of its English one, a Spanish paraphrase (0.82) and "
    "'ITU-EC-ACP PROJECT' vs its descriptive title; see tests/data/dedupe_heldout.meta.yaml",
)
def test_heldout_evaluation_recall_target(heldout):
    _, result = heldout
    assert result["recall"] >= 0.90


def test_blind_evaluation_precision(blind):
    _, result = blind
    _report(result)
    assert result["precision"] >= 0.95
    assert result["recall"] >= 0.77  # 0.773 after later rules (0.364 blind)


@pytest.mark.xfail(
    strict=True,
    reason="blind recall 0.773 (17 of 22) after the rules it and blind2 prompted, 0.364 when "
    "blind: an acronym the other name does not spell (ENC-VR), names of common words only "
    "(2), former names (CMM, ACS 3.0 / Serengeti); see tests/data/dedupe_blind.meta.yaml",
)
def test_blind_evaluation_recall_target(blind):
    _, result = blind
    assert result["recall"] >= 0.90


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        # parts and siblings that names alone give away (prompted by blind3's wrong merges)
        ("Smart Africa Digital Academy (SADA)", "SADA Benin", False),
        ("National Cyber Security Index (NCSI)", "NCSI methodology update", False),
        (
            "CyberSTAR (Eurasia civil society digital security capacity building)",
            "SecDev Foundation Eurasia CyberSTAR",
            True,
        ),
        ("Tallinn Mechanism", "Tallinn Mechanism Project Office (TMPO)", False),
        (
            "NCSI: Upgrading National Cyber Resilience",
            "National Cyber Security Index (NCSI)",
            False,
        ),
        (
            "Digital Transformation Acceleration Project (PATN)",
            "Digital Transformation Acceleration Project (PATNuC)",
            False,
        ),
        (
            "Cyber RAPID Teams (Rapid Assistance for Pacific Incidents and Disasters)",
            "Cyber Rapid Response Teams project",
            False,
        ),
        # acronyms read more ways (prompted by blind3's misses)
        ("Digital Economy Initiative for Africa (DE4A)", "DE4A initiative", True),
        ("Partner2Connect (P2C) Digital Coalition", "Partner2Connect Coalition", True),
        (
            "Kenya Digital Economy Acceleration Project",
            "Digital Economy Acceleration Project (KDEAP)",
            True,
        ),
        (
            "Alianza Digital Unión Europea – América Latina y el Caribe",
            "Alianza Digital UE-ALC",
            True,
        ),
        (
            "Cyber Rapid Response Teams and Mutual Assistance in Cyber Security (CRRTs)",
            "Cyber Rapid Response Teams project",
            True,
        ),
        ("Digital Access Programme Brazil (DAP)", "Digital Access Programme", False),  # made up
        # a common acronym in parentheses repeats the head's last words (blind3's ASEAN CERT)
        ("ASEAN Regional Computer Emergency Response Team (CERT)", "ASEAN CERT", True),
        ("Tonga Computer Emergency Response Team (CERT)", "Fiji CERT", False),  # made up
        # prompted by blind4 (not blind any more): a short head before " - " gives its tail
        ("EU Cyber Direct - EU Cyber Diplomacy Initiative", "EU Cyber Diplomacy Initiative", True),
        ("Cybil Knowledge Portal", "Cybil Portal", True),  # "knowledge" is a common word
        # an organisation's acronym joined to another's names a joint thing, not the body
        ("GFCE", "AU-GFCE Cyber Capacity Building project", False),
        ("IMPACT", "ITU-IMPACT", True),
        # a kind of activity a name adds is a part of what the other names
        ("UN-Singapore Cyber Programme", "UN-Singapore Cyber Fellowship Programme", False),
        # the same words but for "programme" / "project", with an organisation's acronym
        ("FIRST Fellowship", "FIRST Fellowship Programme", True),
        ("Cybersecurity Initiative", "Cybersecurity Project", False),  # common words only
        # one acronym spelled by names with other own words: two bodies (blind5's GCA)
        ("Global Cyber Alliance (GCA)", "Global Cybersecurity Agenda (GCA)", False),
        (  # only a place word differs: the same centre
            "Cybersecurity Capacity Centre for South Africa (C3SA)",
            "Cybersecurity Capacity Centre for Southern Africa (C3SA)",
            True,
        ),
        # a shared coined word with only common words apart is not enough (blind7: a rule
        # that took it as enough merged the EU4Digital Facility with the Initiative)
        ("EU4Digital Facility", "EU4Digital Initiative", False),
        # a head before " - " is no name of its own when a country follows (blind7)
        ("Digital CASA - Regional Program", "Digital CASA - Kyrgyz Republic (P160230)", False),
        # a leading brand followed by a description of 3+ words is the brand (blind4's SIRIUS)
        ("SIRIUS Cross-Border Access To Electronic Evidence", "SIRIUS project", True),
        ("NCSI methodology update", "NCSI project", False),  # two words: a part
        (  # two bodies joined are no brand (shipped rows of OAS and INCIBE)
            "OAS–INCIBE cooperation framework on cybersecurity and digital rights",
            "INCIBE-OAS cybersecurity training programme for judges",
            False,
        ),
    ],
)
def test_names_alone_acronym_rules(a, b, same):
    ev = dedupe.score_pair(rec("a", a), rec("b", b))
    assert ev.same is same, ev.describe()


def test_different_own_acronyms_in_one_language_need_the_same_start_year():
    a = rec("a", "Digital Transformation Acceleration Project (PATN)")
    b = rec("b", "Digital Transformation Acceleration Project (PATNuC)")
    assert "own acronyms differ" in dedupe.score_pair(a, b).describe()
    years = {"start_year": "2022", "end_year": "2026"}
    assert not dedupe.score_pair({**a, **years}, {**b, "start_year": "2023"}).same
    translated = rec("c", "Centre européen de compétences (CECC)")  # made up
    english = rec("d", "European Competence Centre (ECCC)")
    assert not dedupe.score_pair(translated, english).acronym_conflict


def test_rules_prompted_by_the_new_rows_of_2026_11_28():
    """Rules written when 38 new inventory rows were added (their aliases are new labels)."""
    uganda = {
        "project_id": "u",
        "title": "CMM re-assessment of Uganda (first online CMM review, C3SA)",
        "implementers": "Cybersecurity Capacity Centre for Southern Africa (C3SA)",
    }
    centre = rec("c", "C3SA")
    # an acronym the other record lists as its implementer names who did it, not it
    assert not dedupe.score_pair(centre, uganda).same
    fields = {"funders": "Singapore", "implementers": "UNODA", "start_year": "2022"}
    programme = rec("p", "UN-Singapore Cyber Programme", **fields)
    fellowship = rec("f", "United Nations-Singapore Cyber Fellowship")
    # a kind of activity added is a part, even when every other field agrees
    ev = dedupe.score_pair(programme, {**fellowship, **fields})
    assert not ev.same and "adds 'fellowship'" in ev.describe()
    # a shared continent is no name cue for one donor's two projects
    fields = {
        "funders": "Luxembourg",
        "implementers": "SnT",
        "beneficiary_countries": "SEN",
        "start_year": "2021",
        "end_year": "2024",
    }
    a = rec("a", "Africa Cyber Resource Centre for Finance", **fields)
    b = rec("b", "LuxWays – mentoring African experts", **fields)
    assert "same place" not in dedupe.score_pair(a, b).describe()
    assert not dedupe.score_pair(a, b).same
    # a one-word head before a long subtitle is the name; a common word is not
    long = "Cyberwomen: holistic digital security training curriculum for defenders"
    assert dedupe.score_pair(rec("l", long), rec("s", "Cyberwomen")).same
    spanish = "Ciberseguridad: ¿Estamos preparados en América Latina y el Caribe?"
    other = "Ciberseguridad: riesgos, avances y el camino a seguir en América Latina"
    assert not dedupe.score_pair(rec("x", spanish), rec("y", other)).same
    # "@" before a word: the acronym meets its expansion
    assert dedupe.score_pair(
        rec("e", "EndOCSEA@Europe"),
        rec("g", "End Online Child Sexual Exploitation and Abuse @ Europe"),
    ).same


def test_a_name_in_another_script_is_another_language():
    """With funders, implementers, countries and years all agreeing, a name in Cyrillic,
    Arabic or Korean against a Latin one is a translation (a cue), as two detected Latin
    languages are; without the fields, names alone say nothing."""
    fields = {
        "funders": "Estonia",
        "implementers": "Estonian Centre for International Development",
        "beneficiary_countries": "UKR",
        "start_year": "2023",
        "end_year": "2025",
    }
    english = rec("a", "Tallinn Mechanism", **fields)
    cyrillic = rec("b", "Таллиннский механизм", **fields)
    ev = dedupe.score_pair(english, cyrillic)
    assert ev.same and "names in two languages (latin, ru)" in ev.describe()
    assert not dedupe.score_pair(
        rec("a", "Tallinn Mechanism"),
        rec("b", "Таллиннский механизм"),
    ).same


def test_country_names_are_read_in_english():
    """pycountry's translations of country names read a French, Spanish or Portuguese
    country in English ("Tchad" -> chad, "Cameroun" -> cameroon)."""
    assert "chad" in dedupe.translate_name("Projet de Transformation Numérique du Tchad")
    assert dedupe.score_pair(
        rec("a", "Chad Digital Transformation Project"),
        rec("b", "Projet de Transformation Numérique du Tchad"),
    ).same
    assert not dedupe.score_pair(  # another country stays another country
        rec("a", "Chad Digital Transformation Project"),
        rec("b", "Projet de Transformation Numérique du Cameroun"),
    ).same


def test_a_single_figure_after_a_name_is_a_phase():
    assert phase_marker("iPROCEEDS 2") == phase_marker("iPROCEEDS-2") != ""
    assert phase_marker("iPROCEEDS 2 - Targeting crime proceeds") == phase_marker("iPROCEEDS-2")
    assert phase_marker("G7 Cyber Expert Group") == ""
    a = rec("a", "iPROCEEDS 2")
    assert dedupe.score_pair(a, rec("b", "iPROCEEDS-2")).same
    assert not dedupe.score_pair(a, rec("c", "iPROCEEDS 3")).same


def test_words_match_across_a_typo_or_an_ies_plural():
    assert dedupe._tokens_match("operation", "operations")
    assert dedupe._tokens_match("capacities", "capacity")
    assert dedupe._tokens_match("policy", "policies")
    assert not dedupe._tokens_match("abcxyz", "abcy")
    assert not dedupe._tokens_match("cyber4dev", "cyber5dev")


def test_blind2_evaluation_precision(blind2):
    _, result = blind2
    _report(result)
    assert result["precision"] >= 0.95
    assert result["recall"] >= 0.68  # 0.680 after the rules it prompted (0.400 blind)


@pytest.mark.xfail(
    strict=True,
    reason="blind2 recall 0.680 (17 of 25) after the rules it prompted, 0.400 when blind: "
    "French paraphrases (3), former names (2), a network named with 'External', an acronym "
    "of a later phase ('NCRA+'), ITU's 'Programme mondial' for its Agenda; see "
    "tests/data/dedupe_blind2.meta.yaml",
)
def test_blind2_evaluation_recall_target(blind2):
    _, result = blind2
    assert result["recall"] >= 0.90


def test_blind3_evaluation_precision(blind3):
    _, result = blind3
    _report(result)
    assert result["precision"] >= 0.95  # 1.000 after the rules it prompted (0.625 blind)
    assert result["recall"] >= 0.72  # 0.720 after later rules (0.400 blind)


@pytest.mark.xfail(
    strict=True,
    reason="blind3 recall 0.720 (18 of 25) after the rules it prompted, 0.400 when blind: "
    "a country written in one name and left to the acronym, written in another language or "
    "missing in the other (4), a paraphrase, another name (CSIRTAmericas), an exercise named "
    "in two ways; see tests/data/dedupe_blind3.meta.yaml",
)
def test_blind3_evaluation_recall_target(blind3):
    _, result = blind3
    assert result["recall"] >= 0.90


@pytest.mark.parametrize("path", sorted((REPO / "tests" / "data").glob("dedupe_*.meta.yaml")))
def test_real_name_set_meta_files_parse(path):
    import yaml

    meta = yaml.safe_load(path.read_text(encoding="utf-8"))
    if "FROZEN" in meta.get("description", ""):  # a set not scored yet: no results to state
        assert {"producer", "description", "url_main", "date_accessed"} <= set(meta)
        return
    assert {"producer", "description", "results", "limits", "sources"} <= set(meta)


# The later blind sets (each scored once, blind, before the changes it prompted; the figures
# and their history are in tests/data/dedupe_blindN.meta.yaml): per set, the floors the rules
# reach today, names only and with the inventory's names (precision, recall), and why the
# target (0.95 / 0.90) is not met.
LATER_BLIND_SETS = {
    "blind4": (
        BLIND4,
        (0.92, 0.48),
        (0.95, 0.80),
        "blind: 0.824 / 0.560 with the inventory (names only 0.800 / 0.320); 0.952 / 0.800 "
        "after the rules and data fixes it prompted: translations the glossary cannot read "
        "(the Paris Call in French, Estonian, a Japanese name without its country), a phase or "
        "version mark on one side only; the wrong merge is JICA's Viet Nam and Cambodia "
        "projects, whose Japanese names differ by one particle",
    ),
    "blind5": (
        BLIND5,
        (0.92, 0.52),
        (0.94, 0.72),
        "blind: 0.895 / 0.680 with the inventory (names only 0.867 / 0.520); 0.947 / 0.720 "
        "after the rule it prompted: Korean and Spanish/French/Romanian names the glossary "
        "cannot read, a country adjective ('Tongan'), paraphrases, 'Triple I' read as a phase, "
        "'JP' for Japan; the wrong merge left is an action plan's 2025 update",
    ),
    "blind6": (
        BLIND6,
        (0.95, 0.36),
        (0.95, 0.48),
        "blind: 1.000 / 0.480 with the inventory (names only 1.000 / 0.360): names in another "
        "language or script with no word in common, organisations' other names, an "
        "organisation in front of a name (NATO), a short form of a long title (Accra Call)",
    ),
    "blind7": (
        BLIND7,
        (0.95, 0.56),
        (0.95, 0.64),
        "blind: 0.789 / 0.600 with the inventory (names only 0.867 / 0.520); 1.000 / 0.640 "
        "after the fixes it prompted and country names read in English: abbreviated "
        "database titles, a country kept or dropped, translations, paraphrases",
    ),
    "blind8": (
        BLIND8,
        (0.95, 0.375),
        (0.95, 0.66),
        "blind, at the end of the session's work: 1.000 / 0.667 with the inventory (names "
        "only 1.000 / 0.375): names in Arabic, Thai and Korean the inventory does not hold, a "
        "phase or programme on one side, a subtitle in parentheses against the acronym, an "
        "ADB code with 'ICT' for its expansion, a short French name",
    ),
}


@pytest.mark.parametrize("name", list(LATER_BLIND_SETS))
def test_later_blind_sets_hold_their_figures(name):
    path, names_floor, known_floor, _ = LATER_BLIND_SETS[name]
    names_only, known = _names_only_and_known(path)
    _report(known)
    assert names_only["precision"] >= names_floor[0] and names_only["recall"] >= names_floor[1]
    assert known["precision"] >= known_floor[0] and known["recall"] >= known_floor[1]
    assert known["recall"] > names_only["recall"]  # the inventory's names are knowledge


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=f"{name} {spec[3]}"))
        for name, spec in LATER_BLIND_SETS.items()
    ],
)
def test_later_blind_sets_reach_the_target(name):
    _, known = _names_only_and_known(LATER_BLIND_SETS[name][0])
    assert known["precision"] >= 0.95 and known["recall"] >= 0.90
