"""The guided story on the fixture: every step has a sentence and a chart computed from the
data, and changing the data changes the sentence. Also the takeaways the story added.

Fixture by hand: alpha (global: BRA, FJI, KEN, NGA, TON), beta (AU: KEN, NGA), gamma (PIF:
FJI, TON, plus KEN); projects p1 KEN cybercrime (alpha, beta), p2 FJI TON skills (gamma),
p3 Pacific strategy (alpha), p4 NGA cybercrime + strategy (beta); one link alpha -> beta.
"""

from __future__ import annotations

import html
from dataclasses import replace

import pandas as pd
import plotly.graph_objects as go
import pytest

from cbdash.analysis.filters import Filters
from cbdash.analysis.model import Model, build_model
from cbdash.present import charts, projector, story, takeaways, world_map
from cbdash.present.views import coverage_map as coverage_map_view
from cbdash.text import names_and_more
from tests.conftest import FIXTURE_DIR, REPO


@pytest.fixture(scope="module")
def model() -> Model:
    return build_model(FIXTURE_DIR)


@pytest.fixture(scope="module")
def shipped() -> Model:
    return build_model(REPO / "data")


def _view(model: Model, drop_mapping: str | None = None, drop_project: str | None = None):
    """The story's view of the fixture with one mapping or project dropped from the data."""
    inv = model.inventory
    mappings = inv.mappings[inv.mappings["id"] != drop_mapping]
    projects = inv.projects[inv.projects["project_id"] != drop_project]
    changed = replace(model, inventory=replace(inv, mappings=mappings, projects=projects))
    return story.view(changed, Filters())


def test_six_to_eight_steps_follow_the_forum_questions():
    slugs = [s.slug for s in story.STEPS]
    assert 6 <= len(slugs) <= 8
    assert slugs == [
        "who",
        "where",
        "topics",
        "users",
        "overlap",
        "duplicates",
        "cooperation",
        "gaps",
    ]
    assert all(s.question.endswith("?") for s in story.STEPS)


EXPECTED = {
    "who": "3 mapping efforts run by 3 organisations; the most common kinds are index or "
    "ranking, knowledge portal and project database (1 each of 3).",
    "where": "2 regional or national mappings cover 4 of the 5 UN member states; Kenya is "
    "covered by 2, the most. For 1 of the 2 coverage is derived from their scope, not stated: "
    "Pacific Islands Forum and Kenya. 1 global mapping covers all 5.",
    "topics": "Cybercrime is the most covered topic (2 of 3 mappings); Culture & skills and "
    "Policy & strategy the least (1 each).",
    "users": "Governments & policymakers are served by 2 of 3 mappings; Civil society and Law "
    "enforcement & judiciary by 1 each.",
    "overlap": "Alpha Portal and Beta Database are the most alike by topics and target users "
    "(Jaccard 0.50, 2 items in common).",
    "duplicates": "1 of 4 projects is listed by two or more of the mappings counted here, "
    "most of all Kenya Cybercrime Training (2 mappings); 0 are listed by none of them (known "
    "from implementer, donor or news pages, or from efforts shown apart).",
    "cooperation": "1 known cooperation link joins 2 mappings; 1 of 3 stands alone with no "
    "known link. The most common kind is data sharing (1 of 1); Alpha Portal takes part in "
    "the most (1 link).",
    "gaps": "At least 2 of the 5 ODA-eligible states have high need (GCI 2024 tier 4–5) and "
    "thin support (at most 2 projects and at most 1 regional or national mapping): 2 of the 4 "
    "with a known GCI tier (Tonga and Nigeria). GCI tier unknown for 1 of the 5: 1 of them "
    "with thin support is listed apart, not ranked.",
}


@pytest.mark.parametrize("step", story.STEPS, ids=lambda s: s.slug)
def test_each_step_has_a_computed_sentence_and_a_chart(model, step):
    view = _view(model)
    assert step.takeaway(view) == EXPECTED[step.slug]
    chart = step.chart(view)
    assert isinstance(chart.figure, go.Figure)
    assert isinstance(chart.data, pd.DataFrame) and not chart.data.empty


