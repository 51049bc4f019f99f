"""Accessibility in headless Chromium: axe-core on every page for each role and in English (WCAG 2.1 A/AA),
and the contrast of the words drawn on colour, measured: inside the charts' SVG (which axe cannot see) and
on the status badges."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from PIL import Image

from indicators import charts, services
from indicators.reports import services as reports
from parcels import access, demo
from parcels.models import Enterprise, Parcel
from parcels.returns import services as returns
from tests.conftest import login
from tests.factories import PASSWORD, filled_row, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
AXE = Path(__file__).resolve().parents[1] / "vendor" / "axe-core" / "axe.min.js"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
CHARTS_DRAWN = "() => Array.from(document.querySelectorAll('[data-plotly]')).every(d => d.hasAttribute('data-drawn'))"


@pytest.fixture
def site(plan):
    """Demo data, a submitted return and a queued report; a user of each role."""
    demo.seed_demo(enterprises=60, seed=3)
    services.recompute(full=True)
    parcel = Parcel.objects.get(code="baoshan-industrial")
    users = {
        access.OFFICIAL: make_user("official", role=access.OFFICIAL),
        access.MANAGER: make_user("manager", role=access.MANAGER, parcels=(parcel,)),
        access.OFFICE: make_user("office", role=access.OFFICE),
    }
    enterprises = Enterprise.objects.filter(parcel=parcel).order_by("id")[:3]
    rows = [filled_row(e, explanation="演示：本季度新填报") for e in enterprises]
    submitted, _checked = returns.save_return(
        parcel=parcel, year=2027, quarter=1, rows=rows, version=0, user=users[access.MANAGER], submit=True
    )
    report = reports.start_report(year=2024, user=users[access.OFFICE])
    return {"users": users, "parcel": parcel, "return": submitted, "report": report}


def pages_of(role: str | None, site) -> list[str]:
    """Every page a role reaches from the menus, and one of each kind of detail page."""
    if role is None:
        return ["/accounts/login/"]
    common = [
        "/",
        "/?year=2024",
        "/?year=2023&quarter=2",
        "/parcels/",
        "/parcels/nanda/?year=2024",
        "/areas/",
        "/indicators/I1/",
        "/indicators/I4/?year=2024&quarter=1",
        "/map/",
    ]
    if role == access.OFFICIAL:
        return common + [f"/indicators/I{i}/?year=2024" for i in (2, 3, 5, 6, 7, 8)]
    parcel, pk = site["parcel"], site["return"].pk
    if role == access.MANAGER:
        return [
            *common,
            "/returns/",
            f"/returns/{parcel.id}/2026/2/",
            f"/returns/{parcel.id}/2027/1/",
            f"/returns/{pk}/history/",
        ]
    office = ["/reports/", f"/reports/{site['report'].pk}/", "/returns/review/", f"/returns/review/{pk}/"]
    office += ["/warnings/", "/planning/", "/planning/new/", "/planning/fyp-14/"]
    office += ["/planning/fyp-14/indicators/I1/", "/planning/fyp-14/indicators/new/", "/planning/fyp-14/elements/new/"]
    office += ["/planning/fyp-14/check/", "/planning/fyp-14/history/"]
    return [*common, *office, "/returns/status/", f"/returns/{pk}/history/"]


@pytest.fixture
def axe_page(browser, live_server):
    """A page whose context lets Playwright add axe-core's script (the site's CSP rightly refuses it)."""
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN", bypass_csp=True)
    page = context.new_page()
    page.base_url = live_server.url
    yield page
    context.close()


def axe_violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags},
                                                     resultTypes: ['violations']}))
             .violations.map(v => `${v.id} (${v.impact}): `
                                  + v.nodes.map(n => n.target.join(' ')).slice(0, 4).join(', '))""",
        WCAG,
    )


def open_drawn(page, path: str) -> None:
    response = page.goto(page.base_url + path)
    assert response.ok, (path, response.status)
    page.wait_for_load_state("networkidle")
    page.wait_for_function(CHARTS_DRAWN, timeout=15_000)


@pytest.mark.parametrize("role", [None, access.OFFICIAL, access.MANAGER, access.OFFICE])
def test_it_passes_axe_on_every_page_for_every_role(axe_page, site, role):
    if role:
        login(axe_page, site["users"][role].username, PASSWORD)
    found, checked = {}, 0
    for path in pages_of(role, site):
        open_drawn(axe_page, path)
        checked += 1
        if violations := axe_violations(axe_page):
            found[path] = violations
    assert checked == len(pages_of(role, site))
    assert found == {}


