"""Lay out a report's content from its frozen snapshot: the one document model all three writers print.

Pure: no Django. Everything a writer prints comes from here, so the Word,
PDF and Excel files say the same thing. The document is a dict with the
cover's facts, the marks every page carries (`marks`), and `blocks`, the body
in reading order:
- {"kind": "heading", "level": 1|2, "text"}
- {"kind": "paragraph", "text", "style": "body"|"note", "about": {"scope", "indicator"?} or None}
  (generated sentences say what they are about, so a test can check them against the tables)
- {"kind": "office", "label", "text", "meta"}: what the office or the unit responsible wrote
- {"kind": "figure", "key", "alt"}: a chart rendered from the snapshot (indicators.reports.figures)
- {"kind": "bullets", "items"}
- {"kind": "table", …} (indicators.reports.tables)

The structure is that of a final assessment (终期评估) or, for a year before
the target year, of an annual monitoring report: 一、总体情况; 二、主要指标完成情况
(the completion table); 三、主要成效 and 四、存在问题及原因 (each indicator where its
status puts it: the generated facts, its chart and parcels, then the office's
原因分析); 五、下一步建议 (or 对下一规划期的建议: the office's 下一步措施); 附录.

A year whose fourth quarter is not yet in (the snapshot's ytd_quarter) has
year-to-date values only, which get no status (docs/method.md §2): the report
says which period its figures are (2026年1–9月累计) and their 同比, and in
place of 三 and 四 takes every indicator in one section (三、主要指标年内累计情况).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .. import disclosure
from . import appendix, tables
from . import sentences as say
from .changes import short_time
from .tables import cell, excel_format, head, num_cell, pct_cell

__all__ = ["build_document", "confidential", "excel_format", "marks"]

# The title names the plan: "张江高新区" + its short name + "实施情况", "the Implementation of the " + its name.
TITLE_BASE = ("张江高新区{short_zh}实施情况", "the Implementation of the {name_en}")
REPORT_NAMES = {
    "final": ("终期评估报告", "Final Assessment Report"),
    "mid-term": ("中期评估报告", "Mid-term Assessment Report"),
    "annual": ("年度监测报告", "Annual Monitoring Report"),
}
KINDS = {
    "annual": ("年度监测", "annual monitoring"),
    "mid-term": ("中期评估", "mid-term assessment"),
    "final": ("终期评估", "final assessment"),
}
# A report frozen before the disclosure rules: parcel figures from fewer enterprises than this are not disclosed.
CONFIDENTIAL_BELOW = 3
DEMO_MARK = ("演示数据", "DEMO DATA")
# An illustrative plan (Plan.example) is no adopted plan: its reports say so as the pages do.
EXAMPLE_MARK = ("示例（非正式规划）", "ILLUSTRATIVE PLAN (NOT ADOPTED)")
# The office's own report (every figure): on the cover and every page (docs/disclosure.md).
INTERNAL_MARK = ("内部资料", "INTERNAL")

LABELS = {
    "period": ("评估期", "Period assessed"),
    "kind": ("评估类型", "Kind"),
    "date": ("报告日期", "Report date"),
    "as_of": ("数据截至", "Data as of"),
    "version": ("数据版本", "Data version"),
    "hash": ("数据指纹(SHA-256)", "Data fingerprint (SHA-256)"),
    "author": ("生成人", "Made by"),
    "summary": ("一、总体情况", "1. Overview"),
    "completion": ("二、主要指标完成情况", "2. Completion of the main indicators"),
    "achievements": ("三、主要成效", "3. Main achievements"),
    "problems": ("四、存在问题及原因", "4. Problems and their causes"),
    "next": ("五、下一步建议", "5. Recommendations"),
    "next_final": ("五、对下一规划期的建议", "5. Recommendations for the next plan period"),
    "appendix": ("附录", "Appendix"),
    "reasons": ("原因分析", "Causes"),
    "measures": ("下一步措施", "Next steps"),
    "comment": ("办公室意见", "The office's comment"),
    "parcels": ("各地块情况", "The parcels"),
    "not_written": ("尚未填写。", "Not yet written."),
    "none_good": ("本期暂无已实现或进度符合预期的指标。", "No indicator is achieved or on schedule in this period."),
    "none_bad": ("无进度滞后、未实现或未作评价的指标。", "No indicator is behind, missed or unjudged."),
    "completion_title": ("主要指标完成情况表", "The main indicators"),
    "ytd_indicators": ("三、主要指标年内累计情况", "3. The indicators so far this year"),
    "next_ytd": ("四、下一步建议", "4. Recommendations"),
    "next_ytd_note": (
        "第四季度数据报送后按全年数值评价进度；各指标的下一步措施在指标页填写后列于此处。",
        "Progress is judged on the full year once its fourth quarter is in; each indicator's next steps, once "
        "written on its page, are listed here.",
    ),
    "page": ("第{page}页", "Page {page}"),
}
COMPLETION_COLUMNS = {
    "no": ("序号", "No."),
    "name": ("指标", "Indicator"),
    "unit": ("单位", "Unit"),
    "attribute": ("属性", "Attribute"),
    "base": ("基期值（{year}年）", "Base ({year})"),
    "target": ("目标值", "Target"),
    "actuals": ("各年实际", "Actual by year"),
    "year": ("{year}年", "{year}"),
    "completion": ("完成情况", "Completion"),
    "status": ("评价", "Status"),
    "yoy": ("同比", "Year on year"),
}
ATTRIBUTES_EN = {"预期性": "indicative", "约束性": "binding"}
# The share by which the platform's own base-year figure may differ from the plan's before both are shown.
BASE_DIFFERENCE = 0.02


def _t(pair, language: str) -> str:
    return pair[1] if language.startswith("en") else pair[0]


def confidential(parcel_row: Mapping) -> bool:
    """Tell whether a parcel's figures are withheld from the report's readers (the snapshot froze the reason).

    A report for officials froze the disclosure rules' reason (indicators.disclosure);
    the office's own shows every figure. A snapshot frozen before the rules: fewer than three enterprises.
    """
    if "withheld" in parcel_row:
        return bool(parcel_row["withheld"])
    n = parcel_row.get("enterprises")
    return n is not None and n < CONFIDENTIAL_BELOW


def marks(snapshot: Mapping, language: str) -> list[str]:
    """Return the marks printed on the cover and on every page: 示例（非正式规划） for an illustrative plan,
    内部资料 on the office's own report (every parcel figure, docs/disclosure.md), 演示数据 when demonstration
    records stand behind it."""
    found = [_t(EXAMPLE_MARK, language)] if snapshot["plan"].get("example") else []
    if snapshot.get("audience", "office") == "office":
        found.append(_t(INTERNAL_MARK, language))
    if snapshot.get("demo"):
        found.append(_t(DEMO_MARK, language))
    return found


def author_name(user) -> str:
    """Return how the report names a person: the full name, else the username; empty for nobody."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def default_kind(year: int, *, start_year: int, end_year: int) -> str:
    """Return the usual kind of a report for a year: the middle year mid-term, the target year final."""
    if year >= end_year:
        return "final"
    if year == (start_year + end_year) // 2:
        return "mid-term"
    return "annual"


