"""Filters: URL round-trip, application to mappings and projects, captions."""

from __future__ import annotations

import pytest

from cbdash.analysis import coverage, regions
from cbdash.analysis.filters import Filters

ALLOWED = {
    "users": {"governments_policymakers", "civil_society", "law_enforcement_judiciary"},
    "topics": {"cybercrime", "policy_strategy", "culture_skills"},
    "kinds": {"knowledge_portal", "project_database", "index_or_ranking"},
    "regions": {"m49_002", "m49_009", "m49_019"},
    "access": {"open", "unknown"},
    "export": {"csv", "none", "unknown"},
    "confidence": {"high", "medium", "low"},
}


@pytest.fixture(scope="module")
def tables(inventory):
    cov = coverage.coverage_table(inventory.mappings, inventory.country_groups)
    reg = regions.country_regions(inventory.groups, inventory.country_groups)
    return (
        regions.mapping_region_table(cov, reg),
        regions.project_region_table(
            inventory.projects, inventory.region_aliases, inventory.country_groups, reg
        ),
    )


@pytest.mark.parametrize(
    ("params", "mappings", "projects"),
    [
        ({}, ["alpha", "beta", "gamma"], ["p1", "p2", "p3", "p4"]),
        ({"topics": "cybercrime"}, ["alpha", "beta"], ["p1", "p4"]),
        ({"topics": "cybercrime,culture_skills"}, ["alpha", "beta", "gamma"], ["p1", "p2", "p4"]),
        ({"users": "civil_society"}, ["gamma"], ["p2"]),
        ({"regions": "m49_009"}, ["alpha", "gamma"], ["p2", "p3"]),
        ({"regions": "m49_019"}, ["alpha"], []),
        ({"kinds": "project_database"}, ["beta"], ["p1", "p2", "p3", "p4"]),
        ({"access": "unknown"}, ["gamma"], ["p1", "p2", "p3", "p4"]),
        ({"confidence": "high,low", "topics": "cybercrime"}, ["alpha"], ["p1", "p4"]),
    ],
)
def test_apply(inventory, tables, params, mappings, projects):
    filters, problems = Filters.from_query(params, ALLOWED)
    assert problems == []
    assert list(filters.apply_mappings(inventory.mappings, tables[0])["id"]) == mappings
    assert list(filters.apply_projects(inventory.projects, tables[1])["project_id"]) == projects


def test_query_round_trip():
    filters = Filters(users=("civil_society",), topics=("cybercrime", "policy_strategy"))
    query = filters.to_query()
    assert query == {"users": "civil_society", "topics": "cybercrime,policy_strategy"}
    assert Filters.from_query(query, ALLOWED)[0] == filters


def test_unknown_values_are_dropped_and_reported():
    filters, problems = Filters.from_query({"topics": "cybercrime,<script>"}, ALLOWED)
    assert filters.topics == ("cybercrime",)
    assert problems == ["Ignored unknown topics '<script>' in the link."]


def test_describe():
    assert Filters().describe() == "No filters: all records."
    text = Filters(topics=("cybercrime",), kinds=("index_or_ranking",)).describe(
        {"topics": {"cybercrime": "Cybercrime"}}
    )
    assert text == "Filtered to topics: Cybercrime; kinds: index_or_ranking."
