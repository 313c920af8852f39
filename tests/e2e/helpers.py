"""Small Playwright helpers for driving a Streamlit app: wait for a run to finish, read
metrics, pick values in a multiselect or selectbox, and measure the deck.gl map canvas."""

from __future__ import annotations

import io
import math
import os
import re
import time

from playwright.sync_api import Locator, Page, expect

# ms: the slowest page renders in a few seconds on 2 cores; a busy machine may need more.
TIMEOUT = float(os.environ.get("CBDASH_E2E_TIMEOUT_MS", "30000"))
APP = '[data-testid="stApp"]'
MIN_MAP_COLOURED = 0.10  # of the map canvas: markers alone colour < 1 %, country shapes far more
expect.set_options(timeout=TIMEOUT)  # every `expect` waits as long as a slow page may take
ERROR_SELECTORS = {
    "exception": '[data-testid="stException"]',
    "error box": '[data-testid="stAlertContentError"]',
}


def wait_idle(page: Page, timeout: float = TIMEOUT) -> None:
    """Wait until the app is connected and no script run is in progress."""
    page.locator(f'{APP}[data-test-connection-state="CONNECTED"]').wait_for(timeout=timeout)
    page.locator(f'{APP}[data-test-script-state="notRunning"]').wait_for(timeout=timeout)
    expect(page.locator('[data-testid="stStatusWidget"]')).to_have_count(0, timeout=timeout)


def title(page: Page) -> Locator:
    """The page title (`st.title`)."""
    return page.locator('[data-testid="stMain"] [data-testid="stHeading"] h1').first


def open_page(page: Page, url: str, timeout: float = TIMEOUT) -> None:
    """Load `url`, wait for the title (or an exception) and for the script run to end."""
    page.goto(url, wait_until="domcontentloaded")
    expect(title(page).or_(page.locator(ERROR_SELECTORS["exception"])).first).to_be_visible(
        timeout=timeout
    )
    wait_idle(page, timeout)


def switch_page(page: Page, label: str, old_title: str = "", timeout: float = TIMEOUT) -> None:
    """Click `label` in the sidebar navigation and wait for the new page's run to end: its
    title (different from `old_title`), or an exception."""
    nav = page.locator('[data-testid="stSidebarNav"]')
    nav.get_by_role("link", name=label, exact=True).click()
    new_title = title(page)
    if old_title:
        new_title = page.locator('[data-testid="stMain"] [data-testid="stHeading"] h1').filter(
            has_not_text=re.compile(rf"^{re.escape(old_title)}$")
        )
    expect(new_title.or_(page.locator(ERROR_SELECTORS["exception"])).first).to_be_visible(
        timeout=timeout
    )
    wait_idle(page, timeout)


def error_texts(page: Page) -> list[str]:
    """Visible error output: exceptions, st.error boxes, a Python traceback anywhere."""
    found = []
    for kind, selector in ERROR_SELECTORS.items():
        found += [f"{kind}: {t.strip()[:300]}" for t in page.locator(selector).all_inner_texts()]
    if page.get_by_text("Traceback (most recent call last)").count():
        found.append("a Python traceback in the page text")
    return found


def nav_links(page: Page) -> dict[str, str]:
    """Page label -> URL for every entry of the sidebar navigation."""
    more = page.locator('[data-testid="stSidebarNavViewButton"]')
    if more.count() and "more" in more.inner_text().lower():
        more.click()
    links = page.locator('[data-testid="stSidebarNav"] a[data-testid="stSidebarNavLink"]')
    expect(links.first).to_be_visible(timeout=TIMEOUT)
    out = {}
    for link in links.all():
        label = link.locator("span").last.inner_text().strip()
        out[label] = link.get_attribute("href") or ""
    return out


def metrics(page: Page) -> dict[str, str]:
    """Visible `st.metric` label -> value."""
    out = {}
    for metric in page.locator('[data-testid="stMain"] [data-testid="stMetric"]').all():
        label = metric.locator('[data-testid="stMetricLabel"]').inner_text().strip()
        out[label] = metric.locator('[data-testid="stMetricValue"]').inner_text().strip()
    return out


def metric_value(page: Page, label: str) -> Locator:
    """The value element of the metric with exactly this label."""
    label_re = re.compile(rf"^\s*{re.escape(label)}\s*$")
    metric = page.locator('[data-testid="stMain"] [data-testid="stMetric"]').filter(
        has=page.locator('[data-testid="stMetricLabel"]', has_text=label_re)
    )
    return metric.locator('[data-testid="stMetricValue"]')


def multiselect(page: Page, label: str) -> Locator:
    """The multiselect widget whose input is labelled `label`."""
    return page.locator('[data-testid="stMultiSelect"]').filter(
        has=page.get_by_role("combobox", name=label, exact=True)
    )


def chips(page: Page, label: str) -> Locator:
    """The chosen values shown as chips in a multiselect (use with expect)."""
    return multiselect(page, label).locator("[data-tag] [title]")


def choose(page: Page, label: str, option: str | re.Pattern[str], typed: str = "") -> None:
    """Type into the multiselect/selectbox labelled `label` and click the matching option."""
    box = page.get_by_role("combobox", name=label, exact=True)
    box.click()
    if typed:
        box.fill(typed)
    page.get_by_role("option", name=option).first.click()
    if box.get_attribute("aria-expanded") == "true":  # a multiselect stays open
        box.press("Escape")


