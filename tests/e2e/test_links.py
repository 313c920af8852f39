"""What you see is what you share: for every page, a view set up by clicks (a sidebar filter
and every choice the page declares in cbdash.present.state.REGISTRY that it draws), then its
URL opened in a new browser context, shows the same choices and the same numbers.

Generic over the registry: each choice is found by its widget key (Streamlit marks a widget's
element with the class `st-key-<key>`) and set to another value the way a visitor would, by
the kind of widget it is (segmented control or radio: another option; select box or
multiselect: another option from its list; toggle: a click; number: one more; text: a word).
Pages with a view selector (`*_view`) are visited in each of their views; the cases take
turns at 1280x720 and 1920x1080 (a view's layout at both sizes is tested elsewhere: what
is checked here, the link, does not depend on the window).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Locator, Page, expect

from cbdash.present import state

from .conftest import VIEWPORTS, new_offline_context
from .helpers import choose_option, open_page, wait_settled

PAGES = sorted(p.stem for p in (Path(__file__).resolve().parents[2] / "pages").glob("*.py"))
SIDEBAR_FILTER = ("Topics", "Cybercrime")  # set on every page first (label, option)
TEXT = "cyber"  # typed into a search box
MAIN = '[data-testid="stMain"]'


def path_of(page: str) -> str:
    return "/" if page == "home" else f"/{page}"


def view_choice(page: str) -> state.Choice | None:
    """The page's view selector (`<something>_view`), if it has one."""
    return next(
        (c for c in state.page_choices(page) if c.page == page and c.key.endswith("_view")),
        None,
    )


def _cases() -> list[tuple[str, str, int]]:
    """(window size, page, index of the view to open: 0 = as the page opens)."""
    from cbdash.analysis.model import build_model

    model = build_model(Path(__file__).resolve().parents[2] / "data")
    cases: list[tuple[str, str, int]] = []
    sizes = ["1280x720", "1920x1080"]
    for page in PAGES:
        choice = view_choice(page)
        views = len(choice.allowed(model)) if choice else 1
        cases += [(sizes[(len(cases) + i) % 2], page, i) for i in range(views)]
    return cases


CASES = _cases()


@dataclass
class Setup:
    """What the clicks set: the keys changed, and what could not be set and why."""

    changed: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)


def widget(page: Page, key: str) -> Locator | None:
    """The visible element of the widget with this key (a toggle's key has '__toggle')."""
    for k in (key, f"{key}__toggle"):
        found = page.locator(f"{MAIN} .st-key-{k}")
        if found.count() and found.first.is_visible():
            return found.first
    return None


def set_by_clicks(page: Page, box: Locator, view_index: int | None = None) -> str:
    """Give the widget in `box` another value as a visitor would; return what was done
    ('' when it offers no other value)."""
    radios = box.locator('[role="radio"], input[type="radio"]')
    if radios.count():
        if view_index is not None:
            target = radios.nth(view_index)
        else:
            target = box.locator(
                '[role="radio"][aria-checked="false"], input[type="radio"]:not(:checked)'
            ).first
        if (target.get_attribute("aria-checked") or "") == "true" or target.is_checked():
            return ""
        is_input = target.get_attribute("role") != "radio"
        (target.locator("xpath=ancestor::label[1]") if is_input else target).click()
        return "option"
    switch = box.locator('input[role="switch"], input[type="checkbox"]')
    if switch.count():
        box.locator("label").first.click()
        return "toggle"
    number = box.locator('input[type="number"]')
    if number.count():
        number.fill(str(int(number.input_value() or 0) + 1))
        number.press("Enter")
        return "number"
    combo = box.locator('[role="combobox"]')
    if combo.count() and combo.first.is_disabled():  # e.g. a footprint under Projects
        return ""
    if combo.count():
        multi = box.locator('[data-testid="stMultiSelect"]').count() > 0
        current = combo.first.input_value() if not multi else ""  # a select box's shown value
        combo.first.click()
        options = page.get_by_role("option")
        if multi and page.get_by_text(re.compile("You can only select up to")).count():
            page.keyboard.press("Escape")
            box.locator('[data-tag] [role="presentation"], [data-tag] svg').last.click()
            combo.first.click()
        if not multi and options.count() == 0:  # the list may open a moment after the click
            page.wait_for_timeout(300)
        choices = [o for o in options.all() if o.inner_text().strip() not in {"", current}]
        if not choices:
            page.keyboard.press("Escape")
            return ""
        picked = choices[0].inner_text().strip()
        choices[0].click()
        if combo.first.get_attribute("aria-expanded") == "true":
            page.keyboard.press("Escape")
        if not multi:  # the box shows what was picked before the next choice is touched
            expect(combo.first).to_have_value(picked)
        return "pick"
    text = box.locator('input[type="text"], textarea')
    if text.count():
        text.first.fill(TEXT)
        text.first.press("Enter")
        return "text"
    return ""


