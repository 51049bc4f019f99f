"""import_benchmarks: load or revise the benchmark series, all or nothing."""

import io

import pytest
from django.core.management import CommandError, call_command

from indicators.models import BenchmarkValue
from parcels.models import DataChange

pytestmark = pytest.mark.django_db


def run(path) -> str:
    out = io.StringIO()
    call_command("import_benchmarks", str(path), stdout=out)
    return out.getvalue().strip().splitlines()[-1]


def test_it_loads_then_revises_then_leaves_alone(plan, tmp_path):
    path = tmp_path / "benchmarks.csv"
    path.write_text(
        "indicator,year,value,source\nI1,2021,3.1,张江高新区统计公报\nI3,2021,41.2,上海市统计公报\n", encoding="utf-8"
    )
    assert run(path) == "created=2 updated=0 unchanged=0"
    path.write_text("indicator,year,value,source\nI1,2021,3.15,张江高新区统计公报（修订）\n", encoding="utf-8")
    assert run(path) == "created=0 updated=1 unchanged=0"
    changes = DataChange.objects.count()
    assert run(path) == "created=0 updated=0 unchanged=1"
    assert DataChange.objects.count() == changes  # nothing written, nothing to recompute
    value = BenchmarkValue.objects.get(indicator__code="I1", year=2021)
    assert (str(value.value), value.source) == ("3.1500", "张江高新区统计公报（修订）")
    history = BenchmarkValue.pgh_event_model.objects.filter(pgh_obj=value).order_by("pgh_id")
    assert [(e.pgh_label, str(e.value)) for e in history] == [("insert", "3.1000"), ("update", "3.1500")]
    assert history.last().pgh_context.metadata["source"] == "cli"


def test_it_reads_a_gbk_file_with_full_width_figures(plan, tmp_path):
    path = tmp_path / "gbk.csv"
    path.write_bytes("indicator,year,value,source\nI3,２０２２,４２．５,上海市政府工作报告\n".encode("gbk"))
    assert run(path) == "created=1 updated=0 unchanged=0"
    assert BenchmarkValue.objects.get(indicator__code="I3", year=2022).value == pytest.approx(42.5)


def test_it_writes_nothing_and_names_every_bad_cell(plan, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(
        "indicator,year,value,source\n"
        "I3,2022,42.5,上海市政府工作报告\n"
        "I4,2022,600,某来源\n"
        "I3,二〇二二,42,来源\n"
        "I1,2023,abc,来源\n"
        "I1,2024,3.2,\n",
        encoding="utf-8",
    )
    before = BenchmarkValue.objects.count()
    err = io.StringIO()
    with pytest.raises(CommandError, match="4处错误"):
        call_command("import_benchmarks", str(path), stdout=io.StringIO(), stderr=err)
    messages = err.getvalue()
    assert "第3行 「indicator」 值“I4”：不是对标类指标" in messages
    assert "第4行 「year」 值“二〇二二”" in messages
    assert "第5行 「value」 值“abc”" in messages
    assert "第6行 「source」" in messages
    assert BenchmarkValue.objects.count() == before
