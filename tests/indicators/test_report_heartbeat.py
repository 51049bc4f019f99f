"""A report whose worker died is marked failed within a minute (its heartbeat stopped) and retried with one click."""

from __future__ import annotations

import datetime as dt
import signal
from contextlib import closing

import psycopg2
import pytest
from django.db import connection
from django.utils import timezone

from indicators import services as indicator_services
from indicators.models import Plan, Report, ReportFile
from indicators.reports import services
from parcels import demo
from parcels.access import MANAGER, OFFICE
from tests.factories import make_user
from tests.services import Redis, start_worker, stop, wait_for


def a_plan() -> Plan:
    """The plan the reports belong to: the loaded one, else a bare plan of the same years."""
    return Plan.objects.first() or Plan.objects.create(
        code="fyp-test",
        name_zh="测试规划",
        name_en="Test plan",
        short_zh="测试规划",
        short_en="Test plan",
        start_year=2021,
        end_year=2025,
        base_year=2020,
        park_area_km2=1,
        issuer="-",
        source="-",
    )


def running(**fields) -> Report:
    now = timezone.now()
    defaults = {
        "plan": a_plan(),
        "year": 2024,
        "kind": Report.Kind.ANNUAL,
        "snapshot": {},
        "snapshot_sha256": "0" * 64,
        "data_version": 1,
        "created_at": now,
        "state": Report.State.RUNNING,
        "progress": 12,
        "started_at": now,
        "heartbeat_at": now,
    }
    return Report.objects.create(**{**defaults, **fields})


@pytest.mark.django_db
def test_it_marks_failed_a_running_report_whose_heartbeat_stopped(settings):
    settings.REPORT_STALE_SECONDS = 30
    now = timezone.now()
    alive = running(heartbeat_at=now - dt.timedelta(seconds=10))
    dead = running(heartbeat_at=now - dt.timedelta(seconds=31))
    old = running(heartbeat_at=None, started_at=now - dt.timedelta(minutes=5))  # from before heartbeats

    assert services.fail_stale_reports(now) == 2

    states = dict(Report.objects.values_list("id", "state"))
    assert states == {alive.id: "running", dead.id: "failed", old.id: "failed"}
    message = Report.objects.get(id=dead.id).message
    assert "生成中断" in message and "进度 12%" in message and "重试" in message


@pytest.mark.django_db
def test_the_office_retries_a_failed_report_with_one_click(client):
    office = make_user("o", role=OFFICE)
    report = running(state=Report.State.FAILED, message="生成中断")
    client.force_login(make_user("m", role=MANAGER))
    assert client.post(f"/reports/{report.id}/retry/").status_code == 404
    client.force_login(office)

    page = client.get(f"/reports/{report.id}/").content.decode()
    assert 'id="report-retry"' in page and 'id="report-retry" hidden' not in page

    response = client.post(f"/reports/{report.id}/retry/", follow=True)

    assert "报告已重新排队生成" in response.content.decode()
    report.refresh_from_db()
    assert (report.state, report.progress, report.started_at, report.heartbeat_at) == ("queued", 0, None, None)
    again = client.post(f"/reports/{report.id}/retry/", follow=True).content.decode()
    assert "只有生成失败的报告才能重试" in again


@pytest.mark.django_db
def test_the_progress_bar_learns_that_the_worker_died(client, settings):
    settings.REPORT_STALE_SECONDS = 30
    report = running(heartbeat_at=timezone.now() - dt.timedelta(minutes=2))
    client.force_login(make_user("o", role=OFFICE))

    status = client.get(f"/reports/{report.id}/status.json").json()

    assert status["state"] == "failed" and status["may_retry"] and "生成中断" in status["message"]


# --- with a real worker, killed in the middle of a report ---------------------------------------

FAST = {"REPORT_HEARTBEAT_SECONDS": "1", "REPORT_STALE_SECONDS": "5", "REPORT_POLL_SECONDS": "1"}


def admin_connection():
    db = connection.settings_dict
    conn = psycopg2.connect(host=db["HOST"], port=db["PORT"], user=db["USER"], dbname=db["NAME"])
    conn.autocommit = True
    return conn


@pytest.fixture
def redis_server(tmp_path):
    server = Redis(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_it_fails_a_report_whose_worker_was_killed_and_makes_it_again_on_retry(plan, redis_server, tmp_path, client):
    demo.seed_demo(enterprises=30, seed=5)
    indicator_services.recompute(full=True)
    office = make_user("o", role=OFFICE)
    report = services.start_report(year=2024, user=office)
    log = tmp_path / "worker.log"

    blocker = admin_connection()
    blocker.autocommit = False
    with blocker.cursor() as cursor:  # the job will wait here with its files made, as a slow disk or a lock would
        cursor.execute("LOCK TABLE indicators_reportfile IN ACCESS EXCLUSIVE MODE")
    worker = start_worker(redis_server.url, log, **FAST)
    try:
        with closing(admin_connection()) as watcher, watcher.cursor() as cursor:

            def storing() -> bool:
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock' AND query ILIKE '%%indicators_reportfile%%'"
                )
                return cursor.fetchone()[0] > 0

            assert wait_for(storing, 240), log.read_text()[-3000:]
        beat = Report.objects.get(id=report.id).heartbeat_at
        assert wait_for(lambda: Report.objects.get(id=report.id).heartbeat_at > beat, 10)  # alive while it waits
        stop(worker, signal.SIGKILL)  # the worker dies mid-job
    finally:
        blocker.rollback()
        blocker.close()
        stop(worker, signal.SIGKILL)
    assert Report.objects.get(id=report.id).state == Report.State.RUNNING  # nobody has noticed yet

    worker = start_worker(redis_server.url, log, **FAST)
    try:
        # Beat's sweep of the next worker sees the heartbeat has stopped: failed within a minute.
        assert wait_for(lambda: Report.objects.get(id=report.id).state == Report.State.FAILED, 60), log.read_text()[
            -3000:
        ]
        assert "生成中断" in Report.objects.get(id=report.id).message
        assert not ReportFile.objects.filter(report_id=report.id).exists()  # nothing half-stored

        client.force_login(office)
        client.post(f"/reports/{report.id}/retry/")
        assert wait_for(lambda: Report.objects.get(id=report.id).state == Report.State.DONE, 240), log.read_text()[
            -3000:
        ]
    finally:
        stop(worker)
    assert sorted(ReportFile.objects.filter(report_id=report.id).values_list("format", flat=True)) == [
        "docx",
        "pdf",
        "xlsx",
    ]
