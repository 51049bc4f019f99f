"""Check an uploaded GeoJSON of parcel outlines: pure, no Django.

The file is a FeatureCollection (or one Feature) of Polygon or MultiPolygon features in
WGS84 longitude and latitude (RFC 7946), each naming its parcel in its properties (``code``,
``name``, ``名称`` or ``地块``: the parcel's code, Chinese or English name). A parcel of several
blocks may have several features. Every ring must be closed (its first and last positions
equal) with at least four positions of two numbers in range. Only outer rings are kept (the
map draws the parcels' extent; holes are not drawn). Any error refuses the whole file, with a
Chinese message naming the feature, the polygon, the ring and the position.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from parkplan.text import _

NAME_KEYS = ("code", "name", "名称", "地块", "name_zh", "name_en")
MAX_ERRORS = 20


@dataclass
class Outlines:
    """What a file gives: parcel code → outer rings ([[lon, lat], …], closed), or the errors that refuse it."""

    rings: dict[str, list[list[list[float]]]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def fail(self, message: str) -> None:
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(message)


def read_outlines(content: bytes, parcels: Mapping[str, str]) -> Outlines:
    """Check a GeoJSON file and return its parcels' outer rings, or every error found (up to 20).

    `parcels` maps each name a feature may use (code, Chinese name, English name) to the parcel's code.
    """
    found = Outlines()
    try:
        document = json.loads(content.decode("utf-8-sig"))
    except UnicodeDecodeError:
        found.fail(_("文件不是 UTF-8 编码的文本，请以 UTF-8 保存 GeoJSON 文件。"))
        return found
    except json.JSONDecodeError as exc:
        found.fail(
            _("文件不是有效的 JSON：第%(line)s行第%(col)s列，%(msg)s。")
            % {"line": exc.lineno, "col": exc.colno, "msg": exc.msg}
        )
        return found
    for number, feature in enumerate(_features(document, found), start=1):
        _read_feature(feature, number, parcels, found)
    if not found.errors and not found.rings:
        found.fail(_("文件中没有任何地块边界。"))
    if found.errors:
        found.rings = {}
    return found


def _features(document, found: Outlines) -> list:
    kind = document.get("type") if isinstance(document, dict) else None
    if kind == "Feature":
        return [document]
    if kind != "FeatureCollection":
        found.fail(_("GeoJSON 顶层类型应为 FeatureCollection 或 Feature，实际为“%(kind)s”。") % {"kind": _shown(kind)})
        return []
    features = document.get("features")
    if not isinstance(features, list):
        found.fail(_("FeatureCollection 缺少 features 数组。"))
        return []
    return features


def _read_feature(feature, number: int, parcels: Mapping[str, str], found: Outlines) -> None:
    """Check one feature: its parcel, its geometry type, its polygons' rings; keep its outer rings."""
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        found.fail(_("第%(n)s个要素：类型应为 Feature。") % {"n": number})
        return
    code, where = _parcel_of(feature, number, parcels, found)
    polygons = _polygons_of(feature, where, found)
    if code is None or polygons is None:
        return
    multi = len(polygons) > 1 or (feature.get("geometry") or {}).get("type") == "MultiPolygon"
    for p, polygon in enumerate(polygons, start=1):
        label = where + (_("第%(p)s个多边形") % {"p": p} if multi else "")
        if not isinstance(polygon, list) or not polygon:
            found.fail(_("%(where)s：多边形应为非空的环数组。") % {"where": label})
            continue
        for r, ring in enumerate(polygon, start=1):
            checked = _ring(ring, _("%(where)s第%(r)s个环") % {"where": label, "r": r}, found)
            if checked is not None and r == 1:
                found.rings.setdefault(code, []).append(checked)


def _parcel_of(feature: dict, number: int, parcels: Mapping[str, str], found: Outlines) -> tuple[str | None, str]:
    """Return the code of the parcel a feature names (None: no such parcel) and how messages name the feature."""
    properties = feature.get("properties")
    properties = properties if isinstance(properties, dict) else {}
    names = [str(properties[k]).strip() for k in NAME_KEYS if properties.get(k)]
    where = _("第%(n)s个要素") % {"n": number} + (f"（{names[0]}）" if names else "")
    code = next((parcels[n] for n in names if n in parcels), None)
    if code is None:
        found.fail(
            _("%(where)s：找不到对应的地块，请在 properties 的 code 或 name 中填写地块代码或名称（如 %(example)s）。")
            % {"where": where, "example": "、".join(sorted(set(parcels.values()))[:3])}
        )
    return code, where


def _polygons_of(feature: dict, where: str, found: Outlines) -> list | None:
    """Return a feature's polygons (a Polygon as a list of one), None when its geometry is not one of those."""
    geometry = feature.get("geometry")
    geometry = geometry if isinstance(geometry, dict) else {}
    kind, coordinates = geometry.get("type"), geometry.get("coordinates")
    if kind not in ("Polygon", "MultiPolygon"):
        found.fail(
            _("%(where)s：几何类型应为 Polygon 或 MultiPolygon，实际为“%(kind)s”。")
            % {"where": where, "kind": _shown(kind)}
        )
        return None
    if not isinstance(coordinates, list) or not coordinates:
        found.fail(_("%(where)s：coordinates 应为非空数组。") % {"where": where})
        return None
    return [coordinates] if kind == "Polygon" else coordinates


def _ring(ring, where: str, found: Outlines) -> list[list[float]] | None:
    """Check one ring: positions of two numbers in range, at least four, first equal to last."""
    if not isinstance(ring, list):
        found.fail(_("%(where)s：环应为坐标数组。") % {"where": where})
        return None
    points = []
    for i, position in enumerate(ring, start=1):
        point = _position(position, _("%(where)s第%(i)s个坐标") % {"where": where, "i": i}, found)
        if point is None:
            return None
        points.append(point)
    if len(points) < 4:
        found.fail(
            _("%(where)s：只有%(n)s个坐标，闭合的环至少需要4个（首尾相同）。") % {"where": where, "n": len(points)}
        )
        return None
    if points[0] != points[-1]:
        found.fail(
            _("%(where)s未闭合：首个坐标 %(first)s 与末个坐标 %(last)s 不同（GeoJSON 的环须首尾相同）。")
            % {"where": where, "first": _point(points[0]), "last": _point(points[-1])}
        )
        return None
    return points


def _position(position, where: str, found: Outlines) -> list[float] | None:
    """Check one position: [longitude, latitude] as numbers within the WGS84 ranges."""
    if not isinstance(position, list) or len(position) < 2 or not all(_number(v) for v in position[:2]):
        found.fail(_("%(where)s %(value)s 应为两个数字 [经度, 纬度]。") % {"where": where, "value": _shown(position)})
        return None
    lon, lat = float(position[0]), float(position[1])
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        found.fail(
            _(
                "%(where)s %(value)s 超出经纬度范围（经度 −180～180，纬度 −90～90）："
                "请使用 WGS84 经纬度（EPSG:4326），经度在前。"
            )
            % {"where": where, "value": _point([lon, lat])}
        )
        return None
    return [lon, lat]


def _number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _point(point: list[float]) -> str:
    return f"[{point[0]:g}, {point[1]:g}]"


def _shown(value) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
    return text if len(text) <= 60 else text[:57] + "…"
