"""Lay out a report's content from its frozen snapshot: the one document model all three writers print.

Pure: no Django. Everything a writer prints comes from here, so the Word,
PDF and Excel files say the same thing. A table cell is a dict
{"text": what a reader sees, "value": the raw number or text (Excel),
"format": an Excel number format or None}.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from parkplan.formatting import fmt_number

from .. import disclosure
from ..compute import COUNT_INDICATORS
from . import sentences as say
from .changes import short_time

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
        "注：按统计资料保密规则，部分地块数值不予公开，表中注明原因（不足3家企业、单一企业占比过高、为防止推算而隐藏）。",
        "Note: under the rules on confidential statistics some parcel figures are withheld; the tables say why "
        "(fewer than 3 enterprises, one enterprise dominates, to prevent derivation).",
    ),
    "internal_note": (
        "注：本报告为内部资料，含对外不予公开的地块数值，仅供联席会议办公室使用。",
        "Note: an internal document: it includes parcel figures withheld from everyone but the joint-meeting office.",
    ),
    "internal": ("内部资料", "内部资料 · Internal"),
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


def excel_format(decimals: int) -> str:
    """Return the Excel number format of a figure with `decimals` decimals: #,##0 or #,##0.00…"""
    return "#,##0" if decimals == 0 else "#,##0." + "0" * decimals


def num_cell(value: float | None, decimals: int) -> dict:
    return {"text": say.number(value, decimals), "value": value, "format": excel_format(decimals)}


def pct_cell(share: float | None) -> dict:
    return {"text": say.percent(share), "value": share, "format": "0.0%"}


def withheld(parcel_row: Mapping, snapshot: Mapping) -> str:
    """Return why a parcel's figures are withheld from the report's readers, "" when shown.

    The pages' decision (indicators.disclosure, frozen in the snapshot) for a
    report made for officials; the office's own report shows everything.
    """
    official = snapshot.get("audience") == "official"
    return disclosure.withheld_for(parcel_row.get("withheld"), sees_everything=not official)


def hidden_cell(reason: str, snapshot: Mapping, language: str) -> dict:
    """Return the cell standing in for a withheld figure: 不予公开（reason）, as on the pages."""
    n = (snapshot.get("disclosure") or {}).get("min_enterprises", 3)
    return cell(disclosure.hidden_text(reason, min_enterprises=n, language=_lang(language)))


def _lang(language: str) -> str:
    return "en" if language.startswith("en") else "zh"


def author_name(user) -> str:
    """Return how the report names a person: the full name, else the username; empty for nobody."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def default_kind(year: int, *, end_year: int = 2025, start_year: int = 2021) -> str:
    """Return the usual kind of a report for a year: the middle year mid-term, the target year final."""
    if year >= end_year:
        return "final"
    if year == (start_year + end_year) // 2:
        return "mid-term"
    return "annual"


@dataclass(frozen=True)
class _Reading:
    """The snapshot as every section reads it: in one language, with each indicator's park row of the year."""

    snapshot: Mapping
    language: str
    parcel_names: Mapping[str, str]  # parcel code → name in the report's language
    current: Mapping[str, Mapping | None]  # indicator code → the park's row of the year, or None
    drags: Mapping[str, list[say.Drag]]  # indicator code → the parcels holding it back most

    @property
    def en(self) -> bool:
        return self.language.startswith("en")

    @property
    def plan(self) -> Mapping:
        return self.snapshot["plan"]

    @property
    def indicators(self) -> list[Mapping]:
        return self.snapshot["indicators"]

    def parcel_name(self, code: str) -> str:
        return self.parcel_names[code]

    def name(self, indicator: Mapping) -> str:
        return indicator["name_en"] if self.en else indicator["name_zh"]

    def unit(self, indicator: Mapping) -> str:
        return indicator["unit_en"] if self.en else indicator["unit"]

    def status(self, code: str) -> str | None:
        """Return the park's status of the year for an indicator (None without a row)."""
        return (self.current[code] or {}).get("status")