def set_up(page: Page, name: str, view_index: int) -> Setup:
    """A sidebar filter, the view, then every other choice the page draws."""
    done = Setup()
    choose_option(page, *SIDEBAR_FILTER)
    wait_settled(page)
    view = view_choice(name)
    for choice in state.page_choices(name):
        if choice.page != name:
            continue
        box = widget(page, choice.key)
        if box is None:
            done.skipped[choice.key] = "not drawn in this view"
            continue
        how = set_by_clicks(page, box, view_index if choice is view else None)
        if how:
            done.changed.append(choice.key)
        else:
            done.skipped[choice.key] = "no other value to pick"
        wait_settled(page)
    return done


# What the page shows: each widget's state (its text, input values, checked and selected
# options), and the words and numbers of the main area (markdown, captions, metrics,
# static tables, chart titles).
SHOWN_JS = """() => {
    const main = document.querySelector('[data-testid="stMain"]');
    const widgets = {};
    main.querySelectorAll('[class*="st-key-"]').forEach(el => {
        const key = [...el.classList].find(c => c.startsWith('st-key-'));
        if (!el.querySelector('input, [role="radio"], button')) return;
        const inputs = [...el.querySelectorAll('input')].map(i =>
            i.type === 'checkbox' || i.type === 'radio' ? String(i.checked) : i.value);
        const selected = [...el.querySelectorAll('[aria-checked="true"], [data-tag]')]
            .map(s => s.innerText.trim());
        widgets[key] = [inputs.join('|'), selected.join('|')].join(' / ');
    });
    const texts = [...main.querySelectorAll(
        '[data-testid="stMarkdownContainer"], [data-testid="stCaptionContainer"], ' +
        '[data-testid="stMetricValue"], [data-testid="stTable"], .gtitle, .annotation-text'
    )].filter(e => !e.closest('[class*="st-key-"] label'))
        .map(e => (e.innerText ?? e.textContent).trim());
    return {widgets, texts};
}"""


def shown(page: Page, tries: int = 12) -> dict:
    """What the page shows once it stops changing (two reads, each after the page has
    settled, agree): a fresh session may run the page again as its widgets register."""
    wait_settled(page)
    last = page.evaluate(SHOWN_JS)
    for _ in range(tries):
        wait_settled(page)
        now = page.evaluate(SHOWN_JS)
        if now == last:
            return now
        last = now
    return last


def _query(url: str) -> dict[str, list[str]]:
    return {k: v for k, v in parse_qs(urlsplit(url).query).items()}


@pytest.fixture(scope="module")
def browsers(browser):
    """One offline context per window size in which the views are set up, for the whole
    module: each tab is a session of its own (Streamlit keeps a session per connection), and
    the context keeps the compiled JavaScript. Links are opened in a new context."""
    made = {size: new_offline_context(browser, *VIEWPORTS[size]) for size, _, _ in CASES}
    yield made
    for context, _ in made.values():
        context.close()


@pytest.mark.parametrize(
    ("size", "name", "view_index"), CASES, ids=[f"{s}-{p}-view{i}" for s, p, i in CASES]
)
def test_a_view_set_up_by_clicks_survives_its_link(
    browsers, offline, server_url, size, name, view_index
):
    context, record = browsers[size]
    for left in context.pages:  # a failed case's tabs
        left.close()
    record.external.clear()
    record.page_errors.clear()
    page = context.new_page()
    open_page(page, server_url + path_of(name))
    done = set_up(page, name, view_index)
    sent = shown(page)
    link = page.url
    query = _query(link)
    assert "topics" in query, f"the sidebar filter is not in the link {link}"
    missing = [k for k in done.changed if k not in query]
    assert not missing, f"choices set by clicks but not in the link {link}: {missing}"

    other, other_record = offline(*VIEWPORTS[size])  # a new browser: knows only the link
    view = other.new_page()
    open_page(view, link)
    received = shown(view)
    assert received["widgets"] == sent["widgets"], (
        f"choices differ after opening {link} (set: {done.changed}; skipped: {done.skipped})"
    )
    assert received["texts"] == sent["texts"], f"words or numbers differ after opening {link}"
    page.close()
    for rec in (record, other_record):
        assert not rec.external and not rec.page_errors, rec
