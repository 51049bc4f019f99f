"""Recompute through a real Redis broker and Celery worker, including the broker being down."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from indicators import tasks
from indicators.models import IndicatorValue, RecomputeState
from parcels.models import DataChange, Statistic
from tests.factories import make_statistic

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, seconds: float = 60.0, every: float = 0.25) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(every)
    return False


class Redis:
    """A throw-away redis-server on loopback that a test can stop and start."""

    def __init__(self, tmp_path: Path):
        self.port = free_port()
        self.dir = tmp_path
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        args = ["--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no"]
        self.proc = subprocess.Popen(["redis-server", *args, "--dir", str(self.dir)], stdout=subprocess.DEVNULL)
        assert wait_for(lambda: _can_connect(self.port), 10)

    def stop(self) -> None:
        if self.proc:
            self.proc.terminate()
            self.proc.wait(10)
            self.proc = None


def _can_connect(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture
def redis(tmp_path):
    server = Redis(tmp_path)
    yield server
    server.stop()


def start_worker(broker_url: str, log: Path) -> subprocess.Popen:
    """Start a Celery worker with embedded beat against the test database."""
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_BROKER_URL": broker_url,
        "RECOMPUTE_POLL_SECONDS": "1",
    }
    args = ["worker", "-B", "--pool=solo", "--loglevel=INFO", "--schedule", str(log.parent / "beat-schedule")]
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "parkplan", *args],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_it_saves_with_the_broker_down_and_recomputes_when_it_returns(plan, redis, tmp_path):
    stat = make_statistic(year=2021, quarter=4, employees=100, masters_plus=7, high_tech=True)
    stat.masters_plus = 8
    stat.save()  # succeeds: a save only records in its own transaction that a recompute is due
    due = DataChange.objects.latest("id").id
    assert Statistic.objects.get(id=stat.id).masters_plus == 8
    assert RecomputeState.objects.filter(computed_version__gte=due).count() == 0

    log = tmp_path / "worker.log"
    worker = start_worker(redis.url, log)  # the worker and beat keep retrying the broker
    try:
        time.sleep(2)
        assert not RecomputeState.objects.filter(computed_version__gte=due).exists()
        redis.start()
        assert wait_for(lambda: RecomputeState.objects.filter(computed_version__gte=due).exists(), 90), log.read_text()[
            -3000:
        ]
    finally:
        worker.terminate()
        worker.wait(20)
    value = IndicatorValue.objects.get(indicator__code="I8", parcel=None, year=2021, quarter=4)
    assert value.value == pytest.approx(8.0)
    assert value.data_version >= due


@pytest.mark.django_db(transaction=True)
def test_it_collapses_a_burst_of_changes_into_one_run(plan):
    stat = make_statistic(year=2022, quarter=4, employees=100)
    for n in range(5):
        stat.employees = 101 + n
        stat.save()
    first, second = tasks.recompute_due(), tasks.recompute_due()
    assert first.startswith("recomputed version=")
    assert f"version={DataChange.objects.latest('id').id}" in first
    assert second.startswith("up_to_date")
