"""Early warnings (预警): the pure rules, the stored list and its e-mails, the panel and the office's list page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from indicators.early_warnings import rules, services
from indicators.models import EarlyWarning, Indicator, Progress
from parcels import access
from tests.factories import make_user
from tests.indicators import glance

pytestmark = pytest.mark.django_db


def row(**fields) -> dict:
    return {"indicator": "I3", "parcel": None, "year": 2023, "status": "on_track", "target": 44.0, **fields}


@pytest.mark.parametrize(
    ("fields", "binding", "expected"),
    [
        ({"projected_gap": 2.5}, False, [rules.PROJECTION]),
        ({"projected_gap": 0.0}, False, []),
        ({"projected_gap": 1e-9}, False, []),  # rounding, not a miss
        ({"projected_gap": None}, False, []),
        ({"projected_gap": -1.0, "status": "behind"}, True, [rules.BINDING_BEHIND]),
        ({"projected_gap": -1.0, "status": "behind"}, False, []),
        ({"projected_gap": 3.0, "status": "behind"}, True, [rules.PROJECTION, rules.BINDING_BEHIND]),
        ({"projected_gap": 3.0, "status": "not_achieved", "year": 2025}, True, []),  # the final assessment
    ],
)
def test_it_decides_why_a_row_is_on_the_list(fields, binding, expected):
    assert rules.reasons(row(**fields), binding=binding, end_year=2025) == expected


@pytest.mark.parametrize(
    ("end_year", "year", "this_year", "warns"),
    [
        (2025, 2023, 2024, True),
        (2025, 2024, 2025, True),
        (2025, 2025, 2025, False),
        (2025, 2023, 2026, False),
        (2030, None, 2026, False),
    ],
)
def test_it_warns_only_before_the_target_year_of_a_plan_not_past(end_year, year, this_year, warns):
    assert rules.warns(end_year=end_year, year=year, this_year=this_year) is warns


@pytest.fixture
def today(monkeypatch):
    def set_today(day: dt.date) -> None:
        monkeypatch.setattr(timezone, "localdate", lambda value=None, timezone=None: day)

    set_today(dt.date(2024, 6, 15))
    return set_today


@pytest.fixture
def desk(plan, today, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    parcels = glance.results(plan)
    i3 = Indicator.objects.get(plan=plan, code="I3")
    i3.responsible_unit = "区发展改革委"
    i3.save()
    unit = make_user("unit-user", role=access.OFFICIAL)
    i3.responsible_users.add(unit)
    return {"parcels": parcels, "i3": i3, "unit": unit, "office": make_user("desk-office", role=access.OFFICE)}


def test_it_mails_each_entering_and_leaving_once(plan, desk):
    big, small = desk["parcels"]["big"], desk["parcels"]["small"]
    summary = services.refresh_warnings()[0]
    assert (summary.year, summary.entered, summary.left) == (2023, 3, 0)
    open_items = {(w.parcel_id, w.reason) for w in EarlyWarning.objects.filter(left_at__isnull=True)}
    assert open_items == {(None, "projection"), (big.id, "projection"), (small.id, "projection")}
    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {"desk-office@example.org", "unit-user@example.org"}
    assert "新列入3项" in by_address["desk-office@example.org"].subject
    assert small.name_zh in by_address["desk-office@example.org"].body
    # The unit responsible is not the office: the withheld parcel (2 enterprises) is left out of its e-mail.
    unit_mail = by_address["unit-user@example.org"]
    assert "新列入2项" in unit_mail.subject and small.name_zh not in unit_mail.body and big.name_zh in unit_mail.body
    assert "责任单位：区发展改革委" in unit_mail.body

    mail.outbox.clear()
    assert services.refresh_warnings()[0].mailed == 0  # again: nothing new, nobody told twice
    assert mail.outbox == []

    Progress.objects.filter(indicator=desk["i3"], parcel=big).update(projected_gap=-0.2)
    summary = services.refresh_warnings()[0]
    assert (summary.entered, summary.left, summary.mailed) == (0, 1, 2)
    assert all("移出1项" in m.subject and big.name_zh in m.body for m in mail.outbox)
    mail.outbox.clear()
    services.refresh_warnings()
    assert mail.outbox == []


def test_it_closes_the_list_quietly_once_the_plan_is_past(plan, desk, today):
    services.refresh_warnings()
    mail.outbox.clear()
    today(dt.date(2026, 3, 1))
    summary = services.refresh_warnings()[0]
    assert (summary.year, summary.left, summary.open, summary.mailed) == (None, 3, 0, 0)
    assert mail.outbox == []
    assert not EarlyWarning.objects.filter(left_at__isnull=True).exists()
    assert EarlyWarning.objects.filter(left_quietly=True).count() == 3


def test_it_shows_the_list_to_the_office_only(client, plan, desk):
    services.refresh_warnings()
    client.force_login(desk["unit"])
    assert client.get("/warnings/").status_code == 403
    client.force_login(desk["office"])
    page = client.get(f"/plans/{plan.code}/warnings/").content.decode()
    assert page.count('data-warning="I3 ') == 3 and "区发展改革委" in page and "已发送" in page


def test_it_lists_on_the_overview_only_what_the_reader_may_see(client, plan, desk):
    small = desk["parcels"]["small"]
    client.force_login(desk["unit"])
    page = client.get("/?year=2023").content.decode()
    assert 'data-warning="I3 projection"' in page
    assert f'data-parcel="{desk["parcels"]["big"].code}"' in page
    assert f'data-parcel="{small.code}"' not in page
    client.force_login(desk["office"])
    assert f'data-parcel="{small.code}"' in client.get("/?year=2023").content.decode()


def test_it_says_the_final_assessment_raises_no_warning(client, plan, desk, today):
    today(dt.date(2026, 3, 1))
    client.force_login(desk["office"])
    page = client.get("/?year=2023").content.decode()
    assert 'data-warnings="closed"' in page and 'data-table="warnings"' not in page
