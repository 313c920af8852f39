"""The coverage map in a real browser: deck.gl draws the shipped country shapes in the right
colours, and small island states are visible, hoverable and clickable as markers."""

from __future__ import annotations

import pandas as pd
import pytest
from playwright.sync_api import expect

from cbdash.analysis import coverage
from cbdash.analysis.filters import Filters
from cbdash.present import world_map

from .conftest import VIEWPORTS, new_offline_context
from .helpers import (
    MIN_MAP_COLOURED,
    canvas_colours,
    choose,
    click_on_canvas,
    deck,
    mercator_pixel,
    metric_value,
    open_page,
    wait_for_map,
)

MAP = "/coverage_map"
# Isolated small island states: no other marker within a marker's radius at world zoom.
SMALL_STATES = {"TUV": "Tuvalu", "NRU": "Nauru", "TON": "Tonga", "MDV": "Maldives"}
# Large countries whose centre pixel must carry the country's class colour.
LARGE = {"BRA": (-52.0, -10.0), "RUS": (95.0, 62.0), "AUS": (134.0, -25.0), "DZA": (2.5, 28.0)}


@pytest.fixture(scope="module")
def mappings_per_country(model) -> pd.Series:
    """What the page colours by default: regional and country-specific mappings per country
    (global mappings cover every country alike; the sentence names them)."""
    counted = model.filtered_mappings(Filters())  # active mappings, the default
    regional = counted.loc[~coverage.is_global(counted), "id"]
    cov = model.coverage[model.coverage["mapping_id"].isin(regional)]
    return coverage.coverage_counts(cov, model.countries["iso3"])


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


def test_pick_small_state_from_the_list(map_page, model):
    page = map_page("1280x720")
    choose(page, "Country", "Nauru", typed="Nauru")
    expect(page.get_by_role("heading", name="Nauru", exact=True)).to_be_visible()
    counted = set(model.filtered_mappings(Filters())["id"])
    here = model.coverage[
        (model.coverage["iso3"] == "NRU") & model.coverage["mapping_id"].isin(counted)
    ]
    expected = here["mapping_id"].nunique()
    expect(metric_value(page, "Mappings covering it")).to_have_text(str(expected))
    projects = model.inventory.projects
    named = projects["beneficiary_countries"].map(lambda c: "NRU" in c).sum()
    expect(metric_value(page, "Projects naming it")).to_have_text(str(named))


def test_click_small_state_opens_its_panel(map_page, view, model):
    page = map_page("1920x1080")
    canvas = deck(page).locator("canvas").first.bounding_box()
    tuvalu = model.points.set_index("iso3").loc["TUV"]
    x, y = mercator_pixel(tuvalu["lon"], tuvalu["lat"], view, canvas["width"], canvas["height"])
    page.mouse.move(canvas["x"] + x, canvas["y"] + y)
    expect(page.locator(".deck-tooltip")).to_contain_text("Tuvalu")
    click_on_canvas(page, canvas["x"] + x, canvas["y"] + y)
    expect(page.get_by_role("heading", name="Tuvalu", exact=True)).to_be_visible()
    counted = set(model.filtered_mappings(Filters())["id"])
    here = model.coverage[
        (model.coverage["iso3"] == "TUV") & model.coverage["mapping_id"].isin(counted)
    ]
    expected = here["mapping_id"].nunique()
    expect(metric_value(page, "Mappings covering it")).to_have_text(str(expected))
