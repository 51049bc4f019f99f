"""Reads of the parcels app: official statistics, enterprises and their history, and a return's rows.

The returns workflow's own reads (states, deadlines, the rows of a new return)
are in parcels.returns.queries; the reads here are the app's: what the returns,
the uploads, the import and the indicators app share.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence

import pandas as pd
from django.contrib.auth import get_user_model
from django.db.models import F, Max, Q, QuerySet
from django.utils.translation import gettext as _

from . import statfields
from .models import DataElement, Enterprise, Parcel, ParcelReturn, ReturnRow, Statistic
from .returns import validation

CHUNK = 2000  # keys per IN (...) lookup and rows per bulk statement


def chunks(items: Sequence, size: int = CHUNK) -> Iterator[Sequence]:
    """Yield ``items`` in slices of ``size``."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def parcel_keys() -> list[tuple[int, str, str]]:
    """Return every parcel's id, code and Chinese name, in the parcels' order."""
    return list(Parcel.objects.values_list("id", "code", "name_zh"))


# --- the plan in force's years ---------------------------------------------------------

# Parcels know no plans: the indicators app registers which years the plan in force spans (its base year to its
# target year), so the returns pages can list the quarters of the current plan that are overdue.
PlanYears = Callable[[dt.date], range | None]
_PLAN_YEARS: list[PlanYears] = []


def register_plan_years(provider: PlanYears) -> PlanYears:
    """Set what tells the years of the plan in force on a day (indicators registers it; the last one counts)."""
    _PLAN_YEARS[:] = [provider]
    return provider


def plan_years(today: dt.date) -> range | None:
    """Return the years of the plan in force on `today`, its base year to its target year (None without a plan)."""
    return _PLAN_YEARS[0](today) if _PLAN_YEARS else None


# --- the data elements -------------------------------------------------------------


def data_elements(year: int | None = None, quarter: int | None = None) -> statfields.Elements:
    """Return the data elements (统计指标项) in their order, read from the database on each call.

    With a quarter, only those in use in it. One small read: an element the
    office adds in the admin is in the very next request's form, template and
    import, with no restart.
    """
    elements = statfields.Elements(stat_field(element) for element in DataElement.objects.order_by("order", "id"))
    return elements if year is None or quarter is None else elements.in_use(year, quarter)


def stat_field(element: DataElement) -> statfields.StatField:
    """Return a stored data element as the pure modules describe it."""
    return statfields.StatField(
        name=element.code,
        label_zh=element.label_zh,
        label_en=element.label_en,
        kind=element.kind,
        unit=element.unit,
        unit_en=element.unit_en,
        decimals=element.decimals,
        min_value=element.min_value,
        max_value=element.max_value,
        may_not_apply=element.may_not_apply,
        required=element.required,
        help_zh=element.help_zh,
        help_en=element.help_en,
        column=element.column,
        first_period=element.first_period,
        last_period=element.last_period,
    )


def element_has_data(element: DataElement) -> bool:
    """Tell whether any statistic or return row holds a figure (or 不适用) of the element."""
    if element.column:
        stored = ~Q(**{element.column: None})
        return Statistic.objects.filter(stored).exists() or ReturnRow.objects.filter(stored).exists()
    code = element.code
    return (
        Statistic.objects.filter(extra__has_key=code).exists()
        or ReturnRow.objects.filter(Q(extra__has_key=code) | Q(not_applicable__contains=[code])).exists()
    )


