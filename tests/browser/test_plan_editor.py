"""A plan set up in the browser, end to end, with the real Celery worker recomputing.

The office copies the 14th plan into a draft, adds a data element and an
indicator over it, sees the formula's preview (an error with its line and
column, then the park's values), checks and publishes. A manager enters the
new element in the 2026 Q4 return; the office approves; the worker
recomputes; an official sees the new indicator with its status and chart and
switches to the 14th plan's 2025 final assessment. Screenshots of the editor
in Chinese and English go to test-artifacts/.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from indicators import services as indicator_services
from indicators.models import IndicatorValue, Plan, Progress
from parcels import access, demo
from parcels.models import DataElement, Parcel, ParcelReturn, Statistic
from tests.browser_helpers import ARTIFACTS
from tests.conftest import login
from tests.factories import FILLED, PASSWORD, make_user
from tests.services import Redis, start_worker, stop, wait_for

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

NEW_PLAN = {
    "#id_code": "fyp-15",
    "#id_name_zh": "上海张江高新技术产业开发区宝山园“十五五”规划",
    "#id_name_en": "Baoshan sub-park 15th Five-Year Plan",
    "#id_short_zh": "宝山园“十五五”规划",
    "#id_short_en": "Baoshan 15th FYP",
    "#id_start_year": "2026",
    "#id_end_year": "2030",
    "#id_base_year": "2025",
}
ELEMENT = {
    "#id_code": "green_output",
    "#id_label_zh": "绿色低碳产品产值",
    "#id_label_en": "Green low-carbon output",
    "#id_unit": "万元",
    "#id_unit_en": "10k CNY",
    "#id_decimals": "2",
    "#id_first_period": "20261",
}
INDICATOR = {
    "#id_code": "G1",
    "#id_order": "9",
    "#id_name_zh": "绿色低碳产品产值占营业收入比重",
    "#id_name_en": "Green low-carbon output as a share of revenue",
    "#id_unit": "%",
    "#id_unit_en": "%",
    "#id_decimals": "1",
    "#id_definition_zh": "绿色低碳产品产值除以营业收入。",
    "#id_definition_en": "Green low-carbon output divided by revenue.",
    "#id_formula_zh": "绿色低碳产品产值 ÷ 营业收入 × 100%",
    "#id_formula_en": "green output ÷ revenue × 100%",
    "#id_target_value": "8",
    "#id_target_text_zh": "8%",
    "#id_target_text_en": "8%",
    "#id_responsible_unit": "区发展改革委",
    "#id_base_value": "3",
}


@pytest.fixture(autouse=True)
def today(monkeypatch):
    """Early 2027: the 2026 Q4 returns are due."""
    monkeypatch.setattr(timezone, "localdate", lambda value=None, timezone=None: dt.date(2027, 2, 15))


@pytest.fixture
def people(plan):
    demo.seed_demo(enterprises=30, seed=5)
    # 2020–2025 only: the return below is the year's first (the demo's 2026 Q1–Q3 would want its flows to exceed them).
    Statistic.objects.filter(year__gt=2025).delete()
    indicator_services.recompute(full=True)
    parcel = min(Parcel.objects.all(), key=lambda p: (p.enterprises.count() or 99, p.order))
    make_user("planner", role=access.OFFICE)
    make_user("green-manager", role=access.MANAGER, parcels=(parcel,))
    make_user("reader", role=access.OFFICIAL)
    return parcel


@pytest.fixture
def worker(tmp_path):
    """Redis and the real Celery worker with its beat, as production runs them: it recomputes what changes."""
    redis = Redis(tmp_path)
    redis.start()
    log = tmp_path / "worker.log"
    process = start_worker(redis.url, log)
    yield log
    stop(process)
    redis.stop()


def switch_user(page, username: str) -> None:
    page.context.clear_cookies()
    login(page, username, PASSWORD)


def fill(page, values: dict[str, str]) -> None:
    for selector, value in values.items():
        page.fill(selector, value)


def shoot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def type_formula(page, text: str) -> str:
    """Type a formula and return the box's answer once the debounced check of this text has come back."""
    page.fill("#id_formula", text)
    page.wait_for_function(
        """text => {
            const box = document.querySelector('#formula-preview');
            return !box.hasAttribute('aria-busy') && box.dataset.formula === text;
        }""",
        arg=text,
    )
    return page.inner_text("#formula-preview")


def first_answer(page) -> str:
    """The box's answer to the formula the page opened with (checked on load)."""
    page.wait_for_selector("#formula-preview .pl-ok, #formula-preview .pl-error")
    return page.inner_text("#formula-preview")


