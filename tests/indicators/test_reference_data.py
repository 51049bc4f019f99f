"""The plan's reference data (fixtures/plan-14th.json) against docs/plan-14th.md, the loader, and the admin.

Expected values are written out here from docs/plan-14th.md, independently of the fixture file.
"""

from __future__ import annotations

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.conf import settings
from django.contrib import admin
from django.core.management import call_command
from django.db import connection
from django.db.models import Sum
from django.urls import reverse

from indicators.admin import ParcelTargetForm
from indicators.models import (
    BaseValue,
    BenchmarkValue,
    Indicator,
    IndicatorValue,
    KeyIndustry,
    Plan,
    Progress,
    RecomputeState,
    ReviewFigure,
)
from indicators.reference import MODELS, ReferenceDataError, load_plan
from parcels.models import Boundary, DataChange, Enterprise, FunctionalArea, Parcel, Statistic
from parkplan.creditcode import make_code

pytestmark = pytest.mark.django_db

PLAN_FILE = settings.BASE_DIR / "fixtures" / "plan-14th.json"


@pytest.fixture
def plan() -> Plan:
    load_plan(PLAN_FILE)
    return Plan.objects.get()


def dump_reference_tables() -> dict[str, list[tuple]]:
    """Return every row of the reference tables, including the functional-area/parcel link table."""
    tables = [model._meta.db_table for model in MODELS]
    tables.append(FunctionalArea.parcels.through._meta.db_table)
    dump = {}
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT * FROM {table} ORDER BY id")
            dump[table] = cursor.fetchall()
    return dump


# --- the loader --------------------------------------------------------------------------------


def test_it_leaves_every_row_alone_when_loaded_twice(plan):
    before = dump_reference_tables()
    changes_before = DataChange.objects.count()

    counts = load_plan(PLAN_FILE)

    assert dump_reference_tables() == before
    assert DataChange.objects.count() == changes_before
    assert all(c["created"] == 0 and c["updated"] == 0 for c in counts.values()), counts
    assert counts["Parcel"]["unchanged"] == 10
    assert counts["Indicator"]["unchanged"] == 8


def test_it_counts_what_the_first_load_creates():
    counts = load_plan(PLAN_FILE)

    created = {model: c["created"] for model, c in counts.items()}
    assert created == {
        "DataElement": 0,  # the thirteen exist already; the 14th plan's file adds none
        "Plan": 1,
        "Parcel": 10,
        "Boundary": 11,
        "FunctionalArea": 8,
        "KeyIndustry": 10,
        "Indicator": 8,
        "BaseValue": 4,
        "BenchmarkValue": 3,
        "ReviewFigure": 10,
        "SchematicBlock": 11,  # one per block of the boundaries: the schematic map
    }


def test_it_restores_a_changed_value_and_writes_only_that_row(plan):
    BenchmarkValue.objects.filter(indicator__code="I3", year=2023).update(value=Decimal("50"))
    Parcel.objects.filter(code="nanda").update(area_km2=Decimal("9.99"))
    FunctionalArea.objects.get(code="robot-park").parcels.add(Parcel.objects.get(code="nanda"))
    last_change = DataChange.objects.order_by("-id").values_list("id", flat=True).first()

    counts = load_plan(PLAN_FILE)

    assert counts["BenchmarkValue"] == {"created": 0, "updated": 1, "unchanged": 2}
    assert counts["Parcel"] == {"created": 0, "updated": 1, "unchanged": 9}
    assert counts["FunctionalArea"] == {"created": 0, "updated": 1, "unchanged": 7}
    assert counts["Indicator"] == {"created": 0, "updated": 0, "unchanged": 8}
    assert BenchmarkValue.objects.get(indicator__code="I3", year=2023).value == Decimal("43.9")
    assert Parcel.objects.get(code="nanda").area_km2 == Decimal("0.64")
    assert codes(FunctionalArea.objects.get(code="robot-park").parcels) == {"robot-park"}
    # Of these tables only the benchmark values carry a trigger: one UPDATE, one data change.
    new_changes = DataChange.objects.filter(id__gt=last_change).values_list("table", flat=True)
    assert list(new_changes) == ["indicators_benchmarkvalue"]


def test_it_keeps_benchmark_values_staff_entered_for_other_years(plan):
    i3 = Indicator.objects.get(code="I3")
    BenchmarkValue.objects.create(indicator=i3, year=2021, value=Decimal("41.5"), source="staff")

    load_plan(PLAN_FILE)

    assert sorted(i3.benchmark_values.values_list("year", flat=True)) == [2020, 2021, 2023, 2024]