def _read(snapshot: Mapping, language: str) -> _Reading:
    en = language.startswith("en")
    names = {p["code"]: p["name_en"] if en else p["name_zh"] for p in snapshot["parcels"]}
    year = snapshot["year"]
    return _Reading(
        snapshot=snapshot,
        language=language,
        parcel_names=names,
        current={i["code"]: next((r for r in i["park"] if r["year"] == year), None) for i in snapshot["indicators"]},
        drags={i["code"]: say.pick_drags(_drag_rows(i, names, snapshot)) for i in snapshot["indicators"]},
    )


def _change(parcel_row: Mapping) -> float | None:
    """Return a parcel's change since the base year (None without both values)."""
    if parcel_row["value"] is None or parcel_row["base_value"] is None:
        return None
    return parcel_row["value"] - parcel_row["base_value"]


def _drag_rows(indicator: Mapping, names: Mapping[str, str], snapshot: Mapping) -> list[dict]:
    """Return the disclosed parcels of an indicator as sentences.pick_drags reads them."""
    return [
        {"name": names[p["code"]], "completion": p["completion"], "status": p["status"], "change": _change(p)}
        for p in indicator["parcels"]
        if not withheld(p, snapshot)
    ]


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
    reading = _read(snapshot, language)
    comments = comments or {}
    summary, counts = _summary(reading)
    return {
        **_front_matter(reading, kind=kind, created_at=created_at, author=author, snapshot_sha256=snapshot_sha256),
        "summary": summary,
        "counts": counts,
        "main_table": _main_table(reading),
        "sections": [_section(reading, indicator, comments.get(indicator["code"])) for indicator in reading.indicators],
        "parcels_table": _parcels_table(reading),
        "quality": _quality(snapshot, reading.parcel_name, language),
        "changes": say.change_sentences(changes, language) if changes is not None else [],
        "appendix": [
            _appendix(indicator, reading.current[indicator["code"]], snapshot, language)
            for indicator in reading.indicators
        ],
    }


def _front_matter(reading: _Reading, *, kind: str, created_at: str, author: str, snapshot_sha256: str) -> dict:
    """Lay out the title, the cover's facts and the headings."""
    language, snapshot, year = reading.language, reading.snapshot, reading.snapshot["year"]
    kind_word = _t(KINDS.get(kind, KINDS["annual"]), language)
    internal = snapshot.get("audience", "office") != "official"
    headings = {k: _t(v, language) for k, v in LABELS.items()}
    if internal:  # the office's own report: every figure, and 内部资料 on every page
        headings["confidential"] = headings["internal_note"]
    return {
        "language": language,
        "title": _t(TITLE, language),
        "subtitle": f"({year}, {kind_word})" if reading.en else f"（{year}年度·{kind_word}）",
        "cover": [
            (_t(LABELS["period"], language), say.years_span(reading.plan["start_year"], year, language)),
            (_t(LABELS["kind"], language), kind_word),
            (_t(LABELS["date"], language), created_at[:10]),
            (_t(LABELS["as_of"], language), short_time(snapshot["data_as_of"])),
            (_t(LABELS["version"], language), str(snapshot["data_version"])),
            (_t(LABELS["author"], language), author or "—"),
            (_t(LABELS["hash"], language), snapshot_sha256[:16]),
        ],
        "headings": headings,
        "internal": headings["internal"] if internal else "",
    }


def _summary(reading: _Reading) -> tuple[list[str], list[tuple[str, int, str]]]:
    """Say how the indicators stand and which hold the plan back; count them by status."""
    language, plan = reading.language, reading.plan
    counts: dict[str, int] = {}
    for code in reading.current:
        status = reading.status(code) if reading.current[code] else "insufficient_data"
        counts[status] = counts.get(status, 0) + 1
    lagging = [i for i in reading.indicators if reading.status(i["code"]) in say.LAGGING]
    summary = [
        say.summary_sentence(counts, len(reading.indicators), language),
        say.lagging_sentence(
            [reading.name(i) for i in lagging], final=reading.snapshot["year"] >= plan["end_year"], language=language
        ),
    ]
    for indicator in lagging:
        sentence = _holding_back(reading, indicator, reading.drags[indicator["code"]])
        if sentence:
            summary.append(sentence)
    summary.append(_data_note(reading))
    return summary, [(say.status_word(s, language), counts[s], s) for s in say.STATUS_ORDER if counts.get(s)]


