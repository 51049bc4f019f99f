"""The plan editor's pages: who may use them, copy, file, formula check, check list, publish, reason, history."""

from __future__ import annotations

import json

import pytest

from indicators import queries as indicator_queries
from indicators.models import Indicator, ParcelTarget, Plan
from indicators.planning import queries as planning_queries
from parcels import access
from parcels.models import DataElement, Parcel
from tests.conftest import PLAN_FILE
from tests.factories import make_enterprise, make_plan, make_statistic, make_user

pytestmark = pytest.mark.django_db

COPY = {
    "code": "fyp-15",
    "name_zh": "宝山园“十五五”规划",
    "name_en": "Baoshan 15th FYP",
    "short_zh": "十五五",
    "short_en": "15th FYP",
    "start_year": "2026",
    "end_year": "2030",
    "base_year": "2025",
}


@pytest.fixture
def office(db):
    return make_user("planner", role=access.OFFICE)


@pytest.fixture
def records(plan):
    """Two enterprises of the first parcel with figures for 2025 Q3, Q4 and 2026 Q1."""
    parcel = Parcel.objects.order_by("order").first()
    for n in range(2):
        enterprise = make_enterprise(parcel=parcel)
        for year, quarter in [(2025, 3), (2025, 4), (2026, 1)]:
            make_statistic(
                enterprise=enterprise,
                year=year,
                quarter=quarter,
                employees=100,
                invention_patents=quarter + n,
                revenue=1000,
                value_added=200,
                rd_expenditure=10,
                high_tech=True,
            )
    return parcel


def copy_plan(client, office, source, **changes):
    client.force_login(office)
    return client.post("/planning/new/", {**COPY, "source_plan": source.pk, **changes})


@pytest.mark.parametrize("role", [access.OFFICIAL, access.MANAGER])
def test_it_lets_no_one_but_the_office_in(client, plan, role):
    parcels = list(Parcel.objects.order_by("order")[:1]) if role == access.MANAGER else []
    client.force_login(make_user(role=role, parcels=parcels))
    assert client.get("/planning/").status_code == 403
    assert client.post("/planning/new/", {**COPY, "source_plan": plan.pk}).status_code == 403
    for url in ["/planning/fyp-14/", "/planning/fyp-14/check/", "/planning/fyp-14/history/"]:
        assert client.get(url).status_code == 404, url
    assert client.get("/planning/fyp-14/formula.json?formula=sum(revenue)").status_code == 404
    assert client.post("/planning/fyp-14/check/", {"confirm": "on"}).status_code == 404
    assert "/planning/" not in client.get("/").content.decode()
    assert not Plan.objects.exclude(code="fyp-14").exists()


def test_it_sends_a_visitor_to_the_login(client, plan):
    assert client.get("/planning/").status_code == 302


def test_the_office_sees_every_plan_with_its_status(client, plan, office):
    make_plan("draft-plan", status=Plan.Status.DRAFT, start_year=2026, end_year=2030, example=True)
    client.force_login(office)
    page = client.get("/planning/").content.decode()
    assert 'href="/planning/"' in page  # the header's 规划管理
    assert 'data-plan="fyp-14"' in page and 'data-plan="draft-plan"' in page
    assert "草稿" in page and "已发布" in page and "示例" in page


def test_it_copies_a_plan_into_a_draft_officials_cannot_see(client, plan, office):
    i4 = Indicator.objects.get(plan=plan, code="I4")
    first = Parcel.objects.order_by("order").first()
    ParcelTarget.objects.create(indicator=i4, parcel=first, value=12)
    i4.responsible_unit = "区科委"
    i4.save()
    i4.responsible_users.add(office)

    response = copy_plan(client, office, plan)
    assert response.status_code == 302, response.content.decode()[:3000]
    copy = Plan.objects.get(code="fyp-15")
    assert copy.is_draft and copy.published_at is None and not copy.example
    assert (copy.start_year, copy.end_year, copy.base_year) == (2026, 2030, 2025)
    assert copy.park_area_km2 == plan.park_area_km2
    assert set(copy.parcels.all()) == set(plan.parcels.all())
    assert copy.indicators.count() == 8 and set(copy.indicators.values_list("target_year", flat=True)) == {2030}
    copied = copy.indicators.get(code="I4")
    assert copied.responsible_unit == "区科委" and list(copied.responsible_users.all()) == [office]
    assert list(copied.parcel_targets.values_list("parcel", "value")) == [(first.id, 12)]
    # The 14th plan's base-year (2020) figures are not the new plan's (2025): none copied.
    assert not copy.indicators.filter(base_values__isnull=False).exists()
    benchmarks = [p.indicators.get(code="I3").benchmark_values.count() for p in (plan, copy)]
    assert benchmarks[0] == benchmarks[1] > 0

    official = make_user(role=access.OFFICIAL)
    client.force_login(official)
    assert client.get("/plans/fyp-15/").status_code == 404
    assert "fyp-15" not in [p.code for p in indicator_queries.plans()]


