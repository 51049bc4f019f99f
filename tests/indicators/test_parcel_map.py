"""The parcel map (issue 16): GeoJSON outlines checked with clear Chinese errors, all or nothing; the schematic
map until they arrive; colours by status or value; withheld parcels drawn without their figures."""

import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from indicators import charts, services
from indicators.maps.geojson import read_outlines
from indicators.models import ParcelOutline
from parcels import access, demo
from parcels.models import Parcel
from tests.factories import make_enterprise, make_statistic, make_user

NAMES = {"nanda": "nanda", "南大地区": "nanda", "Nanda Area": "nanda", "robot-park": "robot-park"}


def ring(lon=121.40, lat=31.30, size=0.01):
    return [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]


def feature(name, geometry_type="Polygon", coordinates=None, key="name"):
    coordinates = coordinates if coordinates is not None else [ring()]
    return {
        "type": "Feature",
        "properties": {key: name},
        "geometry": {"type": geometry_type, "coordinates": coordinates},
    }


def collection(*features) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features)}, ensure_ascii=False).encode()


# --- the check (pure) -----------------------------------------------------------------


def test_it_reads_polygons_and_multipolygons_by_the_parcels_code_or_name():
    found = read_outlines(
        collection(
            feature("南大地区"),
            feature(
                "robot-park",
                "MultiPolygon",
                [[ring(121.5, 31.4)], [ring(121.6, 31.4), ring(121.61, 31.41, 0.001)]],
                key="code",
            ),
        ),
        NAMES,
    )
    assert found.errors == []
    assert found.rings["nanda"] == [ring()]
    assert len(found.rings["robot-park"]) == 2  # two polygons; the hole of the second is not drawn


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{", "文件不是有效的 JSON：第1行第2列"),
        (
            json.dumps({"type": "GeometryCollection"}).encode(),
            "GeoJSON 顶层类型应为 FeatureCollection 或 Feature，实际为“GeometryCollection”",
        ),
        (collection(feature("北京")), "第1个要素（北京）：找不到对应的地块"),
        (
            collection(feature("南大地区", "LineString", [[121.4, 31.3], [121.5, 31.3]])),
            "第1个要素（南大地区）：几何类型应为 Polygon 或 MultiPolygon，实际为“LineString”",
        ),
        (
            collection(feature("南大地区"), feature("南大地区", coordinates=[[*ring()[:-1], [121.5, 31.5]]])),
            "第2个要素（南大地区）第1个环未闭合：首个坐标 [121.4, 31.3] 与末个坐标 [121.5, 31.5] 不同",
        ),
        (
            collection(feature("南大地区", "MultiPolygon", [[ring()], [[[3456789.1, 1234567.2], *ring()[1:]]]])),
            "第1个要素（南大地区）第2个多边形第1个环第1个坐标 [3.45679e+06, 1.23457e+06] 超出经纬度范围",
        ),
        (
            collection(feature("南大地区", coordinates=[[[121.4, "31.3"], *ring()[1:]]])),
            '第1个要素（南大地区）第1个环第1个坐标 [121.4, "31.3"] 应为两个数字 [经度, 纬度]',
        ),
        (
            collection(feature("南大地区", coordinates=[[[121.4, 31.3], [121.5, 31.3], [121.4, 31.3]]])),
            "第1个环：只有3个坐标，闭合的环至少需要4个",
        ),
        (collection(), "文件中没有任何地块边界"),
    ],
)
def test_it_refuses_a_bad_file_whole_naming_the_feature_ring_and_position(content, message):
    found = read_outlines(content, NAMES)
    assert any(message in error for error in found.errors), found.errors
    assert found.rings == {}  # nothing of a bad file is kept


def test_it_lists_at_most_twenty_errors():
    found = read_outlines(collection(*(feature(f"未知{i}") for i in range(30))), NAMES)
    assert len(found.errors) == 20


# --- the page ---------------------------------------------------------------------------

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_data(plan):
    demo.seed_demo(enterprises=60, seed=3)
    services.recompute(full=True)
    return plan


def figure(html: str) -> dict:
    return json.loads(re.search(r'<script id="fig-map" type="application/json">(.*?)</script>', html, re.S).group(1))


def outlines(fig: dict) -> list[dict]:
    return [t for t in fig["data"] if t.get("fill") == "toself"]