def leading_names(figure: go.Figure) -> list[str] | None:
    """The full name(s) of a chart's leading item, read from the figure as drawn: the top
    bar of a bar chart (its hover text, else its label), the top row of an arc diagram (its
    label's hover). None for other charts (the map and the gaps heatmap)."""
    bar = figure.data[0] if figure.data else None
    if bar is not None and bar.type == "bar" and bar.orientation == "h":
        assert figure.layout.yaxis.autorange == "reversed"  # the first bar is drawn on top
        full = bar.customdata[0] if bar.customdata is not None else bar.y[0]
        return [html.unescape(part) for part in str(full).split(" × ")]
    notes = [a for a in figure.layout.annotations if a.hovertext]
    if notes:
        top = max(notes, key=lambda a: a.y)
        return [html.unescape(top.hovertext)]
    return None


OWNED_ELSEWHERE = {"where", "gaps"}  # their content belongs to issue #14


@pytest.mark.parametrize("step", story.STEPS, ids=lambda s: s.slug)
@pytest.mark.parametrize("data", ["fixture", "shipped"])
def test_each_sentence_names_its_charts_leading_item(model, shipped, step, data):
    view = _view(model) if data == "fixture" else story.view(shipped, Filters())
    chart = step.chart(view)
    names = leading_names(chart.figure)
    if step.slug in OWNED_ELSEWHERE:
        return
    assert names, f"no leading item found in the {step.slug} chart"
    sentence = step.takeaway(view)
    for name in names:
        assert name.casefold() in sentence.casefold(), (
            f"{step.slug} leads with {name!r}: {sentence}"
        )


def test_tied_leaders_are_all_named(model):
    """Three kinds with one mapping each: the sentence names all three bars of the top."""
    view = _view(model)
    table = story.kinds_table(view)
    assert list(table["mapping efforts"]) == [1, 1, 1]
    sentence = story.kinds_sentence(view)
    assert all(k.lower() in sentence for k in table["kind"])


# What to drop so that each step's sentence must change (beta keeps alpha-beta the best
# overlapping pair if gamma goes, so the overlap step drops beta).
DROPS = {
    "who": ("gamma", None),
    "where": ("gamma", None),
    "topics": ("gamma", None),
    "users": ("gamma", None),
    "overlap": ("beta", None),
    "duplicates": (None, "p1"),
    "cooperation": ("beta", None),
    "gaps": (None, "p4"),  # Nigeria then has no project: ranked before Tonga
}


@pytest.mark.parametrize("step", story.STEPS, ids=lambda s: s.slug)
def test_changing_the_data_changes_the_sentence(model, step):
    mapping, project = DROPS[step.slug]
    before = step.takeaway(_view(model))
    after = step.takeaway(_view(model, drop_mapping=mapping, drop_project=project))
    assert after != before


def test_adding_a_mapping_changes_the_first_sentence(model):
    inv = model.inventory
    delta = inv.mappings[inv.mappings["id"] == "gamma"].assign(id="delta", owners=[("Delta",)])
    more = replace(model, inventory=replace(inv, mappings=pd.concat([inv.mappings, delta])))
    sentence = story.STEPS[0].takeaway(story.view(more, Filters()))
    assert sentence.startswith("4 mapping efforts run by 4 organisations")


def test_filters_reach_the_story(model):
    view = story.view(model, Filters(kinds=("project_database",)))
    assert list(view.mappings["id"]) == ["beta"]
    assert story.STEPS[0].takeaway(view).startswith("1 mapping effort run by 1 organisation")
    assert story.STEPS[4].chart(view) is None  # overlap needs two mappings


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, (1, None)),
        ("", (1, None)),
        ("3", (3, None)),
        (" 8 ", (8, None)),
        ("0", (1, "The story has steps 1 to 8; showing step 1.")),
        ("99", (8, "The story has steps 1 to 8; showing step 8.")),
        ("abc", (1, "Ignored step 'abc' in the link: not a number. Showing step 1.")),
    ],
)
def test_parse_step(raw, expected):
    assert story.parse_step(raw, 8) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1", True), ("true", True), ("yes", True), ("0", False), (None, False), ("", False)],
)
def test_is_present(raw, expected):
    assert story.is_present(raw) is expected


def test_png_config_saves_a_2x_png_named_after_the_chart():
    assert charts.png_config("3_topics")["toImageButtonOptions"] == {
        "format": "png",
        "scale": 2,
        "filename": "cbdash_3_topics",
    }


def test_projector_enlarges_type_and_frees_the_height(model):
    fig = story.STEPS[0].chart(_view(model)).figure
    big = projector.projector(fig)
    assert big.layout.font.size >= 20
    assert big.layout.title.font.size > big.layout.font.size
    assert big.data[0].textfont.size >= 20
    assert big.layout.height is None
    assert fig.layout.height is not None  # the original is left alone


