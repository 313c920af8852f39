"""No markup from outside (issue #16, defects 6 and 7): links, HTML and bare URLs in the
data or in a link render as text on every page and view, in warnings, tables, captions,
button labels and plotly labels; a link gives at most one note per parameter."""

from __future__ import annotations

import time

import pytest
from streamlit.testing.v1 import AppTest

from tests.faults.markup import EVIL, URL_PAYLOADS, live_in_page, live_markdown, payload_copy
from tests.pages.conftest import REPO
from tests.pages.test_broken_data import PAGES, _views

FILTERED = {
    "topics": "cybercrime",
    "users": "civil_society",
    "kinds": "project_database",
    "regions": "m49_002",
}
EXTRA = {
    "overlap": [{"compare_by": "countries", "pair": "alpha,beta"}],
    "coverage_map": [{"country": "KEN"}],
    "cooperation": [{"coop_view": "cases", "case": "alpha-beta"}],
}


def _run(page: str, query: dict[str, str]) -> AppTest:
    at = AppTest.from_file(str(REPO / "pages" / f"{page}.py"), default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


@pytest.fixture(scope="module")
def payload_folder(tmp_path_factory):
    return payload_copy(tmp_path_factory.mktemp("markup"))


def test_the_payload_folder_is_clean_data(payload_folder):
    from cbdash.analysis.model import folder_report

    assert folder_report(payload_folder).ok  # payloads are valid text: only display can fail


@pytest.mark.parametrize("page", PAGES)
def test_markup_in_the_data_is_inert_on_every_view(page, payload_folder, monkeypatch):
    monkeypatch.setenv("CBDASH_DATA_DIR", str(payload_folder))
    shown_payload = False
    for query in [{}, FILTERED, *_views(page), *EXTRA.get(page, [])]:
        at = _run(page, query)
        assert not at.exception, (page, query, at.exception)
        assert live_in_page(at) == [], (page, query)
        shown_payload |= any(EVIL in m.value for m in [*at.markdown, *at.caption])
    if page in {"topics", "overlap", "cooperation", "story"}:
        assert shown_payload, f"{page}: the payload should be on the page, as text"


def test_the_scanner_finds_live_markup():
    assert live_markdown(f"[x](https://{EVIL})")
    assert live_markdown(f"see https://{EVIL}")
    assert live_markdown(rf"https\://{EVIL}")  # a backslash does not stop Streamlit
    assert not live_markdown(f"\\[x\\](https:\u2060//{EVIL}) www\u2060.{EVIL} a@\u2060{EVIL}")


def test_a_markdown_link_in_a_filter_is_a_note_in_plain_text():
    at = _run("home", {"topics": URL_PAYLOADS["topics"]})
    notes = [w.value for w in at.sidebar.warning]
    assert len(notes) == 1
    assert live_markdown(notes[0]) == []
    assert "Click to re-login" in notes[0]


def test_many_values_give_one_note_with_a_count():
    values = ",".join(f"v{i}" for i in range(300))  # under the length limit
    at = _run("home", {"users": values, "topics": "cybercrime,nope"})
    notes = [w.value for w in at.sidebar.warning]
    assert len(notes) == 2  # one per parameter
    assert any("Ignored 300 unknown values of 'users'" in n and "297 more" in n for n in notes)


@pytest.mark.serial
@pytest.mark.parametrize("key", ["users", "kinds"])
def test_a_huge_value_is_ignored_at_once_with_a_note(key):
    start = time.perf_counter()
    at = _run("home", {key: URL_PAYLOADS[key]})
    assert time.perf_counter() - start < 5
    notes = [w.value for w in at.sidebar.warning]
    assert notes == [f"Ignored '{key}' in the link: too long to be a choice."]
    assert at.query_params.get(key) is None  # dropped from the link too


def test_a_markdown_link_as_the_story_step_is_text():
    at = _run("story", {"present": "1", "step": URL_PAYLOADS["step"]})
    assert not at.exception
    warnings = [w.value for w in at.warning]
    assert len(warnings) == 1 and "not a number" in warnings[0]
    assert live_markdown(warnings[0]) == []
    at = _run("story", {"step": "9" * 5000})
    assert [w.value for w in at.warning] == [
        "Ignored 'step' in the link: too long to be a step. Showing step 1."
    ]
