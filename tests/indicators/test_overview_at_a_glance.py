"""The overview at a glance (issue 16): who holds each target back, the planned path on each card, and the
English of the menus, citations and sources; the login page says where the demo logins are."""

import json
import re

import pytest

from indicators import services
from indicators.models import Progress
from parcels import access, demo
from parcels.models import Parcel
from tests.factories import make_enterprise, make_statistic, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_data(plan):
    demo.seed_demo(enterprises=60, seed=3)
    services.recompute(full=True)
    return plan


def card(html: str, code: str) -> str:
    return html.split(f'data-indicator="{code}"')[1].split("</article>")[0]


def named(html: str, code: str) -> list[str]:
    found = re.search(r'data-held-back="([^"]*)"', card(html, code))
    return found.group(1).split() if found else []


def test_it_names_the_parcels_furthest_behind_a_ratio_target(client, demo_data):
    client.force_login(make_user(role=access.OFFICE))
    html = client.get("/?year=2024").content.decode()
    rows = Progress.objects.filter(indicator__code="I8", year=2024, parcel__isnull=False, gap__gt=0).select_related(
        "parcel"
    )
    furthest = [p.parcel.code for p in sorted(rows, key=lambda p: -p.gap)][:2]
    assert furthest and named(html, "I8") == furthest
    assert "距目标差" in card(html, "I8")


def test_it_names_the_parcels_with_the_smallest_share_of_a_counts_change(client, demo_data):
    client.force_login(make_user(role=access.OFFICE))
    html = client.get("/?year=2024").content.decode()
    rows = Progress.objects.filter(indicator__code="I4", year=2024, parcel__isnull=False).select_related("parcel")
    smallest = [p.parcel.code for p in sorted(rows, key=lambda p: (p.share_of_change, p.parcel.order))][:2]
    assert named(html, "I4") == smallest
    assert "占增量" in card(html, "I4")


def test_it_never_names_a_parcel_whose_figures_are_withheld(client, plan):
    """南大地区 (two enterprises, far behind) holds I8 back most; only the office may see it named."""
    for parcel, n, masters in (("baoshan-industrial", 4, 5), ("nanda", 2, 1), ("robot-park", 3, 4)):
        for _ in range(n):
            enterprise = make_enterprise(parcel=Parcel.objects.get(code=parcel))
            for year in (2020, 2024):
                make_statistic(enterprise=enterprise, year=year, quarter=4, employees=100, masters_plus=masters)
    services.recompute(full=True)
    client.force_login(make_user(role=access.OFFICE))
    assert named(client.get("/?year=2024").content.decode(), "I8") == ["nanda", "robot-park"]
    client.force_login(make_user(role=access.OFFICIAL))
    html = client.get("/?year=2024").content.decode()
    assert named(html, "I8") == ["robot-park", "baoshan-industrial"]
    assert "南大地区" not in card(html, "I8")


def test_it_draws_the_planned_path_to_the_target_on_each_card(client, demo_data):
    client.force_login(make_user(role=access.OFFICIAL))
    html = client.get("/?year=2024").content.decode()
    spark = json.loads(re.search(r'<script id="spark-I4" type="application/json">(.*?)</script>', html, re.S).group(1))
    path, target, actual = spark["data"]
    assert path["x"][0] == 2020 and path["x"][-1] == 2025 and path["y"][0] == 327 and path["y"][-1] == 800
    assert target["x"] == [2025] and target["y"] == [800]
    assert actual["x"][-1] == 2024


def test_it_speaks_english_in_the_menus_citations_and_sources(client, demo_data):
    client.force_login(make_user(role=access.OFFICE))
    client.cookies["django_language"] = "en"
    html = client.get("/indicators/I3/?year=2024").content.decode()
    menu = html.split('class="mainnav"')[1].split("</nav>")[0]
    for words in (">Indicators<", ">Parcels<", ">Map<", ">Warnings<", ">Assessment reports<"):
        assert words in menu
    assert "(Baoshan District Science and Technology Commission)" in html
    assert "宝山区科学技术委员会" not in html
    assert "Shanghai Municipal Government Work Report 2024" in html  # the benchmark's source
    overview = client.get("/?year=2024").content.decode()
    assert "Plan §2(1), review of the 13th FYP" in overview and "发展回顾" not in overview
    client.cookies["django_language"] = "zh-hans"
    assert "（宝山区科学技术委员会）" in client.get("/indicators/I3/?year=2024").content.decode()


def test_it_says_on_the_login_page_where_the_demo_logins_are(client, plan):
    assert ".var/demo-logins.txt" not in client.get("/accounts/login/").content.decode()
    demo.seed_demo(enterprises=60, seed=1)
    html = client.get("/accounts/login/").content.decode()
    assert ".var/demo-logins.txt" in html and "scripts/run" in html
