"""An official attacks the disclosure rules: every output with parcel figures, every differencing route.

For a park with one small parcel (北上海生物医药产业园(南区), two enterprises in 2024) and one with two
(and 南大地区), plus one parcel where one enterprise holds almost all the R&D of 2024, an official collects
what reaches them: the chart data embedded in the pages (indicator, parcel, heat map), the CSV and Excel
downloads, the API's lists (values with `previous`, progress with its inputs), the exports run with
`--audience official`, and the files of a report made for officials (Word, Excel, the figures behind the
charts and the document model the PDF prints), every page and download the plan's (/plans/<code>/…,
?plan=). Then each route of docs/disclosure.md is tried on every withheld cell: reading it off, the
park's total minus the published parcels (numerators and denominators,
with a head count published by another indicator), 'previous' and 同比, the progress figures (gap,
completion, expected value, base value, share of the park's change, the projection), the year-to-date
quarters (brackets, and the year from the last quarter plus the park's last quarter minus the published
parcels'). No estimate may come within 1% of the true figure. Functional areas publish no totals of their
own anywhere (the areas page shows the parcels' cells), so that route has nothing to subtract from.

A second test checks that pages, API, downloads, exports and the report withhold the same cells.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random
import re
from collections import defaultdict

import openpyxl
import pytest
from django.core.management import call_command
from docx import Document

from indicators import compute, formulas, services
from indicators.models import Indicator, IndicatorValue, Progress
from indicators.reports import figures
from indicators.reports import queries as report_queries
from indicators.reports import services as report_services
from parcels import access, statfields
from parcels.models import Enterprise, Parcel, Statistic
from parkplan import creditcode
from tests.factories import make_user

pytestmark = pytest.mark.django_db

YEARS = (2020, 2023, 2024, 2025)
PERIODS = [(y, None) for y in YEARS] + [(y, q) for y in (2024, 2025) for q in (1, 2, 3)]
SMALL = {"one": ("bio-south",), "two": ("bio-south", "nanda")}
DOMINATED = "robot-park"  # one enterprise holds almost all of its R&D in 2024
CODES = ["I1", "I2", "I3", "I4", "I5", "I6", "I7", "I8"]
TOLERANCE = 0.01
HIDDEN_WORDS = "不予公开"
FLOWS = frozenset(f.name for f in statfields.BUILT_IN.fields if f.kind == statfields.FLOW)


def formula_of(code: str) -> formulas.Formula:
    return formulas.parse(Indicator.objects.get(plan__code="fyp-14", code=code).formula)


def summed(part: formulas.Node | None) -> frozenset[str]:
    """The elements a numerator or denominator sums (the same head count stands behind I2, I7 and I8)."""
    return frozenset(
        n.code
        for a in formulas.walk(part)
        if isinstance(a, formulas.Aggregate) and a.function == "sum"
        for n in formulas.walk(a.value)
        if isinstance(n, formulas.Element)
    )


# --- the park --------------------------------------------------------------------------


def build_park(small: tuple[str, ...], seed: int = 14) -> None:
    """Generate enterprises and year-to-date statistics: 4–6 enterprises a parcel, 2 in each small parcel in 2024.

    The small parcels' enterprises are unlike the rest (three to five times the R&D, patents, graduates and
    returnees per head, all high-tech, one industry leader, one listed), so that no park-wide average happens
    to land within 1% of them.
    """
    rng = random.Random(seed)
    statistics, serial = [], 0
    for order, parcel in enumerate(Parcel.objects.order_by("order", "code")):
        odd = 3.0 if parcel.code in small else 1.0
        for i in range(4 + order % 3):
            serial += 1
            enterprise = Enterprise.objects.create(
                credit_code=creditcode.make_code(f"91310113{serial:09d}"), name=f"测试企业{serial}", parcel=parcel
            )
            profile = _profile(rng, odd=odd, dominant=parcel.code == DOMINATED and i == 0, first=i)
            for year in YEARS:
                if parcel.code in small and year == 2024 and i >= 2:
                    continue  # two enterprises report in 2024
                statistics += _year(rng, enterprise, parcel, year, profile)
    Statistic.objects.bulk_create(statistics)
    services.recompute(full=True)


def _profile(rng: random.Random, *, odd: float, dominant: bool, first: int) -> dict:
    employees = rng.randint(80, 400)
    return {
        "employees": employees,
        "masters": 0.05 * odd,
        "foreign": 0.01 * odd * (1.5 if odd > 1 else 1),
        "patents": 0.004 * odd * 1.3,
        "value_added": rng.uniform(3000, 9000),
        "rd": rng.uniform(0.02, 0.05) * odd * (60 if dominant else 1),
        "output": rng.uniform(8000, 20000),
        "sei": 0.9 if odd > 1 else rng.uniform(0.2, 0.5),
        "above_scale": odd > 1 or rng.random() < 0.75,
        "high_tech": odd > 1 or rng.random() < 0.5,
        "leader": (odd > 1 and first == 0) or rng.random() < 0.3,
        "listed": dt.date(2022, 6, 1) if (odd > 1 and first == 1) or rng.random() < 0.15 else None,
    }


def _year(rng: random.Random, enterprise, parcel, year: int, p: dict) -> list[Statistic]:
    """Four year-to-date records: flows grow by uneven quarterly shares, stocks drift."""
    growth = 1 + 0.08 * (year - 2020) + rng.uniform(-0.03, 0.03)
    shares = [*sorted(rng.uniform(0.1, 0.9) for _ in range(3)), 1.0]
    rows = []
    for quarter, share in enumerate(shares, start=1):
        employees = int(p["employees"] * growth * rng.uniform(0.97, 1.03))
        va = p["value_added"] * growth * share
        output = p["output"] * growth * share
        rows.append(
            Statistic(
                enterprise=enterprise,
                parcel=parcel,
                year=year,
                quarter=quarter,
                revenue=120_000 if p["leader"] else 20_000,
                industrial_output=round(output, 2),
                above_scale=p["above_scale"],
                sei_output=round(output * p["sei"], 2),
                value_added=round(va, 2),
                rd_expenditure=round(va * p["rd"], 2),
                tax=0,
                employees=employees,
                masters_plus=int(employees * p["masters"] * growth),
                foreign_returnee=max(1, int(employees * p["foreign"] * growth)),
                invention_patents=int(employees * p["patents"] * growth * share) + 1,
                high_tech=p["high_tech"],
                listed_date=p["listed"],
                source=Statistic.Source.ADMIN,
            )
        )
    return rows


# --- what the official sees -----------------------------------------------------------------


class Seen:
    """What an official collected: (code, parcel code or None, year, quarter, field) → [(source, number)]."""

    def __init__(self):
        self.figures: dict[tuple, list[tuple[str, float]]] = defaultdict(list)
        self.withheld: dict[str, set[tuple]] = defaultdict(set)  # channel → keys shown as withheld

    def add(self, source: str, code: str, parcel: str | None, year: int, quarter: int, field: str, number) -> None:
        if number is not None and number != "":
            self.figures[(code, parcel, year, quarter, field)].append((source, float(number)))

    def get(self, code, parcel, year, quarter, field) -> float | None:
        found = self.figures.get((code, parcel, year, quarter, field))
        return found[0][1] if found else None


def number(text) -> float | None:
    """Read a number as the outputs write it: 1,234.5 / 12.3% / +1.20个百分点 / −3.0%; None for anything else."""
    if text is None or isinstance(text, int | float):
        return text
    text = str(text).strip().lstrip("'").replace(",", "").replace("−", "-")  # a download quotes a leading sign
    match = re.fullmatch(r"([+-]?\d+(?:\.\d+)?(?:e[+-]?\d+)?)(%|个百分点)?", text)
    if not match:
        return None
    value = float(match.group(1))
    return value / 100 if match.group(2) == "%" else value


def collect_api(client, seen: Seen, plan) -> None:
    url = f"/api/v1/indicator-values/?plan={plan.code}&page_size=1000"
    while url:
        page = client.get(url).json()
        for r in page["results"]:
            key = (r["indicator"], r["parcel"], r["year"], r["quarter"])
            for field in ("value", "numerator", "denominator"):
                seen.add("api", *key, field, r[field])
            seen.add("api previous", r["indicator"], r["parcel"], r["year"] - 1, r["quarter"], "value", r["previous"])
            if r["confidential"]:
                seen.withheld["api values"].add(key)
        url = page["next"]
    url = f"/api/v1/progress/?plan={plan.code}&page_size=1000"
    while url:
        page = client.get(url).json()
        for r in page["results"]:
            add_progress(seen, "api progress", r, plan)
            if r["confidential"]:
                seen.withheld["api progress"].add((r["indicator"], r["parcel"], r["year"]))
        url = page["next"]


def add_progress(seen: Seen, source: str, r: dict, plan) -> None:
    """Read every figure a progress row gives of its year's and its base year's values."""
    code, parcel, year = r["indicator"], r["parcel"], int(r["year"])
    f = {k: number(r.get(k)) for k in ("value", "target", "gap", "completion", "base_value", "expected")}
    seen.add(source, code, parcel, year, 4, "value", f["value"])
    seen.add(source, code, parcel, plan.base_year, 4, "value", f["base_value"])
    if f["target"] is not None and f["gap"] is not None:
        seen.add(source + " gap", code, parcel, year, 4, "value", f["target"] - f["gap"])
    if f["target"] is not None and f["completion"] is not None:
        seen.add(source + " completion", code, parcel, year, 4, "value", f["target"] * f["completion"])
    s = (year - plan.base_year) / (plan.end_year - plan.base_year)
    if f["target"] is not None and f["expected"] is not None and s < 1 and r.get("target_kind") != "benchmark":
        base = f["target"] - (f["target"] - f["expected"]) / (1 - s)  # E = T − d0·(1 − s), d0 = T − base
        seen.add(source + " expected", code, parcel, plan.base_year, 4, "value", base)
    seen.add(source, code, parcel, year, 4, "share", number(r.get("share_of_change")))
    seen.add(source, code, parcel, year, 4, "projected", number(r.get("projected")))
    inputs = r.get("inputs") or {}
    for x, v in inputs.get("projection_points") or []:
        seen.add(source + " projection points", code, parcel, int(x), 4, "value", v)
    seen.add(source, code, parcel, year, 4, "slope", inputs.get("projection_slope"))


def collect_exports(seen: Seen, plan) -> None:
    out = io.StringIO()
    call_command("export_indicator_values", "--plan", plan.code, "--audience", "official", stdout=out)
    for r in csv.DictReader(io.StringIO(out.getvalue())):
        key = (r["indicator"], r["parcel"] or None, int(r["year"]), int(r["quarter"]))
        for field in ("value", "numerator", "denominator"):
            seen.add("export values", *key, field, r[field])
        if r["withheld"]:
            seen.withheld["export values"].add(key)
    out = io.StringIO()
    call_command("export_progress", "--plan", plan.code, "--audience", "official", stdout=out)
    for r in csv.DictReader(io.StringIO(out.getvalue())):
        add_progress(seen, "export progress", {**r, "parcel": r["parcel"] or None}, plan)
        if r["withheld"]:
            seen.withheld["export progress"].add((r["indicator"], r["parcel"] or None, int(r["year"])))


def chart_data(html: str) -> dict[str, dict]:
    found = re.findall(r'<script id="([^"]+)" type="application/json">(.*?)</script>', html, flags=re.S)
    return {name: json.loads(body) for name, body in found}


def collect_indicator_pages(client, seen: Seen, names: dict[str, str], plan) -> None:
    """The parcels side by side: the bars' data, and the table behind them as CSV (and Excel for a year)."""
    pages = f"/plans/{plan.code}"
    for code in CODES:
        for year, quarter in PERIODS:
            q = quarter or 4
            query = f"?year={year}" + (f"&quarter={quarter}" if quarter else "")
            html = client.get(f"{pages}/indicators/{code}/{query}").content.decode()
            # One bar trace per status (its colour and legend entry): every trace's bars.
            for bars in (t for t in chart_data(html)["fig-parcels"]["data"] if t.get("type") == "bar"):
                share = "%" in (bars.get("hovertemplate") or "")
                for name, x in zip(bars["y"], bars["x"], strict=True):
                    field = "share" if share else "value"
                    seen.add("page bars", code, names[name], year, q, field, x / 100 if share else x)
            body = client.get(f"{pages}/indicators/{code}/data.csv{query}&table=parcels").content.decode("utf-8-sig")
            rows = list(csv.reader(io.StringIO(body)))
            read_comparison(seen, "download csv", code, year, q, rows[0], rows[1:], names)
            if quarter is None:
                download = client.get(f"{pages}/indicators/{code}/data.xlsx{query}").content
                book = openpyxl.load_workbook(io.BytesIO(download))
                sheet = [[c.value for c in row] for row in book["parcels"].iter_rows(min_row=2)]
                read_comparison(seen, "download xlsx", code, year, q, sheet[0], sheet[1:], names)