def test_it_loads_a_later_plan_from_its_own_file(plan, tmp_path):
    later = {
        "plan": {
            "code": "fyp-15",
            "name_zh": "上海张江高新技术产业开发区宝山园“十五五”规划",
            "name_en": "15th Five-Year Plan",
            "short_zh": "“十五五”规划",
            "short_en": "15th FYP",
            "start_year": 2026,
            "end_year": 2030,
            "base_year": 2025,
            "park_area_km2": 30.63,
            "issuer": "宝山区科学技术委员会",
            "source": "test",
        },
        "indicators": [
            {
                "code": "I4",
                "order": 1,
                "name_zh": "经认定的高新技术企业",
                "name_en": "Certified high-tech enterprises",
                "unit": "家",
                "unit_en": "enterprises",
                "decimals": 0,
                "target_kind": "level",
                "target_value": 1000,
                "target_year": 2030,
                "target_text_zh": "1000",
                "target_text_en": "1000",
                "formula": "count(high_tech)",
                "formula_zh": "f",
                "formula_en": "f",
                "definition_zh": "d",
                "definition_en": "d",
            }
        ],
    }
    path = tmp_path / "plan-15th.json"
    path.write_text(json.dumps(later, ensure_ascii=False), encoding="utf-8")

    load_plan(path)

    assert list(Plan.objects.values_list("code", flat=True)) == ["fyp-14", "fyp-15"]
    assert Indicator.objects.get(plan__code="fyp-15", code="I4").target_value == 1000
    assert Indicator.objects.get(plan__code="fyp-14", code="I4").target_value == 800


def test_it_refuses_a_file_with_an_unknown_field_and_writes_nothing(tmp_path):
    document = json.loads(PLAN_FILE.read_text(encoding="utf-8"))
    document["parcels"][3]["areakm2"] = 1
    path = tmp_path / "plan-bad.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")

    with pytest.raises(ReferenceDataError, match="areakm2"):
        load_plan(path)

    assert not Plan.objects.exists()
    assert not Parcel.objects.exists()


def test_it_prints_a_bilingual_summary_per_model():
    out = StringIO()

    call_command("load_plan", stdout=out)
    call_command("load_plan", str(PLAN_FILE), stdout=out)

    text = out.getvalue()
    assert "地块 Parcel: 新增 created 10，更新 updated 0，未变 unchanged 0" in text
    assert "地块 Parcel: 新增 created 0，更新 updated 0，未变 unchanged 10" in text
    assert "对标基准值 BenchmarkValue: 新增 created 0，更新 updated 0，未变 unchanged 3" in text


# --- the plan and its parcels (docs/plan-14th.md §1) --------------------------------------------------------


def test_it_states_the_plan_and_its_period(plan):
    assert plan.name_zh == "上海张江高新技术产业开发区宝山园“十四五”规划"
    assert (plan.start_year, plan.end_year, plan.base_year) == (2021, 2025, 2020)
    assert plan.issuer == "宝山区科学技术委员会"
    assert "征求意见稿" in plan.source
    assert "2021-01" in plan.source


def test_it_keeps_both_the_stated_park_area_and_the_parcels_sum(plan):
    assert plan.park_area_km2 == Decimal("30.63")
    assert Parcel.objects.aggregate(total=Sum("area_km2"))["total"] == Decimal("30.62")


PARCELS = [
    (1, "baoshan-industrial", "宝山工业园区", "Baoshan Industrial Park", "11.14"),
    (2, "luodian-industrial", "罗店工业园区", "Luodian Industrial Park", "2.04"),
    (3, "robot-park", "机器人产业园", "Robot Industrial Park", "2.45"),
    (4, "urban-industrial", "城市工业园区", "Urban Industrial Park", "4.12"),
    (5, "fudan-hitech", "复旦高新技术产业基地", "Fudan High-tech Industrial Base", "5.60"),
    (6, "culture-base", "文化产业示范基地", "Cultural Industry Demonstration Base", "2.37"),
    (7, "ecommerce-north", "电子商务示范基地(北块)", "E-commerce Demonstration Base (North)", "0.72"),
    (8, "ecommerce-south", "电子商务示范基地(南块)", "E-commerce Demonstration Base (South)", "0.38"),
    (9, "nanda", "南大地区", "Nanda Area", "0.64"),
    (10, "bio-south", "北上海生物医药产业园(南区)", "North Shanghai Biomedical Park (South)", "1.16"),
]


