"""/healthz for monitoring and /health/ for the office: database, broker, workers, recompute lag."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from indicators import services
from parcels import access
from parcels.models import DataChange
from parkplan import heartbeat
from tests.factories import make_statistic, make_user
from tests.services import Redis, free_port, start_worker, stop, wait_for


@pytest.fixture
def redis_server(tmp_path, settings):
    server = Redis(tmp_path)
    server.start()
    settings.CELERY_BROKER_URL = server.url
    yield server
    server.stop()


@pytest.mark.django_db
def test_it_reports_the_broker_and_worker_down_with_503_and_no_secrets(client, settings):
    settings.CELERY_BROKER_URL = f"redis://:s3cret-pass@127.0.0.1:{free_port()}/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    report = response.json()
    assert report["ok"] is False
    assert report["checks"]["database"]["ok"] is True
    assert report["checks"]["broker"]["ok"] is False
    assert report["checks"]["worker"]["ok"] is False
    assert "s3cret" not in response.content.decode() and "127.0.0.1" not in response.content.decode()


@pytest.mark.django_db
def test_it_is_healthy_with_a_heartbeat_and_the_indicators_up_to_date(client, plan, redis_server):
    make_statistic(year=2021, quarter=4, employees=10)
    services.recompute(full=True)
    heartbeat.beat(heartbeat.broker(), "worker@db2")
    response = client.get("/healthz")
    assert response.status_code == 200, response.json()
    checks = response.json()["checks"]
    assert checks["worker"]["alive"][0]["hostname"] == "worker@db2"
    assert checks["broker"]["queue_length"] == 0
    assert checks["recompute"]["behind"] is False and checks["recompute"]["age_seconds"] >= 0


@pytest.mark.django_db
def test_it_turns_unhealthy_when_a_change_waits_too_long_for_the_recompute(client, plan, redis_server, settings):
    services.recompute(full=True)
    heartbeat.beat(heartbeat.broker(), "worker@db2")
    make_statistic(year=2022, quarter=4, employees=10)
    assert client.get("/healthz").status_code == 200  # just saved: the worker has not had its turn yet
    waited = timezone.now() - dt.timedelta(seconds=settings.HEALTH_RECOMPUTE_LAG_SECONDS + 5)
    DataChange.objects.filter(id=DataChange.objects.latest("id").id).update(at=waited)
    response = client.get("/healthz")
    assert response.status_code == 503
    recompute = response.json()["checks"]["recompute"]
    assert recompute["behind"] is True and recompute["data_version"] > recompute["computed_version"]


@pytest.mark.django_db
def test_it_shows_the_office_the_same_with_the_queue_length(client, plan, redis_server, admin_user):
    heartbeat.beat(heartbeat.broker(), "worker@db2")
    heartbeat.broker().rpush("celery", "a-task", "another-task")
    client.force_login(admin_user)
    response = client.get("/health/")
    page = response.content.decode()
    assert "系统运行状态" in page and "队列中待处理任务 2 个" in page and "worker@db2" in page
    assert "尚未计算" in page


@pytest.mark.django_db
def test_it_keeps_the_health_page_from_everyone_but_the_office(client, plan):
    assert client.get("/health/").status_code == 302  # to the login page
    client.force_login(make_user("official_li", role=access.OFFICIAL))
    assert client.get("/health/").status_code == 403


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_it_sees_a_real_worker_come_and_go(client, plan, redis_server, tmp_path):
    make_statistic(year=2021, quarter=4, employees=10)
    log = tmp_path / "worker.log"
    worker = start_worker(redis_server.url, log)
    try:
        assert wait_for(lambda: client.get("/healthz").status_code == 200, 60), log.read_text()[-3000:]
    finally:
        stop(worker)
    report = client.get("/healthz").json()  # a worker that stops cleanly takes its heartbeat with it
    assert report["checks"]["worker"]["ok"] is False
