"""The coverage map in a real browser, offline, at 1280x720 and 1920x1080 (issues 5 and 14):
deck.gl draws the shipped country shapes in the right colours and in at least four classes
by default; small island states are visible, hoverable and clickable as markers, and none
crosses the map's edge; a click, the country list or a link (`?country=TON`) opens the
country's panel with its heading inside the window, and the chosen country is outlined.
Screenshots land in artifacts/screenshots/map_*.png."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from PIL import Image
from playwright.sync_api import expect

from cbdash.analysis.filters import Filters
from cbdash.present import world_map
from cbdash.present.views import coverage_map as coverage_map_view

from .conftest import SCREENSHOTS, VIEWPORTS, new_offline_context
from .helpers import (
    MIN_MAP_COLOURED,
    canvas_colours,
    choose,
    click_on_canvas,
    deck,
    mercator_pixel,
    open_page,
    wait_for_map,
)

MAP = "/coverage_map"
# Isolated small island states: no other marker within a marker's radius at world zoom.
SMALL_STATES = {"TUV": "Tuvalu", "NRU": "Nauru", "TON": "Tonga", "MDV": "Maldives"}
# Large countries whose centre pixel must carry the country's class colour.
LARGE = {"BRA": (-52.0, -10.0), "RUS": (95.0, 62.0), "AUS": (134.0, -25.0), "DZA": (2.5, 28.0)}


# Small states at the map's edges (the antimeridian runs between them).
EDGE_STATES = {"TON": "Tonga", "WSM": "Samoa", "WLF": "Wallis and Futuna", "TUV": "Tuvalu"}
MARKER_PX = 9 + 1.2  # a marker's largest radius and its outline (world_map small states)
MIN_CLASS_PIXELS = 30  # a colour class counts as shown when this many canvas pixels wear it


@pytest.fixture(scope="module")
def mappings_per_country(model) -> pd.Series:
    """What the page colours by default: regional and national mappings per country
    (global mappings cover every country alike; the sentence names them)."""
    return coverage_map_view.map_answer(model, Filters(), "regional").values


@pytest.fixture(scope="module")
def view(model) -> dict[str, float]:
    """The initial view state the page's map starts from."""
    deck_spec = world_map.world_coverage_map(
        world_map.map_geometry(model.shapes, model.points), pd.Series(dtype=int), ""
    )
    state = deck_spec.initial_view_state
    return {"longitude": state.longitude, "latitude": state.latitude, "zoom": state.zoom}


@pytest.fixture(scope="module")
def map_page(browser, server_url):
    """The coverage map, loaded once per viewport and shared by this module's tests (drawing
    ~1,000 polygons with software WebGL is slow). Tests that click run last."""
    opened = {}

    def get(viewport: str):
        if viewport not in opened:
            context, _ = new_offline_context(browser, *VIEWPORTS[viewport])
            page = context.new_page()
            open_page(page, server_url + MAP)
            wait_for_map(page, MIN_MAP_COLOURED)
            opened[viewport] = (context, page)
        return opened[viewport][1]

    yield get
    for context, _ in opened.values():
        context.close()


