"""Nothing lost, everything attributable: the history of statistics, enterprises, assignments and returns."""

from __future__ import annotations

from decimal import Decimal

import pghistory
import pytest
from django.apps import apps

from parcels import access, services
from parcels.imports import StatisticRow
from parcels.models import ImportBatch, Statistic
from tests.factories import make_enterprise, make_parcel, make_user, new_credit_code

pytestmark = pytest.mark.django_db

StatisticEvent = apps.get_model("parcels", "StatisticEvent")
EnterpriseEvent = apps.get_model("parcels", "EnterpriseEvent")
ParcelManagerEvent = apps.get_model("parcels", "ParcelManagerEvent")


def rows(parcel, codes, *, year=2024, quarter=4, revenue=100):
    values = {
        "revenue": Decimal(revenue),
        "industrial_output": Decimal(50),
        "above_scale": False,
        "sei_output": Decimal(0),
        "value_added": Decimal(20),
        "rd_expenditure": Decimal(1),
        "tax": Decimal(2),
        "employees": 10,
        "masters_plus": 1,
        "foreign_returnee": 0,
        "invention_patents": 0,
        "high_tech": False,
        "listed_date": None,
    }
    return [
        StatisticRow(i + 2, code, f"企业{i}", parcel.id, year, quarter, dict(values)) for i, code in enumerate(codes)
    ]


def test_it_records_every_row_of_a_bulk_import_with_its_batch(db):
    parcel = make_parcel()
    user = make_user("importer")
    codes = [new_credit_code() for _ in range(3000)]
    first = services.upsert_statistics(rows=rows(parcel, codes), source=ImportBatch.Source.CLI, user=user)
    inserts = StatisticEvent.objects.filter(pgh_label="insert")
    assert inserts.count() == 3000
    assert EnterpriseEvent.objects.filter(pgh_label="insert").count() == 3000
    context = inserts.select_related("pgh_context").first().pgh_context.metadata
    assert context == {**context, "source": "cli", "batch": first.batch.pk, "user": user.pk}

    # A revision of half the rows: raw-SQL bulk updates are caught too, with before and after.
    revised = rows(parcel, codes[:1500], revenue=250) + rows(parcel, codes[1500:])
    second = services.upsert_statistics(rows=revised, source=ImportBatch.Source.UPLOAD, user=user)
    assert (second.created, second.updated, second.unchanged) == (0, 1500, 1500)
    updates = StatisticEvent.objects.filter(pgh_label="update").select_related("pgh_context")
    assert updates.count() == 1500
    event = updates.first()
    assert event.revenue == Decimal(250)
    assert event.pgh_context.metadata["batch"] == second.batch.pk
    assert event.pgh_context.metadata["source"] == "upload"
    before = StatisticEvent.objects.filter(pgh_obj_id=event.pgh_obj_id, pgh_label="insert").get()
    assert before.revenue == Decimal(100)


def test_it_records_deletes_and_who_did_them(db):
    parcel = make_parcel()
    services.upsert_statistics(rows=rows(parcel, [new_credit_code()]), source=ImportBatch.Source.CLI)
    office = make_user("office-user", role=access.OFFICE)
    services.delete_statistics(statistics=Statistic.objects.all(), user=office, source="admin")
    deleted = StatisticEvent.objects.select_related("pgh_context").get(pgh_label="delete")
    assert deleted.revenue == Decimal(100)
    assert deleted.pgh_context.metadata["user"] == office.pk


def test_it_records_assignments(db):
    parcel = make_parcel()
    manager, office = make_user("mgr"), make_user("ofc", role=access.OFFICE)
    services.assign_manager(user=manager, parcel=parcel, by=office)
    services.unassign_manager(user=manager, parcel=parcel, by=office)
    labels = list(ParcelManagerEvent.objects.order_by("pgh_id").values_list("pgh_label", flat=True))
    assert labels == ["insert", "delete"]


def test_it_records_writes_outside_any_service(db):
    parcel = make_parcel()
    services.upsert_statistics(rows=rows(parcel, [new_credit_code()]), source=ImportBatch.Source.CLI)
    with pghistory.context(source="sql"):
        Statistic.objects.update(tax=Decimal(9))
    assert StatisticEvent.objects.filter(pgh_label="update", tax=Decimal(9)).count() == 1


def test_it_shows_an_enterprises_history_only_to_those_who_may_see_it(client):
    parcel, other = make_parcel(), make_parcel()
    manager = make_user("mine", role=access.MANAGER, parcels=(parcel,))
    stranger = make_user("stranger", role=access.MANAGER, parcels=(other,))
    enterprise = make_enterprise(parcel=parcel)
    services.upsert_statistics(rows=rows(parcel, [enterprise.credit_code]), source=ImportBatch.Source.CLI, user=manager)
    services.upsert_statistics(
        rows=rows(parcel, [enterprise.credit_code], revenue=180), source=ImportBatch.Source.UPLOAD, user=manager
    )
    assert access.enterprises_for(manager).filter(pk=enterprise.pk).exists()
    client.force_login(manager)
    html = client.get(f"/returns/enterprises/{enterprise.credit_code}/history/").content.decode()
    assert "营业收入(万元)：100.00 → 180.00" in html and "upload" in html
    client.force_login(stranger)
    assert client.get(f"/returns/enterprises/{enterprise.credit_code}/history/").status_code == 404