def test_it_passes_axe_in_english_too(axe_page, site):
    login(axe_page, "office", PASSWORD)
    axe_page.click(".langswitch button")
    axe_page.wait_for_load_state()
    found = {}
    pk = site["return"].pk
    for path in ("/?year=2024", "/parcels/", "/indicators/I4/?year=2024", "/reports/", f"/returns/review/{pk}/"):
        open_drawn(axe_page, path)
        assert axe_page.evaluate("document.documentElement.lang") == "en"
        if violations := axe_violations(axe_page):
            found[path] = violations
    assert found == {}


def test_it_finds_a_violation_axe_should_find(axe_page, site):
    """The check itself works: an image without a text alternative is reported."""
    login(axe_page, "office", PASSWORD)
    open_drawn(axe_page, "/")
    axe_page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=\"/x.png\">')")
    assert any(v.startswith("image-alt") for v in axe_violations(axe_page))


# --- the words on colour inside the charts, and on the badges -----------------------------

# The texts of the chart number i: its words, its colour, and its box within the chart.
CHART_TEXTS = """(i) => { const div = document.querySelectorAll('[data-plotly]')[i], d = div.getBoundingClientRect();
  return Array.from(div.querySelectorAll('svg.main-svg text'))
    .filter(t => t.textContent.trim() && getComputedStyle(t).opacity !== '0' && t.getBoundingClientRect().width > 2)
    .map(t => { const r = t.getBoundingClientRect();
                return {text: t.textContent, fill: getComputedStyle(t).fill,
                        x: r.x - d.x, y: r.y - d.y, w: r.width, h: r.height}; }); }"""
BADGES = """() => Array.from(document.querySelectorAll('.status')).map(b => ({
  text: b.textContent.trim(), ink: getComputedStyle(b).color, ground: getComputedStyle(b).backgroundColor}))"""


def rgb(css: str) -> str:
    r, g, b = (int(v) for v in re.findall(r"\d+", css)[:3])
    return f"#{r:02x}{g:02x}{b:02x}"


def background(image: Image.Image, box: dict) -> str:
    """Return the colour most of a text's box shows: what the words stand on (the glyphs are the few)."""
    crop = image.crop(
        (int(box["x"]) + 1, int(box["y"]) + 1, int(box["x"] + box["w"]) - 1, int(box["y"] + box["h"]) - 1)
    )
    _n, colour = max(crop.convert("RGB").getcolors(crop.width * crop.height))
    return "#{:02x}{:02x}{:02x}".format(*colour)


@pytest.mark.parametrize(
    "path",
    [
        "/parcels/?year=2024",  # the heat map: status words on the status colours
        "/indicators/I8/?year=2024",  # bars: figures and status words inside the bars
        "/indicators/I4/?year=2024",  # a count: shares inside bars on grey-blue
    ],
)
def test_it_draws_every_chart_word_at_4_5_to_1_at_least(axe_page, site, path):
    login(axe_page, "office", PASSWORD)
    open_drawn(axe_page, path)
    axe_page.mouse.move(0, 0)  # no hover label
    texts = []
    for i, chart in enumerate(axe_page.locator("[data-plotly]").all()):
        chart.scroll_into_view_if_needed()
        image = Image.open(io.BytesIO(chart.screenshot()))
        texts += [(text, image) for text in axe_page.evaluate(CHART_TEXTS, i)]
    assert len(texts) > 10
    coloured, low = [], []
    for text, image in texts:
        ink, ground = rgb(text["fill"]), background(image, text)
        if ground != "#ffffff":
            coloured.append(text["text"])
        ratio = charts.contrast_ratio(ink, ground)
        if ratio < 4.5:
            low.append(f"{text['text']!r}: {ink} on {ground} = {ratio:.2f}")
    assert coloured  # the words on colour were found and measured
    assert low == [], "\n".join(low)


@pytest.mark.parametrize("path", ["/?year=2024", "/parcels/?year=2024", "/areas/?year=2024"])
def test_it_writes_every_status_badge_at_4_5_to_1_at_least(axe_page, site, path):
    login(axe_page, "office", PASSWORD)
    open_drawn(axe_page, path)
    badges = axe_page.evaluate(BADGES)
    assert len(badges) > 3
    low = [b for b in badges if charts.contrast_ratio(rgb(b["ink"]), rgb(b["ground"])) < 4.5]
    assert low == []
