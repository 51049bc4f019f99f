"""An upload never deletes silently: a preview first, merge by default, a replacement lists what it removes."""

from __future__ import annotations

import io
import re
from decimal import Decimal
from types import SimpleNamespace

import openpyxl
import pytest

from parcels import access, queries, statfields
from parcels.models import ParcelReturn, PendingUpload
from parcels.returns import services as return_services
from tests.factories import filled_row, make_enterprise, make_parcel, make_user, new_credit_code

pytestmark = pytest.mark.django_db
YEAR, QUARTER = 2026, 2


@pytest.fixture
def draft(client):
    """A parcel of ten enterprises with a saved draft, and its manager signed in."""
    parcel = make_parcel(code="upload-park", name_zh="上传测试地块")
    manager = make_user("m", role=access.MANAGER, parcels=(parcel,))
    enterprises = [make_enterprise(parcel=parcel, name=f"测试企业{i:02d}有限公司") for i in range(10)]
    rows = [filled_row(e, revenue=str(1000 + i), explanation=f"说明{i}") for i, e in enumerate(enterprises)]
    ret, _ = return_services.save_return(parcel=parcel, year=YEAR, quarter=QUARTER, rows=rows, version=0, user=manager)
    client.force_login(manager)
    url = f"/returns/{parcel.id}/{YEAR}/{QUARTER}/"
    return SimpleNamespace(parcel=parcel, manager=manager, enterprises=enterprises, ret=ret, url=url)


