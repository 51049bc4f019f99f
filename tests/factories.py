"""Plain builder functions for tests: each makes one saved object with sensible defaults."""

from __future__ import annotations

from decimal import Decimal
from itertools import count

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from parcels.models import DataElement, Enterprise, Parcel, ParcelManager, Statistic
from parkplan import creditcode

_serial = count(1)
PASSWORD = "Pw-for-tests-2025"


def make_user(
    username: str | None = None,
    *,
    role: str | None = None,
    parcels: tuple[Parcel | str, ...] = (),
    password: str = PASSWORD,
    **fields,
):
    """Return a saved user in the role's group (access.OFFICE, OFFICIAL or MANAGER), managing ``parcels``.

    ``parcels`` are Parcel objects or codes; a manager with no parcels manages none.
    """
    username = username or f"user{next(_serial)}"
    fields.setdefault("email", f"{username}@example.org")
    user = get_user_model().objects.create_user(username, password=password, **fields)
    if role:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    for parcel in parcels:
        if isinstance(parcel, str):
            parcel = Parcel.objects.get(code=parcel)
        ParcelManager.objects.create(parcel=parcel, user=user)
    return user


def new_credit_code(number: int | None = None) -> str:
    """Return a valid unified social credit code (a Baoshan enterprise, 91310113…)."""
    return creditcode.make_code(f"91310113{next(_serial) if number is None else number:09d}")


def make_parcel(*, code: str | None = None, name_zh: str | None = None, **fields) -> Parcel:
    n = next(_serial)
    defaults = {"name_en": f"Parcel {n}", "area_km2": Decimal("1.00"), "order": 1000 + n}
    return Parcel.objects.create(
        code=code or f"parcel-{n}", name_zh=name_zh or f"测试地块{n}", **{**defaults, **fields}
    )


def make_enterprise(*, parcel: Parcel | None = None, credit_code: str | None = None, **fields) -> Enterprise:
    code = credit_code or new_credit_code()
    fields.setdefault("name", f"上海测试企业{code[-6:]}有限公司")
    return Enterprise.objects.create(credit_code=code, parcel=parcel or make_parcel(), **fields)


def make_statistic(
    *, enterprise: Enterprise | None = None, parcel: Parcel | None = None, year: int = 2021, quarter: int = 4, **fields
) -> Statistic:
    enterprise = enterprise or make_enterprise(parcel=parcel)
    fields.setdefault("source", Statistic.Source.ADMIN)
    return Statistic.objects.create(
        enterprise=enterprise, parcel=parcel or enterprise.parcel, year=year, quarter=quarter, **fields
    )


def make_element(code: str | None = None, **fields) -> DataElement:
    """Return a saved data element stored in ``extra`` (added after the thirteen): by default 万元, 2 places, ≥ 0."""
    n = next(_serial)
    defaults = {
        "label_zh": f"测试指标{n}",
        "label_en": f"Test element {n}",
        "unit": "万元",
        "unit_en": "10k CNY",
        "kind": DataElement.Kind.FLOW,
        "decimals": 2,
        "min_value": Decimal(0),
        "required": False,
        "order": 200 + n,
    }
    return DataElement.objects.create(code=code or f"test_element_{n}", **{**defaults, **fields})


# Every required figure of a return row (parcels.statfields), as a manager types them.
FILLED = {
    "revenue": "1000",
    "industrial_output": "800",
    "above_scale": "是",
    "sei_output": "300",
    "value_added": "200",
    "rd_expenditure": "50",
    "tax": "30",
    "employees": "100",
    "masters_plus": "10",
    "foreign_returnee": "2",
    "invention_patents": "1",
    "high_tech": "否",
    "listed_date": "",
}


def filled_row(enterprise: Enterprise, **values) -> dict:
    """Return a return row of the enterprise with every required figure filled (a submission asks for all)."""
    return {"credit_code": enterprise.credit_code, "enterprise_name": enterprise.name, **FILLED, **values}


def make_plan(code: str = "test-plan", *, start_year: int = 2021, end_year: int = 2025, **fields):
    """A plan with no indicators (what a report row or a page needs to belong to)."""
    from indicators.models import Plan

    defaults = {
        "name_zh": f"测试规划{code}",
        "name_en": f"Test plan {code}",
        "short_zh": "测试规划",
        "short_en": "Test plan",
        "base_year": start_year - 1,
        "park_area_km2": 30.63,
        "issuer": "测试",
        "source": "测试",
    }
    return Plan.objects.get_or_create(
        code=code, defaults={"start_year": start_year, "end_year": end_year, **defaults, **fields}
    )[0]
