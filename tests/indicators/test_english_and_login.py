"""The English of the menus, the plan's citation and the sources (no Chinese issuer appended to English
text), in the pages and the report's sources; the login page says where the demo logins are."""

import pytest

from indicators import services
from indicators.reports import appendix, content, snapshot
from parcels import access, demo
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_data(plan):
    demo.seed_demo(enterprises=60, seed=3)
    services.recompute(full=True)
    return plan


def test_it_speaks_english_in_the_menus_citations_and_sources(client, demo_data):
    client.force_login(make_user(role=access.OFFICE))
    client.cookies["django_language"] = "en"
    html = client.get("/indicators/I3/?year=2024").content.decode()
    menu = html.split('class="mainnav"')[1].split("</nav>")[0]
    for words in (">Overview<", ">Indicators<", ">Parcels<"):
        assert words in menu
    assert "(Baoshan District Science and Technology Commission)" in html
    assert "宝山区科学技术委员会" not in html
    assert "Shanghai Municipal Government Work Report 2024" in html  # the benchmark's source
    assert "上海市政府工作报告" not in html
    overview = client.get("/?year=2024").content.decode()
    assert "Plan §2(1), review of the 13th FYP" in overview and "发展回顾" not in overview


def test_it_keeps_the_chinese_citation_and_menu_in_chinese(client, demo_data):
    client.force_login(make_user(role=access.OFFICE))
    html = client.get("/indicators/I3/?year=2024").content.decode()
    assert "（宝山区科学技术委员会）" in html
    assert "2024年上海市政府工作报告" in html
    menu = html.split('class="mainnav"')[1].split("</nav>")[0]
    assert ">指标<" in menu and ">地块<" in menu


def test_it_cites_the_plan_and_its_sources_in_english_in_an_english_report(demo_data):
    frozen = snapshot.build_snapshot(plan=demo_data, year=2024)
    english = "\n".join(appendix._sources(content.read(frozen, "en")))
    assert "(Baoshan District Science and Technology Commission)" in english
    assert "Shanghai Municipal Government Work Report 2024" in english
    assert "宝山区科学技术委员会" not in english and "规划二" not in english
    chinese = "\n".join(appendix._sources(content.read(frozen, "zh")))
    assert "（宝山区科学技术委员会）" in chinese


def test_it_says_on_the_login_page_where_the_demo_logins_are(client, plan):
    assert ".var/demo-logins.txt" not in client.get("/accounts/login/").content.decode()
    demo.seed_demo(enterprises=60, seed=1)
    html = client.get("/accounts/login/").content.decode()
    assert ".var/demo-logins.txt" in html and "scripts/run" in html
