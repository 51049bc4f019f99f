"""load_plan: the schema with paths inside the file, formulas checked on load, revisions with a reason."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from indicators.models import Indicator, Plan, Report
from indicators.reference import ReferenceDataError, RevisionRequired, load_plan

from .test_reference_data import PLAN_FILE


def write(tmp_path, document, name="plan.json"):
    path = tmp_path / name
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def fourteenth():
    return json.loads(PLAN_FILE.read_text(encoding="utf-8"))


# a change to the 14th plan's file → the path and the words of the error
BROKEN = [
    (lambda d: d["indicators"][2].update(target_kind="absolut"), "indicators[2].target_kind"),
    (lambda d: d["indicators"][4].pop("formula"), "indicators[4]: 'formula' is a required property"),
    (lambda d: d["plan"].update(start_year="2021"), "plan.start_year: '2021' is not of type 'integer'"),
    (lambda d: d["parcels"][3].update(areakm2=1), "parcels[3]: Additional properties are not allowed"),
    (lambda d: d["indicators"][0].update(target_value=5), "indicators[0].target_value: 5 is not of type 'null'"),
    (lambda d: d["indicators"][1].update(target_value=None), "indicators[1].target_value: None is not of type"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("change", "says"), BROKEN, ids=[b[1].split(":")[0] for b in BROKEN])
def test_it_refuses_a_file_that_breaks_the_schema_naming_the_path_and_writes_nothing(tmp_path, change, says):
    document = fourteenth()
    change(document)

    with pytest.raises(ReferenceDataError) as caught:
        load_plan(write(tmp_path, document))

    assert says in str(caught.value)
    assert not Plan.objects.exists()


@pytest.mark.django_db
def test_it_refuses_a_wrong_formula_naming_the_plan_the_indicator_and_the_position(tmp_path):
    document = fourteenth()
    document["indicators"][4]["formula"] = "count(revenue >= 100000"

    with pytest.raises(ReferenceDataError) as caught:
        load_plan(write(tmp_path, document))

    assert "规划 fyp-14 指标 I5" in str(caught.value)
    assert "第1行第24列" in str(caught.value)
    assert not Plan.objects.exists()


@pytest.mark.django_db
def test_it_refuses_a_formula_over_an_element_that_does_not_exist(tmp_path):
    document = fourteenth()
    document["indicators"][0]["formula"] = "100 * sum(rd_spending) / sum(value_added)"

    with pytest.raises(ReferenceDataError, match=r"指标 I1.*没有统计指标项“rd_spending”"):
        load_plan(write(tmp_path, document))


@pytest.mark.django_db
def test_loading_the_same_file_twice_writes_nothing_the_second_time():
    load_plan(PLAN_FILE)
    again = load_plan(PLAN_FILE)

    assert all(c["created"] == 0 and c["updated"] == 0 for c in again.values())


def freeze(plan: Plan) -> Report:
    return Report.objects.create(
        plan=plan,
        year=2023,
        kind=Report.Kind.ANNUAL,
        snapshot={},
        snapshot_sha256="0" * 64,
        data_version=1,
        created_at=timezone.now(),
        state=Report.State.DONE,
    )


@pytest.mark.django_db
def test_a_plan_with_reports_changes_only_as_a_revision_with_a_reason(tmp_path):
    load_plan(PLAN_FILE)
    freeze(Plan.objects.get())
    document = fourteenth()
    document["indicators"][3]["target_value"] = 900
    path = write(tmp_path, document)

    with pytest.raises(RevisionRequired, match="--revise"):
        load_plan(path)
    assert Indicator.objects.get(code="I4").target_value == 800
    with pytest.raises(ReferenceDataError, match="须说明原因"):
        load_plan(path, revise=True, reason=" ")

    load_plan(path, revise=True, reason="区政府2023年中期调整")

    i4 = Indicator.objects.get(code="I4")
    assert i4.target_value == 900
    event = i4.events.order_by("-pgh_id").first()
    assert event.pgh_context.metadata["reason"] == "区政府2023年中期调整"
    assert load_plan(PLAN_FILE.parent / "plan-14th.json", revise=True, reason="恢复")["Indicator"]["updated"] == 1


@pytest.mark.django_db
def test_the_command_takes_revise_and_reason(tmp_path):
    call_command("load_plan", str(PLAN_FILE))
    freeze(Plan.objects.get())
    document = fourteenth()
    document["plan"]["short_en"] = "Baoshan 14th FYP"
    path = write(tmp_path, document)

    with pytest.raises(CommandError, match="已有评估报告"):
        call_command("load_plan", str(path))
    call_command("load_plan", str(path), "--revise", "--reason", "英文简称统一")

    assert Plan.objects.get().short_en == "Baoshan 14th FYP"


@pytest.mark.django_db
def test_the_admin_refuses_a_wrong_formula_saying_where(admin_client):
    load_plan(PLAN_FILE)
    i5 = Indicator.objects.get(code="I5")
    url = f"/admin/indicators/indicator/{i5.pk}/change/"
    form = admin_client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update({"formula": "count(revenue >= 100000", "responsible_users": []})
    for prefix in ("base_values", "benchmark_values"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "计算表达式有误" in response.content.decode() and "第1行第24列" in response.content.decode()
    assert Indicator.objects.get(code="I5").formula == "count(revenue >= 100000)"