def _patch_colour(png: bytes, x: float, y: float) -> tuple[int, int, int]:
    """The most common colour in a 7x7 patch around (x, y) of a screenshot."""
    import io

    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    box = (int(x) - 3, int(y) - 3, int(x) + 4, int(y) + 4)
    colours = image.crop(box).getcolors(49) or [(0, (255, 255, 255))]
    return max(colours)[1]


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_map_draws_country_shapes(map_page, viewport, view, mappings_per_country):
    page = map_page(viewport)
    png = deck(page).screenshot()
    fraction, counts = canvas_colours(png)
    assert fraction >= MIN_MAP_COLOURED, (
        f"only {fraction:.1%} of the map canvas is coloured: country shapes missing?"
    )
    total = sum(counts.values())
    big_colours = [rgb for rgb, n in counts.items() if n / total > 0.002 and min(rgb) < 245]
    assert len(big_colours) >= 2, f"the map shows a single colour: {big_colours}"

    canvas = deck(page).locator("canvas").first.bounding_box()
    bins = world_map.colour_bins(int(mappings_per_country.max()))
    wrong = {}
    for iso3, (lon, lat) in LARGE.items():
        x, y = mercator_pixel(lon, lat, view, canvas["width"], canvas["height"])
        want = world_map.bin_colour(int(mappings_per_country.get(iso3, 0)), bins)
        got = _patch_colour(png, x, y)
        if max(abs(a - b) for a, b in zip(got, want, strict=True)) > 4:
            wrong[iso3] = f"{got} at ({x:.0f}, {y:.0f}), expected {tuple(want)}"
    assert not wrong, f"countries not drawn in their class colour: {wrong}"


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_small_island_states_visible_and_hoverable(map_page, viewport, view, model):
    page = map_page(viewport)
    canvas = deck(page).locator("canvas").first.bounding_box()
    points = model.points.set_index("iso3")
    tooltip = page.locator(".deck-tooltip")
    problems = {}
    for iso3, name in SMALL_STATES.items():
        assert bool(points.loc[iso3, "small"]), f"{name} is not marked as a small state"
        x, y = mercator_pixel(
            points.loc[iso3, "lon"],
            points.loc[iso3, "lat"],
            view,
            canvas["width"],
            canvas["height"],
        )
        if not (0 <= x < canvas["width"] and 0 <= y < canvas["height"]):
            problems[name] = f"marker at ({x:.0f}, {y:.0f}) is outside the {viewport} map"
            continue
        page.mouse.move(canvas["x"] + x, canvas["y"] + y)
        try:
            expect(tooltip).to_contain_text(name, timeout=5_000)
        except AssertionError:
            shown = tooltip.inner_text() if tooltip.count() else "no tooltip"
            problems[name] = f"hovering its marker at ({x:.0f}, {y:.0f}) shows {shown!r}"
    assert not problems, f"small states not found on the map: {problems}"


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_default_map_uses_four_colour_classes_or_more(map_page, viewport, mappings_per_country):
    page = map_page(viewport)
    bins = world_map.colour_bins(int(mappings_per_country.max()))
    used = {tuple(world_map.bin_colour(int(v), bins)) for v in mappings_per_country}
    assert len(used) >= 4, f"the default colouring has {len(used)} classes on the shipped data"
    png = deck(page).screenshot(path=str(SCREENSHOTS / f"map_default_{viewport}.png"))
    _, counts = canvas_colours(png)
    shown = [rgb for _, _, rgb in bins if counts.get(tuple(rgb), 0) >= MIN_CLASS_PIXELS]
    assert len(shown) >= 4, f"{len(shown)} colour classes drawn: {shown}"
    sentence = page.locator('[data-testid="stMain"] [data-testid="stMarkdown"]').first
    expect(sentence).to_contain_text("global mappings cover all 193")


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_no_small_state_marker_crosses_the_map_edge(map_page, viewport, view, model):
    page = map_page(viewport)
    canvas = deck(page).locator("canvas").first.bounding_box()
    width, height = canvas["width"], canvas["height"]
    small = model.points[model.points["small"]]
    crossing = {}
    for row in small.itertuples():
        x, y = mercator_pixel(row.lon, row.lat, view, width, height)
        if not (MARKER_PX <= x <= width - MARKER_PX and MARKER_PX <= y <= height - MARKER_PX):
            crossing[row.iso3] = (round(x), round(y))
    assert not crossing, f"markers crossing the {width:.0f}x{height:.0f} map's edge: {crossing}"
    for iso3 in EDGE_STATES:
        assert iso3 in set(small["iso3"]), f"{EDGE_STATES[iso3]} has no marker"
    # And in the picture: the map's outermost columns hold no marker or shape.
    page.mouse.move(1, 1)  # no hover tooltip over the map
    expect(page.locator(".deck-tooltip")).to_be_hidden()
    image = Image.open(io.BytesIO(deck(page).screenshot())).convert("RGB")
    for x in (0, 1, image.width - 2, image.width - 1):
        column = {image.getpixel((x, y)) for y in range(image.height)}
        assert all(min(rgb) >= 245 for rgb in column), f"something drawn at x={x}: {column}"


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_sentence_map_and_legend_fit_the_first_screen(map_page, viewport):
    """Review 2026-12-07: at 1280x720 the legend and the south of the map were below the
    fold. The sentence, the whole map and its legend are in the window without scrolling."""
    page = map_page(viewport)
    page.evaluate("window.scrollTo(0, 0)")
    sentence = page.locator('[data-testid="stMain"] [data-testid="stMarkdown"]').first
    legend = page.locator(".cbdash-map-legend")
    for part in (sentence, deck(page), legend):
        _in_window(page, part)


