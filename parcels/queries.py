"""Reads of the parcels app: quarterly returns, their context, completeness and history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd
from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_noop

from parkplan.periods import last_ended_period, previous_period, quarter_end

from . import statfields, validation
from .models import Enterprise, Parcel, ParcelReturn, ReturnRow, Statistic

VALUE_FIELDS = tuple(f.name for f in statfields.FIELDS)


def deadline(year: int, quarter: int) -> dt.date:
    """Return the day a quarter's return is due: RETURN_DEADLINE_DAYS after the quarter ends."""
    return quarter_end(year, quarter) + dt.timedelta(days=settings.RETURN_DEADLINE_DAYS)


def recent_periods(today: dt.date, count: int = 8) -> list[tuple[int, int]]:
    """Return the ``count`` latest ended quarters, newest first."""
    periods = [last_ended_period(today)]
    while len(periods) < count:
        periods.append(previous_period(*periods[-1]))
    return periods


def period_values(parcel_id: int, year: int, quarter: int) -> dict[str, dict[str, object]]:
    """Return the official statistics of a parcel's period: credit code → the thirteen typed values."""
    rows = Statistic.objects.filter(parcel_id=parcel_id, year=year, quarter=quarter).values(
        "enterprise__credit_code", *VALUE_FIELDS
    )
    return {row.pop("enterprise__credit_code"): row for row in rows}


def enterprise_parcels(codes: Iterable[str]) -> dict[str, int | None]:
    """Return the parcel each known enterprise is registered in now, by credit code."""
    return dict(Enterprise.objects.filter(credit_code__in=list(codes)).values_list("credit_code", "parcel_id"))


def validation_context(parcel_id: int, year: int, quarter: int, codes: Iterable[str]) -> validation.Context:
    """Return what the checks of a return compare with: the parcel's previous quarter and last year."""
    return validation.Context(
        parcel_id=parcel_id,
        year=year,
        quarter=quarter,
        previous_quarter=period_values(parcel_id, year, quarter - 1) if quarter > 1 else {},
        last_year=period_values(parcel_id, year - 1, quarter),
        enterprise_parcels=enterprise_parcels(codes),
    )


def return_rows(parcel_return: ParcelReturn) -> list[dict[str, object]]:
    """Return the rows of a saved return as dicts (credit_code, enterprise_name, moved_out, values, explanation)."""
    names = ["credit_code", "enterprise_name", "moved_out", *VALUE_FIELDS, "explanation"]
    return list(ReturnRow.objects.filter(parcel_return=parcel_return).order_by("position").values(*names))


def initial_rows(parcel: Parcel, year: int, quarter: int) -> list[dict[str, object]]:
    """Return the rows of a new return: every enterprise registered in the parcel, with the official figures of
    the period where there are some (a revision), otherwise blank."""
    official = period_values(parcel.id, year, quarter)
    rows = []
    enterprises = {e.credit_code: e.name for e in Enterprise.objects.filter(parcel=parcel)}
    # Enterprises with official figures here that have since moved elsewhere still belong to this period.
    missing = set(official) - set(enterprises)
    enterprises.update(Enterprise.objects.filter(credit_code__in=missing).values_list("credit_code", "name"))
    for code in sorted(enterprises):
        values = official.get(code, {})
        rows.append(
            {
                "credit_code": code,
                "enterprise_name": enterprises[code],
                "moved_out": False,
                **{name: values.get(name, "") for name in VALUE_FIELDS},
                "explanation": "",
            }
        )
    return rows


