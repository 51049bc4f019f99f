"""The first pages: the overview lists the eight indicators, the parcel page the ten parcels."""

import pytest

from indicators import services
from parcels import access, demo
from tests.conftest import login
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def official(db):
    return make_user("official", role=access.OFFICIAL)


@pytest.fixture
def demo_data(plan):
    demo.seed_demo(enterprises=60, seed=3)
    services.recompute(full=True)


def test_it_asks_for_a_login_first(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_it_lists_the_eight_indicators_with_their_status(client, official, demo_data):
    client.force_login(official)
    html = client.get("/").content.decode()
    for code in ["I1", "I2", "I3", "I4", "I5", "I6", "I7", "I8"]:
        assert f'data-indicator="{code}"' in html
    assert "经认定的高新技术企业" in html
    assert "基准缺失" in html  # I1 has no Zhangjiang benchmark yet
    assert "演示数据" in html


def test_it_lists_the_ten_parcels_with_both_area_totals(client, official, plan):
    client.force_login(official)
    html = client.get("/parcels/").content.decode()
    assert html.count("data-parcel=") == 10
    assert "北上海生物医药产业园(南区)" in html
    assert "30.62" in html and "30.63" in html


def test_it_opens_in_chinese_even_for_an_english_browser(client, official, plan):
    client.force_login(official)
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.headers["Content-Language"] == "zh-hans"
    assert "规划指标总览" in response.content.decode()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_shows_the_overview_in_a_real_browser(page, official, demo_data):
    login(page, "official", PASSWORD)
    assert page.locator(".indicator-card").count() == 8
    assert "规划指标总览" in page.inner_text("h1")
    page.goto(page.base_url + "/parcels/")
    assert page.locator("tr[data-parcel]").count() == 10
    assert page.problems == []
