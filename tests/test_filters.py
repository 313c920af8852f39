"""Filters and every registered choice: what they apply (one implementation), how they read
from and write to the URL, and how they describe themselves."""

from __future__ import annotations

import pytest

from cbdash.analysis.filters import Filters, option_counts
from cbdash.analysis.model import build_model
from cbdash.present import state
from tests.conftest import FIXTURE_DIR


@pytest.fixture(scope="module")
def model():
    return build_model(FIXTURE_DIR)


@pytest.mark.parametrize(
    ("chosen", "mappings", "projects"),
    [
        ({}, ["alpha", "beta", "gamma"], ["p1", "p2", "p3", "p4"]),
        ({"topics": ("cybercrime",)}, ["alpha", "beta"], ["p1", "p4"]),
        (
            {"topics": ("cybercrime", "culture_skills")},
            ["alpha", "beta", "gamma"],
            ["p1", "p2", "p4"],
        ),
        ({"users": ("civil_society",)}, ["gamma"], ["p2"]),
        ({"regions": ("m49_009",)}, ["alpha", "gamma"], ["p2", "p3"]),
        ({"regions": ("m49_019",)}, ["alpha"], []),
        ({"kinds": ("project_database",)}, ["beta"], ["p1", "p2", "p3", "p4"]),
        ({"access": ("unknown",)}, ["gamma"], ["p1", "p2", "p3", "p4"]),
        ({"confidence": ("high", "low"), "topics": ("cybercrime",)}, ["alpha"], ["p1", "p4"]),
    ],
)
def test_filters_apply(model, chosen, mappings, projects):
    filters = Filters(**chosen)
    assert list(model.filtered_mappings(filters)["id"]) == mappings
    assert list(model.filtered_projects(filters)["project_id"]) == projects


def test_related_and_archived_efforts_count_only_when_switched_in(model):
    m = model.inventory.mappings.copy()
    m["role"] = ["mapping", "related", "mapping"]
    m["status"] = ["active", "active", "archived"]
    from cbdash.analysis.filters import counted

    assert counted(m).tolist() == [True, False, False]
    assert counted(m, ("related",)).tolist() == [True, True, False]
    assert counted(m, ("archived",)).tolist() == [True, False, True]


@pytest.mark.parametrize("choice", list(state.REGISTRY.values()), ids=lambda c: c.key)
def test_every_choice_round_trips_through_the_url(model, choice):
    allowed = choice.allowed(model)
    if choice.bounds:
        value = choice.bounds[1]
    elif not allowed:
        value = "a search"
    elif choice.many:
        value = tuple(allowed[:2])
    else:
        value = allowed[-1] if allowed[-1] != choice.default else allowed[0]
    text = choice.to_param(value)
    assert text is not None, "a value other than the default is written to the link"
    parsed, note = choice.parse([text], model)
    assert (parsed, note) == (value, None)
    assert choice.to_param(choice.default) is None  # the default is left out of the link


def test_from_query_reads_the_sidebar_and_the_page_only(model):
    values, notes = state.from_query(
        {"topics": ["cybercrime"], "measure": ["projects"], "compare_by": ["countries"]},
        model,
        "coverage_map",
    )
    assert values["topics"] == ("cybercrime",) and values["measure"] == "projects"
    assert "compare_by" not in values  # another page's choice
    assert notes == []
    assert state.filters_of(values) == Filters(topics=("cybercrime",))
    assert state.to_query(values) == {"topics": "cybercrime", "measure": "projects"}


def test_unknown_values_are_dropped_with_one_escaped_note(model):
    bad = ",".join(f"v{i}" for i in range(5000))
    values, notes = state.from_query(
        {"users": [bad], "topics": ["cybercrime,[Click](https://evil.example)"]}, model, None
    )
    assert values["users"] == () and values["topics"] == ("cybercrime",)
    assert len(notes) == 2  # one per parameter, however many values
    users_note = next(n for n in notes if "'users'" in n)
    assert "Ignored" in users_note and "'users'" in users_note
    topics_note = next(n for n in notes if "'topics'" in n)
    assert "\\[Click\\]" in topics_note and "[Click](" not in topics_note  # escaped


def test_counts_of_many_dropped_values_are_stated(model):
    values, notes = state.from_query({"topics": ["a,b,c,d,e"]}, model, None)
    assert notes == ["Ignored 5 unknown values of 'topics' in the link: 'a', 'b', 'c' and 2 more."]


def test_a_long_value_is_ignored_whole(model):
    values, notes = state.from_query({"country": ["X" * 5000]}, model, "coverage_map")
    assert values["country"] is None
    assert notes == ["Ignored 'country' in the link: too long to be a choice."]


def test_numbers_are_bounded(model):
    assert state.REGISTRY["max_mappings"].parse(["9999"], model)[0] == 1  # the default
    assert state.REGISTRY["max_mappings"].parse(["7"], model) == (7, None)
    value, note = state.REGISTRY["max_mappings"].parse(["seven"], model)
    assert value == 1 and "unknown value" in note


def test_describe_states_the_page_choices(model):
    values = {"measure": "projects", "country": "KEN", "topics": ("cybercrime",)}
    assert state.describe(values, model, "coverage_map") == (
        "Colour countries by: Projects; Country: Kenya."
    )


def test_filters_describe():
    assert Filters().describe() == "Active mappings; no other filter."
    text = Filters(topics=("cybercrime",), kinds=("index_or_ranking",)).describe(
        {"topics": {"cybercrime": "Cybercrime"}}
    )
    # Markdown-safe: a value shown as it is has its '_' escaped (it renders as written)
    assert text == r"Active mappings; filtered to topics: Cybercrime; kinds: index\_or\_ranking."
    with_related = Filters(include=("related",)).describe(
        {"include": {"related": "Related efforts"}}
    )
    assert with_related == "Active mappings plus related efforts; no other filter."


def test_option_counts_count_the_mappings_that_count(model, data_copy):
    """The sidebar's numbers beside each value count the mappings the pages count: gamma made
    an archived mapping leaves the counts until archived mappings are switched in."""
    counts = option_counts(model.inventory.mappings, model.mapping_regions)
    assert counts["topics"]["cybercrime"] == 2  # alpha and beta
    assert counts["users"]["civil_society"] == 1  # gamma
    assert counts["include"] == {"archived": 0, "related": 0, "proposal": 0}
    path = data_copy / "mappings.yaml"
    text = path.read_text(encoding="utf-8")
    gamma = text.index("kind: index_or_ranking")
    path.write_text(
        text[:gamma]
        + text[gamma:].replace("status: active", "status: archived\n    end_year: 2020", 1),
        encoding="utf-8",
    )
    archived = build_model(data_copy)
    m, regions = archived.inventory.mappings, archived.mapping_regions
    assert archived.inventory.report.errors == []
    counts = option_counts(m, regions)
    assert "civil_society" not in counts["users"] and counts["include"]["archived"] == 1
    assert option_counts(m, regions, ("archived",))["users"]["civil_society"] == 1
