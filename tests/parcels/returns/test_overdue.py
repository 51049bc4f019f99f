"""Managers land on their returns, where the overdue quarters of the plan in force are listed first.

Parcels know no plans: the indicators app tells which years the plan in force
spans (its base year to its target year), and only those quarters are listed.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from parcels import access
from parcels.returns import queries
from tests.factories import PASSWORD, make_enterprise, make_parcel, make_plan, make_statistic, make_user

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 30)  # 2026 Q3 ended on 30 September; its return was due in October


@pytest.fixture(autouse=True)
def today(monkeypatch, settings):
    settings.RETURN_DEADLINE_DAYS = 20
    monkeypatch.setattr(timezone, "localdate", lambda value=None, timezone=None: TODAY)


@pytest.fixture
def parcels(db):
    return make_parcel(code="north", name_zh="北块"), make_parcel(code="south", name_zh="南块")


def overdue_in_page(client, user) -> list[str]:
    client.force_login(user)
    html = client.get("/returns/").content.decode()
    return re.findall(r'data-overdue="([^"]+)"', html)


@pytest.mark.parametrize(
    ("plans", "expected"),
    [
        # No plan loaded: nothing can be said of a plan period.
        ([], []),
        # The later plan (base year 2025) is in force: 2025 Q1 to 2026 Q3, oldest first.
        ([(2021, 2025), (2026, 2030)], ["2025Q1", "2025Q2", "2025Q3", "2025Q4", "2026Q1", "2026Q2", "2026Q3"]),
        # Only a plan that ended: its years (base 2020 to 2025) are still the plan in force's.
        ([(2021, 2025)], [f"{y}Q{q}" for y in range(2020, 2026) for q in range(1, 5)]),
    ],
)
def test_it_lists_the_ended_quarters_of_the_plan_in_force_without_a_return(client, parcels, plans, expected):
    for start, end in plans:
        make_plan(f"p{start}", start_year=start, end_year=end)
    manager = make_user(role=access.MANAGER, parcels=parcels[:1])
    assert overdue_in_page(client, manager) == [f"north:{period}" for period in expected]


def test_a_quarter_with_official_data_is_not_overdue(client, parcels):
    make_plan("p2026", start_year=2026, end_year=2030)
    north = parcels[0]
    enterprise = make_enterprise(parcel=north)
    for quarter in (1, 2, 3, 4):
        make_statistic(enterprise=enterprise, year=2025, quarter=quarter)
    make_statistic(enterprise=enterprise, year=2026, quarter=1)
    manager = make_user(role=access.MANAGER, parcels=parcels)
    listed = overdue_in_page(client, manager)
    assert [p for p in listed if p.startswith("north:")] == ["north:2026Q2", "north:2026Q3"]
    assert len([p for p in listed if p.startswith("south:")]) == 7  # another parcel of the same manager


def test_the_list_names_only_the_managers_own_parcels(client, parcels):
    make_plan("p2026", start_year=2026, end_year=2030)
    manager = make_user(role=access.MANAGER, parcels=parcels[1:])
    assert {p.split(":")[0] for p in overdue_in_page(client, manager)} == {"south"}


def test_the_plan_periods_stop_at_the_latest_ended_quarter_and_the_plans_end():
    make_plan("p2026", start_year=2026, end_year=2030)
    assert queries.plan_periods(TODAY) == [(2026, 3), (2026, 2), (2026, 1), (2025, 4), (2025, 3), (2025, 2), (2025, 1)]
    assert queries.plan_periods(dt.date(2031, 5, 1))[0] == (2030, 4)  # a plan past its end lists its own years only


@pytest.mark.parametrize(
    ("role", "lands_on"), [(access.MANAGER, "/returns/"), (access.OFFICIAL, "/"), (access.OFFICE, "/")]
)
def test_signing_in_leads_a_manager_to_the_returns_and_others_to_the_overview(client, parcels, role, lands_on):
    user = make_user(role=role, parcels=parcels[:1] if role == access.MANAGER else ())
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == lands_on


def test_a_manager_of_no_parcel_lands_on_the_overview(client, parcels):
    make_plan("p2026", start_year=2026, end_year=2030)
    user = make_user(role=access.MANAGER)
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == "/" and response.status_code == 200
