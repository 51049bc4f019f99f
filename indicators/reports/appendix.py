"""The report's appendix in plain words: data sources, definitions, methods, data quality, changes, the parcels.

Pure: no Django. No formula symbols, no second progress figure: the methods
are said the way the office explains them, with the figures the tables print.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from parkplan.formatting import fmt_number

from . import sentences as say
from . import tables
from .tables import cell, head, num_cell

if TYPE_CHECKING:
    from .content import Reading

CONFIDENTIAL_NOTE = (
    "* 依统计资料保密规定不予公开的地块数值（不足3家企业、单一企业占比过高，或为防止推算而隐藏）。",
    "* Parcel figures withheld under statistical confidentiality (fewer than 3 enterprises, one enterprise "
    "dominates, or to prevent derivation).",
)
HEADINGS = {
    "sources": ("（一）数据来源", "A. Data sources"),
    "scope": ("（二）统计口径", "B. Definitions and coverage"),
    "method": ("（三）计算方法", "C. How the figures are computed"),
    "quality": ("（四）数据质量", "D. Data quality"),
    "changes": ("（五）与上次报告相比的变化", "E. Changes since the previous report"),
    "cross": ("（六）各地块主要指标一览", "F. The parcels' main indicators"),
}
RETURN_PROBLEMS = (
    ("missing", "以下地块季度既无季度报表也无统计数据（未报送）", "Neither a return nor statistics (not filed)"),
    ("unapproved", "以下地块季度报表尚未审核通过", "Returns not yet approved"),
)


def _t(pair, language: str) -> str:
    return pair[1] if language.startswith("en") else pair[0]


def _heading(text: str) -> dict:
    return {"kind": "heading", "level": 2, "text": text}


def _bullets(items: list[str]) -> dict:
    return {"kind": "bullets", "items": [i for i in items if i]}


def blocks(reading: Reading, changes: Mapping | None) -> list[dict]:
    """Lay out the appendix."""
    language = reading.language
    out = [
        {"kind": "heading", "level": 1, "text": reading.t("appendix")},
        _heading(_t(HEADINGS["sources"], language)),
        _bullets(_sources(reading)),
        _heading(_t(HEADINGS["scope"], language)),
        _bullets(_scope(reading)),
        _heading(_t(HEADINGS["method"], language)),
        _bullets(_method(reading)),
        _heading(_t(HEADINGS["quality"], language)),
        _bullets(quality(reading)),
    ]
    if changes is not None:
        out += [_heading(_t(HEADINGS["changes"], language)), _bullets(say.change_sentences(changes, language))]
    values, _statuses = cross_tables(reading)
    out.append({**values, "heading": _t(HEADINGS["cross"], language), "heading_level": 2})
    return out


# --- data sources ---------------------------------------------------------------------------


def _sources(reading: Reading) -> list[str]:
    en, plan = reading.en, reading.plan
    as_of = (reading.snapshot.get("data_as_of") or "—")[:16].replace("T", " ")
    version = reading.snapshot["data_version"]
    plan_name = plan["name_en"] if en else plan["name_zh"]
    issuer = f" ({plan['issuer_en']})" if plan.get("issuer_en") else ""  # no Chinese issuer in English text
    if en:
        out = [
            f"Enterprise statistics: the quarterly returns of the parcels' enterprises, approved by the joint-meeting "
            f"office, and the statistics the office imported; data as of {as_of} (data version {version}).",
            f"Targets and plan figures: the {plan_name}{issuer}.",
        ]
    else:
        out = [
            f"企业统计数据：各地块企业按季度报送、经联席会议办公室审核的统计报表，以及办公室导入的统计数据；"
            f"数据截至{as_of}（数据版本{version}）。",
            f"目标和规划数值：《{plan_name}》（{plan['issuer']}）。",
        ]
    for indicator in reading.indicators:
        out += _plan_figures(reading, indicator) + _benchmark_sources(reading, indicator)
    return out


def _plan_figures(reading: Reading, indicator: Mapping) -> list[str]:
    out = []
    unit = reading.unit(indicator)
    for b in indicator["base_values"]:
        value = say.value_text(b["value"], unit=unit, decimals=indicator["decimals"], language=reading.language)
        if reading.en:
            how = "derived from the plan's figures" if b["derived"] else "stated in the plan"
            out.append(f"{reading.name(indicator)}, {b['year']}: {value} ({how}; {_source_en(b)}).")
        else:
            how = "由规划中的数字推算" if b["derived"] else "规划所载"
            out.append(f"{reading.name(indicator)}{b['year']}年：{value}（{how}；{b['source']}）。")
    return out


def _source_en(figure: Mapping) -> str:
    """Return a plan figure's or benchmark value's source in English (a snapshot frozen before there was one: as is)."""
    return figure.get("source_en") or figure["source"]


def _benchmark_sources(reading: Reading, indicator: Mapping) -> list[str]:
    if indicator["target_kind"] != "benchmark":
        return []
    en = reading.en
    name = indicator["benchmark_name_en"] if en else indicator["benchmark_name_zh"]
    if not indicator["benchmarks"]:
        return [f"{name}: no value entered yet." if en else f"{name}：尚未录入。"]
    unit = reading.unit(indicator)
    d = indicator["decimals"]
    values = [
        f"{b['year']}: {say.value_text(b['value'], unit=unit, decimals=d, language='en')} ({_source_en(b)})"
        if en
        else f"{b['year']}年{say.value_text(b['value'], unit=unit, decimals=d)}（{b['source']}）"
        for b in indicator["benchmarks"]
    ]
    return [f"{name}: {'; '.join(values)}." if en else f"{name}：{'；'.join(values)}。"]


# --- definitions and methods ---------------------------------------------------------------


def plain_formula(text: str, language: str = "zh") -> str:
    """Say a formula in words: 'I1 = Σ研发经费支出 / Σ增加值 × 100（…）' → '研发经费支出合计 ÷ 增加值合计 × 100（…）'.

    No formula symbols reach the report: the sums are named, the operators are the ones schools use.
    """
    text = re.sub(r"^I\d+\s*=\s*", "", text.strip())
    if language.startswith("en"):
        text = re.sub(r"Σ\s*", "total ", text)
    else:
        text = re.sub(r"Σ\s*([^/×（(，,]+?)\s*(?=/|×|（|\(|，|,|$)", r"\1合计", text)
    text = re.sub(r"\s*/\s*", " ÷ ", text)
    return re.sub(r"\s*×\s*", " × ", text)


def _scope(reading: Reading) -> list[str]:
    en = reading.en
    out = [
        "The park's figures are computed from all its enterprises' records, never as an average of the parcels' "
        "figures; annual figures are the full-year (quarter-4) returns."
        if en
        else "园区数值按全部地块企业记录计算，不是各地块数值的平均；年度数值取第四季度（1—12月累计）数据。"
    ]
    for indicator in reading.indicators:
        definition = indicator["definition_en"] if en else indicator["definition_zh"]
        formula = plain_formula(indicator["formula_en"] if en else indicator["formula_zh"], reading.language)
        unit = reading.unit(indicator)
        if en:
            out.append(f"{reading.name(indicator)} ({unit}): {definition} Computed as {formula}.")
        else:
            out.append(f"{reading.name(indicator)}（{unit}）：{definition}计算方法：{formula}。")
    return out


def _method(reading: Reading) -> list[str]:
    """Say how completion and status are decided, in words, with the thresholds the results were judged by."""
    en, plan = reading.en, reading.plan
    th = reading.snapshot.get("thresholds") or {"ahead": 1.1, "on_track": 0.9}
    ahead, on_track = fmt_number(th["ahead"], 2), fmt_number(th["on_track"], 2)
    base, end = plan["base_year"], plan["end_year"]
    if en:
        out = [
            "Completion = the year's actual value ÷ the year's target.",
            f"Before {end}, each year is judged by whether the work keeps pace with the time: the gap between the "
            f"{base} value and the target should close evenly over the plan period. When the share of the gap closed, "
            f"divided by the share of the period gone, is at least {ahead} the indicator is ahead of schedule, at "
            f"least {on_track} on schedule, otherwise behind; a target already reached is achieved early.",
            f"In {end} the actual value is compared with the target: achieved or not achieved. Nothing is projected.",
            "A benchmark target is the benchmark's value of the same year; when that value is not yet available the "
            "latest earlier one is used and the status is provisional; without any value the indicator is not judged.",
            f"Parcels: a ratio indicator judges each parcel against the park's target from the parcel's own {base} "
            "value; a count whose target is not split among the parcels judges no parcel and shows each parcel's "
            f"change since {base} and its share of the park's change.",
        ]
    else:
        out = [
            "完成情况＝当年实际值÷当年目标值。",
            f"{end}年以前各年按“时间过半、任务过半”的原则评价：{base}年数值至目标的差距按规划期匀速缩小；"
            f"已缩小差距的比例与规划期已过时间的比例之比不低于{ahead}为“快于预期”，不低于{on_track}为“基本符合预期”，"
            "低于此为“滞后”；当年已达到目标为“提前实现”。",
            f"{end}年（目标年）按实际值是否达到目标评价为“已实现”或“未实现”，不作推算。",
            "对标类指标的目标值为同年对标基准值；当年基准值尚未录入时暂用此前最近一年的数值，评价为暂定；"
            "没有基准值时不作评价（基准缺失）。",
            f"各地块：比值类指标以地块自身{base}年数值为基期、对照园区目标评价；数量类指标的目标未分解到地块时，"
            f"不评价各地块进度，列示各地块较{base}年的变化及占园区变化的比重。",
        ]
    if not reading.measured:
        out.append(
            f"Trend: a straight line fitted through the values since {base}, carried to {end}; for reference only."
            if en
            else f"趋势推算：以{base}年以来各年实际值拟合直线推算{end}年数值，仅供参考。"
        )
        out += [text for i in reading.indicators if (text := _pace_words(reading, i))]
    return out


def _pace_words(reading: Reading, indicator: Mapping) -> str:
    """Explain a status decided by pace in words: the gap then and now, the share closed, the time gone."""
    row = reading.current[indicator["code"]] or {}
    inputs = indicator.get("inputs") or {}
    status = row.get("status")
    if status not in ("ahead", "on_track", "behind") or row.get("pace") is None:
        return ""
    d = 0 if indicator.get("is_count", False) else indicator["decimals"]
    unit, language = reading.unit(indicator), reading.language
    then = say.value_text(inputs.get("base_distance"), unit=unit, decimals=d, language=language)
    now = say.value_text(inputs.get("distance"), unit=unit, decimals=d, language=language)
    closed, gone = say.percent(inputs.get("progress_share")), say.percent(inputs.get("elapsed_share"), 0)
    ratio, word = fmt_number(row["pace"], 2), say.status_word(status, language)
    if (inputs.get("progress_share") or 0) < 0:
        if reading.en:
            return f"{reading.name(indicator)}: {then} short of the target in the base year, {now} now: {word}."
        return f"{reading.name(indicator)}：基期距目标{then}，{reading.year}年距目标{now}，差距扩大，评价为“{word}”。"
    if reading.en:
        return (
            f"{reading.name(indicator)}: {then} short of the target in the base year, {now} now, so {closed} of the "
            f"gap is closed with {gone} of the period gone; the ratio of the two is {ratio}: {word}."
        )
    return (
        f"{reading.name(indicator)}：基期距目标{then}，{reading.year}年距目标{now}，已缩小差距的{closed}，"
        f"规划期时间已过{gone}，二者之比为{ratio}，评价为“{word}”。"
    )


# --- data quality ------------------------------------------------------------------------------


def quality(reading: Reading) -> list[str]:
    """Say what the data lack, without contradicting itself: returns and statistics, benchmarks, disclosure."""
    q, language = reading.snapshot["quality"], reading.language
    names = {i["code"]: reading.name(i) for i in reading.indicators}
    out = [
        *_coverage(q, reading.year, reading.parcel_name, language),
        *return_quality(reading.snapshot, reading.parcel_name, language),
        *_benchmark_quality(q, names, reading.year, language),
        _t(CONFIDENTIAL_NOTE, language).lstrip("* "),
    ]
    if reading.snapshot.get("demo"):
        out.append(say.demo_sentence(language))
    return out


ParcelName = Callable[[str], str]


def _coverage(q: Mapping, year: int, pname: ParcelName, language: str) -> list[str]:
    """Say which parcel-quarters have statistics and how they came: approved returns or the office's imports."""
    en = language.startswith("en")
    missing = q.get("statistics_missing") or []
    returns = q.get("returns")
    out = []
    if missing:
        listed = _parcel_quarters(missing, pname, language)
        out.append(
            f"Parcel-quarters of {year} with no statistics (not filed): {listed}."
            if en
            else f"{year}年以下地块季度无企业统计数据（未报送）：{listed}。"
        )
    else:
        out.append(
            f"Every parcel has statistics for all four quarters of {year}."
            if en
            else f"{year}年各地块四个季度均有企业统计数据。"
        )
    if returns is None:
        out.append(
            "The statistics of the year were imported by the office; no quarterly return was filed online."
            if en
            else "本年度统计数据由联席会议办公室导入，未通过季度报表填报。"
        )
        return out
    imported = returns.get("imported") or []
    if imported:
        listed = _parcel_quarters(imported, pname, language)
        out.append(
            f"Imported by the office (counted as approved): {listed}."
            if en
            else f"以下地块季度由办公室导入（视同审核通过）：{listed}。"
        )
    for key, zh, eng in RETURN_PROBLEMS:
        items = returns.get(key) or []
        if items:
            listed = _parcel_quarters(items, pname, language)
            out.append(f"{eng}: {listed}." if en else f"{zh}：{listed}。")
    return out


