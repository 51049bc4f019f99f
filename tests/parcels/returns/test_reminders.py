"""The reminder job: managers of parcels not yet submitted are e-mailed around the deadline, once per day due."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command

from parcels import access, tasks
from parcels.models import ParcelReturn, ReminderSent
from parcels.returns import services as return_services
from tests.factories import filled_row, make_enterprise, make_parcel, make_user

pytestmark = pytest.mark.django_db

# 2025 Q3 ends on 30 September; with 20 days the deadline is 20 October.
DEADLINE = dt.date(2025, 10, 20)


@pytest.fixture
def managers(settings):
    settings.RETURN_DEADLINE_DAYS = 20
    settings.RETURN_REMINDER_OFFSETS = [-5, -1, 3]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    late, done, silent = make_parcel(name_zh="迟报地块"), make_parcel(name_zh="已报地块"), make_parcel()
    m1 = make_user("m1", role=access.MANAGER, parcels=(late,))
    m2 = make_user("m2", role=access.MANAGER, parcels=(done,))
    make_user("m3", role=access.MANAGER, parcels=(silent,), email="")  # no e-mail address
    enterprise = make_enterprise(parcel=done)
    row = filled_row(enterprise)
    ret, _ = return_services.save_return(parcel=done, year=2025, quarter=3, rows=[row], version=0, user=m2)
    return_services.save_return(
        parcel=done, year=2025, quarter=3, rows=[row], version=ret.version, user=m2, submit=True
    )
    return {"late": late, "m1": m1}


@pytest.mark.parametrize(
    ("today", "sent"),
    [
        (DEADLINE - dt.timedelta(days=6), 0),  # too early
        (DEADLINE - dt.timedelta(days=5), 1),
        (DEADLINE - dt.timedelta(days=1), 1),
        (DEADLINE + dt.timedelta(days=3), 1),
        (DEADLINE + dt.timedelta(days=4), 0),  # after the last reminder
    ],
)
def test_it_reminds_only_the_managers_of_parcels_not_submitted(managers, today, sent):
    summary = return_services.send_reminders(today=today)
    assert summary.sent == sent
    assert len(mail.outbox) == sent
    if sent:
        message = mail.outbox[0]
        assert message.to == ["m1@example.org"]
        assert "迟报地块" in message.subject and "2025年第3季度" in message.subject
        assert f"/returns/{managers['late'].id}/2025/3/" in message.body
        assert summary.skipped_no_email == 1


def test_it_sends_each_reminder_once_even_when_run_twice(managers):
    today = DEADLINE - dt.timedelta(days=1)
    return_services.send_reminders(today=today)
    return_services.send_reminders(today=today)
    assert len(mail.outbox) == 1
    assert ReminderSent.objects.count() == 1


def test_it_says_how_late_after_the_deadline(managers):
    return_services.send_reminders(today=DEADLINE + dt.timedelta(days=3))
    assert "已逾期 3 天" in mail.outbox[0].subject


def test_it_stops_reminding_once_submitted(managers):
    enterprise = make_enterprise(parcel=managers["late"])
    row = filled_row(enterprise)
    ret, _ = return_services.save_return(
        parcel=managers["late"], year=2025, quarter=3, rows=[row], version=0, user=managers["m1"]
    )
    assert ret.state == ParcelReturn.State.DRAFT  # a draft still gets reminders
    assert return_services.send_reminders(today=DEADLINE).sent == 1
    return_services.save_return(
        parcel=managers["late"], year=2025, quarter=3, rows=[row], version=ret.version, user=managers["m1"], submit=True
    )
    assert return_services.send_reminders(today=DEADLINE + dt.timedelta(days=3)).sent == 0


def test_the_task_and_the_command_run_the_same_service(managers, monkeypatch, capsys):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda: DEADLINE - dt.timedelta(days=5))
    assert "sent=1" in tasks.send_return_reminders.apply().get()
    call_command("send_return_reminders", "--date", (DEADLINE + dt.timedelta(days=3)).isoformat())
    assert "sent=1" in capsys.readouterr().out
    assert len(mail.outbox) == 2