def _holding_back(reading: _Reading, indicator: Mapping, drags: list) -> str:
    return say.holding_back_sentence(
        reading.name(indicator),
        drags,
        unit=reading.unit(indicator),
        base_year=reading.plan["base_year"],
        decimals=indicator["decimals"],
        language=reading.language,
    )


def _data_note(reading: _Reading) -> str:
    """Say how old the data are and how the figures are built."""
    as_of, version = short_time(reading.snapshot["data_as_of"]), reading.snapshot["data_version"]
    if reading.en:
        return (
            f"Figures are as of {as_of} (data version {version}); "
            f"ratios are ratios of sums over the enterprises' returns; quarter-4 (full-year) values are used."
        )
    return (
        f"本报告数据截至{as_of}（数据版本{version}），"
        "比值类指标按企业数据先求和再相除计算，年度数值取第四季度（1—12月累计）数据。"
    )


def _main_table(reading: _Reading) -> dict:
    """Lay out the table of the indicators: base, target, actual, expected, completion, status."""
    rows = [_main_row(reading, indicator) for indicator in reading.indicators]
    return {"header": [_t(c, reading.language) for c in MAIN_COLUMNS], "rows": rows}


def _main_row(reading: _Reading, indicator: Mapping) -> list[dict]:
    row = reading.current[indicator["code"]] or {}
    d = indicator["decimals"]
    if indicator["target_kind"] == "benchmark":
        target = cell(indicator["target_text_en"] if reading.en else indicator["target_text_zh"])
    else:
        target = num_cell(indicator["target_value"], d)
    attribute = indicator["attribute"]
    return [
        {"text": str(indicator["order"]), "value": indicator["order"], "format": "0"},
        cell(reading.name(indicator)),
        cell(reading.unit(indicator)),
        cell(ATTRIBUTES_EN.get(attribute, attribute) if reading.en else attribute),
        num_cell(row.get("base_value"), d),
        target,
        num_cell(row.get("value"), d),
        num_cell(row.get("expected"), d),
        pct_cell(row.get("completion")),
        cell(say.status_word(row.get("status", ""), reading.language)),
    ]


def _measure(reading: _Reading, indicator: Mapping) -> say.Measure:
    """Return what the indicator's sentence says: its park row of the year."""
    row = reading.current[indicator["code"]] or {}
    return say.Measure(
        year=reading.snapshot["year"],
        name=reading.name(indicator),
        unit=reading.unit(indicator),
        decimals=indicator["decimals"],
        is_count=indicator["code"] in COUNT_INDICATORS,
        kind=indicator["target_kind"],
        value=row.get("value"),
        target=row.get("target"),
        completion=row.get("completion"),
        status=row.get("status", "insufficient_data"),
        gap=row.get("gap"),
        needed_per_year=row.get("needed_per_year"),
        benchmark_year=row.get("benchmark_year"),
        provisional=bool(row.get("provisional")),
        target_year=reading.plan["end_year"],
    )


def _section(reading: _Reading, indicator: Mapping, comment: str | None) -> dict:
    """Lay out one indicator's section: its sentences, its parcels' contributions and the office's comment."""
    code = indicator["code"]
    texts = [say.indicator_sentence(_measure(reading, indicator), reading.language)]
    projection = _projection_sentence(indicator, reading.current[code], reading.plan, reading.language)
    if projection:
        texts.append(projection)
    holding = _holding_back(reading, indicator, reading.drags[code] if reading.status(code) in say.LAGGING else [])
    if holding:
        texts.append(holding)
    return {
        "code": code,
        "heading": f"{code} {reading.name(indicator)}",
        "sentences": texts,
        "contrib": {
            "header": [_t(c, reading.language) for c in CONTRIB_COLUMNS],
            "rows": [_contrib_row(reading, p, indicator["decimals"]) for p in indicator["parcels"]],
        },
        "comment": (comment or "").strip(),
    }


