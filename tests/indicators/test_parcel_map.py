"""The parcel map: the GeoJSON checks, the office's upload, both modes, and what a reader may see on it."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from indicators.maps import geojson
from indicators.models import ParcelOutline
from parcels import access
from tests.factories import make_user
from tests.indicators import glance

pytestmark = pytest.mark.django_db
NAMES = {"nanda": "nanda", "南大地区": "nanda", "robot-park": "robot-park"}
SQUARE = [[121.40, 31.30], [121.41, 31.30], [121.41, 31.31], [121.40, 31.31], [121.40, 31.30]]


def feature(geometry: dict, name: str = "nanda") -> dict:
    return {"type": "Feature", "properties": {"name": name}, "geometry": geometry}


def collection(*features) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features)}, ensure_ascii=False).encode()


def test_it_keeps_the_outer_rings_of_a_valid_file():
    multi = {"type": "MultiPolygon", "coordinates": [[SQUARE], [[[x + 0.1, y] for x, y in SQUARE]]]}
    found = geojson.read_outlines(
        collection(feature({"type": "Polygon", "coordinates": [SQUARE]}, "南大地区"), feature(multi, "robot-park")),
        NAMES,
    )
    assert found.errors == []
    assert found.rings["nanda"] == [SQUARE] and len(found.rings["robot-park"]) == 2


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"{not json", ["不是有效的 JSON", "第1行"]),
        (json.dumps({"type": "Polygon"}).encode(), ["顶层类型应为 FeatureCollection", "Polygon"]),
        (collection(feature({"type": "LineString", "coordinates": SQUARE})), ["第1个要素（nanda）", "LineString"]),
        (
            collection(feature({"type": "Polygon", "coordinates": [SQUARE[:-1]]})),
            ["第1个要素（nanda）第1个环未闭合", "[121.4, 31.3]", "[121.4, 31.31]"],
        ),
        (
            collection(feature({"type": "Polygon", "coordinates": [[[31.3, 121.4], *SQUARE[1:-1], [31.3, 121.4]]]})),
            ["第1个环第1个坐标", "超出经纬度范围", "经度在前"],
        ),
        (
            collection(feature({"type": "Polygon", "coordinates": [SQUARE]}, "月球")),
            ["第1个要素（月球）", "找不到对应的地块"],
        ),
        (collection(feature({"type": "Polygon", "coordinates": [SQUARE[:3]]})), ["只有3个坐标"]),
    ],
)
def test_it_refuses_a_bad_file_naming_the_feature_and_the_problem(content, words):
    found = geojson.read_outlines(content, NAMES)
    assert found.rings == {}
    message = " ".join(found.errors)
    for word in words:
        assert word in message, message


def upload(client, plan, content: bytes):
    file = SimpleUploadedFile("parcels.geojson", content, content_type="application/geo+json")
    return client.post(f"/plans/{plan.code}/map/outlines/", {"geojson": file}, follow=True)


def test_it_lets_only_the_office_upload_and_keeps_nothing_of_a_bad_file(client, plan):
    good = collection(feature({"type": "Polygon", "coordinates": [SQUARE]}))
    for role in (access.OFFICIAL, access.MANAGER):
        client.force_login(make_user(role=role))
        assert upload(client, plan, good).status_code == 403
    client.force_login(make_user(role=access.OFFICE))
    bad = collection(
        feature({"type": "Polygon", "coordinates": [SQUARE]}),
        feature({"type": "Polygon", "coordinates": [SQUARE[:-1]]}, "robot-park"),
    )
    page = upload(client, plan, bad).content.decode()
    assert "第2个要素（robot-park）第1个环未闭合" in page and not ParcelOutline.objects.exists()
    page = upload(client, plan, good).content.decode()
    assert "已载入1个地块的边界" in page and 'data-map="outlines"' in page
    assert list(ParcelOutline.objects.values_list("parcel__code", flat=True)) == ["nanda"]
    client.post(f"/plans/{plan.code}/map/outlines/", {"action": "remove"})
    assert not ParcelOutline.objects.exists()


def test_it_draws_the_schematic_map_and_withholds_what_the_reader_may_not_see(client, plan):
    parcels = glance.results(plan)
    small = parcels["small"]
    client.force_login(make_user(role=access.OFFICIAL))
    response = client.get("/map/?year=2023&indicator=I3")
    page = response.content.decode()
    assert 'data-map="schematic"' in page and "示意图" in page
    fills = [t for t in response.context["map_fig"]["data"] if t.get("fill") == "toself"]
    assert len(fills) == 10
    by_name = {t["name"].split("：")[0]: t["name"] for t in fills}
    assert by_name[parcels["big"].name_zh].endswith("31.00 % · 滞后")
    assert by_name[small.name_zh].endswith("不予公开（不足3家企业）") and "31.00" not in by_name[small.name_zh]
    client.force_login(make_user(role=access.OFFICE))
    response = client.get("/map/?year=2023&indicator=I3&mode=value")
    fills = {t["name"].split("：")[0]: t for t in response.context["map_fig"]["data"] if t.get("fill") == "toself"}
    assert "31.00 %" in fills[small.name_zh]["name"]
