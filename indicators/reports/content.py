"""Lay out a report's content from its frozen snapshot: the one document model all three writers print.

Pure: no Django. Everything a writer prints comes from here, so the Word,
PDF and Excel files say the same thing. A table cell is a dict
{"text": what a reader sees, "value": the raw number or text (Excel),
"format": an Excel number format or None}.
"""

from __future__ import annotations

from collections.abc import Mapping

from . import sentences as say
from .changes import _short

TITLE = (
    "张江高新区宝山园“十四五”规划实施情况评估报告",
    "Assessment Report on the Implementation of the 14th Five-Year Plan "
    "of the Zhangjiang High-tech Zone Baoshan Sub-park",
)
KINDS = {
    "annual": ("年度评估", "annual assessment"),
    "mid-term": ("中期评估", "mid-term assessment"),
    "final": ("终期评估", "final assessment"),
}
# Parcel figures built from fewer enterprises than this are not disclosed (parcels.access.CONFIDENTIAL_BELOW).
CONFIDENTIAL_BELOW = 3

LABELS = {
    "period": ("评估期", "Period assessed"),
    "year": ("评估年度", "Year assessed"),
    "kind": ("评估类型", "Kind"),
    "date": ("报告日期", "Report date"),
    "as_of": ("数据截至", "Data as of"),
    "version": ("数据版本", "Data version"),
    "hash": ("数据指纹(SHA-256)", "Data fingerprint (SHA-256)"),
    "author": ("生成人", "Made by"),
    "summary": ("一、总体情况", "1. Summary"),
    "main_table": ("二、主要指标完成情况", "2. The indicators"),
    "indicators": ("三、分指标评估", "3. Indicator by indicator"),
    "parcels": ("四、各地块指标情况", "4. The parcels"),
    "quality": ("五、数据质量说明", "5. Data quality"),
    "changes": ("六、与上次报告相比的变化", "6. Changes since the previous report"),
    "appendix": ("附录：指标说明、计算公式与计算输入", "Appendix: definitions, formulas and calculation inputs"),
    "comment": ("办公室意见", "The office's comment"),
    "parcel_contrib": ("各地块贡献", "The parcels' contributions"),
    "confidential": (
        "* 企业数少于3家的地块数值不予披露。",
        "* Figures of parcels with fewer than three enterprises are not disclosed.",
    ),
    "main_note": (
        "注：完成进度＝当年实际÷当年目标值；预期进度值为按基期值至2025年目标匀速推进时当年应达到的数值；"
        "对标类指标的目标值为当年对标基准值。",
        "Note: completion = actual ÷ the year's target; the expected value is where a straight path from the base "
        "value to the 2025 target stands in the year; a benchmark target's value is the benchmark's value of the year.",
    ),
}
MAIN_COLUMNS = [
    ("序号", "No."),
    ("指标名称", "Indicator"),
    ("单位", "Unit"),
    ("属性", "Attribute"),
    ("基期值", "Base value"),
    ("2025年目标", "2025 target"),
    ("当年实际", "Actual"),
    ("预期进度值", "Expected"),
    ("完成进度", "Completion"),
    ("评价", "Status"),
]
CONTRIB_COLUMNS = [
    ("地块", "Parcel"),
    ("当年实际", "Actual"),
    ("基期值", "Base value"),
    ("较基期变化", "Change since base"),
    ("完成进度", "Completion"),
    ("评价", "Status"),
    ("占园区变化比重", "Share of the park's change"),
]
ATTRIBUTES_EN = {"预期性": "indicative", "约束性": "binding"}
INPUT_LABELS = [
    ("base_value", ("基期值", "base value")),
    ("base_source", ("基期值来源", "source of the base value")),
    ("target", ("当年目标值", "target of the year")),
    ("benchmark_year", ("所用基准年份", "benchmark year used")),
    ("base_target", ("基期目标值", "target in the base year")),
    ("distance", ("当年差距 d", "distance d")),
    ("base_distance", ("基期差距 d0", "base distance d0")),
    ("elapsed_share", ("时间进度 s", "elapsed share s")),
    ("progress_share", ("任务进度 p", "progress share p")),
    ("pace", ("进度比 R=p/s", "pace R = p/s")),
    ("projection_slope", ("趋势斜率(每年)", "trend slope per year")),
    ("missing", ("缺少", "missing")),
]
BASE_SOURCES = {
    "plan": ("规划基期值", "the plan's figure"),
    "computed": ("由基期年数据计算", "computed from the base year's data"),
    "cumulative": ("累计指标，基期为0", "cumulative, 0 in the base year"),
}


