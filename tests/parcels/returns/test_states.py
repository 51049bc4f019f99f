"""The returns list, the return page and the completeness grid say the same of every quarter, with its score."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from django.core.management import call_command

from parcels import access, statfields
from parcels.models import ParcelReturn
from parcels.returns import services as return_services
from tests.factories import filled_row, make_enterprise, make_parcel, make_user

pytestmark = pytest.mark.django_db
YEAR, QUARTER = 2026, 2


@pytest.fixture
def imported(tmp_path, settings):
    """A parcel whose 2026 Q2 the office imported from the command line, with no return."""
    settings.RETURN_DEADLINE_DAYS = 20
    parcel = make_parcel(code="imported-park", name_zh="导入测试地块")
    manager = make_user("m", role=access.MANAGER, parcels=(parcel,))
    office = make_user("o", role=access.OFFICE)
    enterprises = [make_enterprise(parcel=parcel) for _ in range(3)]
    lines = [",".join(label for _, label in statfields.BUILT_IN.columns)]
    for e in enterprises:  # the quarter before too: last quarter's list is what a return is expected to cover
        figures = ["1000", "800", "是", "300", "200", "5000", "30", "100", "10", "2", "1", "否", ""]
        lines.append(",".join([e.credit_code, e.name, parcel.code, str(YEAR), str(QUARTER), *figures]))
        earlier = ["500", "400", "是", "150", "100", "2500", "15", "100", "10", "2", "0", "否", ""]
        lines.append(",".join([e.credit_code, e.name, parcel.code, str(YEAR), str(QUARTER - 1), *earlier]))
    path = tmp_path / "import.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    call_command("import_statistics", str(path), stdout=io.StringIO())
    return {"parcel": parcel, "manager": manager, "office": office, "enterprises": enterprises}


def state_in_list(client, parcel) -> str:
    html = client.get("/returns/").content.decode()
    row = html.split(f'data-period="{YEAR}Q{QUARTER}"')[1].split("</tr>")[0]
    return re.search(r'class="state state-(\w+)">([^<]+)<', row).group(2)


def test_an_imported_quarter_reads_the_same_in_the_list_and_on_its_page(client, imported):
    parcel = imported["parcel"]
    client.force_login(imported["manager"])
    url = f"/returns/{parcel.id}/{YEAR}/{QUARTER}/"

    page = client.get(url).content.decode()

    assert state_in_list(client, parcel) == "已审核（导入）"
    assert re.search(r'id="return-state">已审核（导入）<', page)
    assert "联席会议办公室 于" in page and "导入（命令行导入，3 家企业）" in page
    assert 'id="lock-message"' in page and "开放修订" in page
    assert 'id="save-draft"' not in page and 'id="upload-file"' not in page  # read-only
    row = filled_row(imported["enterprises"][0], revenue="1")
    data = {"version": 0, "rows": 1, "action": "draft", **{f"r-0-{k}": v for k, v in row.items()}}
    refused = client.post(url, data, follow=True).content.decode()
    assert "视同已审核" in refused and not ParcelReturn.objects.exists()


def test_the_office_opens_an_imported_quarter_for_revision(client, imported):
    parcel, manager = imported["parcel"], imported["manager"]
    url = f"/returns/{parcel.id}/{YEAR}/{QUARTER}/"
    client.force_login(manager)
    assert client.post(url + "open/", {"reason": "x"}).status_code == 403  # only the office

    client.force_login(imported["office"])
    assert "必须填写原因" in client.post(url + "open/", {"reason": " "}, follow=True).content.decode()
    opened = client.post(url + "open/", {"reason": "企业更正研发数据"}, follow=True).content.decode()
    assert "已开放修订" in opened

    client.force_login(manager)
    page = client.get(url).content.decode()
    assert state_in_list(client, parcel) == "已退回"
    assert re.search(r'id="return-state">已退回<', page) and "企业更正研发数据" in page
    assert 'id="save-draft"' in page
    ret = ParcelReturn.objects.get()
    assert ret.rows.count() == 3 and {r.revenue for r in ret.rows.all()} == {Decimal(1000)}
    # The data came in time by the import: the revision is neither overdue in the list nor late on the grid.
    listed = client.get("/returns/").content.decode().split(f'data-period="{YEAR}Q{QUARTER}"')[1].split("</tr>")[0]
    assert "已逾期" not in listed
    client.force_login(imported["office"])
    grid = client.get("/returns/status/").content.decode()
    cell = grid.split(f'data-parcel="{parcel.id}"')[1].split(f'data-period="{YEAR}Q{QUARTER}"')[1].split("</td>")[0]
    assert "修订导入数据" in cell and "逾期" not in cell


def test_the_grid_and_the_review_show_each_quarters_data_quality_score(client, imported, settings):
    parcel, manager, office = imported["parcel"], imported["manager"], imported["office"]
    client.force_login(office)
    grid = client.get("/returns/status/").content.decode()
    cell = grid.split(f'data-parcel="{parcel.id}"')[1].split(f'data-period="{YEAR}Q{QUARTER}"')[1].split("</td>")[0]
    # Imported: no timeliness; R&D of 5000 above revenue of 1000 in every row: consistency 0.
    assert re.search(r'data-score="(\d+)"', cell).group(1) == str(round((0.4 * 100 + 0.2 * 100 + 0.2 * 0) / 0.8))
    assert "研发经费支出(万元)" in cell  # the main reason, on hovering

    return_services.open_imported_period(parcel=parcel, year=YEAR, quarter=QUARTER, user=office, reason="更正")
    ret = ParcelReturn.objects.get()
    rows = [filled_row(e, rd_expenditure="5000", explanation="已核实") for e in imported["enterprises"]][:2]  # one gone
    return_services.save_return(
        parcel=parcel, year=YEAR, quarter=QUARTER, rows=rows, version=ret.version, user=manager, submit=True
    )

    review = client.get(f"/returns/review/{ret.pk}/").content.decode()
    quality = review.split('id="return-quality"')[1].split("</section>")[0]
    assert re.search(r'data-score="\d+"', quality)
    assert "1 家应报企业未报送" in quality and "完整性" in quality
    counts = review.split('id="review-summary"')[1].split("</section>")[0]
    assert re.search(r'data-count="removed"[^>]*>删除 <strong>1</strong>', counts)
