"""The dashboard at a glance in headless Chromium: who holds each target back, the warnings panel, the parcel map.

Screenshots (zh and en, 1440 px and 390 px) go to test-artifacts/glance-*.png. "Today" is
mid-2024, inside the 14th plan, so its 2023 figures still raise warnings.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from indicators import services
from indicators.models import SchematicBlock
from parcels import access, demo
from tests.browser.test_dashboard import assert_all_drawn, open_page
from tests.browser_helpers import ARTIFACTS
from tests.conftest import login
from tests.factories import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WIDTHS = (1440, 390)


@pytest.fixture
def glance(plan, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda value=None, timezone=None: dt.date(2024, 6, 15))
    demo.seed_demo(enterprises=60, seed=3)
    services.recompute(full=True)
    return {role: make_user(role, role=role) for role in (access.OFFICIAL, access.OFFICE)}


def outlines_file(tmp_path) -> str:
    """Write a GeoJSON of every parcel's blocks as small rectangles near Baoshan (lon 121.4, lat 31.3)."""
    features = []
    for b in SchematicBlock.objects.select_related("parcel"):
        x0, y0 = 121.35 + b.x * 0.002, 31.25 + b.y * 0.002
        x1, y1 = x0 + b.width * 0.002, y0 + b.height * 0.002
        ring = [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]
        geometry = {"type": "Polygon", "coordinates": [ring]}
        features.append({"type": "Feature", "properties": {"code": b.parcel.code}, "geometry": geometry})
    path = tmp_path / "parcels.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    return str(path)


def to_english(page) -> None:
    page.click(".langswitch button")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.lang") == "en"


def shoot(page, path: str, name: str, width: int) -> list[dict]:
    page.set_viewport_size({"width": width, "height": 900 if width > 500 else 844})
    charts = open_page(page, path)
    assert_all_drawn(charts, path)
    out = ARTIFACTS / f"glance-{name}-{width}.png"
    page.screenshot(path=str(out), full_page=True)
    wide = page.evaluate(
        "w => Array.from(document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect().right > w + 1)"
        ".map(e => e.tagName + '.' + e.className).slice(0, 5)",
        width,
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= width, (path, width, wide)
    assert out.stat().st_size > 20_000
    return charts


def test_it_shows_who_holds_each_target_back_and_the_warnings(page, glance):
    ARTIFACTS.mkdir(exist_ok=True)
    login(page, access.OFFICIAL, PASSWORD)
    for language in ("zh", "en"):
        if language == "en":
            to_english(page)
        for width in WIDTHS:
            shoot(page, "/?year=2023", f"overview-{language}", width)
            named = page.locator(".indicator-card .held-back a")
            assert named.count() >= 2
            assert page.locator("#warnings table[data-table=warnings] tbody tr").count() >= 1
            # Each card's trend line carries the planned path and the target beside the actual values.
            names = page.evaluate("JSON.parse(document.getElementById('spark-I3').textContent).data.map(t => t.name)")
            assert names[:2] == (["规划路径", "目标"] if language == "zh" else ["Planned path", "Target"])
        heading = page.inner_text("#warnings-title")
        assert ("预警" in heading) if language == "zh" else ("Early warnings" in heading)
    assert page.problems == []


def test_it_draws_the_map_schematic_then_from_uploaded_outlines(page, glance, tmp_path):
    ARTIFACTS.mkdir(exist_ok=True)
    login(page, access.OFFICE, PASSWORD)
    for width in WIDTHS:
        shoot(page, "/map/?year=2023&indicator=I3", "map-schematic-zh", width)
        assert page.locator("[data-map=schematic]").count() == 1
    figure = json.loads(page.inner_text("#fig-map"))
    hover = [t["name"] for t in figure["data"] if t.get("fill") == "toself"]
    assert len(hover) == 10 and any(name.startswith("南大地区：") and "%" in name for name in hover)

    open_page(page, "/map/?year=2023&indicator=I3")
    page.set_input_files("input[name=geojson]", outlines_file(tmp_path))
    with page.expect_navigation():
        page.click(".map-upload button.primary")
    assert "已载入10个地块的边界" in page.inner_text(".messages")
    for width in WIDTHS:
        shoot(page, "/map/?year=2023&indicator=I3", "map-outlines-zh", width)
        assert page.locator("[data-map=outlines]").count() == 1

    to_english(page)
    for width in WIDTHS:
        shoot(page, "/map/?year=2023&indicator=I3&mode=value", "map-outlines-en", width)
    page.click("form.upload-form button:not(.primary)")  # back to the schematic map
    page.wait_for_load_state("networkidle")
    for width in WIDTHS:
        shoot(page, "/map/?year=2023&indicator=I3", "map-schematic-en", width)
        assert "Schematic" in page.inner_text("[data-map=schematic]")
    assert page.problems == []