# A parcel-quarter scoring below this is named with the parts that cost it points.
QUALITY_LOW = 80
QUALITY_PARTS = (
    ("completeness", "完整性", "completeness"),
    ("timeliness", "及时性", "timeliness"),
    ("outliers", "异常值", "outliers"),
    ("consistency", "逻辑一致性", "consistency"),
)


def return_quality(snapshot: Mapping, pname: ParcelName, language: str) -> list[str]:
    """Say each parcel's quarterly data-quality scores, and which parts cost the low ones their points.

    In: snapshot["quality"]["return_quality"], a list of {parcel, quarter, score, completeness,
    timeliness, outliers, consistency} (parcels.queries.return_quality, scores 0–100), or absent.
    """
    scores = (snapshot.get("quality") or {}).get("return_quality") or []
    if not scores:
        return []
    en = language.startswith("en")
    by_parcel: dict[str, list[str]] = {}
    for item in scores:
        quarter = f"Q{item['quarter']} {item['score']}" if en else f"第{item['quarter']}季度{item['score']}"
        by_parcel.setdefault(item["parcel"], []).append(quarter)
    listed = ("; " if en else "；").join(
        f"{pname(code)} {', '.join(qs)}" if en else f"{pname(code)}（{'、'.join(qs)}）"
        for code, qs in by_parcel.items()
    )
    out = [
        f"Data-quality scores of the quarterly returns (out of 100; completeness 40%, timeliness, outliers and "
        f"consistency 20% each): {listed}."
        if en
        else f"季度报表数据质量评分（满分100，完整性占40%，及时性、异常值、逻辑一致性各占20%）：{listed}。"
    ]
    low = [item for item in scores if item["score"] < QUALITY_LOW]
    if low:
        out.append(_low_scores(low, pname, en))
    return out