def element_change_problem(element: DataElement) -> str:
    """Say why an edited data element may not be saved as it is (empty when it may).

    The code and the kind of an element with data never change (formulas and
    stored figures name it by its code, and its figures are of its kind); a
    built-in element's column also fixes its decimals.
    """
    stored = DataElement.objects.filter(pk=element.pk).first() if element.pk else None
    if stored is None:
        return ""
    label = stored.label_zh
    if stored.column and (element.decimals, element.kind, element.code) != (stored.decimals, stored.kind, stored.code):
        return _("“%(label)s”是内置项，数据存于固定的数据库列，代码、类型和小数位数不能修改。") % {"label": label}
    if (element.code, element.kind) != (stored.code, stored.kind) and element_has_data(stored):
        return _(
            "“%(label)s”已有填报数据，代码和类型不能修改（公式和已存的数据都按代码和类型读取）；"
            "如需改变，请新增一项，并为本项填写停用期别。"
        ) % {"label": label}
    return ""


def element_delete_problem(element: DataElement) -> str:
    """Say why a data element may not be deleted (empty when it may): a built-in one, or one with data."""
    if element.column or element_has_data(element):
        return _("“%(label)s”已有数据（或为内置项），不能删除；如不再填报，请填写停用期别，数据和修改历史将保留。") % {
            "label": element.label_zh
        }
    return ""


# --- official statistics -----------------------------------------------------------


def period_values(
    parcel_id: int, year: int, quarter: int, elements: statfields.Elements | None = None
) -> dict[str, dict[str, object]]:
    """Return the official statistics of a parcel's period: credit code → typed values by element code.

    Every element by default (None where a statistic has no figure of it), or ``elements``.
    """
    elements = data_elements() if elements is None else elements
    rows = Statistic.objects.filter(parcel_id=parcel_id, year=year, quarter=quarter).values(
        "enterprise__credit_code", *elements.stored_columns
    )
    return {row["enterprise__credit_code"]: elements.read(row) for row in rows}


def earlier_parcels(codes: Iterable[str], year: int, quarter: int) -> dict[str, int]:
    """Return the parcel of each enterprise's latest statistic before (year, quarter), by credit code."""
    earlier = Q(year__lt=year) | Q(year=year, quarter__lt=quarter)
    rows = (
        Statistic.objects.filter(earlier, enterprise__credit_code__in=list(codes))
        .order_by("enterprise_id", "-year", "-quarter")
        .distinct("enterprise_id")
        .values_list("enterprise__credit_code", "parcel_id")
    )
    return dict(rows)


def enterprise_parcels(codes: Iterable[str]) -> dict[str, int | None]:
    """Return the parcel each known enterprise is registered in now, by credit code."""
    return dict(Enterprise.objects.filter(credit_code__in=list(codes)).values_list("credit_code", "parcel_id"))


def stored_statistics(keys: Iterable[tuple[str, int, int] | object]) -> dict[tuple[str, int, int], dict[str, object]]:
    """Return the stored statistics of the given keys (credit code, year, quarter), or of rows with a ``key``.

    Each maps to ``parcel_id`` and every element's typed figure by code; keys not stored are absent.
    """
    elements = data_elements()
    wanted = {k if isinstance(k, tuple) else k.key for k in keys}
    out: dict[tuple[str, int, int], dict[str, object]] = {}
    codes = sorted({code for code, _year, _quarter in wanted})
    years = sorted({year for _code, year, _quarter in wanted})
    for chunk in chunks(codes):
        rows = Statistic.objects.filter(enterprise__credit_code__in=chunk, year__in=years).values(
            "enterprise__credit_code", "year", "quarter", "parcel_id", *elements.stored_columns
        )
        for row in rows:
            key = (row["enterprise__credit_code"], row["year"], row["quarter"])
            if key in wanted:
                out[key] = {"parcel_id": row["parcel_id"], **elements.read(row)}
    return out


# --- the API's lists -----------------------------------------------------------------------


def filter_enterprises(enterprises: QuerySet[Enterprise], *, parcel: str | None = None) -> QuerySet[Enterprise]:
    """Return enterprises (scoped by parcels.access) with their parcel, of one parcel code if given, by credit code."""
    enterprises = enterprises.select_related("parcel")
    if parcel:
        enterprises = enterprises.filter(parcel__code=parcel)
    return enterprises.order_by("credit_code")