def test_projector_css_is_constant_and_hides_the_sidebar():
    assert "stSidebar" in projector.PROJECTOR_CSS
    assert "font-size: 22px" in projector.PROJECTOR_CSS
    assert f".st-key-{projector.CHART_KEY}" in projector.PROJECTOR_CSS
    assert "flex: 1 1 0" in projector.PROJECTOR_CSS  # the chart takes the height left


def test_world_map_draws_the_shipped_shapes(model):
    values = pd.Series({"KEN": 2, "NGA": 1})
    fig = world_map.world_choropleth(
        world_map.map_geometry(model.shapes, model.points), values, "mappings", title="t"
    )
    classes = [t.name for t in fig.data if t.fill == "toself"]
    assert classes == ["0", "1", "2"]
    hover = fig.data[-1]
    assert set(hover.customdata[:, 0]) >= {"Kenya", "Fiji"}
    with pytest.raises(ValueError, match="shapes"):
        world_map.world_choropleth(
            world_map.map_geometry(model.shapes.iloc[0:0], model.points), values, "m", title="t"
        )


def test_column_chart_keeps_the_order():
    fig = charts.column_chart(
        pd.Series([5, 1, 2], index=[0, 1, 2]), title="t", x_title="x", y_title="y"
    )
    assert list(fig.data[0].x) == ["0", "1", "2"]
    assert list(fig.data[0].y) == [5, 1, 2]


# The takeaways the story and the gaps page added ------------------------------------------


def test_most_and_least_sentences_name_every_tie():
    """One sentence builder for the Topics page and the presentation: four items, two topics
    tied at the top (3 each) and two at the bottom (1 each); the table is ranked, ties by
    label."""
    items = pd.DataFrame(
        {
            "id": ["a", "b", "c", "d"],
            "topics": [["crime", "cul", "pol"], ["crime", "cul"], ["crime", "cul", "std"], []],
            "target_users": [["gov"], ["gov"], ["cs"], ["gov"]],
        }
    )
    labels = {"crime": "Cybercrime", "cul": "Culture", "pol": "Policy", "std": "Standards"}
    table = takeaways.ranked(
        pd.Series({"pol": 1, "cul": 3, "std": 1, "crime": 3}), labels, "topic", "mappings"
    )
    assert list(table["topic"]) == ["Culture", "Cybercrime", "Policy", "Standards"]
    expected = (
        "Culture and Cybercrime are the most covered topics (3 each of 4 mappings); "
        "Policy and Standards the least (1 each)."
    )
    assert takeaways.topics_said(table, 4) == expected
    assert takeaways.on_what(items, "id", labels) == expected
    assert takeaways.for_whom(items, "id", {"gov": "Governments", "cs": "Civil society"}) == (
        "Governments are served by 3 of 4 mappings; Civil society by 1."
    )
    assert takeaways.on_what(items.iloc[3:], "id", labels, "projects") == (
        "No projects with a known topic match the filters."
    )


def test_topics_page_and_presentation_say_the_same(model):
    view = _view(model)
    assert story.topics_sentence(view) == takeaways.on_what(
        view.mappings, "id", model.labels["topics"]
    )
    assert story.users_sentence(view) == takeaways.for_whom(
        view.mappings, "id", model.labels["users"]
    )


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((2, 1, None), "at most 2 projects and at most 1 regional or national mapping"),
        ((0, 0, "Cybercrime"), "no cybercrime project and no regional or national mapping"),
        (
            (1, 3, "Incident management & CIIP"),
            "at most 1 incident management & CIIP project and at most 3 regional or "
            "national mappings",
        ),
    ],
)
def test_thin_support_in_words(args, expected):
    assert takeaways.thin_support(*args) == expected


def _answer_table(rows):
    """(name, tier or None, status, rank, thin) rows of a gaps answer."""
    table = pd.DataFrame(rows, columns=["name", "gci_tier", "status", "rank", "thin"])
    table["gci_tier"] = pd.array(table["gci_tier"].tolist(), dtype="Int64")
    return table