@dataclass(frozen=True)
class Reading:
    """The snapshot as every section reads it: in one language, with each indicator's park row of the year."""

    snapshot: Mapping
    language: str
    kind: str
    parcel_names: Mapping[str, str]  # parcel code → name in the report's language
    current: Mapping[str, Mapping | None]  # indicator code → the park's row of the year, or None

    @property
    def en(self) -> bool:
        return self.language.startswith("en")

    @property
    def plan(self) -> Mapping:
        return self.snapshot["plan"]

    @property
    def year(self) -> int:
        return self.snapshot["year"]

    @property
    def measured(self) -> bool:
        """Whether the assessed year is the target year: measured, never projected."""
        return self.year >= self.plan["end_year"]

    @property
    def indicators(self) -> list[Mapping]:
        return self.snapshot["indicators"]

    @property
    def ytd_quarter(self) -> int | None:
        """The latest quarter of a year whose fourth is not yet in (its values are year to date), else None."""
        return self.snapshot.get("ytd_quarter")

    def period(self) -> str:
        """The period the year's figures cover: the year, or its months so far (2026年1–9月累计)."""
        if self.ytd_quarter:
            return say.ytd_period(self.year, self.ytd_quarter, self.language)
        return str(self.year) if self.en else f"{self.year}年"

    def t(self, key: str) -> str:
        return _t(LABELS[key], self.language)

    def parcel_name(self, code: str) -> str:
        return self.parcel_names[code]

    def name(self, indicator: Mapping) -> str:
        return indicator["name_en"] if self.en else indicator["name_zh"]

    def unit(self, indicator: Mapping) -> str:
        return indicator["unit_en"] if self.en else indicator["unit"]

    def status(self, code: str) -> str:
        """Return the park's status of the year for an indicator (数据不足 without a row; none for year to date)."""
        if self.ytd_quarter:
            return "year_to_date"
        return (self.current[code] or {}).get("status") or "insufficient_data"


