"""The guided story on the fixture: every step has a sentence and a chart computed from the
data, and changing the data changes the sentence. Also the takeaways the story added.

Fixture by hand: alpha (global: BRA, FJI, KEN, NGA, TON), beta (AU: KEN, NGA), gamma (PIF:
FJI, TON, plus KEN); projects p1 KEN cybercrime (alpha, beta), p2 FJI TON skills (gamma),
p3 Pacific strategy (alpha), p4 NGA cybercrime + strategy (beta); one link alpha -> beta.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import plotly.graph_objects as go
import pytest

from cbdash.analysis.filters import Filters
from cbdash.analysis.model import Model, build_model
from cbdash.present import charts, story, takeaways, world_map
from tests.conftest import FIXTURE_DIR


@pytest.fixture(scope="module")
def model() -> Model:
    return build_model(FIXTURE_DIR)


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
    "who": "3 mapping efforts run by 3 organisations; the most common kind is knowledge portal"
    " (1 of 3).",
    "where": "1 of 3 mappings cover every UN member state; of the 2 regional or "
    "country-specific ones, Kenya gets the most (2) and 1 country none, e.g. Brazil.",
    "topics": "Cybercrime is the most covered topic (2 of 3 mappings); Culture & skills the "
    "least (1).",
    "users": "Governments & policymakers are served by 2 of 3 mappings; Civil society by 1.",
    "overlap": "Alpha Portal and Beta Database are the most alike by topics and target users "
    "(Jaccard 0.50).",
    "duplicates": "1 of 4 projects is listed by two or more mappings; 0 are listed by none "
    "(found only on implementer, donor or news pages).",
    "cooperation": "1 known cooperation link joins 2 mappings; 1 of 3 stands alone with no "
    "known link. The most common kind is data sharing (1 of 1); Alpha Portal takes part in "
    "the most (1 link).",
    "gaps": "1 of 5 UN member states is covered by at most 2 regional or country-specific "
    "mappings and named by no listed project, e.g. Brazil.",
}


@pytest.mark.parametrize("step", story.STEPS, ids=lambda s: s.slug)
def test_each_step_has_a_computed_sentence_and_a_chart(model, step):
    view = _view(model)
    assert step.takeaway(view) == EXPECTED[step.slug]
    chart = step.chart(view)
    assert isinstance(chart.figure, go.Figure)
    assert isinstance(chart.data, pd.DataFrame) and not chart.data.empty


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
    "gaps": (None, "p1"),
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
    big = story.projector(fig)
    assert big.layout.font.size >= 20
    assert big.layout.title.font.size > big.layout.font.size
    assert big.data[0].textfont.size >= 20
    assert big.layout.height is None
    assert fig.layout.height is not None  # the original is left alone


def test_projector_css_is_constant_and_hides_the_sidebar():
    assert "stSidebar" in story.PROJECTOR_CSS
    assert "font-size: 22px" in story.PROJECTOR_CSS
    assert f".st-key-{story.CHART_KEY}" in story.PROJECTOR_CSS


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


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((2, 0, None, False), "covered by at most 2 mappings and named by no listed project"),
        (
            (1, 0, "Cybercrime", True),
            "covered by at most 1 regional or country-specific mappings and named by no "
            "listed cybercrime project",
        ),
        (
            (3, 2, "Incident management & CIIP", False),
            "covered by at most 3 mappings and named by at most 2 listed incident management "
            "& CIIP projects",
        ),
        (
            (0, 1, None, False),
            "covered by at most 0 mappings and named by at most 1 listed project",
        ),
    ],
)
def test_gap_condition(args, expected):
    assert takeaways.gap_condition(*args) == expected


def test_gap_countries_sentence():
    table = pd.DataFrame({"country": ["Tonga", "Fiji"], "mappings": [1, 0], "projects": [0, 0]})
    cond = "covered by at most 2 mappings and named by no listed project"
    assert takeaways.gap_countries(table, cond) == (
        "2 countries are covered by at most 2 mappings and named by no listed project, "
        "e.g. Fiji and Tonga."
    )
    assert takeaways.gap_countries(
        table.iloc[:1], cond, group_noun="least developed countries", group_size=46
    ) == (
        "1 of 46 least developed countries is covered by at most 2 mappings and named by no "
        "listed project, e.g. Tonga."
    )
    assert takeaways.gap_countries(table.iloc[0:0], cond, group_noun="small states") == (
        "None of the small states is covered by at most 2 mappings and named by no listed project."
    )


def test_where_regional_edge_cases():
    empty = pd.DataFrame({"name": [], "mappings": []})
    assert takeaways.where_regional(empty, 0, 0) == "No mapping effort matches the filters."
    assert takeaways.where_regional(empty, 2, 2) == (
        "2 of 2 mappings cover every UN member state; none is regional or country-specific."
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
