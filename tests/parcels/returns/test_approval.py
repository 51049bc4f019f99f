"""Approval counts what it changes and asks for a second confirmation, with a reason, before a large effect."""

from __future__ import annotations

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from parcels import access
from parcels.models import ParcelReturn, Statistic
from parcels.returns import services as return_services
from parcels.services import _EFFECT_CHECKS, ApprovalChange, Effect
from tests.factories import filled_row, make_enterprise, make_parcel, make_statistic, make_user, new_credit_code

pytestmark = pytest.mark.django_db
YEAR, QUARTER = 2025, 4


def official(enterprise, **values):
    """The enterprise's official figures of the period, the same as ``filled_row`` types them."""
    defaults = {
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
        "high_tech": False,
    }
    return make_statistic(enterprise=enterprise, year=YEAR, quarter=QUARTER, source="cli", **{**defaults, **values})


@pytest.fixture
def quarter(db):
    """A parcel whose quarter holds twenty enterprises' official figures, a revision opened by the office."""
    parcel, elsewhere = make_parcel(), make_parcel()
    manager = make_user("m", role=access.MANAGER, parcels=(parcel,))
    office = make_user("o", role=access.OFFICE)
    enterprises = [make_enterprise(parcel=parcel) for _ in range(20)]
    for e in enterprises:
        official(e)
    ret = return_services.open_imported_period(
        parcel=parcel, year=YEAR, quarter=QUARTER, user=office, reason="企业更正"
    )
    return {
        "parcel": parcel,
        "elsewhere": elsewhere,
        "manager": manager,
        "office": office,
        "e": enterprises,
        "ret": ret,
    }


def submit(q, rows):
    ret = ParcelReturn.objects.get(pk=q["ret"].pk)
    ret, _ = return_services.save_return(
        parcel=q["parcel"], year=YEAR, quarter=QUARTER, rows=rows, version=ret.version, user=q["manager"], submit=True
    )
    return ret


def test_it_counts_additions_changes_removals_and_moves(quarter):
    q = quarter
    e = q["e"]
    newcomer = new_credit_code()
    arrived = make_enterprise(parcel=q["elsewhere"])  # last reported in another parcel, moved out of it: moves in
    make_statistic(enterprise=arrived, year=YEAR, quarter=QUARTER - 1)
    arrived.parcel = None
    arrived.save()
    rows = [filled_row(x) for x in e[:18]]  # e[18] and e[19] are no longer in the return: removed
    rows[0] = filled_row(e[0], revenue="1100")  # changed
    rows[1] = {**filled_row(e[1]), "moved_out": True}  # moved out
    rows.append({**filled_row(e[2]), "credit_code": newcomer, "enterprise_name": "新来企业"})  # added
    rows.append(filled_row(arrived))  # moved in
    ret = submit(q, rows)

    result = return_services.approve_return(parcel_return=ret, user=q["office"], reason="核对无误")

    assert (result.added, result.changed, result.removed, result.moved_in, result.moved_out, result.unchanged) == (
        1,
        1,
        2,
        1,
        1,
        16,
    )
    stored = Statistic.objects.filter(parcel=q["parcel"], year=YEAR, quarter=QUARTER)
    assert stored.count() == 19  # 16 unchanged, 1 changed, 1 added, 1 moved in