def read(snapshot: Mapping, language: str, kind: str = "annual") -> Reading:
    en = language.startswith("en")
    year = snapshot["year"]
    return Reading(
        snapshot=snapshot,
        language=language,
        kind=kind,
        parcel_names={p["code"]: p["name_en"] if en else p["name_zh"] for p in snapshot["parcels"]},
        current={i["code"]: next((r for r in i["park"] if r["year"] == year), None) for i in snapshot["indicators"]},
    )


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
    """Lay out every part of the report from the snapshot (see the module docstring)."""
    reading = read(snapshot, language, kind)
    comments = comments or {}
    # The section's heading travels with its table: both open the table's landscape pages.
    completion = {**completion_table(reading), "heading": reading.t("completion")}
    blocks = [
        _heading(1, reading.t("summary")),
        *_summary(reading),
        completion,
        *_by_status(reading, comments),
        *_next_steps(reading),
        *appendix.blocks(reading, changes),
    ]
    return {
        **_front_matter(reading, created_at=created_at, author=author, snapshot_sha256=snapshot_sha256),
        "blocks": blocks,
        "completion": completion,
        "parcel_tables": {i["code"]: parcel_table(reading, i) for i in reading.indicators},
        "cross": appendix.cross_tables(reading),
        "narratives": _narrative_rows(reading, comments),
    }


def _front_matter(reading: Reading, *, created_at: str, author: str, snapshot_sha256: str) -> dict:
    """Lay out the title, the cover's facts and the marks of every page."""
    language, snapshot, year = reading.language, reading.snapshot, reading.year
    kind_word = _t(KINDS.get(reading.kind, KINDS["annual"]), language)
    name = _t(REPORT_NAMES.get(reading.kind, REPORT_NAMES["annual"]), language)
    base = _t(TITLE_BASE, language).format(**reading.plan)
    title = f"{name} on {base}" if reading.en else f"{base}{name}"
    running = f"{name}, {reading.plan['short_en']} ({year})" if reading.en else title
    return {
        "language": language,
        "kind": reading.kind,
        "title": title,
        "running_title": running,
        "subtitle": _subtitle(reading),
        "marks": marks(snapshot, language),
        "cover": [
            (reading.t("period"), say.years_span(reading.plan["start_year"], year, language)),
            (reading.t("kind"), kind_word),
            (reading.t("date"), created_at[:10]),
            (reading.t("as_of"), short_time(snapshot["data_as_of"])),
            (reading.t("version"), str(snapshot["data_version"])),
            (reading.t("author"), author or "—"),
            (reading.t("hash"), snapshot_sha256[:16]),
        ],
        "labels": {key: _t(pair, language) for key, pair in LABELS.items()},
    }


def _subtitle(reading: Reading) -> str:
    """Return the subtitle: the year, and for a year not yet complete the months its figures cover."""
    year = reading.year
    if reading.ytd_quarter:
        return f"({reading.period()})" if reading.en else f"（{year}年度，{reading.period()}）"
    return f"({year})" if reading.en else f"（{year}年度）"


def _heading(level: int, text: str) -> dict:
    return {"kind": "heading", "level": level, "text": text}


def _fact(text: str, scope: str, indicator: str | None = None) -> dict:
    about = {"scope": scope} if indicator is None else {"scope": scope, "indicator": indicator}
    return {"kind": "paragraph", "text": text, "style": "body", "about": about}


def _note(text: str) -> dict:
    return {"kind": "paragraph", "text": text, "style": "note", "about": None}


# --- 一、总体情况 -------------------------------------------------------------------------


def _summary(reading: Reading) -> list[dict]:
    """Say how the indicators stand, naming every indicator of each status, and what the figures rest on."""
    language = reading.language
    counts: dict[str, int] = {}
    names: dict[str, list[str]] = {}
    for indicator in reading.indicators:
        status = reading.status(indicator["code"])
        counts[status] = counts.get(status, 0) + 1
        names.setdefault(status, []).append(reading.name(indicator))
    plan_name = reading.plan["name_en"] if reading.en else reading.plan["name_zh"]
    period = say.years_span(reading.plan["start_year"], reading.year, language)
    intro = (
        f"This report assesses the implementation of the {plan_name} over {period}."
        if reading.en
        else f"本报告评估《{plan_name}》{period}实施情况。"
    )
    if reading.ytd_quarter:
        out = [_fact(intro + (" " if reading.en else "") + _ytd_summary(reading), "summary")]
    else:
        out = [
            _fact(
                intro + (" " if reading.en else "") + say.summary_sentence(counts, len(reading.indicators), language),
                "summary",
            ),
            _fact(say.status_lists_sentence(names, language), "summary"),
        ]
    out += [_fact(text, "summary") for text in _benchmark_notes(reading)]
    if reading.snapshot.get("demo"):
        out.append(_fact(say.demo_sentence(language), "summary"))
    out.append(_note(_data_note(reading)))
    return out


