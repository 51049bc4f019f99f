"""The illustrative 15th plan in headless Chromium: the plan in force opens marked 示例 and 演示数据, in both languages.

Saves test-artifacts/plan-15th-overview-{zh,en}.png (1440 px wide): the 2026
overview so far (2026年1–9月累计) with its 同比 and no status.
"""

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from indicators import services
from indicators.reference import load_plan
from parcels import access, demo
from tests.browser_helpers import ARTIFACTS
from tests.conftest import login
from tests.factories import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
EXAMPLE_FILE = Path(__file__).resolve().parents[2] / "fixtures" / "plan-15th-example.json"


@pytest.fixture
def fifteenth(plan, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda value=None, timezone=None: dt.date(2026, 11, 30))
    load_plan(EXAMPLE_FILE)
    demo.seed_demo(enterprises=60, seed=3)
    services.recompute(full=True)
    return make_user("official", role=access.OFFICIAL)


def test_the_plan_in_force_opens_marked_as_an_example_on_demo_data_in_both_languages(page, fifteenth):
    page.set_viewport_size({"width": 1440, "height": 900})
    login(page, "official", PASSWORD)
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(page.base_url + "/?year=2026&quarter=3")
    page.wait_for_load_state("networkidle")
    bar = page.locator(".planbar").inner_text()
    assert "宝山园“十五五”规划" in bar and "示例（非正式规划）" in bar
    assert page.locator(".demo-banner").is_visible()
    main = page.locator("main").inner_text()
    assert "2026年1–9月累计" in main and "亩均税收" in main and "单位增加值综合能耗" in main
    assert "滞后" not in main and "基本符合预期" not in main  # year-to-date values get no status
    page.screenshot(path=str(ARTIFACTS / "plan-15th-overview-zh.png"), full_page=True)

    page.click("form.langswitch button[name=language]")
    page.wait_for_load_state("networkidle")
    page.goto(page.base_url + "/?year=2026&quarter=3")
    page.wait_for_load_state("networkidle")
    bar = page.locator(".planbar").inner_text()
    assert "15th FYP" in bar and "Illustrative (not the adopted plan)" in bar
    assert "Tax revenue per mu of land" in page.locator("main").inner_text()
    page.screenshot(path=str(ARTIFACTS / "plan-15th-overview-en.png"), full_page=True)
    assert page.problems == []
