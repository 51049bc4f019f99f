"""Early warnings (预警, issue 16): the rules of the list, the stored list and its e-mails (once each way),
what the overview and the office's list page show of it, and the disclosure rules on the way."""

import pytest
from django.core import mail
from django.core.management import call_command

from indicators import services, tasks
from indicators.early_warnings import rules
from indicators.early_warnings import services as warnings
from indicators.models import EarlyWarning, Indicator, Progress
from parcels import access
from parcels.models import Parcel
from tests.factories import make_enterprise, make_statistic, make_user

# --- the rules (pure) ---------------------------------------------------------------


def row(**fields):
    return {"indicator": "I8", "parcel": None, "year": 2023, "status": "ahead", "projected_gap_2025": None, **fields}


@pytest.mark.parametrize(
    ("fields", "binding", "reasons"),
    [
        ({"projected_gap_2025": 0.4}, False, ["projection"]),
        ({"projected_gap_2025": -0.1}, False, []),
        ({"projected_gap_2025": 0.0}, False, []),
        ({"projected_gap_2025": None, "status": "insufficient_data"}, False, []),
        ({"projected_gap_2025": float("nan")}, False, []),
        ({"status": "behind"}, False, []),  # an expected (预期性) target behind schedule: no warning by itself
        ({"status": "behind"}, True, ["binding_behind"]),
        ({"status": "behind", "projected_gap_2025": 2.0}, True, ["projection", "binding_behind"]),
        (
            {"year": 2025, "status": "not_achieved", "projected_gap_2025": 1.0},
            False,
            ["missed"],
        ),  # measured, not projected
        ({"year": 2025, "status": "achieved", "projected_gap_2025": -1.0}, False, []),
    ],
)
def test_it_puts_an_item_on_the_list_for_the_reasons_of_the_method(fields, binding, reasons):
    assert rules.reasons(row(**fields), binding=binding, end_year=2025) == reasons


def test_it_lists_each_scope_and_reason_with_the_figures_behind_it():
    items = rules.items(
        [row(parcel=3, projected_gap_2025=0.5, value=4.2, target=6.0), row(projected_gap_2025=-1.0)],
        binding=set(),
        end_year=2025,
    )
    assert [(i.indicator, i.parcel, i.reason) for i in items] == [("I8", 3, "projection")]
    assert items[0].details["value"] == 4.2 and items[0].details["target"] == 6.0


# --- the stored list and its e-mails ------------------------------------------------------

pytestmark = pytest.mark.django_db


@pytest.fixture
def behind_park(plan):
    """宝山工业园区 (four enterprises) and 南大地区 (two: withheld from all but the office), 2020–2022,
    with few masters (I8, target 6%): both parcels' and the park's trends miss the 2025 target."""
    big = Parcel.objects.get(code="baoshan-industrial")
    small = Parcel.objects.get(code="nanda")
    for parcel, n in ((big, 4), (small, 2)):
        for i in range(n):
            enterprise = make_enterprise(parcel=parcel)
            for year in (2020, 2021, 2022):
                make_statistic(
                    enterprise=enterprise, year=year, quarter=4, employees=100, masters_plus=1 + i + (year == 2022)
                )
    services.recompute(full=True)
    office = make_user(role=access.OFFICE)
    return {"big": big, "small": small, "office": office}


def items_of(warnings_qs):
    return sorted((w.indicator.code, w.parcel.code if w.parcel else "park", w.reason) for w in warnings_qs)


def test_it_e_mails_the_office_once_when_items_enter_the_list(behind_park):
    summary = warnings.refresh_warnings()
    i8 = items_of(EarlyWarning.objects.filter(indicator__code="I8"))
    assert i8 == [
        ("I8", "baoshan-industrial", "projection"),
        ("I8", "nanda", "projection"),
        ("I8", "park", "projection"),
    ]
    assert summary.year == 2022 and summary.entered == summary.open > 0
    assert [m.to for m in mail.outbox] == [[behind_park["office"].email]]  # one e-mail listing every change
    body = mail.outbox[0].body
    assert "新列入预警名单" in body and "I8 硕士以上从业人员占比（南大地区）" in body and "/warnings/" in body
    # Run again (beat, or the command): nothing new, nothing sent.
    again = warnings.refresh_warnings()
    assert (again.entered, again.left, again.mailed) == (0, 0, 0)
    assert len(mail.outbox) == 1