def read_comparison(seen: Seen, source: str, code: str, year: int, q: int, header, rows, names) -> None:
    """Read the table of the parcels side by side: value, target − gap, completion, share, 同比."""
    for row in rows:
        cells = dict(zip(header, row, strict=True))
        parcel = names[str(cells[header[0]]).split("（")[0]]
        if HIDDEN_WORDS in str(row[2]):  # the value; a 同比 alone may be withheld (its other year is)
            seen.withheld[source].add((code, parcel, year, q))
        get = {label.split("（")[0]: number(v) for label, v in cells.items()}
        seen.add(source, code, parcel, year, q, "value", get.get("数值"))
        if get.get("目标") is not None and get.get("距目标差距") is not None:
            seen.add(source + " gap", code, parcel, year, q, "value", get["目标"] - get["距目标差距"])
        if get.get("目标") is not None and get.get("完成程度") is not None:
            seen.add(source + " completion", code, parcel, year, q, "value", get["目标"] * get["完成程度"])
        seen.add(source, code, parcel, year, q, "share", get.get("占园区增量比重"))
        change = cells.get("同比")
        if change not in (None, "", "—") and HIDDEN_WORDS not in str(change) and get.get("数值") is not None:
            v, c = get["数值"], number(change)
            assert c is not None, change
            previous = v - c if "百分点" in str(change) else v / (1 + c)
            seen.add(source + " 同比", code, parcel, year - 1, q, "value", previous)


