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
    assert "1 link among the 2 linked mappings" in _text(at)
    assert "1 of 3 have no link of these kinds" in _text(at)

    at.button_group(key="coop_view").set_value("cases").run()
    assert not at.exception, at.exception
    assert not at.get("plotly_chart")
    assert at.selectbox(key="case").value == "alpha-beta"
    text = _text(at)
    assert "**Alpha Portal → Beta Database: Data sharing (2023)**" in text
    assert "Alpha and Beta exchange project records." in text
    assert "**What moved:** project records" in text and "**When:** 2023" in text
    assert "**Sources:** <https://example.org/coop>" in text
    assert _labels(at) == ["Download CSV: cooperation links (1 row)"]

    at.button_group(key="coop_view").set_value("alone").run()
    assert not at.exception, at.exception
    assert "1 of 3 mappings have no known link" in _text(at)
    assert list(at.dataframe[0].value["name"]) == ["Gamma Index"]
    assert _labels(at) == ["Download CSV: mappings with no known link (1 row)"]


def test_cooperation_filter_by_kind_of_link():
    at = run_page("cooperation", {"link_kinds": "cross_listing"})
    assert not at.exception
    assert not at.get("plotly_chart")  # no link of that kind: nothing to draw, said in words
    assert any("No cooperation link of these kinds" in i.value for i in at.info)
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


# By hand (fixture): ODA recipients BRA FJI KEN NGA TON; GCI tiers BRA 1, KEN 1, NGA 4,
# TON 5, FJI unknown; regional or national mappings BRA 0, FJI 1, KEN 2, NGA 1, TON 1;
# projects BRA 0, FJI 1, KEN 1, NGA 1, TON 1 (cybercrime: KEN, NGA).


def test_gaps_page_ranks_high_need_against_thin_support():
    at = run_page("gaps")
    assert not at.exception, at.exception
    assert at.title[0].value == "Where are the gaps?"
    assert at.selectbox(key="group").value == "oda_recipients"
    assert at.markdown[0].value == (
        "At least 2 of the 5 ODA-eligible states have high need (GCI 2024 tier 4–5) and thin "
        "support (at most 2 projects and at most 1 regional or national mapping): 2 of the 4 "
        "with a known GCI tier (Tonga and Nigeria). GCI tier unknown for 1 of the 5: 1 of "
        "them with thin support is listed apart, not ranked."
    )
    caption = " ".join(c.value for c in at.caption)
    assert "the colour counts the countries in a cell" in caption
    assert "GCI 2024 tiers are known for 4 countries" in caption
    assert at.button_group(key="gaps_view").value == "countries"
    assert len(at.get("plotly_chart")) == 1  # need against support
    ranked = at.dataframe[0].value
    assert ranked["country"].tolist() == ["Tonga", "Nigeria"]
    assert ranked["rank"].tolist() == [1, 2]
    assert ranked["why"].tolist() == [
        "need: GCI 2024 tier 5 (building), least developed, small island developing state; "
        "support: 1 project and 1 regional or national mapping",
        "need: GCI 2024 tier 4 (evolving); support: 1 project and 1 regional or national mapping",
    ]
    assert at.dataframe[1].value["country"].tolist() == ["Fiji"]  # tier unknown: apart
    assert [s.value for s in at.subheader] == [
        "High need, thin support: 2",
        "Thin support, GCI tier unknown: 1",
    ]
    assert _labels(at) == [
        "Download CSV: gap countries ranked (2 rows)",
        "Download CSV: gap countries tier unknown (1 row)",
    ]
    assert any("([source](<https://example.org/oda>))" in m.value for m in at.markdown)


def test_gaps_page_other_answers_one_at_a_time():
    at = run_page("gaps")
    at.button_group(key="gaps_view").set_value("regions").run()
    assert not at.exception, at.exception
    assert len(at.get("plotly_chart")) == 1  # projects per sub-region x topic
    assert at.markdown[0].value.startswith("7 of the 15 sub-region × topic cells")
    assert _labels(at) == ["Download CSV: sub-region topic gaps (7 rows)"]
    assert "Tonga and Nigeria" not in _text(at)  # the countries' answer is not shown
    at.button_group(key="gaps_view").set_value("map").run()
    assert not at.exception, at.exception
    assert at.get("deck_gl_json_chart") and not at.get("plotly_chart")
    assert at.markdown[0].value.startswith("4 of the 5 ODA-eligible states have thin")
    at.button_group(key="gaps_view").set_value("summary").run()
    assert not at.exception, at.exception
    assert not at.get("plotly_chart")
    assert _labels(at) == [
        "Download Markdown: overlaps and gaps by region",
        "Download CSV: overlaps and gaps by region (3 rows)",
    ]


def test_gaps_small_island_states_and_cybercrime():
    at = run_page(
        "gaps", {"group": "sids", "topic": "cybercrime", "max_projects": "0", "need": "gci5"}
    )
    assert not at.exception
    assert at.markdown[0].value.startswith(  # Fiji's tier is unknown: a lower bound
        "At least 1 of the 2 small island developing states has high need (GCI 2024 tier 5) "
        "and thin support (no cybercrime project and at most 1 regional or national "
        "mapping): 1 of the 1 with a known GCI tier (Tonga)."
    )
    ranked = at.dataframe[0].value
    assert ranked.iloc[0][["country", "cybercrime projects"]].tolist() == ["Tonga", 0]
    at.button_group(key="gaps_view").set_value("summary").run()
    summary = " ".join(m.value for m in at.markdown)
    assert "## Oceania (2 countries)" in summary and "## Africa" not in summary
    assert "Tonga" in summary and "no project on Cybercrime" in summary


def test_gaps_group_missing_from_the_data_is_said_not_failed():
    at = run_page("gaps", {"group": "wb_low"})  # no income groups in the fixture
    assert not at.exception
    assert "group" not in at.query_params  # the link's group is not in the data: dropped
    at = run_page("gaps", group="wb_low")  # chosen in a session whose data lacks it
    assert not at.exception


def test_gaps_controls_change_the_list():
    at = run_page("gaps")
    at.selectbox(key="need").set_value("any").run()
    assert not at.exception
    assert at.dataframe[0].value["country"].tolist() == ["Brazil", "Tonga", "Nigeria", "Fiji"]
    assert at.query_params["need"] == "any"
    at.number_input(key="max_mappings").set_value(0).run()
    assert at.dataframe[0].value["country"].tolist() == ["Brazil"]


def test_gaps_recommendations_markdown():
    at = run_page("gaps", {"gaps_view": "summary"})
    summary = [m.value for m in at.markdown if "**Gaps**" in m.value]
    assert summary and "## Oceania (2 countries)" in summary[0]


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