def _t(pair, language: str) -> str:
    return pair[1] if language.startswith("en") else pair[0]


def cell(text: str, value=None, fmt: str | None = None) -> dict:
    return {"text": text, "value": text if value is None and fmt is None else value, "format": fmt}


def num_cell(value: float | None, decimals: int) -> dict:
    return {
        "text": say.number(value, decimals),
        "value": value,
        "format": "#,##0" if decimals == 0 else "#,##0." + "0" * decimals,
    }


def pct_cell(share: float | None) -> dict:
    return {"text": say.percent(share), "value": share, "format": "0.0%"}


def default_kind(year: int, *, end_year: int = 2025, start_year: int = 2021) -> str:
    """Return the usual kind of a report for a year: the middle year mid-term, the target year final."""
    if year >= end_year:
        return "final"
    if year == (start_year + end_year) // 2:
        return "mid-term"
    return "annual"


def build_document(
    snapshot: Mapping,
    *,
    language: str = "zh",
    kind: str = "annual",
    comments: Mapping[str, str] | None = None,
    created_at: str = "",
    author: str = "",
    snapshot_sha256: str = "",
    changes: Mapping | None = None,
) -> dict:
    """Lay out every part of the report from the snapshot (see the module docstring for cells)."""
    en = language.startswith("en")
    comments = comments or {}
    year = snapshot["year"]
    plan = snapshot["plan"]
    parcels = {p["code"]: p for p in snapshot["parcels"]}

    def pname(code: str) -> str:
        p = parcels[code]
        return p["name_en"] if en else p["name_zh"]

    def iname(indicator: Mapping) -> str:
        return indicator["name_en"] if en else indicator["name_zh"]

    def unit(indicator: Mapping) -> str:
        return indicator["unit_en"] if en else indicator["unit"]

    kind_word = _t(KINDS.get(kind, KINDS["annual"]), language)
    period = say.years_span(plan["start_year"], year, language)
    doc: dict = {
        "language": language,
        "title": _t(TITLE, language),
        "subtitle": f"({year}, {kind_word})" if en else f"（{year}年度·{kind_word}）",
        "cover": [
            (_t(LABELS["period"], language), period),
            (_t(LABELS["kind"], language), kind_word),
            (_t(LABELS["date"], language), created_at[:10]),
            (_t(LABELS["as_of"], language), _short(snapshot["data_as_of"])),
            (_t(LABELS["version"], language), str(snapshot["data_version"])),
            (_t(LABELS["author"], language), author or "—"),
            (_t(LABELS["hash"], language), snapshot_sha256[:16]),
        ],
        "headings": {k: _t(v, language) for k, v in LABELS.items()},
    }

    current = {}
    for indicator in snapshot["indicators"]:
        current[indicator["code"]] = next((r for r in indicator["park"] if r["year"] == year), None)

    # Summary.
    counts: dict[str, int] = {}
    for row in current.values():
        status = row["status"] if row else "insufficient_data"
        counts[status] = counts.get(status, 0) + 1
    final = year >= plan["end_year"]
    lagging = [i for i in snapshot["indicators"] if (current[i["code"]] or {}).get("status") in say.LAGGING]
    summary = [
        say.summary_sentence(counts, len(snapshot["indicators"]), language),
        say.lagging_sentence([iname(i) for i in lagging], final=final, language=language),
    ]
    drags_by_code = {}
    for indicator in snapshot["indicators"]:
        drags = say.pick_drags(
            [
                {
                    "name": pname(p["code"]),
                    "completion": p["completion"],
                    "status": p["status"],
                    "change": None if p["value"] is None or p["base_value"] is None else p["value"] - p["base_value"],
                }
                for p in indicator["parcels"]
                if not _confidential(p)
            ]
        )
        drags_by_code[indicator["code"]] = drags
    for indicator in lagging:
        sentence = say.holding_back_sentence(
            iname(indicator),
            drags_by_code[indicator["code"]],
            unit=unit(indicator),
            base_year=plan["base_year"],
            decimals=indicator["decimals"],
            language=language,
        )
        if sentence:
            summary.append(sentence)
    if en:
        summary.append(
            f"Figures are as of {_short(snapshot['data_as_of'])} (data version {snapshot['data_version']}); "
            f"ratios are ratios of sums over the enterprises' returns; quarter-4 (full-year) values are used."
        )
    else:
        summary.append(
            f"本报告数据截至{_short(snapshot['data_as_of'])}（数据版本{snapshot['data_version']}），"
            "比值类指标按企业数据先求和再相除计算，年度数值取第四季度（1—12月累计）数据。"
        )
    doc["summary"] = summary
    doc["counts"] = [(say.status_word(s, language), counts[s], s) for s in say.STATUS_ORDER if counts.get(s)]

    # Main table.
    rows = []
    for indicator in snapshot["indicators"]:
        row = current[indicator["code"]] or {}
        d = indicator["decimals"]
        if indicator["target_kind"] == "benchmark":
            text = indicator["target_text_en"] if en else indicator["target_text_zh"]
            target = cell(text)
        else:
            target = num_cell(indicator["target_value"], d)
        rows.append(
            [
                {"text": str(indicator["order"]), "value": indicator["order"], "format": "0"},
                cell(iname(indicator)),
                cell(unit(indicator)),
                cell(
                    ATTRIBUTES_EN.get(indicator["attribute"], indicator["attribute"]) if en else indicator["attribute"]
                ),
                num_cell(row.get("base_value"), d),
                target,
                num_cell(row.get("value"), d),
                num_cell(row.get("expected"), d),
                pct_cell(row.get("completion")),
                cell(say.status_word(row.get("status", ""), language), row.get("status", "")),
            ]
        )
        rows[-1][-1]["value"] = say.status_word(row.get("status", ""), language)
    doc["main_table"] = {"header": [_t(c, language) for c in MAIN_COLUMNS], "rows": rows}

    # One section per indicator.
    sections = []
    for indicator in snapshot["indicators"]:
        code = indicator["code"]
        row = current[code]
        d = indicator["decimals"]
        measure = say.Measure(
            year=year,
            name=iname(indicator),
            unit=unit(indicator),
            decimals=d,
            is_count=code in ("I4", "I5", "I6"),
            kind=indicator["target_kind"],
            value=(row or {}).get("value"),
            target=(row or {}).get("target"),
            completion=(row or {}).get("completion"),
            status=(row or {}).get("status", "insufficient_data"),
            gap=(row or {}).get("gap"),
            needed_per_year=(row or {}).get("needed_per_year"),
            benchmark_year=(row or {}).get("benchmark_year"),
            provisional=bool((row or {}).get("provisional")),
            target_year=plan["end_year"],
        )
        texts = [say.indicator_sentence(measure, language)]
        projection = _projection_sentence(indicator, row, plan, language)
        if projection:
            texts.append(projection)
        holding = say.holding_back_sentence(
            iname(indicator),
            drags_by_code[code] if (row or {}).get("status") in say.LAGGING else [],
            unit=unit(indicator),
            base_year=plan["base_year"],
            decimals=d,
            language=language,
        )
        if holding:
            texts.append(holding)
        contrib = []
        for p in indicator["parcels"]:
            hidden = _confidential(p)
            change = None if p["value"] is None or p["base_value"] is None else p["value"] - p["base_value"]
            if hidden:
                contrib.append([cell(pname(p["code"]) + " *")] + [cell("*", None)] * 6)
                continue
            contrib.append(
                [
                    cell(pname(p["code"])),
                    num_cell(p["value"], d),
                    num_cell(p["base_value"], d),
                    num_cell(change, d),
                    pct_cell(p["completion"]),
                    cell(say.status_word(p["status"], language)),
                    pct_cell(p["share_of_change"]),
                ]
            )
        sections.append(
            {
                "code": code,
                "heading": f"{code} {iname(indicator)}",
                "sentences": texts,
                "contrib": {"header": [_t(c, language) for c in CONTRIB_COLUMNS], "rows": contrib},
                "comment": (comments.get(code) or "").strip(),
            }
        )
    doc["sections"] = sections

    # Parcels × indicators.
    header = [_t(("地块", "Parcel"), language)] + [
        f"{i['code']} {iname(i)}（{unit(i)}）" if not en else f"{i['code']} {iname(i)} ({unit(i)})"
        for i in snapshot["indicators"]
    ]
    by_parcel: dict[str, dict[str, dict]] = {}
    for indicator in snapshot["indicators"]:
        for p in indicator["parcels"]:
            by_parcel.setdefault(p["code"], {})[indicator["code"]] = p
    parcel_rows, status_rows = [], []
    for p in snapshot["parcels"]:
        cells, words = [cell(pname(p["code"]))], [cell(pname(p["code"]))]
        for indicator in snapshot["indicators"]:
            entry = by_parcel.get(p["code"], {}).get(indicator["code"])
            if entry is None:
                cells.append(num_cell(None, indicator["decimals"]))
                words.append(cell("—"))
            elif _confidential(entry):
                cells.append(cell("*", None))
                words.append(cell("*"))
            else:
                c = num_cell(entry["value"], indicator["decimals"])
                if entry["status"]:
                    c = {
                        **c,
                        "text": f"{c['text']}（{say.status_word(entry['status'], language)}）"
                        if not en
                        else f"{c['text']} ({say.status_word(entry['status'], language)})",
                    }
                cells.append(c)
                words.append(cell(say.status_word(entry["status"], language) if entry["status"] else "—"))
        parcel_rows.append(cells)
        status_rows.append(words)
    doc["parcels_table"] = {"header": header, "rows": parcel_rows, "status_rows": status_rows}

    doc["quality"] = _quality(snapshot, pname, language)
    doc["changes"] = say.change_sentences(changes, language) if changes is not None else []
    doc["appendix"] = [
        _appendix(indicator, current[indicator["code"]], snapshot, language) for indicator in snapshot["indicators"]
    ]
    return doc