def test_gap_countries_sentence():
    table = _answer_table(
        [
            ("Tonga", 5, "ranked", 1, True),
            ("Chad", 4, "ranked", 2, True),
            ("Fiji", None, "unknown tier", None, True),
            ("Palau", None, "high income", None, True),
            ("Kenya", 1, "more support", None, False),
        ]
    )
    support = "no project and no regional or national mapping"
    assert takeaways.gap_countries(
        table, noun="small states", need_label="GCI 2024 tier 4–5", support=support
    ) == (  # Fiji and Palau have no tier: 2 is a lower bound, of the 3 with a known tier
        "At least 2 of the 5 small states have high need (GCI 2024 tier 4–5) and thin "
        "support (no project and no regional or national mapping): 2 of the 3 with a known "
        "GCI tier (Tonga and Chad). GCI tier unknown for 2 of the 5: 1 of them with thin "
        "support is listed apart, not ranked. 1 high-income state with thin support not ranked."
    )
    none = table[table["status"] != "ranked"]
    assert takeaways.gap_countries(
        none, noun="small states", need_label="GCI 2024 tier 5", support=support
    ) == (
        "None of the 3 small states is known to have high need (GCI 2024 tier 5) and thin "
        "support (no project and no regional or national mapping): 1 of them has a known GCI "
        "tier. GCI tier unknown for 2 of the 3: 1 of them with thin support is listed apart, "
        "not ranked. 1 high-income state with thin support not ranked."
    )
    known = table[table["gci_tier"].notna()]  # every tier known: the count is exact
    assert takeaways.gap_countries(
        known, noun="small states", need_label="GCI 2024 tier 4–5", support=support
    ).startswith("2 of the 3 small states have high need (GCI 2024 tier 4–5)")
    # Any need: no tier is needed to rank, so no bound either
    assert takeaways.gap_countries(
        table, noun="small states", need_label=None, support=support
    ).startswith("2 of the 5 small states have thin support")
    many = _answer_table(
        [(f"S{i}", 5, "ranked", i, True) for i in range(1, 6)] + [("Fiji", None, "x", None, 1)]
    )
    assert "(S1, S2, S3 and 2 more)" in takeaways.gap_countries(
        many, noun="states", need_label="GCI 2024 tier 5", support=support
    )
    assert takeaways.gap_countries(
        table.iloc[0:0], noun="states", need_label=None, support=support
    ) == ("No states in the data.")


@pytest.mark.parametrize(
    ("counts", "values", "expected"),
    [
        (takeaways.MappingCounts(0, 0, 0, 0), {}, "No mapping effort matches the filters."),
        (
            takeaways.MappingCounts(3, 2, 0, 1),
            {"AAA": 0},
            "No regional or national mapping passes the filters. 2 global mappings cover all "
            "1; 1 more is left out (coverage unknown or only a count). Colour by projects to "
            "see where the projects go.",
        ),
        (
            takeaways.MappingCounts(2, 1, 1, 0),
            {"AAA": 1, "BBB": 0},
            "1 regional or national mapping covers 1 of the 2 UN member states; A is covered "
            "by 1, the most. 1 global mapping covers all 2.",
        ),
        (  # ties named, 3 then how many more; derived coverage said with its scopes
            takeaways.MappingCounts(9, 2, 6, 1, derived=("Europe", "EU", "Europe", "Brazil")),
            {"AAA": 3, "BBB": 3, "CCC": 3, "DDD": 3, "EEE": 3, "FFF": 1, "GGG": 0},
            "6 regional or national mappings cover 6 of the 7 UN member states; 5 are covered "
            "by 3, the most (A, B, C and 2 more). For 4 of the 6 coverage is derived from their "
            "scope, not stated: Europe; EU; Brazil. 2 global mappings cover all 7; 1 more is "
            "left out (coverage unknown or only a count).",
        ),
        (
            takeaways.MappingCounts(1, 0, 1, 0, derived=("Europe",)),
            {"AAA": 1, "BBB": 1},
            "1 regional or national mapping covers 2 of the 2 UN member states; 2 are covered "
            "by 1, the most (A and B). Its coverage is derived from its scope (Europe), not "
            "stated.",
        ),
    ],
)
def test_where_regional_sentence(counts, values, expected):
    names = {k: k[0] for k in ("AAA", "BBB", "CCC", "DDD", "EEE", "FFF", "GGG")}
    assert takeaways.where_regional(pd.Series(values, dtype=int), names, counts) == expected