def test_it_asks_for_a_reason_before_an_approval_that_drops_most_enterprises(quarter, client):
    q = quarter
    ret = submit(q, [filled_row(x) for x in q["e"][:2]])  # two rows of twenty

    with pytest.raises(return_services.ApprovalNeedsConfirmation) as needed:
        return_services.approve_return(parcel_return=ret, user=q["office"])

    [enterprises] = [effect for effect in needed.value.over if effect.code == "enterprises"]
    assert (enterprises.before, enterprises.after) == (20, 2)
    assert "本地块企业数 20 → 2（-90.0%）" in str(needed.value)
    assert ParcelReturn.objects.get(pk=ret.pk).state == ParcelReturn.State.SUBMITTED
    assert Statistic.objects.filter(parcel=q["parcel"]).count() == 20  # nothing written

    # On the page: the first click shows the effect and asks for a reason; the second approves.
    client.force_login(q["office"])
    page = client.post(f"/returns/review/{ret.pk}/", {"action": "approve"}).content.decode()
    assert 'id="approval-confirm"' in page and "本地块企业数 20 → 2" in page and 'name="reason"' in page
    assert Statistic.objects.filter(parcel=q["parcel"]).count() == 20
    done = client.post(
        f"/returns/review/{ret.pk}/", {"action": "approve", "reason": "18家企业已注销，经核实"}, follow=True
    )
    assert "删除 18 家" in done.content.decode() and "确认原因：18家企业已注销" in done.content.decode()
    assert Statistic.objects.filter(parcel=q["parcel"]).count() == 2
    history = client.get(f"/returns/{ret.pk}/history/").content.decode()
    assert "18家企业已注销，经核实" in history


def test_it_approves_a_small_revision_without_asking(quarter):
    q = quarter
    rows = [filled_row(x) for x in q["e"]]
    rows[0] = filled_row(q["e"][0], revenue="1010")
    ret = submit(q, rows)

    result = return_services.approve_return(parcel_return=ret, user=q["office"])

    assert (result.changed, result.unchanged, result.reason) == (1, 19, "")


def test_the_api_answers_409_with_the_effects_until_a_reason_is_sent(quarter):
    q = quarter
    ret = submit(q, [filled_row(x) for x in q["e"][:2]])
    api = APIClient()
    api.force_authenticate(q["office"])

    refused = api.post(f"/api/v1/returns/{ret.pk}/approve/", {}, format="json")

    assert refused.status_code == 409 and refused.json()["code"] == "confirmation_required"
    effect = next(e for e in refused.json()["effects"] if e["code"] == "enterprises")
    assert effect == {
        "code": "enterprises",
        "label": "本地块企业数",
        "before": 20.0,
        "after": 2.0,
        "change": -0.9,
        "over": True,
    }
    assert Statistic.objects.filter(parcel=q["parcel"]).count() == 20

    approved = api.post(f"/api/v1/returns/{ret.pk}/approve/", {"reason": "注销核实"}, format="json")
    assert approved.status_code == 200 and approved.json()["state"] == "approved"


def test_it_runs_every_registered_check_and_marks_the_limit_from_the_settings(quarter, settings):
    q = quarter
    seen = []

    def fake_indicator(change: ApprovalChange) -> list[Effect]:
        seen.append((change.parcel_id, change.year, change.quarter, len(change.records)))
        return [Effect("I9", "园区 I9", 100.0, 104.0)]

    _EFFECT_CHECKS.append(fake_indicator)
    try:
        ret = submit(q, [filled_row(x) for x in q["e"]])
        settings.APPROVAL_CONFIRM_CHANGE = 0.03
        with pytest.raises(return_services.ApprovalNeedsConfirmation) as needed:
            return_services.approve_return(parcel_return=ret, user=q["office"])
        assert [e.code for e in needed.value.over] == ["I9"]
        settings.APPROVAL_CONFIRM_CHANGE = 0.05
        return_services.approve_return(parcel_return=ret, user=q["office"])
    finally:
        _EFFECT_CHECKS.remove(fake_indicator)
    assert seen[-1] == (q["parcel"].id, YEAR, QUARTER, 20)


@pytest.mark.parametrize(
    ("before", "after", "exceeds"),
    [
        (100.0, 105.0, False),  # exactly 5%: not more than
        (100.0, 105.1, True),
        (100.0, 94.9, True),
        (0.0, 0.0, False),
        (0.0, 1.0, True),  # appears from nothing
        (3.0, None, True),  # disappears
        (None, 5.0, False),  # nothing to compare with
    ],
)
def test_it_judges_an_effect_against_the_limit(before, after, exceeds):
    assert Effect("x", "x", before, after).exceeds(0.05) is exceeds