def collect_parcel_pages(client, seen: Seen, plan) -> None:
    """Each parcel's page: its trend charts' points and projection line, and its table."""
    for parcel in Parcel.objects.order_by("order", "code"):
        for year in YEARS[1:]:
            html = client.get(f"/plans/{plan.code}/parcels/{parcel.code}/?year={year}").content.decode()
            for name, fig in chart_data(html).items():
                code = name.removeprefix("fig-")
                for trace in fig["data"]:
                    if trace.get("name") == "实际值":
                        for x, y in zip(trace["x"], trace["y"], strict=True):
                            seen.add("parcel page trend", code, parcel.code, int(x), 4, "value", y)
                    if str(trace.get("name", "")).startswith("趋势外推"):
                        points = [(int(x), y) for x, y in zip(trace["x"], trace["y"], strict=True) if y is not None]
                        if len(points) >= 2:
                            (x0, y0), (x1, y1) = points[0], points[-1]
                            seen.add(
                                "parcel page projection", code, parcel.code, year, 4, "slope", (y1 - y0) / (x1 - x0)
                            )
                            seen.add("parcel page projection", code, parcel.code, year, 4, "projected", y1)
            for code, value in re.findall(r'data-indicator="(I\d)"><td>.*?</td>\s*<td class="num">([^<]*)', html, re.S):
                seen.add("parcel page table", code, parcel.code, year, 4, "value", number(value.strip()))