def test_where_footprint_sentence():
    values = pd.Series({"AAA": 2, "BBB": 1, "CCC": 0})
    assert takeaways.where_footprint(
        values, ["X", "Y"], derived=("Europe",), unknown=("Z",)
    ) == (  # Z's coverage is unknown: the 2 mappings the map shows are counted
        "The 2 chosen mappings cover 2 of the 3 UN member states; 1 is covered by both. "
        "For 1 of the 2 coverage is derived from their scope, not stated: Europe. The "
        "coverage of Z is unknown or only a count: the map cannot show it."
    )
    assert takeaways.where_footprint(values * 0, [], unknown=("Z", "W")) == (
        "The coverage of Z and W is unknown or only a count: the map cannot show them."
    )


def test_names_and_more():
    assert names_and_more(["A", "B", "C"]) == "A, B and C"
    assert names_and_more(["A", "B", "C", "D", "E"]) == "A, B, C and 2 more"


def test_empty_region_topics_sentence():
    matrix = pd.DataFrame(
        [[0, 2], [1, 0]], index=["Micronesia", "Caribbean"], columns=["cybercrime", "standards"]
    )
    assert takeaways.empty_region_topics(
        matrix, {"cybercrime": "Cybercrime"}, "small states", n_global=3
    ) == (
        "2 of the 4 sub-region × topic cells have no project reaching small states "
        "there, e.g. Micronesia: cybercrime and Caribbean: standards. 3 global projects "
        "(reaching every UN member) are not counted in the cells."
    )
    assert takeaways.empty_region_topics(matrix + 1, {}, "states") == (
        "Every one of the 4 sub-region × topic cells has a project."
    )


def test_cooperation_hub(model):
    inv = model.inventory
    names = model.mapping_names
    assert takeaways.cooperation_hub(inv.cooperation, inv.mappings, names, {}) == (
        "The most common kind is data_sharing (1 of 1); Alpha Portal takes part in the most "
        "(1 link)."
    )
    only_gamma = inv.mappings[inv.mappings["id"] == "gamma"]
    assert takeaways.cooperation_hub(inv.cooperation, only_gamma, names, {}) == (
        "No known cooperation link joins two of these mappings."
    )


def test_gaps_step_names_countries_its_chart_shows(model):
    view = _view(model)
    sentence = story.gaps_sentence(view)
    text = " ".join(t for row in story.gaps_chart(view).figure.data[0].text for t in row)
    named = ["Tonga", "Nigeria"]
    assert all(name in sentence and f"<b>{name}</b>" in text for name in named)


def test_where_step_draws_the_map_pages_answer(model):
    view = _view(model)
    answer = coverage_map_view.map_answer(model, Filters(), "regional")
    assert story.where_sentence(view) == answer.text
    drawn = story.where_chart(view).data.set_index("iso3")["regional mappings"]
    assert drawn.to_dict() == answer.values.to_dict()


def test_leading_pairs_counts_the_tie_and_names_a_few():
    table = pd.DataFrame(
        {
            "mapping A": ["A", "C", "E", "G", "I"],
            "mapping B": ["B", "D", "F", "H", "J"],
            "score": [1.0, 1.0, 1.0, 1.0, 0.5],
            "common": [3, 3, 3, 2, 1],
        }
    )
    assert takeaways.leading_pairs(table, ["score"], at=" at 1.00") == (
        4,
        "A and B; C and D; E and F; and 1 more pair at 1.00",
    )
    assert takeaways.leading_pairs(table, ["score", "common"]) == (3, "A and B; C and D; E and F")
    assert takeaways.leading_pairs(table, ["score"], limit=2) == (
        4,
        "A and B; C and D; and 2 more pairs",
    )
    assert takeaways.leading_pairs(table.tail(1), ["score"]) == (1, "I and J")
    assert takeaways.leading_pairs(table.head(0), ["score"]) == (0, "")


def test_overlap_step_names_the_pairs_tied_with_the_top_bar(data_copy):
    from tests.test_views import TIED_AND_UNKNOWN

    path = data_copy / "mappings.yaml"
    path.write_text(path.read_text() + TIED_AND_UNKNOWN)
    v = story.view(build_model(data_copy), Filters())
    # By topics and users: alpha = delta and beta = zeta (3 items each), gamma = epsilon (2).
    assert story.overlap_sentence(v) == (
        "2 pairs are the most alike by topics and target users (Jaccard 1.00, 3 items in "
        "common each): Alpha Portal and Delta Reviews; Beta Database and Zeta Map; 3 pairs "
        "have identical profiles."
    )
    chart = story.overlap_chart(v)
    assert chart.data.iloc[:2][["mapping A", "mapping B"]].values.tolist() == [
        ["Alpha Portal", "Delta Reviews"],
        ["Beta Database", "Zeta Map"],
    ]