def filter_statistics(
    statistics: QuerySet[Statistic],
    *,
    parcel: str | None = None,
    enterprise: str | None = None,
    year: int | None = None,
    quarter: int | None = None,
) -> QuerySet[Statistic]:
    """Return statistics (scoped by parcels.access) of a parcel code, a credit code, a year, a quarter if given.

    With the enterprise and the parcel, ordered by period, then credit code.
    """
    statistics = statistics.select_related("enterprise", "parcel")
    if parcel:
        statistics = statistics.filter(parcel__code=parcel)
    if enterprise:
        statistics = statistics.filter(enterprise__credit_code=enterprise)
    if year is not None:
        statistics = statistics.filter(year=year)
    if quarter is not None:
        statistics = statistics.filter(quarter=quarter)
    return statistics.order_by("year", "quarter", "enterprise__credit_code", "id")


# --- what an upsert compares with (read inside its transaction) ---------------------------


def enterprises_by_code(codes: Sequence[str]) -> dict[str, Enterprise]:
    """Return the stored enterprises among the credit codes, by code."""
    enterprises: dict[str, Enterprise] = {}
    for chunk in chunks(codes):
        enterprises.update((e.credit_code, e) for e in Enterprise.objects.filter(credit_code__in=chunk))
    return enterprises


def statistics_by_key(
    enterprises: Mapping[str, Enterprise], years: Sequence[int]
) -> dict[tuple[str, int, int], Statistic]:
    """Return the stored statistics of the enterprises in the years, by (credit code, year, quarter)."""
    code_of = {e.id: code for code, e in enterprises.items()}
    existing: dict[tuple[str, int, int], Statistic] = {}
    for chunk in chunks(list(code_of)):
        for stat in Statistic.objects.filter(enterprise_id__in=chunk, year__in=years):
            existing[(code_of[stat.enterprise_id], stat.year, stat.quarter)] = stat
    return existing


def latest_periods(enterprise_ids: Sequence[int]) -> dict[int, int]:
    """Return each enterprise's latest stored period as year * 10 + quarter, by enterprise id."""
    latest: dict[int, int] = {}
    for chunk in chunks(enterprise_ids):
        latest.update(
            Statistic.objects.filter(enterprise_id__in=chunk)
            .values("enterprise_id")
            .annotate(period=Max(F("year") * 10 + F("quarter")))
            .values_list("enterprise_id", "period")
        )
    return latest


# --- a return's rows: what the returns workflow and the indicators' preview read ----------


RETURN_ROW_KEYS = ("credit_code", "enterprise_name", "moved_out", "explanation", "not_applicable")


def return_rows(parcel_return: ParcelReturn, elements: statfields.Elements | None = None) -> list[dict[str, object]]:
    """Return the rows of a saved return as dicts.

    Keys: credit_code, enterprise_name, moved_out, every element's typed value
    by code (or those of ``elements``; None where blank or 不适用),
    explanation, not_applicable (the elements that say 不适用).
    """
    elements = data_elements() if elements is None else elements
    rows = ReturnRow.objects.filter(parcel_return=parcel_return).order_by("position")
    return [
        {**{k: row[k] for k in RETURN_ROW_KEYS[:3]}, **elements.read(row), **{k: row[k] for k in RETURN_ROW_KEYS[3:]}}
        for row in rows.values(*RETURN_ROW_KEYS, *elements.stored_columns)
    ]


def validation_context(parcel_id: int, year: int, quarter: int, codes: Iterable[str]) -> validation.Context:
    """Return what the checks of a return compare with: the elements in use, the previous quarter and last year."""
    elements = data_elements()
    return validation.Context(
        parcel_id=parcel_id,
        year=year,
        quarter=quarter,
        previous_quarter=period_values(parcel_id, year, quarter - 1, elements) if quarter > 1 else {},
        last_year=period_values(parcel_id, year - 1, quarter, elements),
        enterprise_parcels=enterprise_parcels(codes),
        elements=elements.in_use(year, quarter),
    )