def test_it_e_mails_once_when_an_item_leaves_the_list(behind_park):
    warnings.refresh_warnings()
    mail.outbox.clear()
    Progress.objects.filter(indicator__code="I8", parcel=behind_park["big"], year=2022).update(projected_gap_2025=-0.5)
    summary = warnings.refresh_warnings()
    assert (summary.entered, summary.left) == (0, 1)
    left = EarlyWarning.objects.get(indicator__code="I8", parcel=behind_park["big"])
    assert left.left_at is not None and left.left_mailed_at is not None
    assert len(mail.outbox) == 1 and "移出预警名单" in mail.outbox[0].body and "宝山工业园区" in mail.outbox[0].body
    warnings.refresh_warnings()
    assert len(mail.outbox) == 1
    # Back on the list: a new item, told again.
    Progress.objects.filter(indicator__code="I8", parcel=behind_park["big"], year=2022).update(projected_gap_2025=0.5)
    assert warnings.refresh_warnings().entered == 1
    assert (
        len(mail.outbox) == 2
        and EarlyWarning.objects.filter(indicator__code="I8", parcel=behind_park["big"]).count() == 2
    )


def test_it_tells_the_unit_responsible_and_the_managers_only_what_they_may_see(behind_park):
    Indicator.objects.filter(code="I8").update(responsible_unit_zh="区人社局", responsible_email="hr@example.org")
    big_manager = make_user(role=access.MANAGER, parcels=(behind_park["big"],))
    small_manager = make_user(role=access.MANAGER, parcels=(behind_park["small"],))
    warnings.refresh_warnings()
    by_address = {m.to[0]: m.body for m in mail.outbox}
    assert set(by_address) == {behind_park["office"].email, "hr@example.org", big_manager.email}
    assert small_manager.email not in by_address  # 南大地区's figures come from two enterprises
    assert "南大地区" in by_address[behind_park["office"].email]
    assert "南大地区" not in by_address["hr@example.org"] and "园区整体" in by_address["hr@example.org"]
    assert "责任单位：区人社局" in by_address["hr@example.org"]
    assert "宝山工业园区" in by_address[big_manager.email] and "园区整体" not in by_address[big_manager.email]


def test_it_warns_of_a_binding_indicator_behind_schedule(behind_park):
    Indicator.objects.filter(code="I8").update(attribute=Indicator.Attribute.BINDING)
    services.recompute(full=True)
    warnings.refresh_warnings()
    park = Progress.objects.get(indicator__code="I8", parcel__isnull=True, year=2022)
    assert park.status == "behind"
    assert EarlyWarning.objects.filter(indicator__code="I8", parcel__isnull=True, reason="binding_behind").exists()


def test_it_tells_nobody_of_an_item_that_came_and_went_before_any_e_mail(behind_park):
    warnings.refresh_warnings(send=False)
    Progress.objects.filter(indicator__code="I8", year=2022).update(projected_gap_2025=-1.0)
    warnings.refresh_warnings()
    bodies = "".join(m.body for m in mail.outbox)
    assert "I8" not in bodies
    assert not EarlyWarning.objects.filter(entered_mailed_at__isnull=True).exists()


def test_it_runs_the_same_service_from_the_command_and_the_beat_task(behind_park, capsys):
    call_command("send_warning_emails", "--no-mail")
    assert "entered=" in capsys.readouterr().out and mail.outbox == []
    assert "mailed=1" in tasks.refresh_early_warnings()
    assert "entered=0" in tasks.refresh_early_warnings()


# --- the pages ---------------------------------------------------------------------


def test_it_shows_the_office_its_list_and_keeps_it_from_others(client, behind_park):
    warnings.refresh_warnings()
    client.force_login(behind_park["office"])
    html = client.get("/warnings/").content.decode()
    assert 'data-warning="I8 nanda projection"' in html and "已发送" in html
    client.force_login(make_user(role=access.OFFICIAL))
    assert client.get("/warnings/").status_code == 403


def test_it_shows_the_warnings_of_the_year_on_the_overview_without_withheld_parcels(client, behind_park):
    client.force_login(make_user(role=access.OFFICIAL))
    html = client.get("/?year=2022").content.decode()
    panel = html.split('id="warnings"')[1].split("</section>")[0]
    assert 'data-warning="I8 projection"' in panel
    assert 'data-parcel="baoshan-industrial"' in panel and "南大地区" not in panel
    client.force_login(behind_park["office"])
    assert 'data-parcel="nanda"' in client.get("/?year=2022").content.decode().split('id="warnings"')[1]