def _ytd_summary(reading: Reading) -> str:
    """Say that the year is not complete: which period the figures are, and that they get no status."""
    year, period = reading.year, reading.period()
    if reading.en:
        return (
            f"The fourth quarter of {year} is not yet in: the figures are {period}, with their change on the same "
            f"period a year earlier. Year-to-date values are not judged; the year is judged once its fourth quarter "
            "is in."
        )
    return (
        f"{year}年第四季度数据尚未报送，本报告各指标为{period}值及同比变化；按评价方法，年内累计值不作进度评价，"
        f"{year}年全年评价待第四季度数据报送后进行。"
    )


def _benchmark_notes(reading: Reading) -> list[str]:
    """Say which indicators were judged against a provisional benchmark, and which have none."""
    out = []
    for indicator in reading.indicators:
        row = reading.current[indicator["code"]] or {}
        if row.get("provisional") and row.get("benchmark_year"):
            out.append(
                say.provisional_sentence(
                    reading.name(indicator), year=reading.year, used=row["benchmark_year"], language=reading.language
                )
            )
        elif row.get("status") == "benchmark_missing":
            out.append(say.benchmark_missing_sentence(reading.name(indicator), reading.language))
    return out


def _data_note(reading: Reading) -> str:
    """Say how old the data are and how the figures are built."""
    as_of, version = short_time(reading.snapshot["data_as_of"]), reading.snapshot["data_version"]
    if reading.en:
        so_far = f"; {reading.year}'s are {reading.period()}" if reading.ytd_quarter else ""
        return (
            f"Figures are as of {as_of} (data version {version}); ratios are ratios of sums over the "
            f"enterprises' returns; annual values are the full-year (quarter-4) returns{so_far}. Sources and "
            "methods: see the appendix."
        )
    so_far = f"，{reading.year}年为{reading.period()}数据" if reading.ytd_quarter else ""
    return (
        f"本报告数据截至{as_of}（数据版本{version}）；比值类指标按企业数据先求和再相除计算，"
        f"年度数值取第四季度（1—12月累计）数据{so_far}。数据来源和计算方法见附录。"
    )


# --- 二、主要指标完成情况 ------------------------------------------------------------------


def completion_table(reading: Reading) -> dict:
    """Lay out the completion table: base, target, the actual of every year, completion, status; notes in it."""
    language, plan = reading.language, reading.plan
    years = list(range(plan["start_year"], reading.year + 1))

    def h(key: str, **kw) -> str:
        return _t(COMPLETION_COLUMNS[key], language).format(**kw)

    header = [
        [
            head(h("no"), rowspan=2),
            head(h("name"), rowspan=2),
            head(h("unit"), rowspan=2),
            head(h("attribute"), rowspan=2),
            head(h("base", year=plan["base_year"]), rowspan=2),
            head(h("target"), rowspan=2),
            head(h("actuals"), colspan=len(years)),
            *([head(h("yoy"), rowspan=2)] if reading.ytd_quarter else []),
            head(h("completion"), rowspan=2),
            head(h("status"), rowspan=2),
        ],
        [head(reading.period() if reading.ytd_quarter and y == reading.year else h("year", year=y)) for y in years],
    ]
    notes: list[str] = []
    rows = [_completion_row(reading, indicator, years, notes) for indicator in reading.indicators]
    yoy = ["right"] if reading.ytd_quarter else []
    aligns = ["center", "left", "left", "center", "right", "right", *["right"] * len(years), *yoy, "right", "center"]
    font = 9.0
    wrap = {1: 62.0, 2: 24.0} if reading.en else None  # English names and units wrap between words
    columns = tables.fit_columns(header, rows, font=font, aligns=aligns, wrap=wrap)
    return tables.table(
        "completion",
        title=reading.t("completion_title"),
        header=header,
        rows=rows,
        columns=columns,
        footnotes=notes,
        font=font,
        landscape=True,
    )