def xlsx(parcel, rows) -> bytes:
    """An import-template file of the rows (dicts of credit_code, enterprise_name and any statfields)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([label for _, label in statfields.BUILT_IN.columns])
    for row in rows:
        values = [row.get(f.name) for f in statfields.BUILT_IN.fields]
        sheet.append([row["credit_code"], row["enterprise_name"], parcel.code, YEAR, QUARTER, *values])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, d, rows, *, mode="merge", name="两行.xlsx"):
    data = io.BytesIO(xlsx(d.parcel, rows))
    data.name = name
    return client.post(d.url + "upload/", {"file": data, "mode": mode})


def stored_rows(d) -> dict[str, dict]:
    ret = ParcelReturn.objects.get(pk=d.ret.pk)
    return {row["credit_code"]: row for row in queries.return_rows(ret)}


def test_it_merges_an_upload_by_default_and_keeps_every_other_enterprise(client, draft):
    d = draft
    before = stored_rows(d)
    changed, newcomer = d.enterprises[3], new_credit_code()
    rows = [
        filled_row(changed, revenue="5555"),
        {**filled_row(changed), "credit_code": newcomer, "enterprise_name": "上海新来科技有限公司"},
    ]

    response = upload(client, d, rows)

    assert response.status_code == 302 and "/upload/" in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert re.search(r'data-count="new">新增企业 <strong>1</strong>', page)
    assert re.search(r'data-count="changed">修改 <strong>1</strong>', page)
    assert re.search(r'data-count="kept">文件中没有的 <strong>9</strong> 家保留不变', page)
    assert "<del>1,003.00</del>" in page and "<ins>5,555.00</ins>" in page
    assert "将删除" not in page and stored_rows(d) == before  # nothing saved before the confirmation

    response = client.post(response["Location"], follow=True)

    assert "新增 1 家，修改 1 家" in response.content.decode()
    after = stored_rows(d)
    assert len(after) == 11 and after[changed.credit_code]["revenue"] == Decimal("5555.00")
    others = {code: row for code, row in before.items() if code != changed.credit_code}
    assert {code: after[code] for code in others} == others  # every other enterprise as it was
    assert after[changed.credit_code]["explanation"] == "说明3"  # no 情况说明 column: the explanation stays
    assert not PendingUpload.objects.exists()


def test_it_lists_the_enterprises_a_replacement_would_remove_and_needs_confirming(client, draft):
    d = draft
    before = stored_rows(d)
    kept = d.enterprises[:2]

    response = upload(client, d, [filled_row(e) for e in kept], mode="replace")
    preview_url = response["Location"]
    page = client.get(preview_url).content.decode()

    removals = page.split('id="upload-removals"')[1].split("</section>")[0]
    assert "将删除以下 8 家企业" in removals
    assert all(e.name in removals for e in d.enterprises[2:]) and kept[0].name not in removals
    assert 'name="confirm_removals"' in page and "required" in page.split('id="confirm-removals"')[1][:20]

    refused = client.post(preview_url, follow=True).content.decode()  # the box not ticked
    assert "请勾选确认" in refused and stored_rows(d) == before

    client.post(preview_url, {"confirm_removals": "1"})
    assert sorted(stored_rows(d)) == sorted(e.credit_code for e in kept)


def test_it_refuses_to_confirm_a_preview_over_newer_data(client, draft):
    d = draft
    response = upload(client, d, [filled_row(d.enterprises[0], revenue="7777")])
    preview_url = response["Location"]
    other = make_user("m2", role=access.MANAGER, parcels=(d.parcel,))
    rows = [filled_row(e, tax="31") for e in d.enterprises]
    return_services.save_return(  # someone saves the return after the preview was read
        parcel=d.parcel, year=YEAR, quarter=QUARTER, rows=rows, version=d.ret.version, user=other
    )
    newer = stored_rows(d)

    page = client.get(preview_url).content.decode()
    assert 'id="upload-stale"' in page and 'id="confirm-upload"' not in page
    refused = client.post(preview_url, follow=True).content.decode()

    assert "预览之后报表已被修改" in refused
    assert stored_rows(d) == newer


def test_it_keeps_a_preview_for_the_user_who_uploaded_it(client, draft):
    d = draft
    preview_url = upload(client, d, [filled_row(d.enterprises[0], revenue="7777")])["Location"]
    colleague = make_user("m2", role=access.MANAGER, parcels=(d.parcel,))
    stranger = make_user("m3", role=access.MANAGER, parcels=(make_parcel(),))

    client.force_login(colleague)
    assert "该预览已确认或已失效" in client.get(preview_url, follow=True).content.decode()
    assert client.post(preview_url).status_code == 302 and PendingUpload.objects.count() == 1
    client.force_login(stranger)
    assert client.get(preview_url).status_code == 404
    assert stored_rows(d)[d.enterprises[0].credit_code]["revenue"] == Decimal("1000.00")


def test_it_lists_every_error_by_row_and_column_and_keeps_nothing(client, draft):
    d = draft
    elsewhere = make_enterprise(parcel=make_parcel(), name="别的地块企业")
    rows = [
        filled_row(d.enterprises[0], revenue="一千万"),  # file row 2: not a number
        filled_row(elsewhere),  # file row 3: registered in another parcel (the return's own check)
        filled_row(d.enterprises[1], masters_plus="500"),  # file row 4: more masters than employees
    ]

    page = upload(client, d, rows).content.decode()

    errors = page.split('id="upload-errors"')[1].split("</ul>")[0]
    assert "第2行 「营业收入(万元)」 值“一千万”：不是有效的数字" in errors
    assert "第3行 「统一社会信用代码」" in errors and "登记在其他地块" in errors
    assert "第4行 「硕士及以上学历从业人员(人)」 值“500”：不能大于" in errors
    assert 'id="marked-download"' in page and 'id="confirm-upload"' not in page
    assert not PendingUpload.objects.exists()


def test_it_confirms_an_upload_once(client, draft):
    d = draft
    preview_url = upload(client, d, [filled_row(d.enterprises[0], revenue="7777")])["Location"]
    client.post(preview_url)
    version = ParcelReturn.objects.get().version

    again = client.post(preview_url, follow=True).content.decode()

    assert "该预览已确认或已失效" in again and ParcelReturn.objects.get().version == version