def _low_scores(low: list, pname: ParcelName, en: bool) -> str:
    items = []
    for item in low:
        parts = [
            f"{eng} {item[key]}" if en else f"{zh}{item[key]}"
            for key, zh, eng in QUALITY_PARTS
            if item.get(key) is not None and item[key] < QUALITY_LOW
        ]
        quarter = f"Q{item['quarter']}" if en else f"第{item['quarter']}季度"
        detail = ", ".join(parts) if en else "、".join(parts)
        items.append(
            f"{pname(item['parcel'])} {quarter} ({item['score']}: {detail})"
            if en
            else f"{pname(item['parcel'])}{quarter}（{item['score']}分：{detail}）"
        )
    if en:
        return (
            f"Scores below {QUALITY_LOW}: {'; '.join(items)}; their figures deserve a check before they are relied on."
        )
    return f"得分低于{QUALITY_LOW}分的：{'；'.join(items)}，相关数据引用前宜再核实。"


def _benchmark_quality(q: Mapping, names: Mapping[str, str], this_year: int, language: str) -> list[str]:
    en = language.startswith("en")
    out = []
    for item in q.get("provisional") or []:
        name, year, used = names[item["indicator"]], item["year"], item["benchmark_year"]
        if year != this_year:
            continue  # earlier years' provisional statuses are not in this report's tables
        out.append(
            f"{name}: the {year} assessment provisionally uses the {used} benchmark."
            if en
            else f"{name}：{year}年评价暂用{used}年基准值。"
        )
    for code in q.get("benchmark_missing") or []:
        out.append(say.benchmark_missing_sentence(names[code], language))
    return out