def stored_statistics(keys: Iterable[tuple[str, int, int] | object]) -> dict[tuple[str, int, int], dict[str, object]]:
    """Return the stored statistics of the given keys (credit code, year, quarter), or of rows with a ``key``.

    Each maps to ``parcel_id`` and the thirteen typed statfields; keys not stored are absent.
    """
    wanted = {k if isinstance(k, tuple) else k.key for k in keys}
    out: dict[tuple[str, int, int], dict[str, object]] = {}
    codes = sorted({code for code, _, _ in wanted})
    years = sorted({year for _, year, _ in wanted})
    for start in range(0, len(codes), 2000):
        rows = Statistic.objects.filter(enterprise__credit_code__in=codes[start : start + 2000], year__in=years).values(
            "enterprise__credit_code", "year", "quarter", "parcel_id", *VALUE_FIELDS
        )
        for row in rows:
            key = (row.pop("enterprise__credit_code"), row.pop("year"), row.pop("quarter"))
            if key in wanted:
                out[key] = row
    return out


CARRIED_FIELDS = tuple(
    f.name for f in statfields.FIELDS if f.kind in (statfields.STOCK, statfields.FLAG, statfields.DATE)
)


def template_enterprises(*, parcel_id: int, year: int, quarter: int) -> list[dict[str, object]]:
    """Return the parcel's enterprises with the stocks, flags and listing date of their latest earlier statistic.

    Each dict holds ``credit_code``, ``name`` and, when the enterprise has a
    statistic before (year, quarter), ``employees``, ``masters_plus``,
    ``foreign_returnee``, ``above_scale``, ``high_tech`` and ``listed_date`` of
    the latest one; ordered by name. What ``write_prefilled_template`` takes.
    """
    earlier = Q(year__lt=year) | Q(year=year, quarter__lt=quarter)
    latest = {
        row.pop("enterprise_id"): row
        for row in Statistic.objects.filter(earlier, enterprise__parcel_id=parcel_id)
        .order_by("enterprise_id", "-year", "-quarter")
        .distinct("enterprise_id")
        .values("enterprise_id", *CARRIED_FIELDS)
    }
    enterprises = Enterprise.objects.filter(parcel_id=parcel_id).order_by("name", "credit_code")
    return [{"credit_code": e.credit_code, "name": e.name, **latest.get(e.id, {})} for e in enterprises]


def return_for(parcel: Parcel, year: int, quarter: int) -> ParcelReturn | None:
    return ParcelReturn.objects.filter(parcel=parcel, year=year, quarter=quarter).first()


def rows_frame(parcel_id: int, year: int, quarter: int, rows: Iterable[validation.CheckedRow]) -> pd.DataFrame:
    """Return the active rows of a return as enterprise records.

    Columns: parcel (int), year, quarter (int) and the thirteen statfields
    (numbers as float, flags bool, listed_date date or None): the input of
    ``indicators.compute.sums_from_records``.
    """
    records = [
        {"parcel": parcel_id, "year": year, "quarter": quarter, **row.values}
        for row in rows
        if not row.moved_out and all(row.values.get(name) is not None or name == "listed_date" for name in VALUE_FIELDS)
    ]
    frame = pd.DataFrame(records, columns=["parcel", "year", "quarter", *VALUE_FIELDS])
    for name in statfields.NUMBER_FIELDS:
        frame[name] = frame[name].astype(float)
    return frame


# --- states and completeness ---------------------------------------------------

NOT_STARTED = "not_started"
IMPORTED = "imported"  # no return, but official data from a command-line import: counts as approved
# Chinese msgids; the templates translate them when they render.
STATE_WORDS = {
    NOT_STARTED: gettext_noop("未填报"),
    IMPORTED: gettext_noop("已审核（导入）"),
    **{s.value: str(s.label) for s in ParcelReturn.State},
}


@dataclass(frozen=True)
class PeriodState:
    """A parcel's return for one quarter as the lists show it."""

    parcel: Parcel
    year: int
    quarter: int
    state: str  # not_started or a ParcelReturn.State
    deadline: dt.date
    parcel_return: ParcelReturn | None
    official_rows: int  # official statistics of the period (approved returns and imports)

    @property
    def shown(self) -> str:
        """The state as the lists show it: a period with imported official data and no return counts as approved."""
        return IMPORTED if self.state == NOT_STARTED and self.official_rows else self.state

    @property
    def overdue(self) -> bool:
        """Whether the deadline has passed with nothing submitted or imported."""
        from django.utils import timezone

        return self.shown in (NOT_STARTED, "draft", "returned") and self.deadline < timezone.localdate()

    @property
    def submitted_at(self) -> dt.datetime | None:
        return self.parcel_return.first_submitted_at if self.parcel_return else None

    @property
    def on_time(self) -> bool | None:
        """Whether the return was first submitted by the deadline; None when not submitted yet."""
        at = self.submitted_at
        if at is None:
            return None
        from django.utils import timezone

        return timezone.localtime(at).date() <= self.deadline