def _completion_row(reading: Reading, indicator: Mapping, years: list[int], notes: list[str]) -> list[dict]:
    row = reading.current[indicator["code"]] or {}
    d = indicator["decimals"]
    values = {r["year"]: r.get("value") for r in indicator["park"]}
    attribute = indicator["attribute"]
    base = num_cell(_base_value(reading, indicator, row), d)
    base_note = _base_note(reading, indicator, row)
    if base_note:
        base["note"] = _add_note(notes, base_note)
    if indicator["target_kind"] == "benchmark":
        target = num_cell(row.get("target"), d)
        target["note"] = _add_note(notes, _benchmark_target_note(reading, indicator, row))
    elif indicator["target_kind"] in ("growth", "change"):
        # The plan states a rate: the cell says it; its note the level it means from the base (method §3.1).
        target = cell(_rate_text(reading, indicator))
        target["note"] = _add_note(notes, _rate_target_note(reading, indicator, row))
    else:
        target = num_cell(indicator["target_value"], d)
    yoy = []
    if reading.ytd_quarter:
        ytd = indicator.get("ytd") or {}
        values[reading.year] = ytd.get("value")
        change = say.year_on_year_text(
            ytd.get("value"), ytd.get("previous"), unit=indicator["unit"], language=reading.language
        )
        yoy = [cell(change or "—")]
    return [
        {"text": str(indicator["order"]), "value": indicator["order"], "format": "0", "note": ""},
        cell(reading.name(indicator)),
        cell(reading.unit(indicator)),
        cell(ATTRIBUTES_EN.get(attribute, attribute) if reading.en else attribute),
        base,
        target,
        *[num_cell(values.get(y), d) for y in years],
        *yoy,
        pct_cell(row.get("completion")),
        cell(say.status_word(reading.status(indicator["code"]), reading.language)),
    ]


def _base_value(reading: Reading, indicator: Mapping, row: Mapping) -> float | None:
    """Return the base the year's progress used; for a year not yet judged, the plan's figure or the computed one."""
    if row.get("base_value") is not None or not reading.ytd_quarter:
        return row.get("base_value")
    if indicator["target_kind"] == "cumulative":
        return 0.0
    stated = [b["value"] for b in indicator["base_values"] if b["year"] == reading.plan["base_year"]]
    return stated[0] if stated else indicator.get("base_actual")


def _rate_text(reading: Reading, indicator: Mapping) -> str:
    """Say a growth or change target's rate: 年均增长7%, 累计下降17% (+7% a year, −17% over the plan)."""
    rate = say.number(indicator["target_value"], 1).removesuffix(".0")
    if indicator["target_kind"] == "growth":
        return f"+{rate}% a year" if reading.en else f"年均增长{rate}%"
    lower = bool(indicator.get("lower_is_better"))
    if reading.en:
        return f"{'−' if lower else '+'}{rate}% over the plan"
    return f"累计{'下降' if lower else '提高'}{rate}%"


def _add_note(notes: list[str], text: str) -> str:
    """Add a footnote to a table's notes; return its marker."""
    mark = tables.note_mark(len(notes) + 1)
    notes.append(f"{mark} {text}")
    return mark


def _benchmark_target_note(reading: Reading, indicator: Mapping, row: Mapping) -> str:
    """Say what a benchmark target's figure is: the benchmark of the year, provisionally an earlier one, or none."""
    en, year = reading.en, reading.year
    target_text = indicator["target_text_en"] if en else indicator["target_text_zh"]
    used, unit = row.get("benchmark_year"), reading.unit(indicator)
    value = say.value_text(row.get("target"), unit=unit, decimals=indicator["decimals"], language=reading.language)
    name = reading.name(indicator)
    if reading.ytd_quarter:  # a year not yet judged: the benchmark of the year comes with its judgement
        return f"{name}: target “{target_text}”." if en else f"{name}：目标为“{target_text}”。"
    if row.get("target") is None or not used:
        if en:
            return f"{name}: target “{target_text}”; no benchmark value entered, not judged (benchmark missing)."
        return f"{name}：目标为“{target_text}”，尚未录入对标基准值，未作评价（基准缺失）。"
    if row.get("provisional"):
        if en:
            return (
                f"{name}: target “{target_text}”; the {year} benchmark is not yet available, the {used} value "
                f"({value}) is used provisionally and the status is provisional."
            )
        return f"{name}：目标为“{target_text}”，{year}年基准值尚未录入，暂用{used}年基准值{value}，评价为暂定。"
    if en:
        return f"{name}: target “{target_text}”, the {used} benchmark value {value}."
    return f"{name}：目标为“{target_text}”，取{used}年基准值{value}。"


def _rate_target_note(reading: Reading, indicator: Mapping, row: Mapping) -> str:
    """Say the level a growth or change target's rate means from the base (docs/method.md §3.1)."""
    target_text = indicator["target_text_en"] if reading.en else indicator["target_text_zh"]
    level = row.get("target")
    base = _base_value(reading, indicator, row)
    if level is None and base is not None and base > 0:
        rate = indicator["target_value"] / 100
        years = reading.plan["end_year"] - reading.plan["base_year"]
        if indicator["target_kind"] == "growth":
            level = base * (1 + rate) ** years
        else:
            level = base * (1 - rate if indicator.get("lower_is_better") else 1 + rate)
    year = indicator["target_year"]
    value = say.value_text(
        level, unit=reading.unit(indicator), decimals=indicator["decimals"], language=reading.language
    )
    if reading.en:
        known = f"; from the base it means {value} in {year}" if level is not None else ""
        return f"{reading.name(indicator)}: target “{target_text}”{known}."
    known = f"，按基期值折算{year}年目标值为{value}" if level is not None else ""
    return f"{reading.name(indicator)}：目标为“{target_text}”{known}。"