def test_pick_small_state_from_the_list(map_page, model):
    page = map_page("1280x720")
    choose(page, "Country", "Nauru", typed="Nauru")
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_role("heading", name="Nauru", exact=True)).to_be_visible()
    counted = set(model.filtered_mappings(Filters())["id"])
    here = model.coverage[
        (model.coverage["iso3"] == "NRU") & model.coverage["mapping_id"].isin(counted)
    ]
    expected = here["mapping_id"].nunique()
    expect(_panel_metric(page, "Mappings covering it")).to_have_text(str(expected))
    projects = model.filtered_projects(Filters())
    named = projects["beneficiary_countries"].map(lambda c: "NRU" in c).sum()
    expect(_panel_metric(page, "Projects naming it")).to_have_text(str(named))
    expect(dialog.get_by_role("heading", name="Mappings covering Nauru")).to_be_visible()
    page.keyboard.press("Escape")  # close the panel: the next tests click the map
    expect(dialog).to_have_count(0)


def _panel_metric(page, label: str):
    """The value of the metric labelled `label` in the country's panel (a dialog)."""
    metric = (
        page.get_by_role("dialog")
        .locator('[data-testid="stMetric"]')
        .filter(has=page.locator('[data-testid="stMetricLabel"]', has_text=label))
    )
    return metric.locator('[data-testid="stMetricValue"]')


def _panel_drawn(page) -> None:
    """Wait until the panel's tables have drawn (for the screenshot)."""
    tables = page.get_by_role("dialog").locator('[data-testid="stDataFrame"] canvas')
    expect(tables.first).to_be_visible()
    page.wait_for_timeout(800)


def _in_window(page, locator) -> None:
    """Assert that `locator` is visible and lies wholly inside the browser window."""
    expect(locator).to_be_visible()
    box = locator.bounding_box()
    size = page.viewport_size
    assert box is not None
    assert box["y"] >= 0 and box["y"] + box["height"] <= size["height"], (box, size)
    assert box["x"] >= 0 and box["x"] + box["width"] <= size["width"], (box, size)