def _confidential(parcel_row: Mapping) -> bool:
    n = parcel_row.get("enterprises")
    return n is not None and n < CONFIDENTIAL_BELOW


def _projection_sentence(indicator: Mapping, row: Mapping | None, plan: Mapping, language: str) -> str:
    if not row or row.get("projected_2025") is None:
        return ""
    en = language.startswith("en")
    d = indicator["decimals"]
    u = indicator["unit_en"] if en else indicator["unit"]
    sep = " " if en and u != "%" else ""
    value = f"{say.number(row['projected_2025'], d)}{sep}{u}"
    ty = plan["end_year"]
    gap = row.get("projected_gap_2025")
    if en:
        reach = "" if gap is None else ("; the target would be met" if gap <= 0 else "; the target would not be met")
        return f"On the trend since {plan['base_year']}, the value in {ty} would be about {value}{reach}."
    reach = "" if gap is None else ("，可实现目标" if gap <= 0 else "，难以实现目标")
    return f"按{plan['base_year']}年以来的趋势推算，{ty}年预计约为{value}{reach}。"


def _quality(snapshot: Mapping, pname, language: str) -> list[str]:
    en = language.startswith("en")
    q = snapshot["quality"]
    year = snapshot["year"]
    out = []
    returns = q.get("returns")
    if returns is not None:
        for key, zh, eng in (
            ("missing", "以下地块季度报表未报送", "Returns not filed"),
            ("unapproved", "以下地块季度报表尚未审核通过", "Returns not yet approved"),
        ):
            items = returns.get(key) or []
            if items:
                listed = _parcel_quarters(items, pname, language)
                out.append(f"{eng}: {listed}." if en else f"{zh}：{listed}。")
        if not returns.get("missing") and not returns.get("unapproved"):
            out.append(
                "Every parcel's quarterly returns of the year are approved."
                if en
                else f"{year}年各地块季度报表均已审核通过。"
            )
    missing = q.get("statistics_missing") or []
    if missing:
        listed = _parcel_quarters(missing, pname, language)
        out.append(
            f"Parcel-quarters of {year} with no statistics at all: {listed}."
            if en
            else f"{year}年以下地块季度无任何企业统计数据：{listed}。"
        )
    else:
        out.append(
            f"Every parcel has statistics for all four quarters of {year}."
            if en
            else f"{year}年各地块四个季度均有企业统计数据。"
        )
    names = {i["code"]: (i["name_en"] if en else i["name_zh"]) for i in snapshot["indicators"]}
    for item in q.get("provisional") or []:
        name = names[item["indicator"]]
        if en:
            out.append(
                f"{name}: the {item['year']} assessment provisionally uses the {item['benchmark_year']} benchmark."
            )
        else:
            out.append(f"{name}：{item['year']}年评价暂用{item['benchmark_year']}年基准值。")
    for code in q.get("benchmark_missing") or []:
        out.append(
            f"{names[code]}: no benchmark value has been entered; the indicator is not judged."
            if en
            else f"{names[code]}：尚未录入对标基准值，本期不作评价。"
        )
    out.append(_t(LABELS["confidential"], language))
    return out


