"""A quarter in a real browser: the manager fills, uploads, submits; the office returns, then approves."""

from __future__ import annotations

import io

import openpyxl
import pytest

from indicators import services as indicator_services
from parcels import access, demo, statfields
from parcels.models import Parcel, ParcelReturn, Statistic
from tests.conftest import login
from tests.factories import make_user

PASSWORD = "Pw-for-tests-2025"
YEAR, QUARTER = 2025, 4

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people(plan):
    demo.seed_demo(enterprises=60, seed=3)
    indicator_services.recompute(full=True)
    parcel = Parcel.objects.order_by("order").first()
    manager = make_user("manager1", role=access.MANAGER, parcels=(parcel,), password=PASSWORD)
    office = make_user("office1", role=access.OFFICE, password=PASSWORD)
    return {"parcel": parcel, "manager": manager, "office": office}


def workbook(parcel, rows, *, bad_revenue=False) -> bytes:
    """An import-template file of the return's rows; optionally one revenue that is not a number."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([label for _, label in statfields.BUILT_IN.columns])
    for i, r in enumerate(rows):
        values = []
        for f in statfields.BUILT_IN.fields:
            value = r[f.name]
            if f.kind == statfields.FLAG:
                value = "是" if value else "否"
            elif f.kind == statfields.DATE:
                value = value.isoformat() if value else ""
            else:
                value = float(value) if f.decimals else int(value)
            values.append(value)
        if bad_revenue and i == 0:
            values[0] = "一千万"
        sheet.append([r["credit_code"], r["enterprise_name"], parcel.code, YEAR, QUARTER, *values])
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


def card_value(page, code: str) -> str:
    return page.inner_text(f'.indicator-card[data-indicator="{code}"] .value strong')


def ready(page):
    """Wait for the return page's indicator preview, so leaving the page does not abort its request."""
    if page.locator("#indicator-preview").count():
        page.wait_for_selector("#indicator-preview table")


def switch_user(page, username):
    page.context.clear_cookies()
    login(page, username, PASSWORD)