def test_it_draws_the_schematic_map_and_says_so_until_outlines_are_uploaded(client, demo_data):
    client.force_login(make_user(role=access.OFFICIAL))
    html = client.get("/map/?year=2024&indicator=I8").content.decode()
    assert 'data-map="schematic"' in html and "示意图" in html and "不代表实际边界" in html
    fig = figure(html)
    assert len(outlines(fig)) == 10  # a trace per parcel; 宝山工业园区's two blocks in one
    assert fig["layout"]["yaxis"]["scaleratio"] == 1
    assert 'name="geojson"' not in html  # the office uploads


def test_it_colours_by_status_or_by_value(client, demo_data):
    client.force_login(make_user(role=access.OFFICE))
    by_status = figure(client.get("/map/?year=2024&indicator=I8&mode=status").content.decode())
    assert {t["fillcolor"] for t in outlines(by_status)} <= set(charts.STATUS_COLOURS.values())
    # The hover names the parcel with its value and status.
    assert all(re.fullmatch(r".+：\d+\.\d\d % · .+", t["name"]) for t in outlines(by_status))
    by_value = figure(client.get("/map/?year=2024&indicator=I8&mode=value").content.decode())
    assert {t["fillcolor"] for t in outlines(by_value)} <= set(charts.VALUE_CLASSES)
    quarter = client.get("/map/?year=2024&quarter=2&indicator=I8&mode=status").content.decode()
    assert "本期不评价进度，地图按数值着色" in quarter


def test_it_withholds_a_small_parcels_figures_on_the_map(client, plan):
    small = Parcel.objects.get(code="nanda")
    for year in (2020, 2024):
        for _ in range(2):
            make_statistic(
                enterprise=make_enterprise(parcel=small), year=year, quarter=4, employees=100, masters_plus=5
            )
    services.recompute(full=True)
    client.force_login(make_user(role=access.OFFICIAL))
    html = client.get("/map/?year=2024&indicator=I8&mode=value").content.decode()
    nanda = next(t for t in outlines(figure(html)) if t["name"].startswith("南大地区"))
    assert nanda["name"] == "南大地区：<3家，不予公开" and nanda["fillcolor"] == charts.NO_DATA_FILL
    assert "5.00 %" not in html
    client.force_login(make_user(role=access.OFFICE))
    assert "5.00 %" in client.get("/map/?year=2024&indicator=I8&mode=value").content.decode()


def test_it_lets_the_office_upload_outlines_all_or_nothing_and_remove_them(client, demo_data):
    office = make_user(role=access.OFFICE)
    client.force_login(office)
    good = collection(feature("南大地区"), feature("Robot Industrial Park", coordinates=[ring(121.45, 31.35)]))
    response = client.post("/map/outlines/", {"geojson": SimpleUploadedFile("parcels.geojson", good)}, follow=True)
    assert "已载入2个地块的边界（parcels.geojson）" in response.content.decode()
    assert sorted(ParcelOutline.objects.values_list("parcel__code", flat=True)) == ["nanda", "robot-park"]

    html = client.get("/map/?year=2024&indicator=I8").content.decode()
    assert 'data-map="outlines"' in html and "未上传边界的地块" in html
    fig = figure(html)
    assert len(outlines(fig)) == 2 and fig["layout"]["yaxis"]["scaleratio"] > 1.1  # longitude and latitude

    bad = collection(feature("宝山工业园区", coordinates=[ring()[:-1]]))
    html = client.post(
        "/map/outlines/", {"geojson": SimpleUploadedFile("bad.geojson", bad)}, follow=True
    ).content.decode()
    assert "bad.geojson：第1个要素（宝山工业园区）第1个环未闭合" in html
    assert ParcelOutline.objects.count() == 2  # the earlier outlines stand

    html = client.post("/map/outlines/", {"action": "remove"}, follow=True).content.decode()
    assert 'data-map="schematic"' in html and not ParcelOutline.objects.exists()


def test_it_keeps_uploads_to_the_office(client, demo_data):
    client.force_login(make_user(role=access.OFFICIAL))
    response = client.post(
        "/map/outlines/", {"geojson": SimpleUploadedFile("a.geojson", collection(feature("南大地区")))}
    )
    assert response.status_code == 403 and not ParcelOutline.objects.exists()