def _parcel_quarters(items, pname: ParcelName, language: str) -> str:
    en = language.startswith("en")
    grouped: dict[str, list[int]] = {}
    for item in items:
        grouped.setdefault(item["parcel"], []).append(item["quarter"])
    if en:
        return "; ".join(f"{pname(p)} (Q{', Q'.join(str(q) for q in qs)})" for p, qs in grouped.items())
    return "；".join(f"{pname(p)}（第{'、'.join(str(q) for q in qs)}季度）" for p, qs in grouped.items())


# --- the parcels at a glance ----------------------------------------------------------------------


def cross_tables(reading: Reading) -> tuple[dict, dict]:
    """Lay out the parcels × indicators tables of the year: the values, and (for the spreadsheet) the statuses."""
    en = reading.en
    columns = [
        f"{i['code']} {reading.name(i)} ({reading.unit(i)})"
        if en
        else f"{i['code']} {reading.name(i)}（{reading.unit(i)}）"
        for i in reading.indicators
    ]
    header = [[head("Parcel" if en else "地块"), *[head(c) for c in columns]]]
    by_parcel: dict[str, dict[str, Mapping]] = {}
    for indicator in reading.indicators:
        for p in indicator["parcels"]:
            by_parcel.setdefault(p["code"], {})[indicator["code"]] = p
    values, statuses = [], []
    for parcel in reading.snapshot["parcels"]:
        value_row, status_row = _cross_rows(reading, parcel["code"], by_parcel.get(parcel["code"], {}))
        values.append(value_row)
        statuses.append(status_row)
    name_width = max(tables.width_mm(r[0]["text"], 8) for r in values)
    if en:
        name_width = min(name_width, 48.0)
    rest = (tables.LANDSCAPE_MM - name_width) / len(reading.indicators)
    cols = [tables.column(name_width, nowrap=not en)] + [tables.column(rest, "right") for _ in reading.indicators]
    common = {
        "title": _t(HEADINGS["cross"], reading.language),
        "header": header,
        "columns": cols,
        "footnotes": [_t(CONFIDENTIAL_NOTE, reading.language)]
        if any(c["text"] == "*" for r in values for c in r)
        else [],
        "font": 8,
        "landscape": True,
    }
    judged, statuses = _judged_columns(common, statuses)
    return tables.table("cross-values", rows=values, **common), tables.table("cross-statuses", rows=statuses, **judged)


