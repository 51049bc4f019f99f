"""The dashboard at a glance in headless Chromium (issue 16), with screenshots in Chinese and English at
1440 and 390 px: the overview with the parcels holding each target back and the warnings panel, and the
parcel map as a schematic and from uploaded outlines."""

import json

import pytest

from indicators import services
from indicators.models import SchematicBlock
from parcels import access, demo
from tests.browser_helpers import ARTIFACTS
from tests.conftest import login
from tests.factories import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SIZES = [(1440, 900), (390, 844)]
LANGUAGES = ["zh", "en"]
CHARTS_DRAWN = "() => Array.from(document.querySelectorAll('[data-plotly]')).every(d => d.hasAttribute('data-drawn'))"


@pytest.fixture
def glance(plan):
    demo.seed_demo(enterprises=60, seed=3)
    services.recompute(full=True)
    make_user("official", role=access.OFFICIAL)
    make_user("office", role=access.OFFICE)


def show(page, path: str, *, language: str, width: int, height: int) -> None:
    page.set_viewport_size({"width": width, "height": height})
    page.goto(page.base_url + path)
    if page.evaluate("document.documentElement.lang") != ("en" if language == "en" else "zh-CN"):
        page.click(".langswitch button")
        page.wait_for_load_state()
    page.wait_for_load_state("networkidle")
    page.wait_for_function(CHARTS_DRAWN, timeout=15_000)
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # nothing runs off the side


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    out = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(out), full_page=True)
    assert out.stat().st_size > 20_000


@pytest.mark.parametrize("language", LANGUAGES)
def test_it_shows_who_holds_each_target_back_and_the_warnings(page, glance, language):
    login(page, "official", PASSWORD)
    for width, height in SIZES:
        show(page, "/?year=2024", language=language, width=width, height=height)
        held = page.locator(".indicator-card .held-back")
        assert held.count() >= 6  # every judged indicator but the benchmark one without a benchmark
        assert page.locator(".indicator-card .held-back a").first.is_visible()
        assert page.locator("#warnings tbody tr").count() > 0
        words = page.inner_text("#warnings h2")
        assert ("Early warnings (2024)" if language == "en" else "预警（2024年）") in words
        # Each card's small trend shows the planned path to the target.
        assert page.evaluate("document.getElementById('spark-I4-plot').data.length") == 3
        shot(page, f"glance-overview-{language}-{width}")
    assert page.problems == []


def outline_file() -> bytes:
    """The parcels as irregular pentagons near their schematic places, in longitude and latitude."""
    features = []
    for block in SchematicBlock.objects.select_related("parcel"):
        x0, y0 = 121.33 + block.x * 0.0025, 31.25 + block.y * 0.0022
        x1, y1 = x0 + block.width * 0.0025, y0 + block.height * 0.0022
        ring = [[x0, y0], [x1, y0], [x1, y1 - (y1 - y0) / 3], [x0 + (x1 - x0) / 2, y1], [x0, y1], [x0, y0]]
        features.append(
            {
                "type": "Feature",
                "properties": {"code": block.parcel.code},
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
        )
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


def test_it_draws_the_map_as_a_schematic_then_from_the_uploaded_outlines(page, glance):
    login(page, "office", PASSWORD)
    for language in LANGUAGES:
        for width, height in SIZES:
            show(page, "/map/?year=2024&indicator=I8", language=language, width=width, height=height)
            assert page.locator("[data-map=schematic]").is_visible()
            assert page.evaluate("document.getElementById('fig-map-plot').data.filter(t => t.fill).length") == 10
            shot(page, f"glance-map-schematic-{language}-{width}")

    show(page, "/map/", language="zh", width=1440, height=900)
    page.set_input_files(
        "input[name=geojson]",
        files=[{"name": "parcels.geojson", "mimeType": "application/geo+json", "buffer": outline_file()}],
    )
    with page.expect_navigation():
        page.click(".map-upload button.primary")
    assert "已载入10个地块的边界" in page.inner_text(".messages")
    for language in LANGUAGES:
        for width, height in SIZES:
            show(page, "/map/?year=2024&indicator=I8&mode=value", language=language, width=width, height=height)
            assert page.locator("[data-map=outlines]").is_visible()
            shot(page, f"glance-map-outlines-{language}-{width}")
    # Hovering a parcel names it with its figure.
    show(page, "/map/?year=2024&indicator=I8", language="zh", width=1440, height=900)
    box = page.locator("#fig-map-plot .scatterlayer .trace").first.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_selector("#fig-map-plot .hoverlayer .hovertext", timeout=5_000)
    assert "宝山工业园区" in page.text_content("#fig-map-plot .hoverlayer")
    assert page.problems == []