def _coverage(indicator: Mapping, row: Mapping) -> tuple[float, float] | None:
    """Return (the plan's base figure, the platform's own) when they differ by more than 2% (method §8), else None.

    The result's coverage note decides; a snapshot frozen before results carried
    one (no base_computed in its inputs) compares the base with base_actual.
    """
    inputs = indicator.get("inputs") or {}
    if "base_computed" in inputs:
        note = inputs.get("coverage_note")
        return (note["published"], note["computed"]) if note else None
    plan_base, own = row.get("base_value"), indicator.get("base_actual")
    if inputs.get("base_source") != "plan" or plan_base is None or own is None:
        return None
    if plan_base == 0 or abs(own - plan_base) / abs(plan_base) <= BASE_DIFFERENCE:
        return None
    return plan_base, own


def _base_note(reading: Reading, indicator: Mapping, row: Mapping) -> str:
    """Say when the plan's base figure and the platform's own base-year figure differ by more than 2% (口径说明)."""
    both = _coverage(indicator, row)
    if both is None:
        return ""
    plan_base, own = both
    d, unit, base_year = indicator["decimals"], reading.unit(indicator), reading.plan["base_year"]
    plan_text = say.value_text(plan_base, unit=unit, decimals=d, language=reading.language)
    own_text = say.value_text(own, unit=unit, decimals=d, language=reading.language)
    if reading.en:
        return (
            f"{reading.name(indicator)}: the base is the plan's figure, {plan_text}; the enterprises' {base_year} "
            f"returns give {own_text} (a different coverage). Progress is measured from the plan's figure."
        )
    return (
        f"{reading.name(indicator)}：基期值为规划所载{plan_text}；按{base_year}年企业统计数据计算为{own_text}，"
        "口径不同，进度按规划所载数值计算。"
    )


# --- 三、主要成效 and 四、存在问题及原因: each indicator where its status puts it -----------


def _by_status(reading: Reading, comments: Mapping[str, str]) -> list[dict]:
    if reading.ytd_quarter:  # no status yet: every indicator in one section
        out = [_heading(1, reading.t("ytd_indicators"))]
        for n, indicator in enumerate(reading.indicators, start=1):
            out += indicator_blocks(reading, indicator, n, comments.get(indicator["code"]))
        return out
    good = [i for i in reading.indicators if reading.status(i["code"]) in say.GOOD]
    bad = [i for i in reading.indicators if reading.status(i["code"]) not in say.GOOD]
    out = [_heading(1, reading.t("achievements"))]
    if not good:
        out.append(_note(reading.t("none_good")))
    for n, indicator in enumerate(good, start=1):
        out += indicator_blocks(reading, indicator, n, comments.get(indicator["code"]))
    out.append(_heading(1, reading.t("problems")))
    if not bad:
        out.append(_note(reading.t("none_bad")))
    for n, indicator in enumerate(bad, start=1):
        out += indicator_blocks(reading, indicator, n, comments.get(indicator["code"]))
    return out


def measure(reading: Reading, indicator: Mapping) -> say.Measure:
    """Return what the indicator's sentence says: its park row of the year."""
    row = reading.current[indicator["code"]] or indicator.get("ytd") or {}
    return say.Measure(
        year=reading.year,
        name=reading.name(indicator),
        unit=reading.unit(indicator),
        decimals=indicator["decimals"],
        is_count=indicator.get("is_count", False),
        kind=indicator["target_kind"],
        value=row.get("value"),
        target=row.get("target"),
        completion=row.get("completion"),
        status=reading.status(indicator["code"]),
        gap=row.get("gap"),
        needed_per_year=row.get("needed_per_year"),
        lower_is_better=(indicator.get("inputs") or {}).get("direction") == "lower",
        benchmark_year=row.get("benchmark_year"),
        provisional=bool(row.get("provisional")),
        target_year=reading.plan["end_year"],
    )