def period_states(parcels: QuerySet[Parcel] | Iterable[Parcel], periods: list[tuple[int, int]]) -> list[PeriodState]:
    """Return the state of every parcel's return for every period, parcels in order, newest period first."""
    parcels = list(parcels)
    years = {y for y, _ in periods}
    returns = {
        (r.parcel_id, r.year, r.quarter): r
        for r in ParcelReturn.objects.filter(parcel__in=parcels, year__in=years).select_related(
            "submitted_by", "approved_by"
        )
    }
    counts: dict[tuple[int, int, int], int] = {}
    from django.db.models import Count

    for row in (
        Statistic.objects.filter(parcel__in=parcels, year__in=years)
        .values("parcel_id", "year", "quarter")
        .annotate(n=Count("id"))
    ):
        counts[(row["parcel_id"], row["year"], row["quarter"])] = row["n"]
    states = []
    for parcel in parcels:
        for year, quarter in periods:
            found = returns.get((parcel.id, year, quarter))
            states.append(
                PeriodState(
                    parcel=parcel,
                    year=year,
                    quarter=quarter,
                    state=found.state if found else NOT_STARTED,
                    deadline=deadline(year, quarter),
                    parcel_return=found,
                    official_rows=counts.get((parcel.id, year, quarter), 0),
                )
            )
    return states


def submitted_returns() -> QuerySet[ParcelReturn]:
    """Return the returns waiting for the office, oldest submission first."""
    return (
        ParcelReturn.objects.filter(state=ParcelReturn.State.SUBMITTED)
        .select_related("parcel", "submitted_by")
        .order_by("submitted_at")
    )


def history(parcel_return: ParcelReturn) -> list[dict[str, object]]:
    """Return every recorded change of a return, its rows and the official statistics of its parcel-period.

    Each entry: at, model, label (insert/update/delete), obj (row key), diff ({field: [before, after]}),
    data (the row after, or before a delete), context (who, source, url, batch).
    """
    from django.apps import apps

    sources = [
        ("parcels.ParcelReturnEvent", {"pgh_obj_id": parcel_return.pk}),
        ("parcels.ReturnRowEvent", {"parcel_return_id": parcel_return.pk}),
        (
            "parcels.StatisticEvent",
            {"parcel_id": parcel_return.parcel_id, "year": parcel_return.year, "quarter": parcel_return.quarter},
        ),
    ]
    entries = []
    for label, filters in sources:
        model = apps.get_model(label)
        for event in model.objects.filter(**filters).select_related("pgh_context").order_by("pgh_id"):
            entries.append((label, event))
    return _render_events(entries)


def enterprise_history(enterprise: Enterprise, statistics: QuerySet[Statistic]) -> list[dict[str, object]]:
    """Return every recorded change of an enterprise and of the given statistics of it (see ``history``)."""
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
    return _render_events(entries)


def _render_events(entries) -> list[dict[str, object]]:
    """Pair each event with the previous event of the same object to show before and after."""
    previous: dict[tuple[str, object], dict[str, object]] = {}
    out = []
    for label, event in sorted(entries, key=lambda e: (e[1].pgh_created_at, e[1].pgh_id)):
        data = {
            f.attname: getattr(event, f.attname)
            for f in event._meta.concrete_fields
            if not f.name.startswith("pgh_") and f.attname not in ("recorded_at", "updated_at", "created_at")
        }
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