def collect_heatmaps(client, seen: Seen, names: dict[str, str], plan) -> None:
    for year, quarter in PERIODS:
        q = quarter or 4
        query = f"?year={year}" + (f"&quarter={quarter}" if quarter else "")
        html = client.get(f"/plans/{plan.code}/parcels/{query}").content.decode()
        for trace in chart_data(html)["fig-heatmap"]["data"]:
            for name, texts in zip(trace["y"], trace["text"], strict=True):
                for label, text in zip(trace["x"], texts, strict=True):
                    code = label.split("<br>")[0]  # the column heads: the code, then the short name
                    if HIDDEN_WORDS in (text or ""):
                        seen.withheld["heat map"].add((code, names[name], year, q))
                    elif text and text.startswith("占增量"):
                        seen.add("heat map", code, names[name], year, q, "share", number(text.removeprefix("占增量")))
                    else:
                        seen.add("heat map", code, names[name], year, q, "value", number(text))


def collect_report(seen: Seen, office, monkeypatch, names: dict[str, str], year: int, plan) -> None:
    """A report made for officials: its Word and Excel files, the figures behind its charts, its document model."""
    monkeypatch.setattr(report_services, "render_images", lambda report, progress=None: {})
    report = report_services.start_report(plan=plan, year=year, user=office, audience="official")
    report = report_services.generate_report(report.id)
    blob = {f: bytes(report_queries.stored_file(report, f).content) for f in ("docx", "xlsx")}
    document = report_services.document_for(report)
    for code, table in document["parcel_tables"].items():
        header = [c["text"] for c in table["header"][0]]
        for row in table["rows"]:
            parcel = names[row[0]["text"].removesuffix(" *")]
            if any(HIDDEN_WORDS in c["text"] for c in row[1:]):
                seen.withheld["report"].add((code, parcel, year))
            cells = dict(zip(header, (c["text"] for c in row), strict=True))
            seen.add("report model", code, parcel, year, 4, "value", number(cells.get("当年实际")))
            seen.add("report model", code, parcel, plan.base_year, 4, "value", number(cells.get("基期值")))
            seen.add("report model", code, parcel, year, 4, "share", number(cells.get("占园区变化比重")))
    docx = Document(io.BytesIO(blob["docx"]))
    parcel_tables = [t for t in docx.tables if [c.text for c in t.rows[0].cells][:2] == ["地块", "当年实际"]]
    assert len(parcel_tables) == len(document["parcel_tables"])  # one a section, in the indicators' order
    for code, table in zip(document["parcel_tables"], parcel_tables, strict=True):
        header = [c.text for c in table.rows[0].cells]
        for row in table.rows[1:]:
            cells = dict(zip(header, (c.text for c in row.cells), strict=False))
            if cells["地块"].removesuffix(" *") not in names:
                continue  # the table's footnote
            parcel = names[cells["地块"].removesuffix(" *")]
            seen.add("report docx", code, parcel, year, 4, "value", number(cells.get("当年实际")))
            seen.add("report docx", code, parcel, plan.base_year, 4, "value", number(cells.get("基期值")))
    book = openpyxl.load_workbook(io.BytesIO(blob["xlsx"]))
    for sheet in book.worksheets:
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        head = next((i for i, r in enumerate(rows) if r and r[0] == "地块"), None)
        if head is None:
            continue
        header = [str(c or "") for c in rows[head]]
        for row in rows[head + 1 :]:
            name = str(row[0] or "").removesuffix(" *")
            if name not in names:
                continue
            if sheet.title.endswith("-地块"):
                code = sheet.title.split("-")[0]
                cells = dict(zip(header, row, strict=False))
                seen.add("report xlsx", code, names[name], year, 4, "value", _cell_number(cells.get("当年实际")))
                seen.add(
                    "report xlsx", code, names[name], plan.base_year, 4, "value", _cell_number(cells.get("基期值"))
                )
            elif sheet.title == "各地块指标":
                for label, v in zip(header[1:], row[1:], strict=False):
                    seen.add("report xlsx", label.split()[0], names[name], year, 4, "value", _cell_number(v))
    for name, fig in figures.indicator_figures(report.snapshot, "zh").items():
        if not name.endswith("-parcels"):
            continue
        for bars in (t for t in fig["data"] if t.get("type") == "bar"):  # one trace per status
            share = "%" in bars.get("hovertemplate", "")
            for pname, x in zip(bars["y"], bars["x"], strict=True):
                field = "share" if share else "value"
                seen.add("report figure", name.split("-")[0], names[pname], year, 4, field, x / 100 if share else x)


