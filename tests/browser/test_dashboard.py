"""The dashboard in headless Chromium: every page as every role, every chart drawn, language, period, downloads."""

from pathlib import Path

import pytest
from plotly.offline import get_plotlyjs_version

from indicators import charts, services, staticfiles
from parcels import access, demo
from parcels.models import Parcel
from tests.browser_helpers import ARTIFACTS
from tests.conftest import login
from tests.factories import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
INDICATORS = [f"I{i}" for i in range(1, 9)]

# For each chart on the page: its id, the traces its figure has, whether Plotly
# marked it drawn, the traces drawn in the SVG, and whether the SVG is there.
CHARTS_JS = """() => Array.from(document.querySelectorAll('[data-plotly]')).map(div => ({
  id: div.dataset.plotly,
  traces: JSON.parse(document.getElementById(div.dataset.plotly).textContent).data.length,
  drawn: div.getAttribute('data-drawn'),
  svgTraces: div.querySelectorAll('.scatterlayer .trace, .barlayer .trace, .heatmaplayer .hm').length,
  svg: div.querySelector('svg.main-svg') !== null,
}))"""


@pytest.fixture
def dashboard(plan):
    demo.seed_demo(enterprises=60, seed=3)
    services.recompute(full=True)
    return {role: make_user(role, role=role) for role in (access.OFFICIAL, access.MANAGER, access.OFFICE)}


def open_page(page, path: str) -> list[dict]:
    """Open a page, wait until every chart is drawn, and return what charts.js drew."""
    page.goto(page.base_url + path)
    page.wait_for_load_state("networkidle")
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('[data-plotly]')).every(d => d.hasAttribute('data-drawn'))",
        timeout=15_000,
    )
    return page.evaluate(CHARTS_JS)


def assert_all_drawn(charts: list[dict], path: str) -> None:
    for chart in charts:
        assert chart["svg"], (path, chart)
        assert chart["drawn"] == str(chart["traces"]), (path, chart)
        assert chart["svgTraces"] == chart["traces"], (path, chart)


@pytest.mark.parametrize("role", [access.OFFICIAL, access.MANAGER, access.OFFICE])
def test_it_draws_every_page_for_every_role(page, dashboard, role):
    login(page, role, PASSWORD)
    paths = ["/", "/parcels/", "/areas/", "/?year=2023&quarter=2", "/parcels/?year=2020"]
    if role == access.OFFICIAL:  # every indicator and parcel once; each kind of page for the others
        paths += [f"/indicators/{code}/" for code in INDICATORS]
        paths += [f"/parcels/{code}/" for code in Parcel.objects.values_list("code", flat=True)]
    else:
        paths += ["/indicators/I3/", "/indicators/I6/?year=2024&quarter=1", "/parcels/nanda/"]
    for path in paths:
        charts = open_page(page, path)
        assert_all_drawn(charts, path)
        if path == "/":
            assert len(charts) == 8
        if path.startswith("/indicators/"):
            assert [c["id"] for c in charts] == ["fig-trend", "fig-parcels"]
        if path.startswith("/parcels/") and not path.startswith("/parcels/?") and path != "/parcels/":
            assert len(charts) == 8
    assert page.problems == []