def choose_option(page: Page, label: str, option_text: str) -> None:
    """Pick the option whose label starts with `option_text` (counts follow in brackets)."""
    choose(page, label, re.compile(rf"^{re.escape(option_text)}( \(\d+\))?$"), option_text)


def click_on_canvas(page: Page, x: float, y: float) -> None:
    """Click at page coordinates on a deck.gl canvas.

    deck.gl picks the object under the pointer on pointerdown; with software WebGL (headless
    Chromium, no GPU) a pick over ~1,000 polygons blocks for about a second, so the pointerup
    arrives after the 250 ms that its tap recogniser allows and the click is dropped. Holding
    `Date.now` still for the click lets the recogniser see a quick tap, as with a real GPU."""
    page.evaluate(
        "() => { const t = Date.now(); window.__dateNow = Date.now; Date.now = () => t; }"
    )
    try:
        page.mouse.click(x, y)
    finally:
        page.evaluate("() => { Date.now = window.__dateNow; }")


SIGNATURE_JS = """() => {
    const main = document.querySelector('[data-testid="stMain"]');
    if (!main) return null;
    const n = (sel) => main.querySelectorAll(sel).length;
    return [n('[data-testid="stElementContainer"]'), n('[data-testid="stPlotlyChart"]'),
            n('.main-svg'), n('canvas'), n('[data-testid="stSkeleton"]'), main.scrollHeight]
        .join(' ');
}"""


def wait_settled(page: Page, timeout: float = TIMEOUT, quiet: int = 3) -> None:
    """Wait for the run to end and the page to stop changing: Streamlit loads the code of an
    element type (plotly, dataframe...) the first time it shows one, so elements keep
    appearing after the script run has finished. Settled = the same element counts and
    height for `quiet` polls in a row, 200 ms apart."""
    wait_idle(page, timeout)
    deadline = time.monotonic() + timeout / 1000
    last, same = None, 0
    while same < quiet and time.monotonic() < deadline:
        page.wait_for_timeout(200)
        now = page.evaluate(SIGNATURE_JS)
        same = same + 1 if now == last else 0
        last = now
    wait_for_plots(page, timeout)


def wait_for_plots(page: Page, timeout: float = TIMEOUT) -> None:
    """Wait until every visible plotly chart has drawn its SVG."""
    for chart in page.locator('[data-testid="stPlotlyChart"]:visible').all():
        expect(chart.locator(".main-svg").first).to_be_attached(timeout=timeout)


def deck(page: Page) -> Locator:
    return page.locator('[data-testid="stDeckGlJsonChart"]').first


def canvas_colours(png: bytes) -> tuple[float, dict[tuple[int, int, int], int]]:
    """(fraction of pixels that are not white/near-white, count per exact colour) of a PNG."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    counts: dict[tuple[int, int, int], int] = {}
    for n, rgb in image.getcolors(maxcolors=1 << 24) or []:
        counts[rgb] = n
    total = image.width * image.height
    white = sum(n for rgb, n in counts.items() if min(rgb) >= 245)
    return (total - white) / total, counts


def wait_for_map(page: Page, min_fraction: float, timeout: float = TIMEOUT) -> float:
    """Poll screenshots of the deck.gl map until at least `min_fraction` of its pixels are
    coloured (the layers have drawn); return the last fraction seen (may be below)."""
    chart = deck(page)
    expect(chart.locator("canvas").first).to_be_visible(timeout=timeout)
    deadline = time.monotonic() + timeout / 1000
    while True:
        fraction, _ = canvas_colours(chart.screenshot())
        if fraction >= min_fraction or time.monotonic() > deadline:
            return fraction
        page.wait_for_timeout(250)


def mercator_pixel(
    lon: float, lat: float, view: dict[str, float], width: float, height: float
) -> tuple[float, float]:
    """Where deck.gl's MapView (Web Mercator, 512 px tiles) draws lon/lat in a canvas of
    width x height centred on view["longitude"], view["latitude"] at view["zoom"]."""
    scale = 512 * 2 ** view["zoom"] / (2 * math.pi)

    def project(lo: float, la: float) -> tuple[float, float]:
        la = max(min(la, 85.051129), -85.051129)
        x = math.radians(lo)
        y = math.log(math.tan(math.pi / 4 + math.radians(la) / 2))
        return x * scale, -y * scale

    cx, cy = project(view["longitude"], view["latitude"])
    x, y = project(lon, lat)
    return width / 2 + (x - cx), height / 2 + (y - cy)


PLOTS_SIZED_JS = """() => {
    const main = document.querySelector('[data-testid="stMain"]');
    const charts = main ? [...main.querySelectorAll('[data-testid="stPlotlyChart"]')] : [];
    const shown = charts.filter((el) => el.offsetParent !== null);
    return shown.length > 0 && shown.every((el) => {
        const gd = el.querySelector('.js-plotly-plot');
        const full = gd && gd._fullLayout;
        return Boolean(full && gd.querySelector('.main-svg')
            && Math.abs(full.width - el.clientWidth) <= 1
            && Math.abs(full.height - el.clientHeight) <= 1);
    });
}"""


def wait_for_plots_sized(page: Page, timeout: float = TIMEOUT) -> None:
    """Wait until there is a visible plotly chart and each has drawn at the size of its
    element: a chart that fills its container (`height="stretch"`) first draws at plotly's
    default height, then again at the container's."""
    page.wait_for_function(PLOTS_SIZED_JS, timeout=timeout, polling=100)
