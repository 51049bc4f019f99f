"""The report's data-quality section says each parcel's quarterly return scores (snapshot key return_quality)."""

from __future__ import annotations

import pytest

from indicators.reports import appendix, snapshot
from parcels.demo import seed_demo

PARTS = ("score", "completeness", "timeliness", "outliers", "consistency")
SCORES = [
    {"parcel": "a", "quarter": 1, **dict(zip(PARTS, (96, 100, 100, 90, 88), strict=True))},
    {"parcel": "a", "quarter": 2, **dict(zip(PARTS, (72, 60, 75, 90, 70), strict=True))},
    {"parcel": "b", "quarter": 1, **dict(zip(PARTS, (99, 100, None, 98, 99), strict=True))},
]
NAMES = {"a": "甲地块", "b": "乙地块"}


def quality_section(scores, language="zh"):
    frozen = {"quality": {"return_quality": scores}}
    return appendix.return_quality(frozen, NAMES.get, language)


def test_it_says_every_parcels_scores_and_why_the_low_ones_lost_points():
    zh = quality_section(SCORES)
    assert "季度报表数据质量评分（满分100，完整性占40%，及时性、异常值、逻辑一致性各占20%）：" in zh[0]
    assert "甲地块（第1季度96、第2季度72）；乙地块（第1季度99）" in zh[0]
    assert zh[1] == "得分低于80分的：甲地块第2季度（72分：完整性60、及时性75、逻辑一致性70），相关数据引用前宜再核实。"
    en = quality_section(SCORES, "en")
    assert "甲地块 Q1 96, Q2 72" in en[0] and en[1].startswith("Scores below 80: 甲地块 Q2 (72: completeness 60")


def test_it_says_nothing_of_scores_without_any():
    assert not any("质量评分" in sentence for sentence in quality_section([]))


@pytest.mark.django_db
def test_the_snapshot_freezes_each_parcel_quarters_score(plan):
    seed_demo(enterprises=40, seed=3)
    frozen = snapshot.build_snapshot(year=2024, plan=plan)
    scores = frozen["quality"]["return_quality"]
    assert {(s["parcel"], s["quarter"]) for s in scores} == {
        (p["code"], q) for p in frozen["parcels"] for q in range(1, 5) if p["code"] in {s["parcel"] for s in scores}
    }
    assert all(0 <= s["score"] <= 100 and s["timeliness"] is None for s in scores)  # demo data: imported
    assert set(scores[0]) == {"parcel", "quarter", "score", "completeness", "timeliness", "outliers", "consistency"}
