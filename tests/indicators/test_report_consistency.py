"""No generated sentence of a report contradicts its tables: every report year, both languages, ties and split targets.

The check (tests/indicators/report_checks.py) reads each generated sentence as
text and compares it with the completion table and the parcel tables of the
same document: status words, numbers, years, the parcels named and the ties.
"""

import re

import pytest

from indicators import services as indicator_services
from indicators.models import Indicator, ParcelTarget
from indicators.reports import content, snapshot
from parcels import demo
from parcels.models import Parcel, Statistic
from tests.indicators import report_checks
from tests.indicators.report_checks import Tables

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(plan):
    demo.seed_demo(enterprises=80, seed=11)
    indicator_services.recompute(full=True)
    return plan


def documents(year: int, languages=("zh", "en")):
    frozen = snapshot.build_snapshot(year=year)
    kind = content.default_kind(year, start_year=2021, end_year=2025)
    return frozen, {language: content.build_document(frozen, language=language, kind=kind) for language in languages}


def generated(doc) -> list[str]:
    return [b["text"] for b in doc["blocks"] if b["kind"] == "paragraph" and b.get("about")]


@pytest.mark.parametrize("year", [2021, 2022, 2023, 2024, 2025])
def test_it_writes_no_sentence_that_contradicts_its_tables(data, year):
    frozen, docs = documents(year)
    for language, doc in docs.items():
        sentences = generated(doc)
        assert len(sentences) >= 8 + 8  # each indicator's facts and its parcels, at least
        assert report_checks.problems(doc, frozen) == [], language


def test_it_measures_the_target_year_and_never_projects_it(data):
    _frozen, docs = documents(2025)
    for doc in docs.values():
        text = " ".join(generated(doc))
        assert "预计" not in text and "推算" not in text and "would be" not in text
        assert "可实现目标" not in text and "难以实现目标" not in text
    _frozen, earlier = documents(2023, languages=("zh",))
    assert "按2020年以来的趋势推算，2025年预计约为" in " ".join(generated(earlier["zh"]))


def test_it_describes_tied_and_unchanged_parcels_completely(data):
    """Three parcels left exactly at their base count are named together, never two of them picked."""
    parcels = list(Parcel.objects.order_by("order"))
    year = 2024
    # No I5 leaders anywhere in 2020 and 2024 except two parcels: the other eight are all unchanged at 0.
    Statistic.objects.filter(year__in=(2020, year), quarter=4).update(revenue=0)
    for parcel in parcels[:2]:
        for y in (2020, year):
            stat = Statistic.objects.filter(year=y, quarter=4, parcel=parcel).order_by("id")
            n = 2 if y == year else 1
            Statistic.objects.filter(id__in=list(stat.values_list("id", flat=True)[:n])).update(revenue=200_000)
    indicator_services.recompute(full=True)
    frozen, docs = documents(year, languages=("zh",))
    doc = docs["zh"]
    [sentence] = [b["text"] for b in doc["blocks"] if b.get("about") == {"scope": "parcels", "indicator": "I5"}]
    assert "8个地块与2020年持平" in sentence
    assert f"{parcels[0].name_zh}（50.0%）和{parcels[1].name_zh}（50.0%）" in sentence
    assert report_checks.problems(doc, frozen) == []


def test_it_judges_count_parcels_only_against_split_targets(data):
    indicator = Indicator.objects.get(code="I4")
    for parcel in Parcel.objects.order_by("order")[:3]:
        ParcelTarget.objects.create(indicator=indicator, parcel=parcel, value=60)
    indicator_services.recompute(full=True)
    frozen, docs = documents(2024, languages=("zh",))
    doc = docs["zh"]
    [sentence] = [b["text"] for b in doc["blocks"] if b.get("about") == {"scope": "parcels", "indicator": "I4"}]
    assert sentence.startswith("分地块看（按分解到各地块的目标评价）")
    header = [h["text"] for h in doc["parcel_tables"]["I4"]["header"][0]]
    assert "分解目标" in header and "占园区变化比重" not in header
    assert report_checks.problems(doc, frozen) == []


def test_the_check_catches_a_sentence_that_contradicts_the_table(data):
    """The check itself: a status word, a figure or a parcel changed in one sentence is reported."""
    frozen, docs = documents(2025, languages=("zh",))
    doc = docs["zh"]
    park = next(b for b in doc["blocks"] if b.get("about", {}) and b["about"].get("scope") == "park")
    word = report_checks.statuses_zh(park["text"])[0]
    other = "已实现" if word != "已实现" else "未实现"
    broken = {**doc, "blocks": [{**park, "text": park["text"].replace(word, other)}]}
    assert report_checks.problems(broken, frozen)
    number = report_checks.NUMBER.findall(park["text"].split("年", 1)[1])[0]
    broken = {**doc, "blocks": [{**park, "text": park["text"].replace(number, "9" + number, 1)}]}
    assert report_checks.problems(broken, frozen)
    summary = next(b for b in doc["blocks"] if b.get("about") == {"scope": "summary"} and "项指标中" in b["text"])
    one_more = re.sub(r"(已实现|未实现)(\d+)项", lambda m: f"{m[1]}{int(m[2]) + 1}项", summary["text"], count=1)
    assert one_more != summary["text"]
    broken = {**doc, "blocks": [{**summary, "text": one_more}]}
    assert report_checks.problems(broken, frozen)
    parcels = next(
        b for b in doc["blocks"] if (b.get("about") or {}).get("scope") == "parcels" and "最低的是" in b["text"]
    )
    named = re.search(r"最低的是([^（]+)（", parcels["text"]).group(1)
    other = next(name for name in Tables(doc).parcels[parcels["about"]["indicator"]] if name != named)
    broken = {**doc, "blocks": [{**parcels, "text": parcels["text"].replace(named, other, 1)}]}
    assert report_checks.problems(broken, frozen)
