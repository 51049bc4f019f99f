"""Quarterly returns: drafts, submission, review, approval into the official data, the lock and conflicts."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from parcels import access, queries, services, statfields
from parcels.imports import StatisticRow
from parcels.models import ImportBatch, ParcelReturn, Statistic
from parcels.returns import services as return_services
from tests.factories import filled_row, make_enterprise, make_parcel, make_statistic, make_user, new_credit_code

pytestmark = pytest.mark.django_db


def row(enterprise, **values):
    return {**filled_row(enterprise), "explanation": "", **values}


LAST_YEAR = {
    "revenue": Decimal(1000),
    "industrial_output": Decimal(800),
    "above_scale": True,
    "sei_output": Decimal(300),
    "value_added": Decimal(200),
    "rd_expenditure": Decimal(50),
    "tax": Decimal(30),
    "employees": 100,
    "masters_plus": 10,
    "foreign_returnee": 2,
    "invention_patents": 1,
}


@pytest.fixture
def setup(db):
    parcel_a, parcel_b = make_parcel(), make_parcel()
    manager = make_user("m", role=access.MANAGER, parcels=(parcel_a,))
    office = make_user("o", role=access.OFFICE)
    enterprises = [make_enterprise(parcel=parcel_a) for _ in range(2)]
    return {"a": parcel_a, "b": parcel_b, "manager": manager, "office": office, "enterprises": enterprises}


def save(setup, rows, *, version=0, submit=False, user=None, year=2024, quarter=3):
    return return_services.save_return(
        parcel=setup["a"],
        year=year,
        quarter=quarter,
        rows=rows,
        version=version,
        user=user or setup["manager"],
        submit=submit,
    )


def test_it_saves_a_draft_then_submits_it(setup):
    e1, e2 = setup["enterprises"]
    ret, _ = save(setup, [row(e1), row(e2)])
    assert ret.state == ParcelReturn.State.DRAFT and ret.version == 2 and ret.rows.count() == 2
    ret, _ = save(setup, [row(e1, revenue="1100"), row(e2)], version=ret.version, submit=True)
    assert ret.state == ParcelReturn.State.SUBMITTED and ret.submitted_by == setup["manager"]
    assert ret.rows.get(credit_code=e1.credit_code).revenue == Decimal("1100.00")
    assert not Statistic.objects.exists()  # official data only after approval


def test_it_refuses_to_save_a_hard_error_and_keeps_what_was_stored(setup):
    e1, _e2 = setup["enterprises"]
    ret, _ = save(setup, [row(e1)])
    with pytest.raises(return_services.ReturnInvalid) as caught:
        save(setup, [row(e1, masters_plus="500")], version=ret.version)
    assert [f.rule for f in caught.value.checked.errors] == ["masters_within_employees"]
    assert ret.rows.get().masters_plus == 10


def test_it_needs_an_explanation_of_a_warning_to_submit(setup):
    e1, _ = setup["enterprises"]
    make_statistic(enterprise=e1, year=2023, quarter=3, source="cli", **{**LAST_YEAR, "revenue": Decimal(100)})
    ret, checked = save(setup, [row(e1)])
    assert [f.rule for f in checked.warnings] == ["yoy_change"]
    with pytest.raises(return_services.ReturnInvalid, match="情况说明"):
        save(setup, [row(e1)], version=ret.version, submit=True)
    ret, _ = save(setup, [row(e1, explanation="并购后合并报表")], version=ret.version, submit=True)
    assert ret.state == ParcelReturn.State.SUBMITTED


def test_it_refuses_an_enterprise_of_another_parcel(setup):
    stranger = make_enterprise(parcel=setup["b"])
    with pytest.raises(return_services.ReturnInvalid) as caught:
        save(setup, [row(stranger)])
    assert caught.value.checked.errors[0].rule == "enterprise_parcel"


def test_it_never_silently_overwrites_a_concurrent_save(setup):
    e1, _ = setup["enterprises"]
    ret, _ = save(setup, [row(e1)])
    loaded = ret.version
    other = make_user("m2", role=access.MANAGER, parcels=(setup["a"],))
    save(setup, [row(e1, revenue="2000")], version=loaded, user=other)
    with pytest.raises(return_services.ReturnConflict) as caught:
        save(setup, [row(e1, revenue="3000")], version=loaded)
    assert "m2" in str(caught.value) and caught.value.current.rows.get().revenue == Decimal("2000.00")
    # the same for two people starting the same return
    with pytest.raises(return_services.ReturnConflict):
        save(setup, [row(e1)], version=0)


def test_it_reads_a_saved_return_as_the_enterprise_records_the_indicators_compute_from(setup):
    e1, e2 = setup["enterprises"]
    ret, _ = save(setup, [row(e1), row(e2, moved_out=True)])
    records = queries.return_records(ret)
    assert records[["parcel", "year", "quarter", "revenue", "employees"]].to_dict("records") == [
        {"parcel": setup["a"].id, "year": 2024, "quarter": 3, "revenue": 1000.0, "employees": 100.0}
    ]  # the moved-out enterprise is not part of the return's figures


def submitted(setup, *rows):
    ret, _ = save(setup, list(rows))
    ret, _ = save(setup, list(rows), version=ret.version, submit=True)
    return ret


def test_it_writes_the_approved_rows_into_the_official_data_and_locks_the_quarter(setup):
    e1, e2 = setup["enterprises"]
    newcomer = new_credit_code()
    ret = submitted(
        setup, row(e1), row(e2, moved_out=True), {**row(e1), "credit_code": newcomer, "enterprise_name": "新企业"}
    )
    return_services.approve_return(parcel_return=ret, user=setup["office"])
    ret.refresh_from_db()
    assert ret.state == ParcelReturn.State.APPROVED and ret.approved_by == setup["office"]
    stats = Statistic.objects.filter(parcel=setup["a"], year=2024, quarter=3)
    assert sorted(stats.values_list("enterprise__credit_code", flat=True)) == sorted([e1.credit_code, newcomer])
    assert set(stats.values_list("source", flat=True)) == {"form"}
    e2.refresh_from_db()
    assert e2.parcel is None  # moved out
    # Every write path into the locked quarter is refused, naming who approved it.
    with pytest.raises(services.LockedPeriod, match="o 于"):
        save(setup, [row(e1)], version=ret.version)
    values = {f.name: getattr(stats.get(enterprise=e1), f.name) for f in statfields.BUILT_IN}
    upload_row = StatisticRow(1, e1.credit_code, e1.name, setup["a"].id, 2024, 3, {**values, "revenue": Decimal(1)})
    with pytest.raises(services.LockedPeriod, match="审核通过并锁定"):
        services.upsert_statistics(rows=[upload_row], source=ImportBatch.Source.UPLOAD, user=setup["manager"])
    stat = stats.get(enterprise=e1)
    stat.revenue = Decimal(5)
    with pytest.raises(services.LockedPeriod):
        services.save_statistic(statistic=stat, user=setup["office"])
    with pytest.raises(services.LockedPeriod):
        services.delete_statistics(statistics=[stat], user=setup["office"], source="admin")
    assert stats.get(enterprise=e1).revenue == Decimal("1000.00")
    # The command line stays authoritative.
    services.upsert_statistics(rows=[upload_row], source=ImportBatch.Source.CLI)
    assert stats.get(enterprise=e1).revenue == Decimal("1.00")


def test_it_returns_with_a_comment_and_unlocks_with_a_reason(setup):
    e1, _ = setup["enterprises"]
    ret = submitted(setup, row(e1))
    with pytest.raises(return_services.ReturnError):
        return_services.send_back_return(parcel_return=ret, user=setup["office"], comment=" ")
    ret = return_services.send_back_return(parcel_return=ret, user=setup["office"], comment="研发经费请核实")
    assert ret.state == ParcelReturn.State.RETURNED and ret.comment == "研发经费请核实"
    ret, _ = save(setup, [row(e1, rd_expenditure="40")], version=ret.version, submit=True)
    return_services.approve_return(parcel_return=ret, user=setup["office"])
    with pytest.raises(return_services.ReturnError):
        return_services.unlock_return(parcel_return=ret, user=setup["office"], reason="")
    ret = return_services.unlock_return(parcel_return=ret, user=setup["office"], reason="企业更正年报")
    assert ret.state == ParcelReturn.State.RETURNED and ret.unlocked_by == setup["office"]
    assert Statistic.objects.get(enterprise=e1, year=2024, quarter=3).rd_expenditure == Decimal(40)
    save(setup, [row(e1, rd_expenditure="45")], version=ret.version)


def test_it_only_approves_submitted_returns(setup):
    e1, _ = setup["enterprises"]
    ret, _ = save(setup, [row(e1)])
    with pytest.raises(return_services.ReturnError, match="只有已提交"):
        return_services.approve_return(parcel_return=ret, user=setup["office"])


# --- through the pages -----------------------------------------------------------


def post_rows(parcel_return_version, rows, action="draft"):
    data = {"version": parcel_return_version, "rows": len(rows), "action": action}
    for i, r in enumerate(rows):
        for name, value in r.items():
            data[f"r-{i}-{name}"] = value
    return data


def test_it_refuses_a_form_edit_of_a_locked_quarter_naming_who_approved_it(client, setup):
    e1, _ = setup["enterprises"]
    ret = submitted(setup, row(e1))
    return_services.approve_return(parcel_return=ret, user=setup["office"])
    ret.refresh_from_db()
    client.force_login(setup["manager"])
    url = f"/returns/{setup['a'].id}/2024/3/"
    response = client.post(url, post_rows(ret.version, [row(e1, revenue="9")]), follow=True)
    html = response.content.decode()
    assert "审核通过并锁定" in html and "由 o 于" in html
    assert Statistic.objects.get(enterprise=e1).revenue == Decimal(1000)
    assert ret.rows.get().revenue == Decimal(1000)
    # The page of a locked return has no inputs to change.
    assert 'id="save-draft"' not in client.get(url).content.decode()


def test_it_refuses_an_admin_edit_of_a_locked_quarter(client, setup):
    e1, _ = setup["enterprises"]
    ret = submitted(setup, row(e1))
    return_services.approve_return(parcel_return=ret, user=setup["office"])
    admin = make_user("root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    stat = Statistic.objects.get(enterprise=e1)
    data = {
        "enterprise": e1.pk,
        "parcel": setup["a"].pk,
        "year": 2024,
        "quarter": 3,
        "revenue": "1",
        "industrial_output": "800",
        "sei_output": "300",
        "value_added": "200",
        "rd_expenditure": "50",
        "tax": "30",
        "employees": "100",
        "masters_plus": "10",
        "foreign_returnee": "2",
        "invention_patents": "1",
    }
    response = client.post(f"/admin/parcels/statistic/{stat.pk}/change/", data)
    assert response.status_code == 200 and "审核通过并锁定" in response.content.decode()
    assert client.post(f"/admin/parcels/statistic/{stat.pk}/delete/", {"post": "yes"}).status_code == 403
    stat.refresh_from_db()
    assert stat.revenue == Decimal(1000)


def test_it_tells_the_second_of_two_concurrent_savers_about_the_conflict(client, setup):
    e1, _ = setup["enterprises"]
    ret, _ = save(setup, [row(e1)])
    loaded = ret.version
    save(setup, [row(e1, revenue="2000")], version=loaded)  # someone else's save
    client.force_login(setup["manager"])
    response = client.post(f"/returns/{setup['a'].id}/2024/3/", post_rows(loaded, [row(e1, revenue="3000")]))
    assert response.status_code == 409
    html = response.content.decode()
    assert "保存冲突" in html and 'id="conflict"' in html
    assert "3000" in html and "2,000.00" in html  # mine beside the current value
    ret.refresh_from_db()
    assert ret.rows.get().revenue == Decimal(2000)


def test_it_shows_inline_errors_and_keeps_the_typed_values(client, setup):
    e1, _ = setup["enterprises"]
    client.force_login(setup["manager"])
    response = client.post(f"/returns/{setup['a'].id}/2024/3/", post_rows(0, [row(e1, masters_plus="500")]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "cell-error" in html and 'value="500"' in html and "不能大于" in html
    assert not ParcelReturn.objects.exists()


def test_it_adds_an_enterprise_by_its_credit_code_and_moves_one_out(client, setup):
    e1, e2 = setup["enterprises"]
    client.force_login(setup["manager"])
    code = new_credit_code()
    data = post_rows(0, [row(e1), row(e2, moved_out="1")])
    data |= {"new-credit_code": code, "new-enterprise_name": "上海新来科技有限公司"}
    response = client.post(f"/returns/{setup['a'].id}/2024/3/", data, follow=True)
    assert "草稿已保存" in response.content.decode()
    ret = ParcelReturn.objects.get()
    assert ret.rows.get(credit_code=code).enterprise_name == "上海新来科技有限公司"
    assert ret.rows.get(credit_code=e2.credit_code).moved_out


def test_it_previews_the_parcels_indicators_and_shows_the_history(client, setup, plan):
    e1, e2 = setup["enterprises"]
    ret, _ = save(setup, [row(e1), row(e2, employees="300", masters_plus="30")])
    client.force_login(setup["manager"])
    html = client.get(f"/returns-preview/{ret.pk}/").content.decode()
    assert 'data-indicator="I8"' in html and "10.00" in html  # 40 of 400 employees hold a master's degree
    history = client.get(f"/returns/{ret.pk}/history/").content.decode()
    # Each change with who made it: (object, action, user), newest first.
    done = re.findall(r'<tr data-model="(\w+)" data-label="(\w+)">\s*<td>[^<]*</td><td>([^<]*)</td>', history)
    assert sorted(done) == [
        ("ParcelReturn", "insert", "m"),
        ("ParcelReturn", "update", "m"),
        ("ReturnRow", "insert", "m"),
        ("ReturnRow", "insert", "m"),
    ]