def _parcel_quarters(items, pname, language: str) -> str:
    en = language.startswith("en")
    grouped: dict[str, list[int]] = {}
    for item in items:
        grouped.setdefault(item["parcel"], []).append(item["quarter"])
    if en:
        return "; ".join(f"{pname(p)} (Q{', Q'.join(str(q) for q in qs)})" for p, qs in grouped.items())
    return "；".join(f"{pname(p)}（第{'、'.join(str(q) for q in qs)}季度）" for p, qs in grouped.items())


def _fmt_input(value, decimals: int) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float):
        whole = float(value).is_integer()
        return say.number(float(value), 0 if whole else max(decimals, 4))
    return str(value)


def _appendix(indicator: Mapping, row: Mapping | None, snapshot: Mapping, language: str) -> dict:
    en = language.startswith("en")
    d = indicator["decimals"]
    items = [
        ("Definition" if en else "指标说明", indicator["definition_en"] if en else indicator["definition_zh"]),
        ("Formula" if en else "计算公式", indicator["formula_en"] if en else indicator["formula_zh"]),
        ("Target" if en else "目标", indicator["target_text_en"] if en else indicator["target_text_zh"]),
    ]
    for b in indicator["base_values"]:
        derived = (" (derived)" if en else "（推算）") if b["derived"] else ""
        items.append(
            ("Plan figure" if en else "规划数值", f"{b['year']}: {say.number(b['value'], d)}{derived} — {b['source']}")
        )
    if indicator["target_kind"] == "benchmark":
        name = indicator["benchmark_name_en"] if en else indicator["benchmark_name_zh"]
        if indicator["benchmarks"]:
            for b in indicator["benchmarks"]:
                items.append((name, f"{b['year']}: {say.number(b['value'], d)} — {b['source']}"))
        else:
            items.append((name, "no value entered" if en else "尚未录入"))
    inputs = indicator.get("inputs")
    if row:
        items.append(("Status" if en else "评价", say.status_word(row["status"], language)))
    if inputs:
        for key, label in INPUT_LABELS:
            if key not in inputs or inputs[key] is None:
                continue
            value = inputs[key]
            if key == "base_source":
                value = _t(BASE_SOURCES.get(value, (value, value)), language)
            items.append((_t(label, language), _fmt_input(value, d)))
        th = inputs.get("thresholds")
        if th:
            items.append(
                (
                    "Thresholds" if en else "判定阈值",
                    f"R ≥ {th['ahead']:.2f}: {say.status_word('ahead', language)}; R ≥ {th['on_track']:.2f}: "
                    f"{say.status_word('on_track', language)}",
                )
            )
        points = inputs.get("projection_points")
        if points:
            items.append(
                (
                    "Projection points" if en else "趋势推算数据点",
                    "；".join(f"{int(x)}: {say.number(v, d)}" for x, v in points),
                )
            )
    return {"heading": f"{indicator['code']} {indicator['name_en'] if en else indicator['name_zh']}", "items": items}