def test_it_has_exactly_the_ten_parcels_in_order(plan):
    assert list(Parcel.objects.values_list("code", flat=True)) == [row[1] for row in PARCELS]


@pytest.mark.parametrize(("order", "code", "name_zh", "name_en", "area"), PARCELS)
def test_it_matches_each_parcel_to_the_plan_table(plan, order, code, name_zh, name_en, area):
    parcel = Parcel.objects.get(code=code)

    assert (parcel.order, parcel.name_zh, parcel.name_en, parcel.area_km2) == (order, name_zh, name_en, Decimal(area))
    assert parcel.boundaries.count() == (2 if code == "baoshan-industrial" else 1)


def test_it_gives_the_baoshan_industrial_park_two_blocks_verbatim(plan):
    blocks = Boundary.objects.filter(parcel__code="baoshan-industrial").order_by("block")

    assert [(b.block, b.east, b.south, b.west, b.north) for b in blocks] == [
        (1, "潘泾河-潘川路-潘泾路-金石路-潘泾路东侧 300 米", "罗北路-菽泾-金石路南约 90 米", "沪太路", "新川沙路"),
        (2, "北蕴川路", "罗北路", "潘泾河绿化带东侧", "潘川路"),
    ]


@pytest.mark.parametrize(
    ("code", "east", "north"),
    [
        ("luodian-industrial", "潘泾河西侧约 150 米-白塘河-潘泾路", "石太路"),
        ("urban-industrial", "工业路", "市台路"),
        (
            "culture-base",
            "沪太路-锦秋路-西弥浦-大场机场西围墙-场中路-界华路",
            "锦秋路-沪太路西侧 200 米-锦秋路北侧 300 米",
        ),
        ("nanda", "汇丰路-南大路-汇丰路西约250米", "走马塘路"),
        ("bio-south", "潘泾路", "杨南路"),
    ],
)
def test_it_keeps_the_boundary_text_after_the_direction_as_written(plan, code, east, north):
    boundary = Boundary.objects.get(parcel__code=code)

    assert (boundary.east, boundary.north) == (east, north)


# --- spatial layout and industries (docs/plan-14th.md §2) ---------------------------------------------------


def codes(queryset) -> set[str]:
    return set(queryset.values_list("code", flat=True))


FUNCTIONAL_AREAS = [
    ("宝山工业园区(含罗店区块)", "manufacturing", {"baoshan-industrial", "luodian-industrial", "bio-south"}),
    ("城市工业园区(超能新材料科创园)", "manufacturing", {"urban-industrial"}),
    ("机器人产业园", "manufacturing", {"robot-park"}),
    ("电子商务示范基地(一号线)", "services", {"ecommerce-north", "ecommerce-south"}),
    ("复旦高新技术产业基地(三号线)", "services", {"fudan-hitech"}),
    ("文化产业示范基地(七号线)", "services", {"culture-base"}),
    ("南大生态智慧城", "transformation", {"nanda"}),
    ("吴淞创新城", "transformation", {"fudan-hitech"}),
]


def test_it_has_the_eight_functional_areas_in_order(plan):
    assert list(FunctionalArea.objects.values_list("name_zh", flat=True)) == [row[0] for row in FUNCTIONAL_AREAS]


@pytest.mark.parametrize(("name_zh", "kind", "parcels"), FUNCTIONAL_AREAS)
def test_it_maps_each_functional_area_to_its_parcels(plan, name_zh, kind, parcels):
    area = FunctionalArea.objects.get(name_zh=name_zh)

    assert area.kind == kind
    assert codes(area.parcels) == parcels
    assert area.lead_industries_zh and area.lead_industries_en


def test_it_notes_the_biomedical_park_parts_and_wusong_within_fudan(plan):
    baoshan = FunctionalArea.objects.get(name_zh="宝山工业园区(含罗店区块)")
    wusong = FunctionalArea.objects.get(name_zh="吴淞创新城")

    for part in ["北区=宝山工业园东片", "中区=罗店工业园", "南区=富锦工业园"]:
        assert part in baoshan.note
    assert "一部分" in wusong.note
    assert "复旦高新技术产业基地" in wusong.note
    assert "part of" in wusong.note_en
    for industry in ["邮轮配套", "新能源汽车核心零部件", "生物医药"]:
        assert industry in baoshan.lead_industries_zh


