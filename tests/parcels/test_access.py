"""A manager of parcel A walks every returns URL and can neither read nor change anything of parcel B."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from parcels import access
from parcels.models import ParcelReturn, ReturnRow, Statistic
from parcels.returns import services as return_services
from tests.factories import filled_row, make_enterprise, make_parcel, make_user

pytestmark = pytest.mark.django_db
YEAR, QUARTER = 2024, 2


def row(enterprise, revenue="1000"):
    return filled_row(enterprise, revenue=revenue, employees="10", masters_plus="1")


@pytest.fixture
def world(db):
    a, b = make_parcel(), make_parcel()
    manager_a = make_user("manager-a", role=access.MANAGER, parcels=(a,))
    manager_b = make_user("manager-b", role=access.MANAGER, parcels=(b,))
    office = make_user("office-x", role=access.OFFICE)
    official = make_user("official-x", role=access.OFFICIAL)
    ent_a, ent_b = make_enterprise(parcel=a), make_enterprise(parcel=b)
    returns = {}
    for quarter, state in ((1, "approved"), (2, "submitted"), (3, "draft")):
        ret, _ = return_services.save_return(
            parcel=b, year=YEAR, quarter=quarter, rows=[row(ent_b)], version=0, user=manager_b
        )
        if state != "draft":
            ret, _ = return_services.save_return(
                parcel=b,
                year=YEAR,
                quarter=quarter,
                rows=[row(ent_b)],
                version=ret.version,
                user=manager_b,
                submit=True,
            )
        if state == "approved":
            return_services.approve_return(parcel_return=ret, user=office)
        returns[state] = ParcelReturn.objects.get(pk=ret.pk)
    own, _ = return_services.save_return(
        parcel=a, year=YEAR, quarter=QUARTER, rows=[row(ent_a)], version=0, user=manager_a
    )
    return {
        "a": a,
        "b": b,
        "manager_a": manager_a,
        "office": office,
        "official": official,
        "ent_a": ent_a,
        "ent_b": ent_b,
        "returns": returns,
        "own": own,
    }


def snapshot():
    return (
        sorted(ParcelReturn.objects.values_list("id", "state", "version")),
        sorted(ReturnRow.objects.values_list("id", "credit_code", "revenue", "explanation")),
        sorted(Statistic.objects.values_list("id", "parcel_id", "year", "quarter", "revenue")),
    )


def xlsx_upload():
    import openpyxl

    from parcels import statfields

    book = openpyxl.Workbook()
    book.active.append([label for _, label in statfields.BUILT_IN.columns])
    data = io.BytesIO()
    book.save(data)
    return SimpleUploadedFile("b.xlsx", data.getvalue())


READS = [
    # (url builder, expected status for the manager of A)
    (lambda w, r: f"/returns/{w['b'].id}/{YEAR}/{QUARTER}/", 404),
    (lambda w, r: f"/returns/{w['b'].id}/{YEAR}/4/", 404),
    (lambda w, r: f"/returns/{r.pk}/history/", 404),
    (lambda w, r: f"/returns-preview/{r.pk}/", 404),
    (lambda w, r: f"/returns/review/{r.pk}/", 403),
    (lambda w, r: "/returns/review/", 403),
    (lambda w, r: "/returns/status/", 403),
]


@pytest.mark.parametrize("state", ["approved", "submitted", "draft"])
@pytest.mark.parametrize(("url", "status"), READS)
def test_it_shows_nothing_of_another_parcel(client, world, state, url, status):
    client.force_login(world["manager_a"])
    response = client.get(url(world, world["returns"][state]))
    assert response.status_code == status
    assert world["ent_b"].credit_code not in response.content.decode()


WRITES = [
    (
        lambda w, r: f"/returns/{w['b'].id}/{r.year}/{r.quarter}/",
        lambda w, r: {
            "version": r.version,
            "rows": 1,
            "action": "submit",
            "r-0-credit_code": w["ent_b"].credit_code,
            "r-0-enterprise_name": "x",
            "r-0-revenue": "1",
        },
        404,
    ),
    (lambda w, r: f"/returns/{w['b'].id}/{r.year}/{r.quarter}/upload/", lambda w, r: {"file": xlsx_upload()}, 404),
    (lambda w, r: f"/returns/review/{r.pk}/", lambda w, r: {"action": "approve"}, 403),
    (lambda w, r: f"/returns/review/{r.pk}/", lambda w, r: {"action": "send_back", "comment": "x"}, 403),
    (lambda w, r: f"/returns/review/{r.pk}/", lambda w, r: {"action": "unlock", "reason": "x"}, 403),
]


@pytest.mark.parametrize("state", ["approved", "submitted", "draft"])
@pytest.mark.parametrize(("url", "data", "status"), WRITES)
def test_it_changes_nothing_of_another_parcel(client, world, state, url, data, status):
    client.force_login(world["manager_a"])
    before = snapshot()
    parcel_return = world["returns"][state]
    response = client.post(url(world, parcel_return), data(world, parcel_return))
    assert response.status_code == status
    assert snapshot() == before


def test_it_keeps_a_manager_out_of_the_admin(client, world):
    client.force_login(world["manager_a"])
    stat = Statistic.objects.get(parcel=world["b"])
    before = snapshot()
    response = client.post(f"/admin/parcels/statistic/{stat.pk}/change/", {"revenue": "1"})
    assert response.status_code == 302 and "/admin/login/" in response.url
    assert snapshot() == before


def test_it_scopes_the_queries_to_the_managers_parcels(world):
    manager = world["manager_a"]
    assert list(access.parcels_for(manager)) == [world["a"]]
    assert list(access.returns_for(manager)) == [world["own"]]
    assert not access.statistics_for(manager).filter(parcel=world["b"]).exists()
    assert not access.enterprises_for(manager).filter(parcel=world["b"]).exists()
    assert not access.returns_for(world["official"]).exists()
    assert access.returns_for(world["office"]).count() == 4


@pytest.mark.parametrize(
    ("who", "url", "status"),
    [
        ("manager_a", "/returns/", 200),
        ("manager_a", "own", 200),
        ("official", "/returns/", 403),
        ("official", "own", 404),
        ("office", "/returns/review/", 200),
        ("office", "/returns/status/", 200),
        ("office", "/returns/", 302),
    ],
)
def test_it_lets_each_role_reach_its_own_pages(client, world, who, url, status):
    client.force_login(world[who])
    if url == "own":
        url = f"/returns/{world['a'].id}/{YEAR}/{QUARTER}/"
    assert client.get(url).status_code == status


def test_the_demo_users_cover_every_role(plan, capsys):
    from django.core.management import call_command

    call_command("demo_users", public_demo=True)
    out = capsys.readouterr().out
    assert "manager1" in out and "manager2" in out
    manager1 = get_user_model().objects.get(username="manager1")
    assert access.is_manager(manager1) and access.parcels_for(manager1).count() == 2
    assert access.is_office(get_user_model().objects.get(username="office"))
    assert access.is_official(get_user_model().objects.get(username="official"))
    call_command("demo_users", public_demo=True)  # safe to run twice
    assert access.parcels_for(manager1).count() == 2