def rows_frame(parcel_id: int, year: int, quarter: int, rows: Iterable[validation.CheckedRow]) -> pd.DataFrame:
    """Return the active rows of a return as enterprise records.

    Columns: parcel (int), year, quarter (int) and every data element by code
    (numbers as float, NaN where missing or not collected that quarter; flags
    bool or None; dates date or None): the input of
    ``indicators.compute.sums_from_records``, which leaves a missing figure
    out rather than reading it as 0. A row nobody has filled yet is not a record.
    """
    records = [
        {"parcel": parcel_id, "year": year, "quarter": quarter, **row.values}
        for row in rows
        if not row.moved_out and row.touched
    ]
    return _records_frame(records, data_elements())


def _records_frame(records: list[dict[str, object]], elements: statfields.Elements) -> pd.DataFrame:
    frame = pd.DataFrame(records, columns=["parcel", "year", "quarter", *elements.names])
    for name in elements.number_fields:
        frame[name] = frame[name].astype(float)
    for name in (*elements.flag_fields, *elements.date_fields):
        frame[name] = frame[name].astype(object)
    return frame


def period_records(year: int, quarter: int) -> pd.DataFrame:
    """Return the official statistics of every parcel for one period as enterprise records (``rows_frame``'s columns).

    What the park's indicators of the period are computed from (an approval's effect compares them).
    """
    elements = data_elements()
    rows = Statistic.objects.filter(year=year, quarter=quarter).values("parcel_id", *elements.stored_columns)
    records = [{"parcel": row["parcel_id"], "year": year, "quarter": quarter, **elements.read(row)} for row in rows]
    return _records_frame(records, elements)


def return_records(parcel_return: ParcelReturn) -> pd.DataFrame:
    """Return a saved return's rows, read and checked, as enterprise records (the columns of ``rows_frame``)."""
    rows = return_rows(parcel_return)
    context = validation_context(
        parcel_return.parcel_id, parcel_return.year, parcel_return.quarter, [row["credit_code"] for row in rows]
    )
    checked = validation.check_return(rows, context)
    return rows_frame(parcel_return.parcel_id, parcel_return.year, parcel_return.quarter, checked.rows)


# --- history ---------------------------------------------------------------------------

# Columns of the history's rows that say nothing to the reader.
HIDDEN_HISTORY_FIELDS = ("id", "parcel_return_id", "position", "version", "batch_id", "source")


def history_rows(entries: list[dict[str, object]]) -> list[dict[str, object]]:
    """Return ``render_events`` entries as the history pages show them, newest first.

    Adds ``who`` (the username, or —) and ``changes`` ({field label, before, after},
    blanks as —) to each entry. A data element is named by its header, retired ones too.
    """
    user_ids = {entry["context"].get("user") for entry in entries} - {None}
    names = dict(get_user_model().objects.filter(pk__in=user_ids).values_list("pk", "username"))
    labels = validation.LABELS | {f.name: f.heading for f in data_elements()}
    for entry in entries:
        entry["who"] = names.get(entry["context"].get("user"), "—")
        entry["changes"] = [
            {
                "field": labels.get(name.removesuffix("_id"), name.removesuffix("_id")),
                "before": "—" if before in (None, "") else before,
                "after": "—" if after in (None, "") else after,
            }
            for name, (before, after) in entry["diff"].items()
            if name not in HIDDEN_HISTORY_FIELDS
        ]
    return list(reversed(entries))