def test_it_lists_the_seven_key_and_three_shanghai_lead_industries(plan):
    def names(kind):
        return list(KeyIndustry.objects.filter(kind=kind).order_by("order").values_list("name_zh", flat=True))

    assert names("key") == ["智能制造", "新材料", "生物医药", "人工智能", "节能环保", "在线新经济/平台经济", "文化创意"]
    assert names("shanghai_lead") == ["集成电路", "人工智能", "生物医药"]


# --- the eight indicators (docs/plan-14th.md §3, docs/method.md §2) ----------------------------------------------

INDICATORS = [
    ("I1", "企业研发经费支出占增加值比重", "%", 2, "benchmark", None, "不低于张江高新区整体水平"),
    ("I2", "万人当年新增发明专利授权数", "件/万人", 2, "level", "100", "100"),
    ("I3", "战略性新兴产业制造业产值占规模以上工业产值的比重", "%", 2, "benchmark", None, "达到全市平均水平"),
    ("I4", "经认定的高新技术企业", "家", 0, "level", "800", "800"),
    ("I5", "营收10亿以上的行业龙头企业", "家", 0, "level", "30", "30"),
    ("I6", "五年累计新增科技上市企业", "家", 0, "cumulative", "5", "5"),
    ("I7", "企业外籍常驻人员和留学归国人员占比", "%", 2, "level", "1.5", "1.5"),
    ("I8", "硕士以上从业人员占比", "%", 2, "level", "6", "6"),
]


def test_it_has_the_eight_indicators_in_order(plan):
    assert list(plan.indicators.values_list("code", flat=True)) == [row[0] for row in INDICATORS]


@pytest.mark.parametrize(("code", "name_zh", "unit", "decimals", "kind", "target", "text"), INDICATORS)
def test_it_states_each_indicator_and_its_2025_target(plan, code, name_zh, unit, decimals, kind, text, target):
    indicator = Indicator.objects.get(plan=plan, code=code)

    assert (indicator.name_zh, indicator.unit, indicator.decimals) == (name_zh, unit, decimals)
    assert (indicator.target_kind, indicator.target_text_zh, indicator.target_year) == (kind, text, 2025)
    assert indicator.target_value == (None if target is None else Decimal(target))
    assert indicator.attribute == "预期性"
    assert indicator.name_en and indicator.unit_en and indicator.target_text_en
    assert indicator.formula_zh and indicator.formula_en and indicator.definition_zh and indicator.definition_en
    assert bool(indicator.benchmark_name_zh) == (kind == "benchmark")


def test_it_words_the_formulas_as_ratios_of_sums_with_their_scopes(plan):
    formula = dict(plan.indicators.values_list("code", "formula_zh"))

    assert "Σ研发经费支出 / Σ增加值 × 100" in formula["I1"]
    assert "规模以上" in formula["I3"]
    assert "100 000万元" in formula["I5"]
    assert "2021-01-01" in formula["I6"]
    assert "上海市" in Indicator.objects.get(code="I3").benchmark_name_zh
    assert "张江高新区" in Indicator.objects.get(code="I1").benchmark_name_zh


def test_it_ships_the_plans_base_values_with_their_sources(plan):
    rows = {(v.indicator.code, v.year): (v.value, v.derived) for v in BaseValue.objects.select_related("indicator")}

    assert rows == {
        ("I2", 2015): (Decimal("42"), False),
        ("I2", 2019): (Decimal("89"), False),
        ("I4", 2015): (Decimal("108"), True),
        ("I4", 2020): (Decimal("327"), False),
    }
    assert all("“十三五”发展回顾" in source for source in BaseValue.objects.values_list("source", flat=True))


def test_it_ships_the_shanghai_benchmark_with_sources_and_no_unverified_2025(plan):
    rows = {v.year: (v.value, v.source) for v in BenchmarkValue.objects.filter(indicator__code="I3")}

    assert sorted(rows) == [2020, 2023, 2024]
    assert rows[2020][0] == Decimal("40")
    assert rows[2023][0] == Decimal("43.9")
    assert rows[2024][0] == Decimal("43.6")
    assert "2021年上海市政府工作报告" in rows[2020][1]
    assert "2024年上海市政府工作报告" in rows[2023][1] and "2024-01-29" in rows[2023][1]
    assert "上海市发展和改革委员会" in rows[2024][1] and "表一" in rows[2024][1] and "2025-01-23" in rows[2024][1]
    assert not BenchmarkValue.objects.filter(indicator__code="I1").exists()