def test_click_small_state_opens_its_panel(map_page, view, model):
    page = map_page("1920x1080")
    canvas = deck(page).locator("canvas").first.bounding_box()
    tuvalu = model.points.set_index("iso3").loc["TUV"]
    x, y = mercator_pixel(tuvalu["lon"], tuvalu["lat"], view, canvas["width"], canvas["height"])
    page.mouse.move(canvas["x"] + x, canvas["y"] + y)
    expect(page.locator(".deck-tooltip")).to_contain_text("Tuvalu")
    click_on_canvas(page, canvas["x"] + x, canvas["y"] + y)
    dialog = page.get_by_role("dialog")
    _in_window(page, dialog.get_by_role("heading", name="Tuvalu", exact=True))
    counted = set(model.filtered_mappings(Filters())["id"])
    here = model.coverage[
        (model.coverage["iso3"] == "TUV") & model.coverage["mapping_id"].isin(counted)
    ]
    expected = here["mapping_id"].nunique()
    expect(_panel_metric(page, "Mappings covering it")).to_have_text(str(expected))
    assert "country=TUV" in page.url  # a copied link opens the same panel
    page.keyboard.press("Escape")


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_click_on_a_country_puts_its_panel_heading_in_the_window(
    offline, server_url, view, viewport, mappings_per_country
):
    context, _ = offline(*VIEWPORTS[viewport])
    page = context.new_page()
    open_page(page, server_url + MAP)
    wait_for_map(page, MIN_MAP_COLOURED)
    deck(page).scroll_into_view_if_needed()
    canvas = deck(page).locator("canvas").first.bounding_box()
    lon, lat = LARGE["DZA"]
    x, y = mercator_pixel(lon, lat, view, canvas["width"], canvas["height"])
    page.mouse.move(canvas["x"] + x, canvas["y"] + y)
    expect(page.locator(".deck-tooltip")).to_contain_text("Algeria")
    click_on_canvas(page, canvas["x"] + x, canvas["y"] + y)
    heading = page.get_by_role("dialog").get_by_role("heading", name="Algeria", exact=True)
    _in_window(page, heading)
    _panel_drawn(page)
    page.screenshot(path=str(SCREENSHOTS / f"map_click_panel_{viewport}.png"))
    # Closed, the panel leaves the map in its colours (not greyed around the chosen one),
    # with Algeria outlined.
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_have_count(0)
    page.mouse.move(1, 1)
    wait_for_map(page, MIN_MAP_COLOURED)
    png = deck(page).screenshot(path=str(SCREENSHOTS / f"map_after_click_{viewport}.png"))
    _, counts = canvas_colours(png)
    bins = world_map.colour_bins(int(mappings_per_country.max()))
    shown = [rgb for _, _, rgb in bins if counts.get(tuple(rgb), 0) >= MIN_CLASS_PIXELS]
    assert len(shown) >= 4, f"after the click the map shows {len(shown)} classes: {shown}"
    assert _ring_pixels(png, x, y, radius=40) >= 20, "Algeria is not outlined"


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_link_opens_tongas_panel_and_outlines_tonga(offline, server_url, view, model, viewport):
    context, _ = offline(*VIEWPORTS[viewport])
    page = context.new_page()
    open_page(page, server_url + MAP + "?country=TON")
    dialog = page.get_by_role("dialog")
    _in_window(page, dialog.get_by_role("heading", name="Tonga", exact=True))
    expect(dialog.get_by_role("heading", name="Mappings covering Tonga")).to_be_visible()
    expect(
        dialog.get_by_role("heading", name="Projects of the inventory naming Tonga")
    ).to_be_visible()
    _panel_drawn(page)
    page.screenshot(path=str(SCREENSHOTS / f"map_link_tonga_{viewport}.png"))
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    wait_for_map(page, MIN_MAP_COLOURED)
    deck(page).scroll_into_view_if_needed()
    png = deck(page).screenshot(path=str(SCREENSHOTS / f"map_tonga_outlined_{viewport}.png"))
    canvas = deck(page).locator("canvas").first.bounding_box()
    tonga = model.points.set_index("iso3").loc["TON"]
    x, y = mercator_pixel(tonga["lon"], tonga["lat"], view, canvas["width"], canvas["height"])
    ring = _ring_pixels(png, x, y, radius=18)
    assert ring >= 20, f"Tonga's orange ring not found around ({x:.0f}, {y:.0f}): {ring} px"
    assert "country=TON" in page.url


def _ring_pixels(png: bytes, x: float, y: float, radius: int) -> int:
    """Pixels of the highlight orange within `radius` px of (x, y) in a screenshot."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    orange = world_map.HIGHLIGHT_RGB
    found = 0
    for dx in range(-radius, radius + 1):
        for dy in range(-radius, radius + 1):
            px, py = int(x) + dx, int(y) + dy
            if 0 <= px < image.width and 0 <= py < image.height:
                rgb = image.getpixel((px, py))
                found += max(abs(a - b) for a, b in zip(rgb, orange, strict=True)) <= 30
    return found