def test_it_saves_screenshots_of_the_main_views(page, dashboard):
    ARTIFACTS.mkdir(exist_ok=True)
    login(page, access.OFFICIAL, PASSWORD)
    for path, name in (
        ("/?year=2024", "overview"),
        ("/indicators/I3/?year=2024", "indicator-I3"),
        ("/parcels/?year=2024", "parcel-heatmap"),
    ):
        assert_all_drawn(open_page(page, path), path)
        out = ARTIFACTS / f"dashboard-{name}.png"
        page.screenshot(path=str(out), full_page=True)
        assert out.stat().st_size > 20_000
    # And on a phone: the cards stack and nothing runs off the side.
    page.set_viewport_size({"width": 390, "height": 844})
    assert_all_drawn(open_page(page, "/?year=2024"), "phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(ARTIFACTS / "dashboard-overview-phone.png"), full_page=True)
    assert page.problems == []


def test_it_switches_to_english_and_back_with_the_charts(page, dashboard):
    login(page, access.OFFICIAL, PASSWORD)
    open_page(page, "/indicators/I4/?year=2024")
    assert "经认定的高新技术企业" in page.inner_text("h1")
    page.click(".langswitch button")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/indicators/I4/?year=2024")  # the same page and period
    charts = open_page(page, "/indicators/I4/?year=2024")
    assert_all_drawn(charts, "en")
    assert page.evaluate("document.documentElement.lang") == "en"
    assert "Certified high-tech enterprises" in page.inner_text("h1")
    assert "Behind" in page.inner_text(".headline")
    # The chart speaks English too: its unit and plotly's own interface.
    layout = page.evaluate("document.getElementById('fig-trend-plot').layout")
    assert layout["annotations"][0]["text"] == "enterprises"
    assert page.evaluate("document.getElementById('fig-trend-plot')._context.locale") == "en"
    page.click(".langswitch button")
    page.wait_for_load_state("networkidle")
    open_page(page, "/indicators/I4/?year=2024")
    assert "经认定的高新技术企业" in page.inner_text("h1")
    assert page.evaluate("document.getElementById('fig-trend-plot')._context.locale") == "zh-CN"
    assert page.problems == []


def test_it_changes_the_period_from_the_form(page, dashboard):
    login(page, access.OFFICIAL, PASSWORD)
    open_page(page, "/parcels/")
    with page.expect_navigation():
        page.select_option("form.period-form select[name=year]", "2022")
    assert page.url.endswith("/parcels/?year=2022&quarter=")
    assert "2022年" in page.inner_text(".page-head .period")
    with page.expect_navigation():
        page.select_option("form.period-form select[name=quarter]", "3")
    assert "year=2022&quarter=3" in page.url
    assert_all_drawn(open_page(page, page.url.replace(page.base_url, "")), "quarter")
    assert "2022年1–9月累计" in page.inner_text(".page-head .period")
    # The menu keeps the period: a shared link shows the same thing.
    page.click("nav.mainnav >> text=总览")
    page.wait_for_load_state("networkidle")
    assert "year=2022&quarter=3" in page.url
    assert page.problems == []


def test_it_downloads_the_table_behind_a_chart(page, dashboard):
    login(page, access.OFFICE, PASSWORD)
    open_page(page, "/indicators/I2/?year=2024")
    with page.expect_download() as info:
        page.click("section.panel >> nth=0 >> a:text('CSV')")
    download = info.value
    assert download.suggested_filename == "fyp-14-I2-2024-trend.csv"
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    assert text.splitlines()[0].startswith("年份,实际值（件/万人）")
    assert len(text.splitlines()) == 7  # header + 2020…2025
    with page.expect_download() as info:
        page.click("section.panel >> nth=1 >> a:text('Excel')")
    assert info.value.suggested_filename == "fyp-14-I2-2024.xlsx"
    assert page.problems == []


def test_it_serves_the_partial_plotly_js_bundle(page, dashboard):
    login(page, access.OFFICIAL, PASSWORD)
    open_page(page, "/")
    src = page.get_attribute("script[src*='plotly.min.js']", "src")
    response = page.request.get(page.base_url + src)
    assert response.ok
    assert response.body() == staticfiles.BUNDLE_FILE.read_bytes()
    assert page.evaluate("Plotly.version") == get_plotlyjs_version()
    # The trace types the pages draw, and no others of the full bundle's.
    drawn = list(charts.BROWSER_TRACE_TYPES)
    assert page.evaluate("(types) => types.every(t => Plotly.PlotSchema.get().traces[t])", drawn)
    assert not page.evaluate("Boolean(Plotly.PlotSchema.get().traces.pie)")
    assert page.problems == []