# --- the 13th-FYP review (docs/plan-14th.md §4) --------------------------------------------------------------

REVIEW = [
    ("四上企业营业收入", "2378亿元", "115.6%", 2019),
    ("规上工业总产值", "433.1亿元", "18.1%", 2019),
    ("增加值", "232.5亿元", "78.2%", 2019),
    ("税收", "81.7亿元", "61.4%", 2019),
    ("高新技术企业", "327家", "202.7%", 2020),
    ("上市挂牌企业", "47家", "49%", 2019),
    ("新增注册企业", "3491家", "32574", 2019),
    ("市级以上孵化器、众创空间", "超过20家", "", 2019),
    ("科技融资服务平台服务企业", "543家次", "174家次", 2019),
    ("万人当年新增发明专利授权数", "89件/万人", "112%", 2019),
]


def test_it_has_the_review_figures_in_order(plan):
    assert list(plan.review_figures.values_list("label_zh", flat=True)) == [row[0] for row in REVIEW]


@pytest.mark.parametrize(("label", "value", "change", "year"), REVIEW)
def test_it_shows_each_review_figure_with_its_source(plan, label, value, change, year):
    figure = ReviewFigure.objects.get(plan=plan, label_zh=label)

    assert (figure.value, figure.year) == (value, year)
    assert change in figure.change_zh
    assert figure.label_en and figure.value_en
    assert "“十三五”发展回顾" in figure.source


def test_it_keeps_the_other_parts_of_the_review_figures(plan):
    high_tech = ReviewFigure.objects.get(label_zh="高新技术企业")
    financing = ReviewFigure.objects.get(label_zh="科技融资服务平台服务企业")

    assert "219" in high_tech.change_zh
    assert "4亿元" in financing.change_zh


# --- the admin ---------------------------------------------------------------------------------------

REGISTERED = [model for model in admin.site._registry if model._meta.app_label in {"parcels", "indicators"}]


def add_statistic() -> Statistic:
    parcel = Parcel.objects.get(code="robot-park")
    enterprise = Enterprise.objects.create(credit_code=make_code("91310113MA1GK0000"), name="测试企业", parcel=parcel)
    return Statistic.objects.create(enterprise=enterprise, parcel=parcel, year=2021, quarter=4, source="cli")


def test_it_registers_every_model_of_both_apps():
    from django.apps import apps

    models = set(apps.get_app_config("parcels").get_models()) | set(apps.get_app_config("indicators").get_models())
    assert models == set(REGISTERED)


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model.__name__)
def test_it_answers_each_admin_changelist(admin_client, plan, model):
    add_statistic()
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")

    response = admin_client.get(url)

    assert response.status_code == 200


@pytest.mark.parametrize("model", [Parcel, FunctionalArea, Indicator, BenchmarkValue], ids=lambda m: m.__name__)
def test_it_answers_the_change_pages_with_inlines(admin_client, plan, model):
    instance = model.objects.first()
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[instance.pk])

    assert admin_client.get(url).status_code == 200


@pytest.mark.parametrize(
    "model", [DataChange, IndicatorValue, Progress, RecomputeState], ids=lambda model: model.__name__
)
def test_it_lets_nobody_add_computed_or_logged_rows(admin_client, model):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")

    assert admin_client.get(url).status_code == 403


def test_it_splits_only_count_indicators_among_parcels(plan):
    parcel = Parcel.objects.get(code="robot-park")
    i1 = Indicator.objects.get(code="I1")
    i4 = Indicator.objects.get(code="I4")

    refused = ParcelTargetForm(data={"indicator": i1.pk, "parcel": parcel.pk, "value": "1", "note": ""})
    accepted = ParcelTargetForm(data={"indicator": i4.pk, "parcel": parcel.pk, "value": "120", "note": ""})

    assert not refused.is_valid()
    assert "只有计数类指标" in refused.errors["indicator"][0]
    assert accepted.is_valid(), accepted.errors


def test_it_records_who_entered_a_benchmark_value(admin_client, admin_user, plan):
    i3 = Indicator.objects.get(code="I3")
    url = reverse("admin:indicators_benchmarkvalue_add")

    response = admin_client.post(
        url, {"indicator": i3.pk, "year": 2022, "value": "42.0", "source": "2023年上海市政府工作报告"}
    )

    assert response.status_code == 302
    assert BenchmarkValue.objects.get(indicator=i3, year=2022).updated_by == admin_user
