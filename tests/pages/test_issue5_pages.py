"""Cooperation, gaps and the presentation (story) pages on the fixture inventory, plus the
presentation mode routed by app.py."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from cbdash.present import story
from tests.pages.conftest import REPO, run_page


def _labels(at) -> list[str]:
    """The labels of the download buttons, in page order (data frames go by order too:
    AppTest reaches only widgets by key)."""
    return [d.proto.label for d in at.get("download_button")]


def _text(at) -> str:
    """All the words on the page (markdown, captions, messages)."""
    return " ".join(m.value for m in [*at.markdown, *at.caption, *at.info, *at.warning])


# Cooperation ------------------------------------------------------------------------------


def test_cooperation_network_case_study_and_stand_alone():
    at = run_page("cooperation")
    assert not at.exception, at.exception
    assert at.title[0].value == "Who already cooperates?"
    # One view at a time: the network first, with its legend.
    assert at.button_group(key="coop_view").value == "links"
    assert len(at.get("plotly_chart")) == 1 and not at.dataframe
    legend = " ".join(h.proto.body for h in at.get("html"))
    assert "Kind of mapping" in legend and "Kind of link" in legend
    assert "1 links among 3 mappings" in _text(at)

    at.button_group(key="coop_view").set_value("cases").run()
    assert not at.exception, at.exception
    assert not at.get("plotly_chart")
    assert at.selectbox(key="case").value == "alpha-beta"
    text = _text(at)
    assert "**Alpha Portal → Beta Database: Data sharing (2023)**" in text
    assert "Alpha and Beta exchange project records." in text
    assert "Source: <https://example.org/coop>" in text
    assert _labels(at) == ["Download CSV: cooperation links (1 row)"]

    at.button_group(key="coop_view").set_value("alone").run()
    assert not at.exception, at.exception
    assert "1 of 3 mappings have no known link" in _text(at)
    assert list(at.dataframe[0].value["name"]) == ["Gamma Index"]
    assert _labels(at) == ["Download CSV: mappings with no known link (1 row)"]


def test_cooperation_filter_by_kind_of_link():
    at = run_page("cooperation", {"link_kinds": "cross_listing"})
    assert not at.exception
    assert at.get("plotly_chart")  # the network still shows the mappings
    at.button_group(key="coop_view").set_value("cases").run()
    assert any("No cooperation link of these kinds" in i.value for i in at.info)


def test_cooperation_size_by_projects():
    at = run_page("cooperation", {"node_size": "projects"})
    assert not at.exception
    assert "Size: projects" in _text(at)


def test_cooperation_follows_sidebar_filters():
    at = run_page("cooperation", {"kinds": "index_or_ranking"})
    assert not at.exception
    assert at.markdown[0].value.startswith("0 known cooperation links join 0 mappings")


def test_cooperation_empty_filters_in_words():
    at = run_page("cooperation", {"topics": "culture_skills", "kinds": "project_database"})
    assert not at.exception
    assert any("No mapping effort matches" in i.value for i in at.info)
    assert not at.get("plotly_chart")


# Gaps -------------------------------------------------------------------------------------


def test_gaps_page_default_question():
    at = run_page("gaps")
    assert not at.exception, at.exception
    assert at.title[0].value == "Where are the gaps?"
    assert at.markdown[0].value == (
        "1 of 5 UN member states is covered by at most 2 regional or country-specific "
        "mappings and named by no listed project, e.g. Brazil."
    )
    assert list(at.dataframe[1].value["country"]) == ["Brazil"]
    # One answer at a time: the countries (per region as a table with bars, the table, the
    # sources), with no plotly chart.
    assert at.button_group(key="gaps_view").value == "countries"
    assert not at.get("plotly_chart")
    assert len(at.dataframe) == 2  # per region, the countries; the sources are a list
    assert any("([source](<https://example.org/ldc>))" in m.value for m in at.markdown)
    assert at.dataframe[0].value.to_dict("list") == {"region": ["Americas"], "countries": [1]}
    assert _labels(at) == ["Download CSV: gap countries (1 row)"]


def test_gaps_page_other_answers_one_at_a_time():
    at = run_page("gaps")
    at.button_group(key="gaps_view").set_value("regions").run()
    assert not at.exception, at.exception
    assert len(at.get("plotly_chart")) == 1  # projects per region x topic
    assert _labels(at) == ["Download CSV: region topic gaps (5 rows)"]
    assert "Brazil" not in _text(at)  # the countries' answer is not built or shown
    at.button_group(key="gaps_view").set_value("summary").run()
    assert not at.exception, at.exception
    assert not at.get("plotly_chart")
    assert _labels(at) == [
        "Download Markdown: overlaps and gaps by region",
        "Download CSV: overlaps and gaps by region (3 rows)",
    ]


def test_gaps_answers_the_ldc_cybercrime_question():
    at = run_page(
        "gaps",
        {"group": "ldc", "topic": "cybercrime", "max_mappings": "2", "regional_only": "no"},
    )
    assert not at.exception
    assert at.markdown[0].value == (
        "1 of 1 least developed countries is covered by at most 2 mappings and named by no "
        "listed cybercrime project, e.g. Tonga."
    )
    table = at.dataframe[1].value  # after the countries per region
    assert table.iloc[0][["country", "context", "mappings", "projects"]].tolist() == [
        "Tonga",
        "Least developed countries (UN)",
        2,
        0,
    ]


def test_gaps_group_missing_from_the_data_is_said_not_failed():
    at = run_page("gaps", {"group": "sids"})
    assert not at.exception
    assert any("is not in the shipped data" in i.value for i in at.info)
    assert any("No country meets these conditions" in i.value for i in at.info)


def test_gaps_controls_change_the_list():
    at = run_page("gaps")
    at.number_input(key="max_projects").set_value(1).run()
    assert not at.exception
    assert len(at.dataframe[1].value) == 5
    assert at.dataframe[0].value["countries"].sum() == 5  # the same countries per region


def test_gaps_recommendations_markdown():
    at = run_page("gaps", {"gaps_view": "summary"})
    summary = [m.value for m in at.markdown if "**Mapped by**" in m.value]
    assert summary and "## Africa (2 countries)" in summary[0]


# Story ------------------------------------------------------------------------------------


@pytest.mark.parametrize("number", range(1, len(story.STEPS) + 1))
@pytest.mark.parametrize("present", ["", "1"])
def test_each_story_step_renders(number, present):
    query = {"step": str(number)} | ({"present": present} if present else {})
    at = run_page("story", query)
    step = story.STEPS[number - 1]
    assert not at.exception, at.exception
    assert at.title[0].value == step.question
    assert at.markdown[0].value.startswith("**") and len(at.markdown[0].value) > 20
    assert len(at.get("plotly_chart")) == 1
    assert f"Step {number} of {len(story.STEPS)}" in " ".join(c.value for c in at.caption)
    assert at.button(key="story_prev").disabled == (number == 1)
    assert at.button(key="story_next").disabled == (number == len(story.STEPS))
    assert bool(_labels(at)) != bool(present)  # CSV below the chart, but not on the projector
    assert bool(at.get("html")) == bool(present)  # the projector CSS and presenter keys


def test_story_next_and_back_write_the_step_into_the_url():
    at = run_page("story", {"present": "1", "step": "3"})
    at.button(key="story_next").click().run()
    assert at.query_params["step"] == "4"
    assert at.title[0].value == story.STEPS[3].question
    at.button(key="story_prev").click().run()
    at.button(key="story_prev").click().run()
    assert at.query_params["step"] == "2"
    assert at.query_params["present"] == "1"


def test_story_bad_step_in_a_link_is_reported():
    at = run_page("story", {"step": "99"})
    assert not at.exception
    assert at.title[0].value == story.STEPS[-1].question
    assert any("showing step 8" in w.value for w in at.warning)


def test_story_jump_and_presentation_toggle():
    at = run_page("story")
    at.segmented_control(key="story_jump").set_value(6).run()
    assert at.query_params["step"] == "6"
    assert at.title[0].value == story.STEPS[5].question
    at.button(key="story_present").click().run()
    assert at.query_params["present"] == "1"
    at.button(key="story_exit").click().run()
    assert "present" not in at.query_params


def test_story_follows_sidebar_filters():
    at = run_page("story", {"kinds": "project_database", "step": "5"})
    assert not at.exception
    assert at.markdown[0].value == "**Overlap needs at least two mappings.**"
    assert any("Nothing to draw" in i.value for i in at.info)


def test_app_routes_presentation_mode_to_the_story():
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    at.query_params["present"] = "1"
    at.query_params["step"] = "7"
    at.run()
    assert not at.exception, at.exception
    assert at.title[0].value == story.STEPS[6].question


def test_app_lists_the_new_pages():
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60).run()
    assert not at.exception
    for page, title in [
        ("pages/cooperation.py", "Who already cooperates?"),
        ("pages/gaps.py", "Where are the gaps?"),
        ("pages/story.py", story.STEPS[0].question),
    ]:
        at.switch_page(page).run()
        assert not at.exception, at.exception
        assert at.title[0].value == title