def _cell_number(value) -> float | None:
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


# --- the routes --------------------------------------------------------------------------------


class Truth:
    """The office's view of every stored figure, and which cells officials should not get."""

    def __init__(self):
        self.values = {
            (v.indicator.code, v.parcel.code if v.parcel_id else None, v.year, v.quarter): v
            for v in IndicatorValue.objects.select_related("indicator", "parcel")
        }
        self.park = {k: v for k, v in self.values.items() if k[1] is None}

    def withheld(self, *, primary: bool = False) -> list[tuple]:
        reasons = ("few", "dominant") if primary else ("few", "dominant", "derivable")
        return [k for k, v in self.values.items() if v.withheld in reasons and k[2] in YEARS]


def estimates(seen: Seen, truth: Truth, key: tuple, plan) -> list[tuple[str, float]]:
    """Every estimate of a withheld cell's value the routes give."""
    code, quarter = key[0], key[3]
    formula = formula_of(code)
    found = list(seen.figures.get((*key, "value"), []))
    num, den = seen.get(*key, "numerator"), seen.get(*key, "denominator")
    if num is not None and (den or formula.denominator is None):
        found.append(("numerator/denominator", num / den * float(formula.scale) if den else num))
    found += park_minus_parcels(seen, truth, key)
    found += year_from_quarters(seen, truth, key)
    found += bracket(seen, key)
    if quarter == 4:
        found += from_share(seen, truth, key, plan) + from_projection(seen, key, plan)
    return found


