"""Every page: runs without exception, shows its title, charts and downloads; filters set
through the URL change the numbers as the fixture says they should."""

from __future__ import annotations

import json

import pytest
from streamlit.proto.SelectWidgetFilterMode_pb2 import SelectWidgetFilterMode

from cbdash.present import state
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
    assert [m.value for m in at.metric] == ["3", "4", "5 of 5", "1"]
    at = run_page("home", {"topics": "cybercrime"})
    assert [m.value for m in at.metric] == ["2", "2", "5 of 5", "1"]  # alpha+beta; p1, p4
    at = run_page("home", {"users": "civil_society"})
    assert [m.value for m in at.metric] == ["1", "1", "3 of 5", "0"]  # gamma; p2


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
    assert any("unknown value of 'topics' in the link: 'nonsense'" in w.value for w in at.warning)
    assert at.multiselect(key="topics").value == ["cybercrime"]


def test_filters_write_back_to_url():
    at = run_page("home")
    at.multiselect(key="users").select("civil_society").run()
    assert at.query_params["users"] == "civil_society"
    assert at.metric[0].value == "1"
    at.button(key="reset_filters").click().run()
    assert "users" not in at.query_params
    assert at.metric[0].value == "3"


def test_coverage_map_has_map_and_country_panel():
    at = run_page("coverage_map", {"country": "KEN"})  # a link opens Kenya's panel
    assert not at.exception
    assert at.get("deck_gl_json_chart")
    assert at.markdown[0].value.startswith("2 regional or national mappings cover 4 of the 5")
    assert "1 global mapping covers all 5" in at.markdown[0].value
    assert [s.value for s in at.subheader] == [
        "Mappings covering Kenya",
        "Projects of the inventory naming Kenya",
    ]
    assert [m.value for m in at.metric] == ["3", "1"]  # alpha, beta, gamma; p1
    assert at.selectbox(key="country").value == "KEN"
    at.selectbox(key="measure").set_value("projects").run()  # a rerun: the panel stays shut
    assert not at.subheader
    assert at.markdown[0].value.startswith("4 projects of the inventory name 4 of the 5")
    at.button(key="show_country").click().run()  # until asked again
    assert [m.value for m in at.metric] == ["3", "1"]


def test_coverage_map_without_a_country_has_no_panel():
    at = run_page("coverage_map")
    assert not at.exception
    assert not at.metric and not at.subheader
    assert at.selectbox(key="country").value is None


def test_coverage_map_footprint_and_projects_measure():
    at = run_page("coverage_map", {"regions": "m49_009"})
    assert not at.exception
    at.selectbox(key="measure").set_value("projects").run()
    assert not at.exception
    assert at.query_params["measure"] == "projects"
    assert at.multiselect(key="footprint").disabled  # a footprint is a mapping's


def test_coverage_map_footprint_works_under_the_default_colouring():
    """A link with a footprint and no colouring (the default: regional and national
    mappings) colours by the footprint; under Projects the footprint is set aside, said."""
    at = run_page("coverage_map", {"footprint": "gamma"})
    assert not at.exception
    assert at.selectbox(key="measure").value == "regional"
    assert not at.multiselect(key="footprint").disabled
    assert at.markdown[0].value.startswith(
        "The chosen mapping (Gamma Index) covers 3 of the 5 UN member states."
    )
    assert "selected mappings covering" in " ".join(c.value for c in at.caption)
    at.selectbox(key="measure").set_value("projects").run()
    assert at.multiselect(key="footprint").value == ["gamma"]  # kept for the link
    assert at.multiselect(key="footprint").disabled
    assert at.markdown[0].value.startswith("4 projects of the inventory name")
    assert "The footprint chosen applies to mappings only." in " ".join(c.value for c in at.caption)
    assert at.query_params["footprint"] == "gamma"


def test_topics_one_view_at_a_time():
    at = run_page("topics")
    assert len(at.get("plotly_chart")) == 1  # only the chosen view is built and sent
    assert not at.dataframe
    views = {
        "users": ("plotly_chart", 1),  # mapping x target users
        "regions": ("plotly_chart", 1),
        "users_topics": ("plotly_chart", 1),
        "crosswalk": ("dataframe", 1),
    }
    for view, (element, n) in views.items():
        at.button_group(key="topics_view").set_value(view).run()
        assert not at.exception
        assert len(at.get(element)) == n, view
        assert at.query_params["topics_view"] == view
    at.button_group(key="topics_view").set_value("regions").run()
    at.radio(key="count_of").set_value("projects").run()
    assert not at.exception
    assert len(at.get("plotly_chart")) == 1


def test_topics_view_opens_from_the_link():
    at = run_page("topics", {"topics_view": "users"})
    assert at.button_group(key="topics_view").value == "users"
    assert "Target users each mapping serves" in at.get("plotly_chart")[0].proto.spec


@pytest.mark.parametrize("dim", ["countries", "topics", "users", "projects"])
@pytest.mark.parametrize("metric", ["count", "jaccard", "overlap"])
def test_overlap_dimensions_and_metrics(dim, metric):
    at = run_page("overlap", {"compare_by": dim, "metric": metric, "with_global": "yes"})
    assert not at.exception
    assert at.get("plotly_chart")
    assert at.markdown[0].value.startswith("By ")  # the sentence follows the dimension