def test_it_refuses_a_copy_under_a_code_taken_naming_it(client, plan, office):
    response = copy_plan(client, office, plan, code="fyp-14")
    assert response.status_code == 200
    assert "规划代码“fyp-14”已存在" in response.content.decode()
    assert Plan.objects.count() == 1


def test_it_refuses_a_copy_whose_base_year_is_not_before_its_start(client, plan, office):
    response = copy_plan(client, office, plan, base_year="2026")
    assert "基期年 2026 应早于起始年 2026" in response.content.decode()
    assert Plan.objects.count() == 1


def upload(client, office, tmp_path, document, name="plan.json"):
    path = tmp_path / name
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    client.force_login(office)
    with path.open("rb") as f:
        return client.post("/planning/upload/", {"file": f})


def later_document():
    document = json.loads(PLAN_FILE.read_text(encoding="utf-8"))
    document["plan"].update(code="from-file", start_year=2026, end_year=2030, base_year=2025)
    for indicator in document["indicators"]:
        indicator["target_year"] = 2030
        indicator["base_values"] = []
    document.pop("review_figures", None)
    return document


def test_it_loads_a_plan_file_as_a_draft(client, plan, office, tmp_path):
    response = upload(client, office, tmp_path, later_document())
    assert response.status_code == 302, response.content.decode()[:3000]
    loaded = Plan.objects.get(code="from-file")
    assert loaded.is_draft and loaded.indicators.count() == 8


def test_it_refuses_a_file_listing_every_place_it_breaks_the_schema_and_writes_nothing(client, plan, office, tmp_path):
    document = later_document()
    document["indicators"][2]["target_kind"] = "most"
    del document["plan"]["issuer"]
    response = upload(client, office, tmp_path, document)
    page = response.content.decode()
    assert response.status_code == 400
    assert "indicators[2].target_kind" in page and "plan" in page and "issuer" in page
    assert not Plan.objects.filter(code="from-file").exists()


def test_it_refuses_a_file_with_a_wrong_formula_and_writes_nothing(client, plan, office, tmp_path):
    document = later_document()
    document["indicators"][0]["formula"] = "sum(robots) / sum(employees)"
    response = upload(client, office, tmp_path, document)
    assert response.status_code == 400
    assert "没有统计指标项“robots”" in response.content.decode()
    assert not Plan.objects.filter(code="from-file").exists()


def test_it_refuses_a_file_of_an_existing_plan_or_not_json(client, plan, office, tmp_path):
    response = upload(client, office, tmp_path, json.loads(PLAN_FILE.read_text(encoding="utf-8")))
    assert "规划代码“fyp-14”已存在" in response.content.decode()
    response = upload(client, office, tmp_path, {}, name="plan.txt")
    assert "文件“plan.txt”不是 JSON 文件" in response.content.decode()


def test_the_formula_check_names_line_and_column_or_gives_the_latest_values(client, plan, office, records):
    client.force_login(office)
    url = "/planning/fyp-14/formula.json"
    wrong = client.get(url, {"formula": "10000 * sum(invention_patents) /\n  sum(employes)"}).json()
    assert wrong["ok"] is False and (wrong["line"], wrong["column"]) == (2, 7)
    assert wrong["error"] == "第2行第7列：没有统计指标项“employes”"
    cut = client.get(url, {"formula": "sum(revenue"}).json()
    assert cut["ok"] is False and "表达式不完整" in cut["error"]

    answer = client.get(url, {"formula": "10000 * sum(invention_patents) / sum(employees)", "decimals": "1"}).json()
    assert answer["ok"] is True
    assert [(r["year"], r["quarter"]) for r in answer["values"]] == [(2025, 3), (2025, 4), (2026, 1)]
    # 2025 Q4: (4 + 5) patents for 200 employees.
    assert answer["values"][1]["value"] == pytest.approx(10000 * 9 / 200)
    assert answer["values"][1]["text"] == "450.0"
    assert answer["values"][1]["label"] == "2025年"