def _sums(seen: Seen, code: str, parcel: str, year: int, quarter: int) -> tuple[float | None, float | None]:
    """A parcel's numerator and denominator as the official can know them: published, or value × a head count
    another indicator publishes (I2, I7 and I8 share the employees)."""
    formula = formula_of(code)
    num, den = seen.get(code, parcel, year, quarter, "numerator"), seen.get(code, parcel, year, quarter, "denominator")
    if formula.denominator and den is None:
        for other in CODES:
            f = formula_of(other)
            if summed(f.denominator) == summed(formula.denominator) and seen.get(
                other, parcel, year, quarter, "denominator"
            ):
                den = seen.get(other, parcel, year, quarter, "denominator")
                break
    value = seen.get(code, parcel, year, quarter, "value")
    scale = float(formula.scale)
    if num is None and value is not None:
        num = value if formula.denominator is None else (value * den / scale if den is not None else None)
    return num, den


def park_minus_parcels(seen: Seen, truth: Truth, key: tuple) -> list[tuple[str, float]]:
    """The park's numerator and denominator minus every parcel's the official knows, all put on this cell."""
    code, parcel, year, quarter = key
    formula = formula_of(code)
    park = truth.park.get((code, None, year, quarter))
    park_num = seen.get(code, None, year, quarter, "numerator")
    park_den = seen.get(code, None, year, quarter, "denominator")
    if park is None or park_num is None:
        return []
    rest_num, rest_den, den_of_mine = park_num, park_den or 0.0, None
    for other in Parcel.objects.values_list("code", flat=True):
        num, den = _sums(seen, code, other, year, quarter)
        if other == parcel:
            den_of_mine = den
            continue
        rest_num -= num or 0.0
        rest_den -= den or 0.0
    if formula.denominator is None:
        return [("park minus parcels", rest_num)]
    den = den_of_mine if den_of_mine else rest_den
    return [("park minus parcels", rest_num / den * float(formula.scale))] if den else []


