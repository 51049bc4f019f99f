"""The overview at a glance: who holds each target back, the planned path on each card, short heat-map columns."""

from __future__ import annotations

import pytest

from indicators import charts
from indicators.dashboard import overview
from indicators.dashboard.periods import Period
from parcels import access
from tests.factories import make_user
from tests.indicators import glance

pytestmark = pytest.mark.django_db


def named(plan, user, code: str) -> list[str]:
    cards = {c["code"]: c for c in overview.page(plan, Period(2023), user)["cards"]}
    return [p["code"] for p in cards[code]["held_back_by"]]


def test_it_names_the_parcels_furthest_behind_but_never_a_withheld_one(plan):
    parcels = glance.results(plan)
    office, official = make_user(role=access.OFFICE), make_user(role=access.OFFICIAL)
    # I3, a ratio: the largest gaps first; the small parcel (2 enterprises) only for the office.
    assert named(plan, office, "I3") == [parcels["small"].code, parcels["mid"].code]
    assert named(plan, official, "I3") == [parcels["mid"].code, parcels["big"].code]
    # I4, a count without parcel targets: the smallest shares of the park's change first.
    assert named(plan, office, "I4") == [parcels["small"].code, parcels["mid"].code]
    assert named(plan, official, "I4") == [parcels["mid"].code, parcels["big"].code]


def test_it_draws_the_planned_path_to_the_target_on_each_card(plan):
    glance.results(plan)
    cards = {c["code"]: c for c in overview.page(plan, Period(2023), make_user(role=access.OFFICIAL))["cards"]}
    path, target, actual = cards["I4"]["sparkline"]["data"]
    assert path["x"] == [2020, 2021, 2022, 2023, 2024, 2025]
    assert path["y"][0] == pytest.approx(327) and path["y"][-1] == pytest.approx(800)
    assert (target["x"], target["y"]) == ([2025], [800.0])
    assert actual["x"][-1] == 2023


@pytest.mark.parametrize(
    ("kind", "base", "level", "higher", "rate", "expected"),
    [
        ("level", 30.0, 40.0, True, None, {2020: 30.0, 2022: 34.0, 2025: 40.0}),
        ("level", 1.0, 0.8, False, None, {2020: 1.0, 2025: 0.8}),  # lower is better
        ("level", 45.0, 40.0, True, None, {2020: 40.0, 2025: 40.0}),  # the base already meets it: held
        ("growth", 100.0, 100 * 1.07**5, True, 0.07, {2021: 107.0, 2023: 100 * 1.07**3}),  # compounds
        ("cumulative", 0.0, 50.0, True, None, {2021: 10.0, 2025: 50.0}),
    ],
)
def test_it_computes_the_planned_path_of_each_target_kind(kind, base, level, higher, rate, expected):
    path = charts.planned_path(
        years=range(2020, 2026),
        kind=kind,
        base_year=2020,
        base_value=base,
        target_year=2025,
        level=level,
        higher=higher,
        rate=rate,
    )
    assert sorted(path) == list(range(2020, 2026))
    for year, value in expected.items():
        assert path[year] == pytest.approx(value)


def test_it_heads_the_heat_map_columns_with_short_names(client, plan):
    client.force_login(make_user(role=access.OFFICIAL))
    response = client.get("/parcels/")
    page = response.content.decode()
    assert "I1 研发投入强度" in page and "I4 高新技术企业" in page  # the table behind the chart
    columns = response.context["heatmap_fig"]["data"][0]["x"]
    assert columns[0] == "I1<br>研发投入强度" and columns[3] == "I4<br>高新技术企业"
