"""Faults at quarter end: a worker killed mid-recompute, Redis restarted, PostgreSQL dropping connections.

Afterwards every saved return is there and the indicators equal a fresh recompute.
The test cluster is shared by every test, so PostgreSQL itself is not restarted:
its server drops the connections instead (pg_terminate_backend), which is what
clients see of a restart.
"""

from __future__ import annotations

import io
import signal
from contextlib import closing
from pathlib import Path

import psycopg2
import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import F

from indicators import services
from indicators.models import RecomputeState
from parcels.demo import seed_demo
from parcels.models import DataChange, Statistic
from tests.services import Redis, start_worker, stop, wait_for

ROOT = Path(__file__).resolve().parent.parent
pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def admin_connection():
    db = connection.settings_dict
    conn = psycopg2.connect(host=db["HOST"], port=db["PORT"], user=db["USER"], dbname=db["NAME"])
    conn.autocommit = True  # and never `with conn:`, which opens a transaction (a stale pg_stat_activity)
    return conn


def exported_values() -> str:
    out = io.StringIO()
    call_command("export_indicator_values", stdout=out)
    return out.getvalue()


def caught_up() -> bool:
    state = RecomputeState.objects.filter(id=1).first()
    latest = DataChange.objects.order_by("-id").values_list("id", flat=True).first() or 0
    return bool(state and state.computed_at and state.computed_version >= latest)


def assert_equal_to_a_fresh_recompute() -> None:
    by_worker = exported_values()
    services.recompute(full=True)
    assert exported_values() == by_worker


@pytest.fixture
def redis_server(tmp_path):
    server = Redis(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def demo(plan):
    seed_demo(enterprises=40, seed=11)
    services.recompute(full=True)
    return Statistic.objects.count()


def test_it_recovers_from_a_worker_killed_in_the_middle_of_a_recompute(demo, redis_server, tmp_path):
    log = tmp_path / "worker.log"
    Statistic.objects.filter(year=2024).update(employees=F("employees") + 1000)  # a bulk revision: recompute due
    saved = {s.id: s.employees for s in Statistic.objects.filter(year=2024)}
    before = exported_values()

    blocker = admin_connection()
    blocker.autocommit = False
    with blocker.cursor() as cur:  # the recompute will wait here, holding its half-written transaction
        cur.execute("LOCK TABLE indicators_progress IN ACCESS EXCLUSIVE MODE")
    worker = start_worker(redis_server.url, log)
    try:
        with closing(admin_connection()) as watcher, watcher.cursor() as cur:

            def recompute_waiting() -> bool:
                cur.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock' AND query ILIKE '%%indicators_progress%%'"
                )
                return cur.fetchone()[0] > 0

            assert wait_for(recompute_waiting, 60), log.read_text()[-3000:]
        stop(worker, signal.SIGKILL)  # killed mid-run: values deleted and rewritten, progress not yet
    finally:
        blocker.rollback()
        blocker.close()
        stop(worker, signal.SIGKILL)

    assert wait_for(lambda: exported_values() == before, 10)  # nothing half-written was committed
    assert not caught_up()

    worker = start_worker(redis_server.url, log)
    try:
        assert wait_for(caught_up, 60), log.read_text()[-3000:]
    finally:
        stop(worker)
    assert {s.id: s.employees for s in Statistic.objects.filter(year=2024)} == saved
    assert Statistic.objects.count() == demo
    assert_equal_to_a_fresh_recompute()


def test_it_keeps_saving_while_redis_restarts_and_catches_up_after(demo, redis_server, tmp_path):
    log = tmp_path / "worker.log"
    worker = start_worker(redis_server.url, log)
    try:
        assert wait_for(caught_up, 60), log.read_text()[-3000:]
        stats = list(Statistic.objects.filter(year=2025).order_by("id")[:20])
        saved = {}
        for n, stat in enumerate(stats):
            if n == 5:
                redis_server.stop()  # the broker goes away in the middle of the saving
            if n == 15:
                redis_server.start()  # and comes back on the same port, empty
            stat.employees += 10 + n
            stat.save()  # a save never talks to the broker
            saved[stat.id] = stat.employees
        assert wait_for(caught_up, 60), log.read_text()[-3000:]
    finally:
        stop(worker)
    assert {s.id: s.employees for s in Statistic.objects.filter(id__in=saved)} == saved
    assert Statistic.objects.count() == demo
    assert_equal_to_a_fresh_recompute()


def test_it_reconnects_when_postgresql_drops_every_connection(demo, redis_server, tmp_path):
    log = tmp_path / "worker.log"
    worker = start_worker(redis_server.url, log)
    try:
        assert wait_for(caught_up, 60), log.read_text()[-3000:]
        others = (
            "FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
        )
        with closing(admin_connection()) as killer, killer.cursor() as cur:

            def worker_connected() -> bool:
                cur.execute(f"SELECT count(*) {others}")
                return cur.fetchone()[0] >= 2  # the worker's and this test's own

            assert wait_for(worker_connected, 30)
            cur.execute(f"SELECT count(pg_terminate_backend(pid)) {others}")  # what a restart does to clients
            assert cur.fetchone()[0] >= 2
        connection.close()  # this test's own connection went too
        stat = Statistic.objects.filter(year=2025).order_by("id").first()
        stat.employees += 1
        stat.save()
        assert wait_for(caught_up, 60), log.read_text()[-3000:]  # and so does the worker
    finally:
        stop(worker)
    assert Statistic.objects.get(id=stat.id).employees == stat.employees
    assert Statistic.objects.count() == demo
    assert_equal_to_a_fresh_recompute()