def indicator_blocks(reading: Reading, indicator: Mapping, n: int, comment: str | None) -> list[dict]:
    """Lay out one indicator: the facts, its chart, its parcels, then what the office wrote on it."""
    code, row = indicator["code"], reading.current[indicator["code"]] or {}
    m = measure(reading, indicator)
    facts = _facts(reading, indicator, m)
    projection = say.projection_sentence(
        m,
        projected=row.get("projected"),
        projected_gap=row.get("projected_gap"),
        base_year=reading.plan["base_year"],
        language=reading.language,
    )
    out = [
        _heading(2, f"{say.ordinal(n, reading.language)}{reading.name(indicator)}"),
        _fact(facts + (" " if reading.en and projection else "") + projection, "park", code),
        {"kind": "figure", "key": f"{code}-trend", "alt": reading.name(indicator)},
    ]
    coverage = _base_note(reading, indicator, row)
    if coverage:
        out.append(_note(coverage))
    parcels = parcels_sentence(reading, indicator)
    if parcels:
        out.append(_fact(parcels, "parcels", code))
    out.append({"kind": "figure", "key": f"{code}-parcels", "alt": reading.t("parcels")})
    out.append(parcel_table(reading, indicator))
    narrative = indicator.get("narrative") or {}
    if narrative.get("reasons"):
        out.append(_office(reading, reading.t("reasons"), narrative["reasons"], narrative))
    if (comment or "").strip():
        out.append(_office(reading, reading.t("comment"), comment.strip(), None))
    return out


def _facts(reading: Reading, indicator: Mapping, m: say.Measure) -> str:
    """Say the indicator's numbers of the year: judged, or for a year not yet complete its value so far and 同比."""
    if not reading.ytd_quarter:
        return say.indicator_sentence(m, reading.language)
    previous = (indicator.get("ytd") or {}).get("previous")
    return say.year_to_date_sentence(m, quarter=reading.ytd_quarter, previous=previous, language=reading.language)


def _office(reading: Reading, label: str, text: str, narrative: Mapping | None) -> dict:
    meta = ""
    if narrative:
        at = short_time(narrative.get("written_at"))
        by = narrative.get("written_by") or "—"
        meta = (
            f"(version {narrative['version']}, {by}, {at})"
            if reading.en
            else f"（第{narrative['version']}版，{by}，{at}）"
        )
    return {"kind": "office", "label": label, "text": text, "meta": meta}


def parcel_facts(reading: Reading, indicator: Mapping) -> tuple[list[say.ParcelFact], int]:
    """Return the disclosed parcels of an indicator as the sentences read them, and how many are not disclosed."""
    facts, hidden = [], 0
    for p in indicator["parcels"]:
        if confidential(p):
            hidden += 1
            continue
        change = None if p["value"] is None or p["base_value"] is None else p["value"] - p["base_value"]
        facts.append(
            say.ParcelFact(
                name=reading.parcel_name(p["code"]),
                value=p["value"],
                change=change,
                completion=p["completion"],
                status=p["status"] or "",
                share=p["share_of_change"],
            )
        )
    return facts, hidden


def parcels_sentence(reading: Reading, indicator: Mapping) -> str:
    """Describe the parcels as the pages do: judged parcels by status; unsplit counts by shares of the change."""
    if reading.ytd_quarter:
        return ""  # the table says the parcels' values so far and their 同比
    facts, hidden = parcel_facts(reading, indicator)
    judged = any(f.status for f in facts) or any(p["status"] for p in indicator["parcels"])
    base_year, language = reading.plan["base_year"], reading.language
    if indicator.get("is_count", False) and not judged:
        return say.unsplit_parcels_sentence(
            facts, unit=reading.unit(indicator), base_year=base_year, hidden=hidden, language=language
        )
    split = indicator.get("is_count", False)
    return say.judged_parcels_sentence(facts, split=split, base_year=base_year, hidden=hidden, language=language)


PARCEL_COLUMNS = {
    "parcel": ("地块", "Parcel"),
    "value": ("当年实际", "Actual"),
    "base": ("基期值", "Base"),
    "change": ("较基期变化", "Change since base"),
    "target": ("分解目标", "Split target"),
    "completion": ("完成情况", "Completion"),
    "status": ("评价", "Status"),
    "share": ("占园区变化比重", "Share of the park's change"),
    "previous": ("上年同期", "Same period last year"),
    "yoy": ("同比", "Year on year"),
}


