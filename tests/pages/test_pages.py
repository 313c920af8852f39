"""Every page: runs without exception, shows its title, charts and downloads; filters set
through the URL change the numbers as the fixture says they should."""

from __future__ import annotations

import pytest

from tests.pages.conftest import run_page

PAGES = {
    "home": "Who maps cybersecurity capacity building?",
    "coverage_map": "Where do the mappings look?",
    "topics": "On which topics, for whom?",
    "overlap": "How much do the mappings overlap?",
    "explore": "Explore & download",
    "method": "Data & method",
}


def _downloads(at) -> list:
    return at.get("download_button")


@pytest.mark.parametrize(("page", "title"), PAGES.items())
def test_page_renders(page, title):
    at = run_page(page)
    assert not at.exception, at.exception
    assert at.title[0].value == title
    assert _downloads(at), "every page offers a CSV download"


def test_home_numbers_follow_url_filters():
    at = run_page("home")
    assert [m.value for m in at.metric] == ["3", "4", "5", "1"]
    at = run_page("home", {"topics": "cybercrime"})
    assert [m.value for m in at.metric] == ["2", "2", "5", "1"]  # alpha+beta; p1, p4
    at = run_page("home", {"users": "civil_society"})
    assert [m.value for m in at.metric] == ["1", "1", "3", "0"]  # gamma; p2


def test_home_kinds_as_a_table_without_plotly():
    at = run_page("home")
    assert not at.get("plotly_chart")  # the first page a viewer opens loads no plotly.js
    kinds = at.dataframe[0].value  # the first table: kinds
    assert list(kinds.columns) == ["label", "mappings"]
    assert kinds["mappings"].sum() == 3


def test_empty_state_in_words():
    at = run_page("home", {"topics": "culture_skills", "kinds": "project_database"})
    assert not at.exception
    assert any("No mapping effort matches" in i.value for i in at.info)
    assert not at.get("plotly_chart")


def test_unknown_url_value_is_reported_not_crashing():
    at = run_page("home", {"topics": "cybercrime,nonsense"})
    assert not at.exception
    assert any("Ignored unknown topics 'nonsense'" in w.value for w in at.warning)
    assert at.multiselect(key="filter_topics").value == ["cybercrime"]


def test_filters_write_back_to_url():
    at = run_page("home")
    at.multiselect(key="filter_users").select("civil_society").run()
    assert at.query_params["users"] == "civil_society"
    assert at.metric[0].value == "1"
    at.button(key="reset_filters").click().run()
    assert "users" not in at.query_params
    assert at.metric[0].value == "3"


def test_coverage_map_has_map_and_country_panel():
    at = run_page("coverage_map", map_country="KEN")
    assert not at.exception
    assert at.get("deck_gl_json_chart")
    assert at.subheader[0].value == "Kenya"
    assert [m.value for m in at.metric] == ["3", "1"]  # alpha, beta, gamma; p1


def test_coverage_map_footprint_and_projects_measure():
    at = run_page("coverage_map", {"regions": "m49_009"})
    assert not at.exception
    at.radio(key="map_measure").set_value("projects").run()
    assert not at.exception


def test_topics_one_view_at_a_time():
    at = run_page("topics")
    assert len(at.get("plotly_chart")) == 1  # only the chosen view is built and sent
    assert not at.dataframe
    views = {
        "Region × topic": ("plotly_chart", 1),
        "Target users × topic": ("plotly_chart", 1),
        "How mappings categorise": ("dataframe", 1),  # the crosswalk
    }
    for view, (element, n) in views.items():
        at.button_group(key="topics_view").set_value(view).run()
        assert not at.exception
        assert len(at.get(element)) == n, view
    at.button_group(key="topics_view").set_value("Region × topic").run()
    at.radio(key="region_topic_of").set_value("projects").run()
    assert not at.exception
    assert len(at.get("plotly_chart")) == 1


@pytest.mark.parametrize("dim", ["countries", "topics", "target_users", "projects"])
@pytest.mark.parametrize("metric", ["count", "jaccard", "overlap"])
def test_overlap_dimensions_and_metrics(dim, metric):
    at = run_page("overlap", ov_dim=dim, ov_metric=metric)
    assert not at.exception
    assert at.get("plotly_chart")


def test_overlap_pair_drilldown():
    at = run_page("overlap", ov_dim="countries", pair_a="beta", pair_b="gamma")
    assert not at.metric  # the matrix first, one view at a time
    at.button_group(key="ov_view").set_value("Compare two mappings").run()
    assert [m.value for m in at.metric] == ["1", "1", "2"]  # KEN; NGA; FJI, TON
    assert not at.get("plotly_chart") and not at.table


def test_overlap_opens_on_the_most_overlapping_pair():
    at = run_page("overlap", ov_dim="countries", ov_no_global=False)
    first = at.table[0].value.iloc[0]  # the top row of "Most overlapping pairs"
    at.button_group(key="ov_view").set_value("Compare two mappings").run()
    shown = []
    for key in ("pair_a", "pair_b"):
        box = at.selectbox(key=key)
        shown.append(box.options[box.index])  # the label of the chosen mapping
    assert shown == [first["mapping_a"], first["mapping_b"]]


def test_overlap_says_when_only_global_mappings_have_values():
    # Two mappings pass these filters: alpha (global) and beta, both listing projects.
    only = {"kinds": "knowledge_portal,project_database"}
    at = run_page("overlap", only, ov_dim="projects", ov_no_global=True)
    assert not at.exception
    message = " ".join(i.value for i in at.info)
    assert "Fewer than two of these mappings have known shared projects" in message
    assert "Switch off “Leave out global mappings”" in message
    at = run_page("overlap", only, ov_dim="projects", ov_no_global=False)
    assert at.get("plotly_chart") and not at.info


def test_overlap_needs_two_mappings():
    at = run_page("overlap", {"kinds": "project_database"})
    assert any("at least two mappings" in i.value for i in at.info)


def test_explore_search_and_compare():
    at = run_page("explore")
    at.text_input(key="search_projects").input("pacific").run()
    assert not at.exception
    assert "2 of 4 projects" in " ".join(c.value for c in at.caption)
    at.multiselect(key="compare").select("alpha").select("beta").run()
    assert not at.exception


def test_method_shows_sources_and_clean_report():
    at = run_page("method")
    assert any("passed validation" in s.value for s in at.success)


def test_overlap_without_global_mappings():
    at = run_page("overlap", ov_dim="countries", ov_no_global=True)
    assert not at.exception
    assert "2 mappings with known countries" in " ".join(c.value for c in at.caption)


def test_coverage_map_regional_measure():
    at = run_page("coverage_map")
    at.radio(key="map_measure").set_value("regional").run()
    assert not at.exception
    assert "regional or national mappings covering" in " ".join(c.value for c in at.caption)
