"""The plan switcher in headless Chromium: by keyboard alone, in Chinese and English, and the previous plan's final."""

import json

import pytest

from indicators import services
from indicators.reference import load_plan
from parcels import access, demo
from parcels.models import Statistic
from tests.browser_helpers import ARTIFACTS
from tests.conftest import login
from tests.factories import PASSWORD, make_user
from tests.indicators.test_plans import LATER, later_plan_document, today  # noqa: F401 (today: the date pinned)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def two_plans(plan, tmp_path):
    path = tmp_path / "plan-later.json"
    path.write_text(json.dumps(later_plan_document(), ensure_ascii=False), encoding="utf-8")
    load_plan(path)
    demo.seed_demo(enterprises=40, seed=7)
    copies = []
    for row in Statistic.objects.filter(year=2025, quarter=4):  # the demo has 2026 Q1–Q3: its Q4 from 2025's
        values = {f.attname: getattr(row, f.attname) for f in Statistic._meta.concrete_fields if f.name != "id"}
        copies.append(Statistic(**{**values, "year": 2026}))
    Statistic.objects.bulk_create(copies)
    services.recompute(full=True)
    return make_user("official", role=access.OFFICIAL)


def tab_to(page, selector: str, limit: int = 40) -> None:
    """Press Tab until the element matching `selector` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement === document.querySelector(s)", selector):
            return
    raise AssertionError(f"{selector} never took the focus")


def test_the_switcher_works_by_keyboard_and_the_previous_final_is_one_click_away(page, two_plans):
    login(page, "official", PASSWORD)
    page.goto(page.base_url + f"/plans/{LATER}/indicators/I4/")
    assert page.locator(".plan-short").first.inner_text() == "测试规划"
    assert "2026—2030年" in page.locator(".planbar").inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "plan-switch-closed.png"))

    tab_to(page, "#plan-switch summary")
    page.keyboard.press("Enter")
    assert page.locator("#plan-switch").get_attribute("open") is not None
    page.screenshot(path=str(ARTIFACTS / "plan-switch-open.png"))
    page.keyboard.press("Escape")  # closes and gives the focus back
    assert page.locator("#plan-switch").get_attribute("open") is None
    assert page.evaluate("document.activeElement === document.querySelector('#plan-switch summary')")
    page.keyboard.press("Enter")
    tab_to(page, '#plan-switch a[data-plan="fyp-14"]', limit=3)
    page.keyboard.press("Enter")
    page.wait_for_url("**/plans/fyp-14/indicators/I4/")
    assert page.locator(".plan-short").first.inner_text() == "宝山园“十四五”规划"

    page.goto(page.base_url + "/")  # the plan in force: the later plan
    page.click("#previous-final")
    page.wait_for_url("**/plans/fyp-14/?year=2025")
    assert page.locator("p.period").first.inner_text().startswith("2025年")
    assert page.locator(".indicator-card").count() == 8
    assert page.problems == []


def test_the_header_names_the_plan_in_english(page, two_plans):
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": page.base_url}])
    login(page, "official", PASSWORD)
    page.goto(page.base_url + f"/plans/{LATER}/")
    bar = page.locator(".planbar").inner_text()
    assert "test plan" in bar and "2026–2030" in bar
    assert page.locator("#previous-final").inner_text() == "Baoshan sub-park 14th FYP final assessment (2025)"
    page.screenshot(path=str(ARTIFACTS / "plan-switch-en.png"))
    assert page.problems == []