def year_from_quarters(seen: Seen, truth: Truth, key: tuple) -> list[tuple[str, float]]:
    """The previous quarter's figure plus this quarter's flow: the park's minus the published parcels'."""
    code, parcel, year, quarter = key
    formula = formula_of(code)
    if quarter == 1 or not formula.is_ratio or not summed(formula.numerator) & FLOWS:
        return []
    before_num, before_den = _sums(seen, code, parcel, year, quarter - 1)
    if before_num is None:
        return []
    flow = (seen.get(code, None, year, quarter, "numerator") or 0) - (
        seen.get(code, None, year, quarter - 1, "numerator") or 0
    )
    for other in Parcel.objects.exclude(code=parcel).values_list("code", flat=True):
        now, _ = _sums(seen, code, other, year, quarter)
        then, _ = _sums(seen, code, other, year, quarter - 1)
        flow -= (now or 0.0) - (then or 0.0)
    num = before_num + flow
    den = _sums(seen, code, parcel, year, quarter)[1] or before_den
    return [("year-to-date flow", num / den * float(formula.scale))] if den else []


def bracket(seen: Seen, key: tuple) -> list[tuple[str, float]]:
    """Between the published quarters before and after it: the middle, when they pin it."""
    code, parcel, year, quarter = key
    before = seen.get(code, parcel, year, quarter - 1, "value") if quarter > 1 else None
    after = seen.get(code, parcel, year, quarter + 1, "value") if quarter < 4 else None
    if before is None or after is None:
        return []
    return [("quarters around it", (before + after) / 2)]


def from_share(seen: Seen, truth: Truth, key: tuple, plan) -> list[tuple[str, float]]:
    """A count's share of the park's change since the base year, times that change, plus the parcel's base."""
    code, parcel, year, _q = key
    share = seen.get(code, parcel, year, 4, "share")
    base = seen.get(code, parcel, plan.base_year, 4, "value")
    park_now = seen.get(code, None, year, 4, "value")
    park_base = 0.0 if code == "I6" else seen.get(code, None, plan.base_year, 4, "value")
    if None in (share, base, park_now, park_base):
        return []
    return [("share of the park's change", base + share * (park_now - park_base))]


def from_projection(seen: Seen, key: tuple, plan) -> list[tuple[str, float]]:
    """A least-squares line through the base and the annual values, published with the others: solve for this one."""
    code, parcel, year, _q = key
    found = []
    for last in range(year, plan.end_year + 1):
        projected = seen.get(code, parcel, last, 4, "projected")
        if projected is None:
            continue
        points = {y: seen.get(code, parcel, y, 4, "value") for y in range(plan.base_year, last + 1)}
        points = {y: v for y, v in points.items() if v is not None or y == year}
        if sum(v is None for v in points.values()) != 1 or len(points) < 2:
            continue

        a, b = _line_at(points, 0.0, plan.end_year), _line_at(points, 1.0, plan.end_year)
        if b != a:
            found.append(("projection", (projected - a) / (b - a)))
    return found


def _line_at(points: dict, guess: float, year: int) -> float:
    """The least-squares line's value in `year` with `guess` for the one unknown point."""
    return compute.least_squares([(y, guess if v is None else v) for y, v in points.items()], year)[0]


def recovered(estimate: float, true: float | None) -> bool:
    if true is None:
        return False
    if true == 0:
        return abs(estimate) < 1e-9
    return abs(estimate - true) <= TOLERANCE * abs(true)


# --- the tests ------------------------------------------------------------------------------------


@pytest.fixture
def attacked(request, plan, client, monkeypatch):
    """The park with one or two small parcels, and everything an official collected from it."""
    build_park(SMALL[request.param])
    official = make_user(role=access.OFFICIAL)
    office = make_user(role=access.OFFICE)
    client.force_login(official)
    names = {p.name_zh: p.code for p in Parcel.objects.all()}
    seen = Seen()
    collect_api(client, seen, plan)
    collect_exports(seen, plan)
    collect_indicator_pages(client, seen, names, plan)
    collect_parcel_pages(client, seen, plan)
    collect_heatmaps(client, seen, names, plan)
    collect_report(seen, office, monkeypatch, names, 2024, plan)
    return {"seen": seen, "truth": Truth(), "small": SMALL[request.param]}


