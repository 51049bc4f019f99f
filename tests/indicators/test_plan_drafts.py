"""A draft plan is the office's until published: no page, switcher, API answer or report shows it to anyone else.

The later test plan of test_plans (2026–2030) is loaded, recomputed, then set
back to a draft: the office previews it (marked as a draft), officials and
managers are answered as if it did not exist, and the plan in force falls back
to the published 14th plan.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from indicators import queries
from indicators.models import IndicatorValue, Plan
from indicators.reports import services as report_services
from parcels import access
from parcels.models import Parcel
from tests.factories import make_user
from tests.indicators.test_plans import LATER, get, today, two_plans  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(two_plans):  # noqa: F811
    plan = two_plans[LATER]
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.DRAFT)
    plan.refresh_from_db()
    return plan


@pytest.fixture(params=[access.OFFICIAL, access.MANAGER])
def reader(request, db):
    parcels = list(Parcel.objects.order_by("order")[:1]) if request.param == access.MANAGER else ()
    return make_user(role=request.param, parcels=parcels)


def test_it_hides_a_draft_from_officials_and_managers_everywhere(client, draft, reader):
    assert queries.plan_in_force().code == "fyp-14"
    assert LATER not in [p.code for p in queries.plans()]
    get(client, reader, f"/plans/{LATER}/", status=404)
    get(client, reader, f"/plans/{LATER}/indicators/N1/", status=404)
    get(client, reader, f"/plans/{LATER}/indicators/N1/data.csv", status=404)
    answer = get(client, reader, f"/api/v1/indicator-values/?plan={LATER}", status=400).json()
    message = answer["errors"]["plan"][0]
    assert f"没有代码为“{LATER}”的规划" in message and "fyp-14" in message and message.count("fyp-") == 2
    page = get(client, reader, "/").content.decode()
    assert LATER not in page and "plan-draft" not in page


def test_it_lets_the_office_preview_a_draft_marked_as_such(client, draft):
    office = make_user(role=access.OFFICE)
    page = get(client, office, f"/plans/{LATER}/").content.decode()
    assert 'id="plan-draft"' in page
    get(client, office, f"/plans/{LATER}/indicators/N1/")
    assert get(client, office, f"/api/v1/indicator-values/?plan={LATER}").json()["count"] > 0
    # The published plan's pages carry no draft mark.
    assert 'id="plan-draft"' not in get(client, office, "/plans/fyp-14/").content.decode()


def test_the_recompute_keeps_a_drafts_values_for_its_preview(draft):
    from indicators import services

    IndicatorValue.objects.filter(indicator__plan=draft).delete()
    services.recompute(full=True)
    assert IndicatorValue.objects.filter(indicator__plan=draft, year=2026).exists()


def test_it_refuses_a_report_of_a_draft(draft):
    with pytest.raises(ValidationError, match="尚未发布"):
        report_services.start_report(year=2026, plan=draft)


def test_an_illustrative_plan_is_marked_on_its_pages(client, two_plans):  # noqa: F811
    Plan.objects.filter(code=LATER).update(example=True)
    official = make_user(role=access.OFFICIAL)
    assert 'id="plan-example"' in get(client, official, f"/plans/{LATER}/").content.decode()
    assert 'id="plan-example"' not in get(client, official, "/plans/fyp-14/").content.decode()
