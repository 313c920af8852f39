"""Sidebar filters in a real browser: they change the numbers shown, write themselves into
the URL, and a copied URL reproduces them, on the page and after switching pages."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import expect

from cbdash.analysis.filters import Filters

from .helpers import (
    TIMEOUT,
    chips,
    choose_option,
    metric_value,
    metrics,
    open_page,
    switch_page,
    title,
    wait_idle,
)

TOPIC, TOPIC_LABEL = "cybercrime", "Cybercrime"
USERS = "law_enforcement_judiciary"  # its label is read from the model


def _query(url: str) -> dict[str, list[str]]:
    return {k: ",".join(v).split(",") for k, v in parse_qs(urlsplit(url).query).items()}


def _expected(model, filters: Filters) -> dict[str, str]:
    """Home's headline numbers under `filters`, computed by the core."""
    mappings = model.filtered_mappings(filters)
    projects = model.filtered_projects(filters)
    return {"Mappings counted": str(len(mappings)), "Projects in the inventory": str(len(projects))}


def _chip(label: str) -> re.Pattern[str]:
    """A chosen value's chip: its label and its count."""
    return re.compile(rf"^{re.escape(label)} \(\d+\)$")


def _users_label(model) -> str:
    return model.labels["users"][USERS]


def test_sidebar_filter_changes_the_numbers(offline, server_url, model):
    context, _ = offline()
    page = context.new_page()
    open_page(page, server_url + "/")
    everything = _expected(model, Filters())
    narrowed = _expected(model, Filters(topics=(TOPIC,)))
    assert narrowed != everything, "fixture choice: the topic filter must change the numbers"
    for label, value in everything.items():
        expect(metric_value(page, label)).to_have_text(value)

    choose_option(page, "Topics", TOPIC_LABEL)
    for label, value in narrowed.items():
        expect(metric_value(page, label)).to_have_text(value, timeout=TIMEOUT)
    expect(page).to_have_url(re.compile(rf"[?&]topics={TOPIC}(&|$)"))

    page.get_by_role("button", name="Reset filters").click()
    for label, value in everything.items():
        expect(metric_value(page, label)).to_have_text(value, timeout=TIMEOUT)
    expect(page).not_to_have_url(re.compile(r"topics="), timeout=TIMEOUT)


def test_copied_url_reproduces_the_filters(offline, server_url, model):
    users_label = _users_label(model)
    expected = _expected(model, Filters(topics=(TOPIC,), users=(USERS,)))

    # A visitor sets two filters in the sidebar and copies the address.
    context, _ = offline()
    page = context.new_page()
    open_page(page, server_url + "/")
    choose_option(page, "Topics", TOPIC_LABEL)
    expect(page).to_have_url(re.compile(r"topics="), timeout=TIMEOUT)
    choose_option(page, "Target users", users_label)
    expect(page).to_have_url(re.compile(r"users="), timeout=TIMEOUT)
    for label, value in expected.items():
        expect(metric_value(page, label)).to_have_text(value, timeout=TIMEOUT)
    wait_idle(page)
    copied, shown = page.url, metrics(page)
    assert _query(copied)["topics"] == [TOPIC] and _query(copied)["users"] == [USERS]

    # Someone else opens the copied link, and the hand-written one, in a fresh session.
    hand_written = f"{server_url}/?topics={TOPIC}&users={USERS}"
    for url in dict.fromkeys((copied, hand_written)):
        other, _ = offline()
        view = other.new_page()
        open_page(view, url)
        expect(chips(view, "Topics")).to_have_text([_chip(TOPIC_LABEL)])
        expect(chips(view, "Target users")).to_have_text([_chip(users_label)])
        for label, value in shown.items():
            expect(metric_value(view, label)).to_have_text(value)

    # Switching pages keeps the filters in the address and applied.
    for label in ("Explore & download", "Data & method", "Home"):
        switch_page(view, label, title(view).inner_text().strip())
        expect(view).to_have_url(re.compile(rf"[?&]users={USERS}(&|$)"))
        query = _query(view.url)
        assert query.get("topics") == [TOPIC] and query.get("users") == [USERS], (
            f"after switching to {label} the URL is {view.url}"
        )
        expect(chips(view, "Topics")).to_have_text([_chip(TOPIC_LABEL)])
        if label == "Explore & download":
            n = expected["Mappings counted"]
            expect(view.get_by_text(re.compile(rf"^{n} mapping efforts and "))).to_be_visible()
    for label, value in shown.items():
        expect(metric_value(view, label)).to_have_text(value)