@pytest.mark.parametrize("attacked", ["one", "two"], indirect=True)
def test_an_official_recovers_no_withheld_figure_to_within_one_percent(attacked, plan):
    seen, truth = attacked["seen"], attacked["truth"]
    primary = truth.withheld(primary=True)
    # What the rules had to hide: the small parcels in 2024, the dominated R&D, and their complements.
    assert {("I8", small, 2024, 4) for small in attacked["small"]} <= set(primary)
    assert ("I1", DOMINATED, 2024, 4) in primary
    assert len(truth.withheld()) > len(primary)
    broken = []
    for key in truth.withheld():
        true = truth.values[key].value
        for route, estimate in estimates(seen, truth, key, plan):
            if recovered(estimate, true):
                broken.append((key, truth.values[key].withheld, route, estimate, true))
    assert not broken, broken[:20]
    # The routes were tried and gave numbers: a published figure of a small parcel's other years is read back.
    assert seen.get("I8", "bio-south", 2025, 4, "value") is not None
    assert park_minus_parcels(seen, truth, ("I8", "bio-south", 2024, 4))


@pytest.mark.parametrize("attacked", ["two"], indirect=True)
def test_every_channel_withholds_the_same_cells(attacked):
    seen, truth = attacked["seen"], attacked["truth"]
    by_progress = {
        (p.indicator.code, p.parcel.code, p.year)
        for p in Progress.objects.filter(year=2024, parcel__isnull=False)
        .exclude(withheld="")
        .select_related("indicator", "parcel")
    }
    assert by_progress
    judged = {k for k in by_progress}
    assert {k for k in seen.withheld["api progress"] if k[2] == 2024} == judged
    assert {k[:3] for k in seen.withheld["download csv"] if k[2:] == (2024, 4)} == judged
    assert {k[:3] for k in seen.withheld["heat map"] if k[2:] == (2024, 4)} == judged
    assert {k for k in seen.withheld["report"] if k[2] == 2024} == judged
    ratios = {k for k in judged if formula_of(k[0]).is_ratio}
    assert {k for k in seen.withheld["export progress"] if k[2] == 2024} == ratios
    # A quarter has no progress: its figures are withheld by its own decision, the same in every channel.
    quarter = {k for k in truth.withheld() if k[2:] == (2024, 2)}
    assert quarter
    for channel in ("api values", "export values", "download csv", "heat map"):
        assert {k for k in seen.withheld[channel] if k[2:] == (2024, 2)} == quarter, channel


def test_the_same_attack_recovers_the_figures_of_a_park_with_the_primary_rule_alone(plan, client):
    """What the issue found: withholding the small parcel alone, with its 'previous' shown, gives it away."""
    build_park(SMALL["one"])
    IndicatorValue.objects.filter(withheld="derivable").update(withheld="")
    IndicatorValue.objects.update(previous_withheld="")
    Progress.objects.update(projection_withheld="")
    client.force_login(make_user(role=access.OFFICIAL))
    seen, truth = Seen(), Truth()
    collect_api(client, seen, plan)
    routes = defaultdict(set)
    for key in truth.withheld(primary=True):
        for route, estimate in estimates(seen, truth, key, plan):
            if recovered(estimate, truth.values[key].value):
                routes[route].add(key)
    assert ("I8", "bio-south", 2024, 4) in routes["park minus parcels"]
    assert ("I8", "bio-south", 2024, 4) in routes["api previous"]  # the 2025 row's previous
    # (The target year is measured, not projected: no later row's projection passes through 2024.)
    assert routes["quarters around it"]  # a stock's quarters in 2024, between the 2025 rows' previous
    assert len(set().union(*routes.values())) >= 16