def test_the_check_lists_what_is_missing_and_publishing_waits_for_it(client, plan, office):
    copy_plan(client, office, plan)
    draft = Plan.objects.get(code="fyp-15")
    page = client.get("/planning/fyp-15/check/").content.decode()
    assert "目标没有基期值：2025年既无规划公布的基期值" in page  # no 2025 records, no published 2025 base
    assert 'id="publish-refused"' in page and 'id="publish-button"' not in page
    response = client.post("/planning/fyp-15/check/", {"confirm": "on"})
    assert "不能发布" in response.content.decode()
    draft.refresh_from_db()
    assert draft.is_draft


def test_it_publishes_a_checked_plan_and_retires_the_overlapping_example(client, plan, office, records):
    example = make_plan("example-15", start_year=2026, end_year=2030, example=True)
    assert example.is_published
    copy_plan(client, office, plan)
    draft = Plan.objects.get(code="fyp-15")
    page = client.get("/planning/fyp-15/check/").content.decode()
    assert 'id="publish-button"' in page and 'id="retiring"' in page and "example-15" in page

    response = client.post("/planning/fyp-15/check/", {"confirm": "on"}, follow=True)
    assert "已发布" in response.content.decode() and "示例规划“example-15”已撤下" in response.content.decode()
    draft.refresh_from_db()
    example.refresh_from_db()
    assert draft.is_published and draft.published_at is not None
    assert example.status == Plan.Status.RETIRED
    assert plan.is_published  # the 14th plan's period does not overlap


def test_publishing_an_example_plan_retires_nothing(client, plan, office, records):
    other = make_plan("example-15", start_year=2026, end_year=2030, example=True)
    copy_plan(client, office, plan)
    Plan.objects.filter(code="fyp-15").update(example=True)
    client.post("/planning/fyp-15/check/", {"confirm": "on"})
    other.refresh_from_db()
    assert Plan.objects.get(code="fyp-15").is_published and other.is_published


def plan_form(plan, **changes):
    data = {
        name: getattr(plan, name)
        for name in [
            "name_zh",
            "name_en",
            "short_zh",
            "short_en",
            "start_year",
            "end_year",
            "base_year",
            "park_area_km2",
            "issuer",
            "source",
        ]
    }
    data["parcels"] = list(plan.parcels.values_list("pk", flat=True))
    data["functional_areas"] = list(plan.functional_areas.values_list("pk", flat=True))
    return {**data, **changes}


def test_a_published_plan_changes_only_with_a_reason_which_the_history_keeps(client, plan, office):
    client.force_login(office)
    response = client.post("/planning/fyp-14/", plan_form(plan, name_zh="改名"))
    assert response.status_code == 200
    assert "规划“fyp-14”已发布，修改须填写修改原因" in response.content.decode()
    plan.refresh_from_db()
    assert plan.name_zh != "改名"

    response = client.post("/planning/fyp-14/", plan_form(plan, name_zh="改名", reason="按区政府批复更正名称"))
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.name_zh == "改名"
    page = client.get("/planning/fyp-14/history/").content.decode()
    assert "按区政府批复更正名称" in page and "planner" in page and "改名" in page


def test_a_draft_changes_without_a_reason_and_the_history_says_who(client, plan, office):
    copy_plan(client, office, plan)
    draft = Plan.objects.get(code="fyp-15")
    response = client.post("/planning/fyp-15/", plan_form(draft, park_area_km2="31.00"))
    assert response.status_code == 302
    rows = client.get("/planning/fyp-15/history/").content.decode()
    assert "planner" in rows and "31.00" in rows


def indicator_form(**changes):
    data = {
        "code": "N1",
        "order": "9",
        "name_zh": "新指标",
        "name_en": "New indicator",
        "unit": "家",
        "unit_en": "enterprises",
        "decimals": "0",
        "definition_zh": "说明",
        "definition_en": "Definition",
        "formula": "count(high_tech)",
        "formula_zh": "高新技术企业数",
        "formula_en": "High-tech enterprises",
        "target_kind": "level",
        "target_value": "10",
        "target_year": "2025",
        "target_text_zh": "10家",
        "target_text_en": "10",
        "attribute": "预期性",
        "responsible_unit": "区科委",
    }
    return {**data, **changes}


