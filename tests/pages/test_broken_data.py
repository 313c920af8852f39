"""A broken data folder is a message, not a crash (issue #16, defect 5): every page runs on
every broken copy of the fixture, says how many problems there are, and shows what it can;
`python -m cbdash validate` prints exactly the problems the app lists on Data & method."""

from __future__ import annotations

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from cbdash.analysis.model import UNREADABLE, folder_report
from cbdash.cli import main
from cbdash.present import state
from tests.faults.folders import CASES, broken_copy
from tests.pages.conftest import REPO

PAGES = (
    "home",
    "coverage_map",
    "topics",
    "overlap",
    "projects",
    "cooperation",
    "gaps",
    "explore",
    "method",
    "story",
)
# Every view of every page, on the folders most pages lose most of: one view at a time.
EVERY_VIEW_CASES = (
    "empty_folder",
    "unclosed_taxonomies",
    "mappings_as_strings",
    "controls_in_names",
)


def _run(page: str, query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(str(REPO / "pages" / f"{page}.py"), default_timeout=60)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at.run()


def _views(page: str) -> list[dict[str, str]]:
    """Query parameters that open each view of `page` (each value of its fixed choices)."""
    if page == "story":
        return [{"step": str(i)} for i in range(1, 9)]
    runs = []
    for choice in state.page_choices(page):
        if choice.page and not choice.many and choice.options is not None:
            try:
                values = choice.allowed(None)  # fixed choices need no model
            except (AttributeError, TypeError):
                continue
            runs += [{choice.key: v} for v in values if v != choice.default]
    return runs


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    root = tmp_path_factory.mktemp("broken")
    return {case: broken_copy(case, root) for case in CASES}


@pytest.mark.parametrize("case", list(CASES))
def test_every_page_shows_the_problems_not_a_traceback(case, folders, monkeypatch):
    folder = folders[case]
    monkeypatch.setenv("CBDASH_DATA_DIR", str(folder))
    errors = folder_report(folder).errors
    assert errors, f"{case} should be reported as a problem"
    assert not any(UNREADABLE in e.message for e in errors), "a loader failed on it"
    for page in PAGES:
        at = _run(page)
        assert not at.exception, (case, page, at.exception)
        notes = [w.value for w in at.sidebar.warning]
        assert any(f"The data has {len(errors):,} problem" in n for n in notes), (page, notes)


@pytest.mark.parametrize("case", EVERY_VIEW_CASES)
def test_every_view_runs_on_a_broken_folder(case, folders, monkeypatch):
    monkeypatch.setenv("CBDASH_DATA_DIR", str(folders[case]))
    for page in PAGES:
        for query in _views(page):
            at = _run(page, query)
            assert not at.exception, (case, page, query, at.exception)


@pytest.mark.parametrize("case", list(CASES))
def test_validate_agrees_with_the_app(case, folders, monkeypatch, capsys):
    folder = folders[case]
    monkeypatch.setenv("CBDASH_DATA_DIR", str(folder))
    at = _run("method")
    shown = at.dataframe[-1].value  # the validation report, the page's last table
    app = {
        (r.level, r.file, None if pd.isna(r.row) else int(r.row), r.field, r.message)
        for r in shown.itertuples()
    }
    assert main(["validate", str(folder)]) == 1
    printed = set(capsys.readouterr().out.splitlines()[:-1])
    expected = {str(issue) for issue in folder_report(folder).issues}
    assert printed == expected
    assert (
        len(app) == len(expected)
        and {
            (i.level, i.file, i.row, i.field or "", i.message) for i in folder_report(folder).issues
        }
        == app
    )


def test_truncated_geojson_fails_validate_as_in_the_app(folders, capsys):
    assert main(["validate", str(folders["truncated_geojson"])]) == 1
    assert "countries.geojson: not valid GeoJSON" in capsys.readouterr().out


def test_an_empty_folder_names_every_missing_file(folders, capsys):
    assert main(["validate", str(folders["empty_folder"])]) == 1
    out = capsys.readouterr().out
    for name in ("taxonomies.yaml", "mappings.yaml", "projects.csv", "countries.geojson"):
        assert f"ERROR: {name}: file not found" in out


def test_a_loader_failure_is_a_message_on_every_page(tmp_path, monkeypatch, capsys):
    """Data nobody foresaw that makes a loader fail: an empty model whose report names the
    failure; pages say so, validate exits 1 with the same message."""
    from cbdash.analysis import model as model_module

    def broken(data_dir):
        raise RuntimeError("a loader bug")

    monkeypatch.setattr(model_module, "load_data", broken)
    folder = broken_copy("projects_wrong_types", tmp_path)  # not cached by the app yet
    monkeypatch.setenv("CBDASH_DATA_DIR", str(folder))
    for page in ("home", "coverage_map", "method"):
        at = _run(page)
        assert not at.exception, (page, at.exception)
        notes = " ".join(w.value for w in at.sidebar.warning)
        assert "could not be read (RuntimeError: a loader bug)" in notes
    assert main(["validate", str(folder)]) == 1
    assert "could not be read (RuntimeError: a loader bug)" in capsys.readouterr().out
