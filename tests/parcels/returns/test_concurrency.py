"""Two people starting the same return at the same moment: one saves it, the other is told; never a 500."""

from __future__ import annotations

import threading
from contextlib import closing

import psycopg2
import pytest
from django.db import connection, connections
from rest_framework.test import APIClient

from parcels import access
from parcels.models import ParcelReturn
from tests.factories import filled_row, make_enterprise, make_parcel, make_user
from tests.services import wait_for

pytestmark = pytest.mark.django_db(transaction=True)
YEAR, QUARTER = 2026, 3


def blocker():
    """A connection of its own that holds the returns table, so both saves are in flight before either commits."""
    db = connection.settings_dict
    conn = psycopg2.connect(host=db["HOST"], port=db["PORT"], user=db["USER"], dbname=db["NAME"])
    conn.autocommit = False
    with conn.cursor() as cursor:
        cursor.execute("LOCK TABLE parcels_parcelreturn IN SHARE MODE")  # an INSERT waits; reads do not
    return conn


def waiting_on_locks(count: int) -> bool:
    with closing(connections["default"].cursor()) as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] >= count


def in_parallel(*calls):
    """Run the calls in threads, each with its own database connection; return their results in order."""
    results = [None] * len(calls)

    def run(i, call):
        try:
            results[i] = call()
        except Exception as exc:  # a test must see it, not lose it in a thread
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    held = blocker()
    try:
        for thread in threads:
            thread.start()
        # One save waits for the table to create the return, the other for the return's lock.
        assert wait_for(lambda: waiting_on_locks(len(calls)), 30)
    finally:
        held.rollback()
        held.close()
    for thread in threads:
        thread.join(60)
    return results


@pytest.fixture
def parcel():
    parcel = make_parcel()
    enterprise = make_enterprise(parcel=parcel)
    managers = [make_user(f"m{i}", role=access.MANAGER, parcels=(parcel,)) for i in (1, 2)]
    return parcel, enterprise, managers


def test_two_api_clients_creating_the_same_return_get_one_success_and_one_conflict(parcel):
    parcel, enterprise, managers = parcel

    def create(user, revenue):
        client = APIClient()
        client.force_authenticate(user)
        body = {
            "parcel": parcel.code,
            "year": YEAR,
            "quarter": QUARTER,
            "version": 0,
            "rows": [filled_row(enterprise, revenue=revenue)],
        }
        response = client.post("/api/v1/returns/", body, format="json")
        return response.status_code, response.json()

    results = in_parallel(lambda: create(managers[0], "1001"), lambda: create(managers[1], "2002"))

    statuses = sorted(status for status, _body in results)
    assert statuses == [201, 409], results
    conflict = next(body for status, body in results if status == 409)
    assert conflict["code"] == "conflict" and "保存冲突" in conflict["detail"]
    saved = ParcelReturn.objects.get()
    assert saved.version == 2 and saved.rows.count() == 1
    winner = next(body for status, body in results if status == 201)
    assert str(saved.rows.get().revenue) == winner["rows"][0]["revenue"]


def test_two_managers_saving_a_new_return_in_the_browser_get_one_draft_and_one_conflict_page(parcel, client):
    parcel, enterprise, managers = parcel
    from django.test import Client

    def post(user, revenue):
        browser = Client()
        browser.force_login(user)
        row = filled_row(enterprise, revenue=revenue)
        data = {"version": 0, "rows": 1, "action": "draft", **{f"r-0-{k}": v for k, v in row.items()}}
        response = browser.post(f"/returns/{parcel.id}/{YEAR}/{QUARTER}/", data)
        return response.status_code, response.content.decode()

    results = in_parallel(lambda: post(managers[0], "1001"), lambda: post(managers[1], "2002"))

    assert sorted(status for status, _html in results) == [302, 409]
    page = next(html for status, html in results if status == 409)
    assert "保存冲突" in page
    assert ParcelReturn.objects.count() == 1