def test_overlap_pair_card_compares_every_dimension():
    at = run_page("overlap", {"compare_by": "countries", "pair": "beta,gamma"})
    assert not at.exception
    card = at.dataframe[0].value
    assert list(card["Compared by"]) == ["Countries", "Topics", "Target users", "Shared projects"]
    row = card.set_index("Compared by").loc["Countries"]
    assert (row["In both"], row["Only in Beta Database"], row["Only in Gamma Index"]) == (1, 1, 2)
    assert at.query_params["pair"] == "beta,gamma"


def test_overlap_opens_on_the_most_overlapping_pair():
    at = run_page("overlap", {"compare_by": "countries", "with_global": "yes"})
    first = at.table[0].value.iloc[0]  # the top row of the pairs that overlap most
    names = {"alpha": "Alpha Portal", "beta": "Beta Database", "gamma": "Gamma Index"}
    chosen = [names[v] for v in at.multiselect(key="pair").value]
    assert chosen == [first["Mapping A"], first["Mapping B"]]
    assert list(at.table[0].value.columns) == [
        "Mapping A",
        "Mapping B",
        "Jaccard (shared / either)",
    ]


def test_overlap_lists_no_pair_that_shares_nothing():
    at = run_page("overlap", {"compare_by": "topics", "metric": "count"})
    pairs = at.table[0].value
    assert (pairs["Items in common"].astype(float) > 0).all()


def test_overlap_shared_projects_are_not_hidden_by_the_global_toggle():
    # alpha (global) and beta list p1; the toggle about countries does not apply to projects.
    at = run_page("overlap", {"compare_by": "projects", "with_global": "no"})
    assert not at.exception
    assert at.get("plotly_chart")
    assert not at.get("toggle")


def test_overlap_needs_two_mappings():
    at = run_page("overlap", {"kinds": "project_database"})
    assert any("at least two mappings" in i.value for i in at.info)


def test_explore_search_and_compare():
    at = run_page("explore")
    at.button_group(key="explore_view").set_value("projects").run()
    at.text_input(key="search_projects").input("pacific").run()
    assert not at.exception
    assert "2 of 4 projects" in " ".join(c.value for c in at.caption)
    assert at.query_params["search_projects"] == "pacific"
    at.button_group(key="explore_view").set_value("compare").run()
    at.multiselect(key="compare").select("alpha").select("beta").run()
    assert not at.exception
    assert at.query_params["compare"] == "alpha,beta"


def test_method_shows_sources_and_clean_report():
    at = run_page("method")
    assert any("passed validation" in s.value for s in at.success)


def test_overlap_without_global_mappings():
    at = run_page("overlap", {"compare_by": "countries"})
    assert not at.exception
    assert "2 mappings with known countries" in " ".join(c.value for c in at.caption)
    assert at.markdown[0].value.endswith(  # the sentence accounts for all three mappings
        "2 of the 3 mappings are compared; 1 global mapping is hidden (switch on “Include "
        "global mappings” to include it)."
    )


def test_coverage_map_regional_measure():
    at = run_page("coverage_map")
    at.selectbox(key="measure").set_value("regional").run()
    assert not at.exception
    assert "regional or national mappings covering" in " ".join(c.value for c in at.caption)


FILTER_MODE_CONTAINS = SelectWidgetFilterMode.Value("FILTER_MODE_CONTAINS")


@pytest.mark.parametrize(
    ("page", "query"),
    [
        ("explore", {"explore_view": "compare"}),
        ("explore", {"explore_view": "mappings"}),
        ("overlap", {}),
        ("coverage_map", {}),
        ("cooperation", {}),
    ],
)
def test_pickers_match_what_is_typed_and_enter_picks_one(page, query):
    """No "Select all matches" row (Enter would pick every match) and options filtered by
    the words typed, on every multiselect of the page and in the sidebar."""
    at = run_page(page, query)
    assert not at.exception
    pickers = at.get("multiselect")
    assert len(pickers) > len(state.SIDEBAR)  # the sidebar's and the page's own
    for picker in pickers:
        assert picker.proto.select_all == 0, picker.label  # 0: never shown
        assert picker.proto.filter_mode == FILTER_MODE_CONTAINS, picker.label


def test_table_columns_fit_their_content():
    at = run_page("explore", {"explore_view": "projects"})
    config = json.loads(at.dataframe[0].proto.columns)
    assert config["start"]["width"] < 80 < config["title"]["width"] <= 230  # a year, a title


@pytest.mark.parametrize("page", ["home", "explore", "gaps"])
def test_tables_show_a_missing_value_as_unknown(page):
    at = run_page(page)
    assert at.dataframe, f"{page} shows no table"
    for table in at.dataframe:
        assert table.proto.placeholder == "unknown"  # not Streamlit's default "None"


@pytest.mark.parametrize(
    ("query", "said"),
    [
        ({"topics_view": "regions"}, "The most covered topic per region, in mappings: Africa"),
        ({"topics_view": "regions", "count_of": "projects"}, "in projects: Africa: Cybercrime (2)"),
        ({"topics_view": "users", "topics": "cybercrime"}, "Civil society by none."),
        ({"topics_view": "crosswalk"}, "2 categories of GFCE theme and ITU GCI pillar"),
    ],
)
def test_topics_sentence_follows_the_chosen_view(query, said):
    at = run_page("topics", query)
    assert not at.exception
    assert any(said in m.value for m in at.markdown), [m.value for m in at.markdown]