def test_it_takes_a_return_from_draft_to_approval_and_into_the_dashboard(page, people, tmp_path):
    parcel = people["parcel"]
    url = f"{page.base_url}/returns/{parcel.id}/{YEAR}/{QUARTER}/"

    switch_user(page, "office1")
    page.goto(page.base_url + "/")
    high_tech_before = card_value(page, "I4")

    # The quarter was imported (the demo data): read-only, until the office opens it for revision.
    page.goto(url)
    assert page.inner_text("#return-state") == "已审核（导入）"
    page.fill("#open-revision textarea", "企业年报更正")
    page.click("#open-revision-button")
    assert "已开放修订" in page.inner_text(".messages")

    # The manager opens the quarter: every enterprise of the parcel is a row, pre-filled from the official data.
    switch_user(page, "manager1")
    page.goto(page.base_url + "/returns/")
    assert page.locator(f'tr[data-parcel="{parcel.id}"]').count() == 8
    page.goto(url)
    ready(page)
    assert page.inner_text("#return-state") == "已退回"
    rows = page.locator("table.return-table tbody tr[data-code]")
    n = rows.count()
    assert n == parcel.enterprises.count() and n > 0
    assert page.locator("small.prev").count() > 0  # last period's values beside the new ones

    # Inline check as typed, then the server refuses a hard error and keeps the typed values.
    first = rows.nth(0)
    opened = ParcelReturn.objects.get().version
    employees = first.locator('input[data-field="employees"]').input_value()
    masters = first.locator('input[data-field="masters_plus"]')
    masters.fill(str(int(employees or 0) + 1))
    assert "js-invalid" in masters.get_attribute("class")
    page.click("#save-draft")
    ready(page)
    assert "不能大于" in page.inner_text(".findings")
    assert ParcelReturn.objects.get().version == opened  # as the office opened it: nothing saved
    masters = page.locator("table.return-table tbody tr[data-code]").nth(0).locator('input[data-field="masters_plus"]')
    masters.fill("0")
    assert "js-invalid" not in masters.get_attribute("class")

    # Two enterprises lost their 高新技术企业 certification this year: untick them and save the draft.
    unticked = 0
    for i in range(n):
        flag = rows.nth(i).locator('select[name$="-high_tech"]')
        if flag.input_value() == "是" and unticked < 2:
            flag.select_option("否")
            unticked += 1
    assert unticked == 2
    page.click("#save-draft")
    ready(page)
    assert "草稿已保存" in page.inner_text(".messages")
    assert page.inner_text("#return-state") == "已退回"  # opened for revision: a saved draft stays 已退回
    page.wait_for_selector("#indicator-preview table")  # what the return would make of the parcel's indicators

    # An Excel file with an error is refused with the row, column and value; the corrected file is read in.
    stored = list(ParcelReturn.objects.get().rows.order_by("position").values())
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(workbook(parcel, stored, bad_revenue=True))
    page.set_input_files("#upload-file", str(bad))
    page.click("#upload-button")
    errors = page.inner_text("#upload-errors")
    assert "第2行" in errors and "营业收入" in errors and "一千万" in errors
    assert page.locator("#confirm-upload").count() == 0  # nothing to confirm
    with page.expect_download() as download:
        page.click("#marked-download")
    assert download.value.suggested_filename.endswith(".xlsx")
    good = tmp_path / "good.xlsx"
    good.write_bytes(workbook(parcel, stored))
    page.goto(url)
    ready(page)
    page.set_input_files("#upload-file", str(good))
    page.click("#upload-button")
    assert "不变" in page.inner_text("#upload-summary")  # the preview: the file holds the draft's own values
    page.click("#confirm-upload-button")
    ready(page)
    assert "good.xlsx 与报表现有数据相同" in page.inner_text(".messages")

    # Explain every value that needs it, and submit.
    for box in page.locator("textarea.needs-explanation").all():
        box.fill("企业经营情况变化，已核实。")
    page.click("#submit-return")
    ready(page)
    if "情况说明" in page.inner_text(".messages"):  # warnings found only on submission
        for box in page.locator("textarea.needs-explanation").all():
            box.fill("企业经营情况变化，已核实。")
        page.click("#submit-return")
        ready(page)
    assert "报表已提交" in page.inner_text(".messages")
    assert ParcelReturn.objects.get().state == ParcelReturn.State.SUBMITTED

    # The office sends it back with a comment.
    switch_user(page, "office1")
    page.goto(page.base_url + "/returns/review/")
    page.click(f'tr[data-return="{ParcelReturn.objects.get().pk}"] a')
    assert "变动明细" in page.inner_text("main")
    page.fill("#id_comment", "请核实第一家企业的从业人员数。")
    page.click("#send-back")
    assert "已退回" in page.inner_text(".messages")

    # The manager sees the comment, corrects and resubmits.
    switch_user(page, "manager1")
    page.goto(url)
    ready(page)
    assert "请核实第一家企业的从业人员数" in page.inner_text("#review-comment")
    first = page.locator("table.return-table tbody tr[data-code]").nth(0)
    first.locator('input[data-field="tax"]').fill(
        str(float(first.locator('input[data-field="tax"]').input_value() or 0) + 1)
    )
    for box in page.locator("textarea.needs-explanation").all():
        box.fill("企业经营情况变化，已核实。")
    page.click("#submit-return")
    ready(page)
    assert "报表已提交" in page.inner_text(".messages")

    # The office approves: the rows become official data and the quarter is locked.
    switch_user(page, "office1")
    page.goto(f"{page.base_url}/returns/review/{ParcelReturn.objects.get().pk}/")
    page.click("#approve")
    assert "已审核通过" in page.inner_text(".messages")
    assert Statistic.objects.filter(parcel=parcel, year=YEAR, quarter=QUARTER, high_tech=False).count() == 2
    page.goto(page.base_url + "/returns/status/")
    assert "已审核" in page.inner_text(f'tr[data-parcel="{parcel.id}"] td[data-period="{YEAR}Q{QUARTER}"]')

    # The manager can no longer change it, and is told who approved it.
    switch_user(page, "manager1")
    page.goto(url)
    ready(page)
    assert "office1" in page.inner_text("#lock-message")
    assert page.locator("#save-draft").count() == 0

    # After the recompute the dashboard counts two high-tech enterprises fewer.
    indicator_services.recompute()
    switch_user(page, "office1")
    page.goto(page.base_url + "/")
    assert int(card_value(page, "I4").replace(",", "")) == int(high_tech_before.replace(",", "")) - unticked
    assert page.problems == []
