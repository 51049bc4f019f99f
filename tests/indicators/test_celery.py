"""Recompute through a real Redis broker and Celery worker, including the broker being down."""

from __future__ import annotations

import pytest

from indicators import tasks
from indicators.models import IndicatorValue, RecomputeState
from parcels.models import DataChange, Statistic
from tests.factories import make_statistic
from tests.services import Redis, start_worker, stop, wait_for


@pytest.fixture
def redis(tmp_path):
    server = Redis(tmp_path)
    yield server
    server.stop()


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
        # Up and retrying: once the worker has failed to reach the broker, nothing may have been recomputed.
        assert wait_for(lambda: "Cannot connect to" in log.read_text(), 60), log.read_text()[-3000:]
        assert not RecomputeState.objects.filter(computed_version__gte=due).exists()
        redis.start()
        assert wait_for(lambda: RecomputeState.objects.filter(computed_version__gte=due).exists(), 90), log.read_text()[
            -3000:
        ]
    finally:
        stop(worker)
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