def _contrib_row(reading: _Reading, parcel_row: Mapping, decimals: int) -> list[dict]:
    name = reading.parcel_name(parcel_row["code"])
    reason = withheld(parcel_row, reading.snapshot)
    if reason:
        return [cell(name)] + [hidden_cell(reason, reading.snapshot, reading.language)] * 6
    return [
        cell(name),
        num_cell(parcel_row["value"], decimals),
        num_cell(parcel_row["base_value"], decimals),
        num_cell(_change(parcel_row), decimals),
        pct_cell(parcel_row["completion"]),
        cell(say.status_word(parcel_row["status"], reading.language)),
        pct_cell(parcel_row["share_of_change"]),
    ]


def _parcels_table(reading: _Reading) -> dict:
    """Lay out the parcels × indicators table: each parcel's values (with statuses) and, apart, its statuses."""
    if reading.en:
        columns = [f"{i['code']} {reading.name(i)} ({reading.unit(i)})" for i in reading.indicators]
    else:
        columns = [f"{i['code']} {reading.name(i)}（{reading.unit(i)}）" for i in reading.indicators]
    by_parcel: dict[str, dict[str, dict]] = {}
    for indicator in reading.indicators:
        for p in indicator["parcels"]:
            by_parcel.setdefault(p["code"], {})[indicator["code"]] = p
    parcel_rows, status_rows = [], []
    for parcel in reading.snapshot["parcels"]:
        name = reading.parcel_name(parcel["code"])
        entries = by_parcel.get(parcel["code"], {})
        pairs = [_parcel_cells(reading, entries.get(i["code"]), i["decimals"]) for i in reading.indicators]
        parcel_rows.append([cell(name)] + [value for value, _word in pairs])
        status_rows.append([cell(name)] + [word for _value, word in pairs])
    return {
        "header": [_t(("地块", "Parcel"), reading.language), *columns],
        "rows": parcel_rows,
        "status_rows": status_rows,
    }


def _parcel_cells(reading: _Reading, entry: Mapping | None, decimals: int) -> tuple[dict, dict]:
    """Return a parcel's value cell (with its status) and its status cell for one indicator."""
    if entry is None:
        return num_cell(None, decimals), cell("—")
    reason = withheld(entry, reading.snapshot)
    if reason:
        hidden = hidden_cell(reason, reading.snapshot, reading.language)
        return hidden, hidden
    value = num_cell(entry["value"], decimals)
    if not entry["status"]:
        return value, cell("—")
    word = say.status_word(entry["status"], reading.language)
    text = f"{value['text']} ({word})" if reading.en else f"{value['text']}（{word}）"
    return {**value, "text": text}, cell(word)


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


ParcelName = Callable[[str], str]
RETURN_PROBLEMS = (
    ("missing", "以下地块季度报表未报送", "Returns not filed"),
    ("unapproved", "以下地块季度报表尚未审核通过", "Returns not yet approved"),
)


def _quality(snapshot: Mapping, pname: ParcelName, language: str) -> list[str]:
    """Say what the data lack: returns, statistics, provisional and missing benchmarks; what is not disclosed."""
    q = snapshot["quality"]
    names = {i["code"]: (i["name_en"] if language.startswith("en") else i["name_zh"]) for i in snapshot["indicators"]}
    return [
        *_returns_quality(q.get("returns"), snapshot["year"], pname, language),
        _statistics_quality(q.get("statistics_missing") or [], snapshot["year"], pname, language),
        *_benchmark_quality(q, names, language),
        _t(LABELS["confidential" if snapshot.get("audience") == "official" else "internal_note"], language),
    ]


def _returns_quality(returns: Mapping | None, year: int, pname: ParcelName, language: str) -> list[str]:
    if returns is None:
        return []
    en = language.startswith("en")
    out = []
    for key, zh, eng in RETURN_PROBLEMS:
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
    return out


def _statistics_quality(missing: list, year: int, pname: ParcelName, language: str) -> str:
    en = language.startswith("en")
    if not missing:
        return (
            f"Every parcel has statistics for all four quarters of {year}."
            if en
            else f"{year}年各地块四个季度均有企业统计数据。"
        )
    listed = _parcel_quarters(missing, pname, language)
    return (
        f"Parcel-quarters of {year} with no statistics at all: {listed}."
        if en
        else f"{year}年以下地块季度无任何企业统计数据：{listed}。"
    )