def _judged_columns(common: dict, statuses: list[list[dict]]) -> tuple[dict, list[list[dict]]]:
    """Return the statuses table without the indicators no parcel is judged on (a count without split targets)."""
    header, cols = common["header"][0], common["columns"]
    wanted = [j for j, _h in enumerate(header) if j == 0 or any(r[j]["text"] not in ("", "—") for r in statuses)]
    judged = {**common, "header": [[header[j] for j in wanted]], "columns": [cols[j] for j in wanted]}
    return judged, [[r[j] for j in wanted] for r in statuses]


def _cross_rows(reading: Reading, code: str, entries: Mapping[str, Mapping]) -> tuple[list[dict], list[dict]]:
    """Return a parcel's row of values and its row of statuses, a star where its figures are not disclosed."""
    from .content import confidential  # the one place that decides what is not disclosed

    name = reading.parcel_name(code)
    value_row, status_row = [cell(name)], [cell(name)]
    for i in reading.indicators:
        entry = entries.get(i["code"])
        if entry is not None and confidential(entry):
            value_row.append(cell("*", None))
            status_row.append(cell("*"))
            continue
        d = 0 if i.get("is_count", False) else i["decimals"]
        value_row.append(num_cell((entry or {}).get("value"), d))
        status_row.append(cell(say.status_word((entry or {}).get("status") or "", reading.language)))
    return value_row, status_row