def office_sets_up_the_plan(page) -> None:
    switch_user(page, "planner")
    page.click("#nav-planning")
    assert page.locator('tr[data-plan="fyp-14"]').count() == 1
    page.select_option("#id_source_plan", label="宝山园“十四五”规划（fyp-14）")
    fill(page, NEW_PLAN)
    page.click("#copy-button")
    assert "已复制为草稿规划“fyp-15”" in page.inner_text(".messages")
    assert page.locator("#indicator-list tbody tr").count() == 8
    shoot(page, "plan-editor-edit")

    page.click("#add-element")
    fill(page, ELEMENT)
    page.select_option("#id_kind", "flow")
    page.click("#save-element")
    assert "统计指标项“green_output”已添加" in page.inner_text(".messages")

    page.click("#add-indicator")
    fill(page, INDICATOR)
    page.select_option("#id_target_kind", "level")
    assert type_formula(page, "100 * sum(green_output) /\n  sum(revenu)") == "第2行第7列：没有统计指标项“revenu”"
    assert page.get_attribute("#id_formula", "aria-invalid") == "true"
    answer = type_formula(page, "100 * sum(rd_expenditure) / sum(revenue)")
    assert answer.startswith("表达式正确") and "2025年" in answer
    assert page.locator("#formula-preview tbody tr").count() == 4
    shoot(page, "plan-editor-indicator")
    assert type_formula(page, "100 * sum(green_output) / sum(revenue)").startswith(
        "表达式正确"
    )  # no figures of the new element yet: 暂无 values, —
    page.click("#save-indicator")
    assert page.locator("#form-errors").count() == 0, page.inner_text("#form-errors")
    assert "指标“G1”已保存" in page.inner_text(".messages")

    page.click("#tab-check")
    assert page.inner_text("#check-summary").startswith("错误 0 项")
    shoot(page, "plan-editor-check")
    page.click("#preview-link")
    assert page.locator("#plan-draft").count() == 1  # the dashboard as officials will see it, marked 草稿预览
    page.go_back()
    page.check("#id_confirm")
    page.click("#publish-button")
    assert "规划“fyp-15”已发布" in page.inner_text(".messages")
    assert Plan.objects.get(code="fyp-15").is_published


def manager_enters_the_element(page, parcel: Parcel) -> None:
    switch_user(page, "green-manager")
    page.goto(f"{page.base_url}/returns/{parcel.id}/2026/4/")
    rows = page.locator("table.return-table tbody tr[data-code]")
    assert rows.count() == parcel.enterprises.count() > 0
    assert page.locator('th[data-field="green_output"]').count() == 1
    for i in range(rows.count()):
        row = rows.nth(i)
        for name, value in {**FILLED, "invention_patents": "2"}.items():
            if not value:
                continue  # listed_date: not listed
            cell = row.locator(f'[data-field="{name}"]')
            if cell.evaluate("e => e.tagName") == "SELECT":
                cell.select_option(value)
            else:
                cell.fill(value)
        row.locator('input[data-field="green_output"]').fill("40")
    for _ in range(2):  # warnings found on submission want an explanation
        page.click("#submit-return")
        if "报表已提交" in page.inner_text(".messages"):
            break
        for box in page.locator("textarea.needs-explanation").all():
            box.fill("新增统计指标项首次填报，已核实。")
    findings = [f.inner_text() for f in page.locator(".findings").all()]
    assert "报表已提交" in page.inner_text(".messages"), findings


def office_approves(page, parcel: Parcel) -> None:
    switch_user(page, "planner")
    pk = ParcelReturn.objects.get(parcel=parcel, year=2026, quarter=4).pk
    page.goto(f"{page.base_url}/returns/review/{pk}/")
    page.click("#approve")
    if page.locator("#approve").count():  # the second confirmation of what the approval changes
        for box in page.locator("textarea").all():
            box.fill("新增统计指标项首次填报")
        page.click("#approve")
    assert "已审核通过" in page.inner_text(".messages")


def test_the_office_sets_up_a_plan_in_the_browser_and_everyone_follows_it(page, people, worker):
    parcel = people
    office_sets_up_the_plan(page)
    assert DataElement.objects.get(code="green_output").column == ""
    manager_enters_the_element(page, parcel)
    office_approves(page, parcel)

    # The worker recomputes: the new indicator has its 2026 value (40 of 1 000 万元 of revenue per enterprise).
    def computed():
        row = IndicatorValue.objects.filter(
            indicator__plan__code="fyp-15", indicator__code="G1", parcel=None, year=2026, quarter=4
        ).first()
        return row is not None and row.value is not None

    assert wait_for(computed, 120), worker.read_text()[-3000:]
    value = IndicatorValue.objects.get(
        indicator__plan__code="fyp-15", indicator__code="G1", parcel=None, year=2026, quarter=4
    )
    assert value.value == pytest.approx(4.0)
    assert Progress.objects.get(indicator__plan__code="fyp-15", indicator__code="G1", parcel=None, year=2026).status

    switch_user(page, "reader")
    page.goto(page.base_url + "/plans/fyp-15/indicators/G1/")
    assert page.locator("#plan-draft").count() == 0
    main = page.inner_text("main")
    assert "绿色低碳产品产值占营业收入比重" in main and "4.0" in main
    assert page.locator(".status").count() > 0
    page.wait_for_selector(".chart .main-svg")
    page.goto(page.base_url + "/")  # the plan in force is the new one
    assert page.locator(".plan-short").first.inner_text() == "宝山园“十五五”规划"
    page.click("#previous-final")
    page.wait_for_url("**/plans/fyp-14/?year=2025")
    assert page.locator("p.period").first.inner_text().startswith("2025年")
    assert page.problems == []


def test_the_editor_reads_in_english(page, people):
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": page.base_url}])
    login(page, "planner", PASSWORD)
    page.click("#nav-planning")
    assert page.inner_text("h1") == "Plans"
    shoot(page, "plan-editor-list-en")
    page.goto(page.base_url + "/planning/fyp-14/indicators/I2/")
    assert "The formula is correct" in first_answer(page)
    shoot(page, "plan-editor-indicator-en")
    page.goto(page.base_url + "/planning/fyp-14/check/")
    shoot(page, "plan-editor-check-en")
    assert "Check" in page.inner_text("main")
    assert page.problems == []


def test_the_editor_list_in_chinese(page, people):
    login(page, "planner", PASSWORD)
    page.click("#nav-planning")
    assert page.inner_text("h1") == "规划管理"
    shoot(page, "plan-editor-list")
    assert page.problems == []