def enterprise_history(enterprise: Enterprise, statistics: QuerySet[Statistic]) -> list[dict[str, object]]:
    """Return every recorded change of an enterprise and of the given statistics of it (see ``history_rows``)."""
    from django.apps import apps

    entries = []
    for event in (
        apps.get_model("parcels.EnterpriseEvent").objects.filter(pgh_obj_id=enterprise.pk).select_related("pgh_context")
    ):
        entries.append(("parcels.EnterpriseEvent", event))
    events = apps.get_model("parcels.StatisticEvent").objects.filter(
        enterprise_id=enterprise.pk, parcel_id__in=statistics.values("parcel_id")
    )
    for event in events.select_related("pgh_context"):
        entries.append(("parcels.StatisticEvent", event))
    return history_rows(render_events(entries))


def render_events(entries) -> list[dict[str, object]]:
    """Pair each (model label, event) with the previous event of the same object to show before and after.

    Each entry: at, model, label (insert/update/delete), obj (row key), diff ({field: [before, after]}),
    data (the row after, or before a delete), context (who, source, url, batch); oldest first.
    """
    previous: dict[tuple[str, object], dict[str, object]] = {}
    out = []
    for label, event in sorted(entries, key=lambda e: (e[1].pgh_created_at, e[1].pgh_id)):
        data = {
            f.attname: getattr(event, f.attname)
            for f in event._meta.concrete_fields
            if not f.name.startswith("pgh_") and f.attname not in ("recorded_at", "updated_at", "created_at")
        }
        # The added elements' figures are told apart, each under its code, like the built-in columns.
        data.update(data.pop("extra", None) or {})
        key = (label, event.pgh_obj_id)
        before = previous.get(key)
        if event.pgh_label == "update" and before is not None:
            diff = {k: (before.get(k), v) for k, v in data.items() if before.get(k) != v}
        elif event.pgh_label == "delete":
            diff = {k: (v, None) for k, v in data.items()}
        else:
            diff = {k: (None, v) for k, v in data.items()}
        previous[key] = data
        context = event.pgh_context.metadata if event.pgh_context_id and event.pgh_context else {}
        out.append(
            {
                "at": event.pgh_created_at,
                "model": label.split(".")[1].removesuffix("Event"),
                "label": event.pgh_label,
                "obj": data.get("credit_code") or data.get("enterprise_id") or event.pgh_obj_id,
                "diff": diff,
                "data": data,
                "context": context,
            }
        )
    return out


# --- reads for the assessment report (indicators.reports) -------------------------


def statistics_periods(year: int) -> set[tuple[int, int]]:
    """Return the (parcel id, quarter) pairs of `year` that have at least one enterprise statistic."""
    return set(Statistic.objects.filter(year=year).values_list("parcel_id", "quarter").distinct())


def return_states(year: int) -> dict[tuple[int, int], str]:
    """Return the state of each quarterly return filed for `year`: (parcel id, quarter) → state."""
    rows = ParcelReturn.objects.filter(year=year).values_list("parcel_id", "quarter", "state")
    return {(parcel, quarter): state for parcel, quarter, state in rows}


def return_quality(year: int) -> list[dict[str, object]]:
    """Return the data-quality score of every parcel's return (or imported data) of each quarter of ``year``.

    One dict per parcel-quarter with a score, parcels in order: parcel (code),
    quarter, score (0–100) and its parts completeness, timeliness (None for
    imported data), outliers, consistency (0–100, None where they do not
    apply), rounded. Numbers only, so a report says them in its own language.
    """
    from django.utils import timezone

    from .returns import queries as return_queries

    parcels = list(Parcel.objects.order_by("order"))
    periods = [(year, quarter) for quarter in range(1, 5)]
    scores = return_queries.quality_scores(parcels, periods, today=timezone.localdate())
    out = []
    for parcel in parcels:
        for quarter in range(1, 5):
            score = scores.get((parcel.id, year, quarter))
            if score is None or score.total is None:
                continue
            parts = {name: None if value is None else round(value) for name, value in score.parts.items()}
            out.append({"parcel": parcel.code, "quarter": quarter, "score": score.total, **parts})
    return out