def test_it_adds_an_indicator_with_split_targets_and_responsible_users(client, plan, office):
    client.force_login(office)
    first, second = Parcel.objects.order_by("order")[:2]
    form = indicator_form(
        reason="新增指标", responsible_users=[office.pk], **{f"split-{first.id}": "6", f"note-{first.id}": "分解"}
    )
    response = client.post("/planning/fyp-14/indicators/new/", form)
    assert response.status_code == 302, response.content.decode()[:3000]
    added = Indicator.objects.get(plan=plan, code="N1")
    assert list(added.parcel_targets.values_list("parcel", "value", "note")) == [(first.id, 6, "分解")]
    assert list(added.responsible_users.all()) == [office]

    # Emptied, the share goes; another parcel gets one.
    form.update({f"split-{first.id}": "", f"split-{second.id}": "4"})
    client.post("/planning/fyp-14/indicators/N1/", form)
    assert list(added.parcel_targets.values_list("parcel", "value")) == [(second.id, 4)]


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"formula": "count(high_tec)"}, "计算表达式“count(high_tec)”有误：第1行第7列：没有统计指标项“high_tec”"),
        ({"target_value": ""}, "目标类型“达到水平”须填目标值"),
        ({"target_kind": "benchmark"}, "对标目标不填目标值（填了“10”）"),
        ({"target_year": "2030"}, "目标年 2030 不在规划期 2021—2025 年内"),
        ({"code": "I1"}, "本规划已有编号为“I1”的指标"),
        ({"split-PARCEL": "-3"}, "的分解目标值“-3”不是非负数"),
        ({"formula": "sum(revenue) / sum(employees)", "split-PARCEL": "3"}, "比率类指标不能分解到地块"),
        ({"reason": ""}, "修改须填写修改原因"),
    ],
)
def test_it_refuses_a_wrong_indicator_naming_the_field_and_value(client, plan, office, changes, words):
    parcel = Parcel.objects.order_by("order").first()
    changes = {key.replace("PARCEL", str(parcel.id)): value for key, value in changes.items()}
    client.force_login(office)
    response = client.post("/planning/fyp-14/indicators/new/", indicator_form(**{"reason": "新增", **changes}))
    assert response.status_code == 200
    assert words in response.content.decode()
    assert not Indicator.objects.filter(plan=plan, code="N1").exists()


def test_it_drops_an_indicator_of_a_draft(client, plan, office):
    copy_plan(client, office, plan)
    assert client.post("/planning/fyp-15/indicators/I8/drop/").status_code == 302
    assert not Indicator.objects.filter(plan__code="fyp-15", code="I8").exists()
    assert Indicator.objects.filter(plan__code="fyp-14", code="I8").exists()


def element_form(**changes):
    data = {
        "code": "tech_contracts",
        "label_zh": "技术合同成交额",
        "label_en": "Technology contract turnover",
        "unit": "万元",
        "unit_en": "10k CNY",
        "kind": "flow",
        "decimals": "2",
        "min_value": "0",
        "first_period": "20261",
    }
    return {**data, **changes}


def test_it_adds_a_data_element_with_the_models_validation(client, plan, office):
    client.force_login(office)
    bad = client.post("/planning/fyp-14/elements/new/", element_form(code="Tech-Contracts", first_period="20265"))
    page = bad.content.decode()
    assert bad.status_code == 200 and "Tech-Contracts" in page and "20265" in page
    assert "期别应为" in page
    assert not DataElement.objects.filter(label_zh="技术合同成交额").exists()
    ranged = client.post("/planning/fyp-14/elements/new/", element_form(min_value="10", max_value="1"))
    assert "最大值不能小于最小值" in ranged.content.decode()

    assert client.post("/planning/fyp-14/elements/new/", element_form()).status_code == 302
    element = DataElement.objects.get(code="tech_contracts")
    assert element.column == "" and element.first_period == 20261
    answer = client.get("/planning/fyp-14/formula.json", {"formula": "sum(tech_contracts)"}).json()
    assert answer["ok"] is True


def test_a_published_base_value_typed_with_the_indicator_is_the_base_the_check_reads(client, plan, office):
    copy_plan(client, office, plan)
    form = indicator_form(
        code="G1", target_year="2030", formula="100 * sum(rd_expenditure) / sum(revenue)", base_value="2.5"
    )
    assert client.post("/planning/fyp-15/indicators/new/", form).status_code == 302
    added = Indicator.objects.get(plan__code="fyp-15", code="G1")
    assert list(added.base_values.values_list("year", "value", "source")) == [(2025, 2.5, "联席会议办公室录入")]
    # No 2025 records: without the typed value the check would say the target has no base.
    assert not [p for p in planning_queries.plan_problems(added.plan) if p.indicator == "G1"]
    client.post("/planning/fyp-15/indicators/G1/", {**form, "base_value": ""})
    assert not added.base_values.exists()
    assert [p.message for p in planning_queries.plan_problems(added.plan) if p.indicator == "G1"] == [
        "目标没有基期值：2025年既无规划公布的基期值，也无法由该年的统计数据算出"
    ]