def parcel_table(reading: Reading, indicator: Mapping) -> dict:
    """Lay out the parcels of an indicator: the columns that apply to it, none that would be empty."""
    count = indicator.get("is_count", False)
    judged = any(p["status"] for p in indicator["parcels"])
    keys = ["parcel", "value", "base", "change"]
    if reading.ytd_quarter:
        keys = ["parcel", "value", "previous", "yoy"]
    elif judged:
        keys += (["target"] if count else []) + ["completion", "status"]
    else:
        keys += ["share"] if count else []
    header = [head(_t(PARCEL_COLUMNS[k], reading.language)) for k in keys]
    if reading.ytd_quarter:
        header[1] = head(reading.period())
    d = 0 if count else indicator["decimals"]
    rows = [_parcel_row(reading, indicator, p, keys, d) for p in indicator["parcels"]]
    header, rows = tables.without_empty_columns(header, rows)
    aligns = ["left"] + ["center" if h["text"] in ("评价", "Status") else "right" for h in header[1:]]
    wrap = {0: 52.0} if reading.en else None  # English parcel names wrap between words
    columns = tables.fit_columns([header], rows, font=9, aligns=aligns, wrap=wrap)
    notes = (
        [_t(appendix.CONFIDENTIAL_NOTE, reading.language)] if any(confidential(p) for p in indicator["parcels"]) else []
    )
    return tables.table(
        f"{indicator['code']}-parcels",
        title=f"{indicator['code']} {reading.name(indicator)}",
        header=[header],
        rows=rows,
        columns=columns,
        footnotes=notes,
    )


def _parcel_row(reading: Reading, indicator: Mapping, p: Mapping, keys: list[str], decimals: int) -> list[dict]:
    name = reading.parcel_name(p["code"])
    if confidential(p):
        reason = p.get("withheld") or disclosure.FEW
        least = reading.snapshot.get("min_enterprises", 3)
        return hidden_row(name, len(keys), reason=reason, language=reading.language, min_enterprises=least)
    change = None if p["value"] is None or p["base_value"] is None else p["value"] - p["base_value"]
    cells = {
        "parcel": cell(name),
        "value": num_cell(p["value"], decimals),
        "base": num_cell(p["base_value"], decimals),
        "change": num_cell(change, decimals),
        "target": num_cell(p["target"], decimals),
        "completion": pct_cell(p["completion"]),
        "status": cell(say.status_word(p["status"], reading.language)),
        "share": pct_cell(p["share_of_change"]),
        "previous": num_cell(p.get("previous"), decimals),
        "yoy": cell(
            say.year_on_year_text(
                p["value"], p.get("previous"), unit=reading.unit(indicator), language=reading.language
            )
            or "—"
        ),
    }
    return [cells[k] for k in keys]


def hidden_row(
    name: str, width: int, *, reason: str = "few", language: str = "zh", min_enterprises: int = 3
) -> list[dict]:
    """Return the row of a parcel whose figures are withheld: its name, why (the words of every output) and stars."""
    words = disclosure.hidden_text(reason, min_enterprises=min_enterprises, language=language)
    return [cell(name + " *"), cell(words, None)] + [cell("*", None)] * (width - 2)


# --- 五、下一步建议 ---------------------------------------------------------------------------


def _next_steps(reading: Reading) -> list[dict]:
    """Say which indicators need more, then print the office's 下一步措施 (a gap where one is still unwritten)."""
    final = reading.kind == "final"
    out = [_heading(1, reading.t("next_ytd" if reading.ytd_quarter else "next_final" if final else "next"))]
    lagging = [i for i in reading.indicators if reading.status(i["code"]) in say.LAGGING]
    intro = say.lagging_intro([reading.name(i) for i in lagging], final=reading.measured, language=reading.language)
    if intro:
        out.append(_fact(intro, "summary"))
    for indicator in reading.indicators:
        narrative = indicator.get("narrative") or {}
        if narrative.get("measures"):
            out.append(_office(reading, reading.name(indicator), narrative["measures"], narrative))
        elif indicator in lagging:
            out.append(
                {"kind": "office", "label": reading.name(indicator), "text": reading.t("not_written"), "meta": ""}
            )
    if reading.ytd_quarter and len(out) == 1:
        out.append(_note(reading.t("next_ytd_note")))
    return out


def _narrative_rows(reading: Reading, comments: Mapping[str, str]) -> list[dict]:
    """Return, per indicator, its status, the generated sentence and what the office wrote (the spreadsheet's sheet)."""
    rows = []
    for indicator in reading.indicators:
        narrative = indicator.get("narrative") or {}
        rows.append(
            {
                "code": indicator["code"],
                "name": reading.name(indicator),
                "status": say.status_word(reading.status(indicator["code"]), reading.language),
                "facts": say.indicator_sentence(measure(reading, indicator), reading.language),
                "reasons": narrative.get("reasons", ""),
                "measures": narrative.get("measures", ""),
                "written": "" if not narrative else _office(reading, "", "", narrative)["meta"].strip("（）()"),
                "comment": (comments.get(indicator["code"]) or "").strip(),
            }
        )
    return rows