def _benchmark_quality(q: Mapping, names: Mapping[str, str], language: str) -> list[str]:
    en = language.startswith("en")
    out = []
    for item in q.get("provisional") or []:
        name, year, used = names[item["indicator"]], item["year"], item["benchmark_year"]
        out.append(
            f"{name}: the {year} assessment provisionally uses the {used} benchmark."
            if en
            else f"{name}：{year}年评价暂用{used}年基准值。"
        )
    for code in q.get("benchmark_missing") or []:
        out.append(
            f"{names[code]}: no benchmark value has been entered; the indicator is not judged."
            if en
            else f"{names[code]}：尚未录入对标基准值，本期不作评价。"
        )
    return out


def _parcel_quarters(items, pname: ParcelName, language: str) -> str:
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
        return fmt_number(float(value), 0 if whole else max(decimals, 4))
    return str(value)


def _appendix(indicator: Mapping, row: Mapping | None, snapshot: Mapping, language: str) -> dict:
    """Lay out an indicator's appendix entry: definition, formula, target, plan figures, benchmarks, inputs."""
    en = language.startswith("en")
    items = [
        ("Definition" if en else "指标说明", indicator["definition_en"] if en else indicator["definition_zh"]),
        ("Formula" if en else "计算公式", indicator["formula_en"] if en else indicator["formula_zh"]),
        ("Target" if en else "目标", indicator["target_text_en"] if en else indicator["target_text_zh"]),
        *_plan_figure_items(indicator, language),
        *_benchmark_items(indicator, language),
    ]
    if row:
        items.append(("Status" if en else "评价", say.status_word(row["status"], language)))
    items += _input_items(indicator.get("inputs"), indicator["decimals"], language)
    return {"heading": f"{indicator['code']} {indicator['name_en'] if en else indicator['name_zh']}", "items": items}


def _plan_figure_items(indicator: Mapping, language: str) -> list[tuple[str, str]]:
    en = language.startswith("en")
    items = []
    for b in indicator["base_values"]:
        derived = (" (derived)" if en else "（推算）") if b["derived"] else ""
        value = say.number(b["value"], indicator["decimals"])
        items.append(("Plan figure" if en else "规划数值", f"{b['year']}: {value}{derived} — {b['source']}"))
    return items


def _benchmark_items(indicator: Mapping, language: str) -> list[tuple[str, str]]:
    if indicator["target_kind"] != "benchmark":
        return []
    en = language.startswith("en")
    name = indicator["benchmark_name_en"] if en else indicator["benchmark_name_zh"]
    if not indicator["benchmarks"]:
        return [(name, "no value entered" if en else "尚未录入")]
    d = indicator["decimals"]
    return [(name, f"{b['year']}: {say.number(b['value'], d)} — {b['source']}") for b in indicator["benchmarks"]]


def _input_items(inputs: Mapping | None, decimals: int, language: str) -> list[tuple[str, str]]:
    """List the calculation inputs of the year's progress, the thresholds and the projection's points."""
    if not inputs:
        return []
    en = language.startswith("en")
    items = []
    for key, label in INPUT_LABELS:
        if inputs.get(key) is None:
            continue
        value = inputs[key]
        if key == "base_source":
            value = _t(BASE_SOURCES.get(value, (value, value)), language)
        items.append((_t(label, language), _fmt_input(value, decimals)))
    th = inputs.get("thresholds")
    if th:
        items.append(
            (
                "Thresholds" if en else "判定阈值",
                f"R ≥ {fmt_number(th['ahead'], 2)}: {say.status_word('ahead', language)}; "
                f"R ≥ {fmt_number(th['on_track'], 2)}: "
                f"{say.status_word('on_track', language)}",
            )
        )
    points = inputs.get("projection_points")
    if points:
        items.append(
            (
                "Projection points" if en else "趋势推算数据点",
                "；".join(f"{int(x)}: {say.number(v, decimals)}" for x, v in points),
            )
        )
    return items
