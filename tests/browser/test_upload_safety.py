"""The two-row upload that once replaced a quarter of about a hundred enterprises, replayed in a real browser.

A manager uploads a valid file of two enterprises for a parcel of about a hundred. The replace
lists every enterprise it would remove and cannot go on unconfirmed; the default merge changes
the two and keeps the rest; after submission and approval every other enterprise's figures are
what they were.
"""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest

from indicators import services as indicator_services
from parcels import access, demo, statfields
from parcels.models import Parcel, ParcelReturn, Statistic
from tests.conftest import login
from tests.factories import make_user

PASSWORD = "Pw-for-tests-2025"
YEAR, QUARTER = 2025, 4
FIELDS = [f.name for f in statfields.BUILT_IN.fields]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people(plan):
    demo.seed_demo(enterprises=600, seed=3)
    indicator_services.recompute(full=True)
    parcel = Parcel.objects.order_by("order").first()
    make_user("manager1", role=access.MANAGER, parcels=(parcel,), password=PASSWORD)
    make_user("office1", role=access.OFFICE, password=PASSWORD)
    return parcel


def official() -> dict[str, dict]:
    rows = Statistic.objects.filter(year=YEAR, quarter=QUARTER).values("enterprise__credit_code", "parcel_id", *FIELDS)
    return {row.pop("enterprise__credit_code"): row for row in rows}


def two_row_file(parcel, stats) -> bytes:
    """Two of the parcel's enterprises, their tax revised by 1 万元, in the import template."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([label for _, label in statfields.BUILT_IN.columns])
    for stat in stats:
        values = []
        for f in statfields.BUILT_IN.fields:
            value = getattr(stat, f.name)
            if f.name == "tax":
                value += 1
            if isinstance(value, bool):
                value = "是" if value else "否"
            elif isinstance(value, Decimal):
                value = float(value)
            values.append(value)
        sheet.append([stat.enterprise.credit_code, stat.enterprise.name, parcel.code, YEAR, QUARTER, *values])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def switch_user(page, username):
    page.context.clear_cookies()
    login(page, username, PASSWORD)


def upload(page, url, path, mode):
    page.goto(url)
    page.wait_for_selector("#indicator-preview table")
    page.set_input_files("#upload-file", str(path))
    page.check(f'.upload-mode input[value="{mode}"]')
    page.click("#upload-button")
    page.wait_for_selector("#upload-summary")


def test_a_two_row_upload_changes_two_enterprises_and_keeps_the_other_hundred(page, people, tmp_path):
    parcel = people
    url = f"{page.base_url}/returns/{parcel.id}/{YEAR}/{QUARTER}/"
    stats = list(Statistic.objects.filter(parcel=parcel, year=YEAR, quarter=QUARTER).select_related("enterprise")[:2])
    total = Statistic.objects.filter(parcel=parcel, year=YEAR, quarter=QUARTER).count()
    assert 90 <= total <= 120
    before = official()
    path = tmp_path / "两家企业.xlsx"
    path.write_bytes(two_row_file(parcel, stats))

    switch_user(page, "office1")  # the quarter was imported: the office opens it for revision
    page.goto(url)
    page.fill("#open-revision textarea", "两家企业税收更正")
    page.click("#open-revision-button")

    # Replacing the whole return lists every enterprise it would remove, and will not go on unconfirmed.
    switch_user(page, "manager1")
    upload(page, url, path, "replace")
    removals = page.locator('#upload-removals table[data-table="removed"] tbody tr')
    assert removals.count() == total - 2
    assert f"将删除以下 {total - 2} 家企业" in page.inner_text("#upload-removals")
    page.click("#confirm-upload-button")  # the box is not ticked: the browser does not send it
    assert page.locator("#confirm-removals:invalid").count() == 1
    assert ParcelReturn.objects.get().rows.count() == total  # nothing changed
    page.click("#cancel-upload")

    # The default: merge. The preview says two changed and the rest kept; nothing is saved before confirming.
    upload(page, url, path, "merge")
    summary = page.inner_text("#upload-summary")
    assert "修改 2 家" in summary and f"文件中没有的 {total - 2} 家保留不变" in summary and "删除" not in summary
    assert page.locator("#upload-removals").count() == 0
    assert page.locator('table[data-table="changed"] td.field').all_inner_texts() == ["税收(万元)", "税收(万元)"]
    page.click("#confirm-upload-button")
    page.wait_for_selector("#indicator-preview table")
    assert "修改 2 家" in page.inner_text(".messages")
    assert ParcelReturn.objects.get().rows.count() == total

    for box in page.locator("textarea.needs-explanation").all():
        box.fill("税收更正，已核实。")
    page.click("#submit-return")
    page.wait_for_selector("#indicator-preview table")
    assert "报表已提交" in page.inner_text(".messages")

    # The office's review counts the changes and shows the return's quality; approval says the same.
    switch_user(page, "office1")
    page.goto(f"{page.base_url}/returns/review/{ParcelReturn.objects.get().pk}/")
    counts = page.inner_text("#review-summary")
    assert "修改 2 家" in counts and "删除 0 家" in counts and "新增 0 家" in counts
    assert page.locator("#return-quality .score").count() == 1
    page.click("#approve")
    message = page.inner_text(".messages")
    assert "修改 2 家，删除 0 家" in message and f"未变 {total - 2} 家" in message

    after = official()
    changed = {stat.enterprise.credit_code for stat in stats}
    assert {code: row for code, row in after.items() if code not in changed} == {
        code: row for code, row in before.items() if code not in changed
    }  # every other enterprise of the park, this parcel's hundred included, as it was
    for stat in stats:
        assert after[stat.enterprise.credit_code]["tax"] == stat.tax + 1
    assert page.problems == []
