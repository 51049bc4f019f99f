"""Reads of the returns workflow: deadlines and states, the rows of a new return, checks, history, reminders."""

from __future__ import annotations

import datetime as dt
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max, QuerySet
from django.utils import timezone
from django.utils.translation import get_language, gettext_noop

from parkplan.periods import last_ended_period, previous_period, quarter_end

from .. import queries as parcel_queries
from .. import statfields
from ..models import (
    DataChange,
    Enterprise,
    Parcel,
    ParcelManager,
    ParcelReturn,
    PendingUpload,
    ReturnRow,
    Statistic,
)
from . import diff, quality, validation


def deadline(year: int, quarter: int) -> dt.date:
    """Return the day a quarter's return is due: RETURN_DEADLINE_DAYS after the quarter ends."""
    return quarter_end(year, quarter) + dt.timedelta(days=settings.RETURN_DEADLINE_DAYS)


def recent_periods(today: dt.date, count: int = 8) -> list[tuple[int, int]]:
    """Return the ``count`` latest ended quarters, newest first."""
    periods = [last_ended_period(today)]
    while len(periods) < count:
        periods.append(previous_period(*periods[-1]))
    return periods


def plan_periods(today: dt.date) -> list[tuple[int, int]]:
    """Return the ended quarters of the plan in force, its base year's first to the latest, newest first.

    The base year's quarters belong: the plan's base and the first year's
    同比 are computed from them. None without a plan in force.
    """
    years = parcel_queries.plan_years(today)
    if not years:
        return []
    periods = []
    period = last_ended_period(today)
    while period[0] >= years[0]:
        if period[0] in years:
            periods.append(period)
        period = previous_period(*period)
    return periods


def overdue_returns(parcels: Iterable[Parcel], today: dt.date) -> list[PeriodState]:
    """Return the parcels' quarters of the plan in force whose return is overdue, oldest first."""
    states = period_states(parcels, plan_periods(today))
    return sorted((s for s in states if s.overdue), key=lambda s: (s.year, s.quarter, s.parcel.order))


def return_for(parcel: Parcel, year: int, quarter: int) -> ParcelReturn | None:
    """Return the parcel's return for the quarter, or None while it is not started."""
    return ParcelReturn.objects.filter(parcel=parcel, year=year, quarter=quarter).first()


def return_version(parcel: Parcel, year: int, quarter: int) -> int:
    """Return the version of the parcel's return for the quarter as it is stored now (0: not started)."""
    parcel_return = return_for(parcel, year, quarter)
    return parcel_return.version if parcel_return else 0


def is_locked(parcel_id: int, year: int, quarter: int) -> bool:
    """Tell whether the office approved the parcel-quarter's return (its official data are locked)."""
    return ParcelReturn.objects.filter(
        parcel_id=parcel_id, year=year, quarter=quarter, state=ParcelReturn.State.APPROVED
    ).exists()


def initial_rows(parcel: Parcel, year: int, quarter: int) -> list[dict[str, object]]:
    """Return the rows of a new return: every enterprise registered in the parcel, with the official figures of
    the period where there are some (a revision), otherwise blank (未填写).

    The rows hold the data elements in use in the quarter. An official figure
    without a value reads as 不适用 where the element may not apply, and as
    blank elsewhere.
    """
    elements = parcel_queries.data_elements(year, quarter)
    official = parcel_queries.period_values(parcel.id, year, quarter, elements)
    rows = []
    enterprises = {e.credit_code: e.name for e in Enterprise.objects.filter(parcel=parcel)}
    # Enterprises with official figures here that have since moved elsewhere still belong to this period.
    missing = set(official) - set(enterprises)
    enterprises.update(Enterprise.objects.filter(credit_code__in=missing).values_list("credit_code", "name"))
    for code in sorted(enterprises):
        values = official.get(code)
        rows.append(
            {
                "credit_code": code,
                "enterprise_name": enterprises[code],
                "moved_out": False,
                **{name: (values or {}).get(name) for name in elements.names},
                "explanation": "",
                "not_applicable": [
                    name for name in elements.not_applicable_fields if values is not None and values[name] is None
                ],
            }
        )
    return rows


def check_rows(
    *, parcel: Parcel, year: int, quarter: int, rows: Sequence[Mapping[str, object]], complete: bool = False
) -> validation.Checked:
    """Read and check a return's rows against the parcel's previous quarter and last year.

    ``complete`` (a submission, an approval) also asks for every required cell.
    """
    codes = [str(row.get("credit_code") or "").strip().upper() for row in rows]
    context = parcel_queries.validation_context(parcel.id, year, quarter, codes)
    return validation.check_return(rows, context, complete=complete)


def enterprise_names(codes: Sequence[str]) -> list[dict[str, str]]:
    """Return {credit_code, name} of the enterprises with the given codes, in the codes' order."""
    names = dict(Enterprise.objects.filter(credit_code__in=list(codes)).values_list("credit_code", "name"))
    return [{"credit_code": code, "name": names.get(code, "")} for code in codes]


def official_enterprises(parcel_id: int, year: int, quarter: int) -> int:
    """Return how many enterprises the parcel-quarter's official data hold (last quarter's when it has none yet)."""
    count = Statistic.objects.filter(parcel_id=parcel_id, year=year, quarter=quarter).count()
    if count:
        return count
    last_year, last_quarter = previous_period(year, quarter)
    return Statistic.objects.filter(parcel_id=parcel_id, year=last_year, quarter=last_quarter).count()


def approval_summary(parcel_return: ParcelReturn, rows: Sequence[validation.CheckedRow]) -> dict[str, int]:
    """Count what approving the checked rows changes on the official data (``diff.change_counts``)."""
    year, quarter = parcel_return.year, parcel_return.quarter
    elements = parcel_queries.data_elements(year, quarter)
    official = parcel_queries.period_values(parcel_return.parcel_id, year, quarter, elements)
    earlier = parcel_queries.earlier_parcels([row.credit_code for row in rows], year, quarter)
    return diff.change_counts(rows, official, earlier, parcel_return.parcel_id, elements=elements)


def base_rows(parcel: Parcel, year: int, quarter: int) -> tuple[int, list[dict[str, object]]]:
    """Return the version of the parcel's return for the quarter and its rows now (0 and a new return's rows)."""
    parcel_return = return_for(parcel, year, quarter)
    if parcel_return is None:
        return 0, initial_rows(parcel, year, quarter)
    return parcel_return.version, parcel_queries.return_rows(parcel_return)


def template_rows(parcel: Parcel, year: int, quarter: int) -> list[dict[str, object]]:
    """Return the rows of a return's template: its rows now, then the expected enterprises it lacks, blank.

    Rows of enterprises moved out are left out: they report nothing.

    Expected: the enterprises registered in the parcel (last quarter's list, as
    approvals and imports keep it) and those with official figures in the
    period. A new return's rows are exactly those.
    """
    version, rows = base_rows(parcel, year, quarter)
    present = {row["credit_code"] for row in rows}
    rows = [row for row in rows if not row.get("moved_out")]  # gone: not expected (an upload keeps their rows)
    if version:
        rows += [
            {"credit_code": row["credit_code"], "enterprise_name": row["enterprise_name"]}
            for row in initial_rows(parcel, year, quarter)
            if row["credit_code"] not in present
        ]
    return rows


# An upload's preview waits this long for its confirmation.
PENDING_UPLOAD_MAX_AGE = dt.timedelta(hours=2)


def pending_upload(user, parcel: Parcel, year: int, quarter: int, pk) -> PendingUpload | None:
    """Return the user's upload of the parcel-quarter waiting for confirmation, None if gone or too old."""
    fresh = timezone.now() - PENDING_UPLOAD_MAX_AGE
    return (
        PendingUpload.objects.filter(pk=pk, user=user, parcel=parcel, year=year, quarter=quarter, created_at__gte=fresh)
        .select_related("parcel")
        .first()
    )


# --- states and completeness ---------------------------------------------------

NOT_STARTED = "not_started"
IMPORTED = "imported"  # no return, but official data from a command-line import: counts as approved
# Chinese msgids; the templates translate them when they render.
STATE_WORDS = {
    NOT_STARTED: gettext_noop("未填报"),
    IMPORTED: gettext_noop("已审核（导入）"),
    **{s.value: str(s.label) for s in ParcelReturn.State},
}


def opened_from_import(parcel_return: ParcelReturn | None) -> bool:
    """Tell whether a return began as the office's opening of imported data (no submission before it).

    Its quarter's data came in time by the import: a revision is neither late
    nor overdue.
    """
    if parcel_return is None:
        return False
    opened, first = parcel_return.unlocked_at, parcel_return.first_submitted_at
    return opened is not None and (first is None or first >= opened)


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
    def revision(self) -> bool:
        """Whether the return revises data imported in time (opened by the office): never late, never overdue."""
        return opened_from_import(self.parcel_return)

    @property
    def overdue(self) -> bool:
        """Whether the deadline has passed with nothing submitted or imported."""
        late = self.shown in (NOT_STARTED, "draft", "returned") and self.deadline < timezone.localdate()
        return late and not self.revision

    @property
    def submitted_at(self) -> dt.datetime | None:
        return self.parcel_return.first_submitted_at if self.parcel_return else None

    @property
    def on_time(self) -> bool | None:
        """Whether the return was first submitted by the deadline; None when not submitted yet (or a revision)."""
        at = self.submitted_at
        if at is None or self.revision:
            return None
        return timezone.localtime(at).date() <= self.deadline


def imported_period(parcel: Parcel, year: int, quarter: int) -> dict[str, object] | None:
    """Return who brought a parcel-quarter's official data in without a return, and when; None otherwise.

    Such a quarter (an import by the office, the demo data) counts as approved:
    {rows, at (the latest write), who (username or ""), source (its label), filename}.
    """
    if ParcelReturn.objects.filter(parcel=parcel, year=year, quarter=quarter).exists():
        return None
    statistics = Statistic.objects.filter(parcel=parcel, year=year, quarter=quarter)
    latest = statistics.select_related("batch__created_by", "recorded_by").order_by("-recorded_at", "-id").first()
    if latest is None:
        return None
    user = latest.recorded_by or (latest.batch.created_by if latest.batch else None)
    return {
        "rows": statistics.count(),
        "at": latest.recorded_at,
        "who": user.get_username() if user else "",
        "source": latest.get_source_display(),
        "filename": latest.batch.filename if latest.batch else "",
    }


def period_state(parcel: Parcel, year: int, quarter: int) -> PeriodState:
    """Return the state of one parcel's return for one quarter, as the lists show it."""
    return period_states([parcel], [(year, quarter)])[0]


def period_states(parcels: QuerySet[Parcel] | Iterable[Parcel], periods: list[tuple[int, int]]) -> list[PeriodState]:
    """Return the state of every parcel's return for every period, parcels in order, newest period first."""
    parcels = list(parcels)
    years = {y for y, _q in periods}
    returns = {
        (r.parcel_id, r.year, r.quarter): r
        for r in ParcelReturn.objects.filter(parcel__in=parcels, year__in=years).select_related(
            "submitted_by", "approved_by"
        )
    }
    counts = {
        (row["parcel_id"], row["year"], row["quarter"]): row["n"]
        for row in Statistic.objects.filter(parcel__in=parcels, year__in=years)
        .values("parcel_id", "year", "quarter")
        .annotate(n=Count("id"))
    }
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


def filter_returns(
    returns: QuerySet[ParcelReturn],
    *,
    parcel: str | None = None,
    state: str | None = None,
    year: int | None = None,
    quarter: int | None = None,
    with_rows: bool = False,
) -> QuerySet[ParcelReturn]:
    """Return returns (scoped by parcels.access) of a parcel code, a state, a year, a quarter if given.

    With the parcel and the users who submitted, reviewed and approved them (and
    their rows if ``with_rows``), newest period first, then in parcel order.
    """
    returns = returns.select_related("parcel", "submitted_by", "reviewed_by", "approved_by")
    if with_rows:
        returns = returns.prefetch_related("rows")
    if parcel:
        returns = returns.filter(parcel__code=parcel)
    if state:
        returns = returns.filter(state=state)
    if year is not None:
        returns = returns.filter(year=year)
    if quarter is not None:
        returns = returns.filter(quarter=quarter)
    return returns.order_by("-year", "-quarter", "parcel__order", "id")


def return_history(parcel_return: ParcelReturn) -> list[dict[str, object]]:
    """Return every recorded change of a return, its rows and the official statistics of its parcel-period.

    Newest first, as ``parcels.queries.history_rows`` shows them.
    """
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
    return parcel_queries.history_rows(parcel_queries.render_events(entries))


def unsubmitted_assignments(year: int, quarter: int) -> QuerySet[ParcelManager]:
    """Return the active managers of parcels whose return for the quarter is neither submitted nor approved.

    Official data imported from the command line counts as approved. In parcel
    order, then by username, with the parcel and the user.
    """
    done = ParcelReturn.objects.filter(
        year=year, quarter=quarter, state__in=[ParcelReturn.State.SUBMITTED, ParcelReturn.State.APPROVED]
    ).values_list("parcel_id", flat=True)
    imported = Statistic.objects.filter(year=year, quarter=quarter).values_list("parcel_id", flat=True)
    return (
        ParcelManager.objects.exclude(parcel_id__in=done)
        .exclude(parcel_id__in=imported)
        .filter(user__is_active=True)
        .select_related("parcel", "user")
        .order_by("parcel__order", "user__username")
    )


# --- the quality of returns ----------------------------------------------------------------------

Cell = tuple[int, int, int]  # (parcel id, year, quarter)


def quality_scores(
    parcels: Iterable[Parcel], periods: Sequence[tuple[int, int]], *, today: dt.date
) -> dict[Cell, quality.Score]:
    """Score every parcel-quarter with a return, or with official data imported without one (``quality``).

    One read of each kind whatever the number of cells: the returns and their
    rows, the imported official rows, last quarter's lists, and the history of
    every enterprise in them. Scores are cached until the data (the data
    version), the cell's return (its version) or the day changes.
    """
    wanted = {(parcel.id, y, q) for parcel in parcels for y, q in periods}
    keys = _score_keys(wanted, today)
    cached = cache.get_many(list(keys.values()))
    scores = {cell: cached[key] for cell, key in keys.items() if key in cached}
    missing = wanted - set(scores)
    if missing:
        fresh = _score_cells(missing, today)
        cache.set_many({keys[cell]: fresh.get(cell, NO_SCORE) for cell in missing}, SCORE_SECONDS)
        scores.update(fresh)
    return {cell: score for cell, score in scores.items() if not isinstance(score, str)}


# A cell with nothing to score (no return, no official data), cached as such.
NO_SCORE = "none"
SCORE_SECONDS = 24 * 3600


def _score_keys(cells: set[Cell], today: dt.date) -> dict[Cell, str]:
    """Return each cell's cache key: the language, the data version, the cell's return version and the day."""
    version = DataChange.objects.aggregate(v=Max("id"))["v"] or 0
    years = {y for _p, y, _q in cells}
    returns = {
        (r["parcel_id"], r["year"], r["quarter"]): r["version"]
        for r in ParcelReturn.objects.filter(year__in=years).values("parcel_id", "year", "quarter", "version")
    }
    # The reasons are words: a score is cached per language too, and per set of elements (what is required).
    elements = zlib.crc32(repr(parcel_queries.data_elements().fields).encode())
    prefix = f"return-quality:{get_language() or 'zh'}:{version}:{elements}:{today}"
    return {cell: f"{prefix}:{':'.join(map(str, cell))}:{returns.get(cell, 0)}" for cell in cells}


def _score_cells(cells: set[Cell], today: dt.date) -> dict[Cell, quality.Score]:
    parcel_ids = sorted({p for p, _y, _q in cells})
    periods = sorted({(y, q) for _p, y, q in cells})
    elements = parcel_queries.data_elements()
    rows, returns = _quality_rows(parcel_ids, periods, cells, elements)
    if not rows:
        return {}
    expected = _expected(parcel_ids, periods)
    history = _history({str(r["credit_code"]) for cell in rows.values() for r in cell}, periods, elements)
    scores = {}
    memo: dict = {}
    for cell, cell_rows in rows.items():
        parcel_return = returns.get(cell)
        submitted = parcel_return.first_submitted_at if parcel_return else None
        imported = parcel_return is None or opened_from_import(parcel_return)
        scores[cell] = quality.score_return(
            quality.QualityInput(
                year=cell[1],
                quarter=cell[2],
                rows=cell_rows,
                expected=expected.get(cell, {}),
                history=history,
                deadline=deadline(cell[1], cell[2]),
                today=today,
                submitted=timezone.localtime(submitted).date() if submitted else None,
                imported=imported,
                memo=memo,
                elements=elements.in_use(cell[1], cell[2]),
            )
        )
    return scores


def _quality_rows(
    parcel_ids: list[int], periods: Sequence[tuple[int, int]], wanted: set[Cell], elements: statfields.Elements
) -> tuple[dict[Cell, list[dict]], dict[Cell, ParcelReturn]]:
    """Return the rows of each wanted cell: its return's, or (imported) its official data; and the returns."""
    years = sorted({y for y, _q in periods})
    returns = {
        (r.parcel_id, r.year, r.quarter): r
        for r in ParcelReturn.objects.filter(parcel_id__in=parcel_ids, year__in=years)
        if (r.parcel_id, r.year, r.quarter) in wanted
    }
    by_return = {r.pk: cell for cell, r in returns.items()}
    rows: dict[Cell, list[dict]] = {}
    names = ["parcel_return_id", "credit_code", "enterprise_name", "moved_out", "not_applicable"]
    for row in ReturnRow.objects.filter(parcel_return_id__in=list(by_return)).values(*names, *elements.stored_columns):
        cell = by_return[row["parcel_return_id"]]
        rows.setdefault(cell, []).append({**{n: row[n] for n in names[1:]}, **elements.read(row)})
    official = Statistic.objects.filter(parcel_id__in=parcel_ids, year__in=years).values(
        "parcel_id", "year", "quarter", "enterprise__credit_code", "enterprise__name", *elements.stored_columns
    )
    for row in official:
        cell = (row["parcel_id"], row["year"], row["quarter"])
        if cell in wanted and cell not in returns:
            values = elements.read(row)
            in_use = elements.in_use(cell[1], cell[2]).not_applicable_fields
            marked = [n for n in in_use if values[n] is None]
            rows.setdefault(cell, []).append(
                {
                    "credit_code": row["enterprise__credit_code"],
                    "enterprise_name": row["enterprise__name"],
                    **values,
                    "not_applicable": marked,
                }
            )
    return rows, returns


def _expected(parcel_ids: list[int], periods: Sequence[tuple[int, int]]) -> dict[Cell, dict[str, str]]:
    """Return each cell's expected enterprises: the parcel's official list of the quarter before, code → name."""
    before = {previous_period(y, q): (y, q) for y, q in periods}
    years = sorted({y for y, _q in before})
    expected: dict[Cell, dict[str, str]] = {}
    rows = Statistic.objects.filter(parcel_id__in=parcel_ids, year__in=years).values_list(
        "parcel_id", "year", "quarter", "enterprise__credit_code", "enterprise__name"
    )
    for parcel_id, year, quarter, code, name in rows:
        period = before.get((year, quarter))
        if period is not None:
            expected.setdefault((parcel_id, *period), {})[code] = name
    return expected


def _history(
    codes: set[str], periods: Sequence[tuple[int, int]], elements: statfields.Elements
) -> dict[str, dict[tuple[int, int], dict]]:
    """Return the official figures of the enterprises over the quarters a score looks back on, by code and period."""
    first = min(periods)[0] - (quality.HISTORY_QUARTERS // 4 + 1)
    last = max(periods)[0]
    history: dict[str, dict[tuple[int, int], dict]] = {}
    numbers = set(elements.number_fields)
    for chunk in parcel_queries.chunks(sorted(codes)):
        rows = Statistic.objects.filter(enterprise__credit_code__in=chunk, year__gte=first, year__lte=last).values(
            "enterprise__credit_code", "year", "quarter", *elements.stored_columns
        )
        for row in rows:
            period = (row["year"], row["quarter"])
            history.setdefault(row["enterprise__credit_code"], {})[period] = {
                k: float(v) if k in numbers and v is not None else v for k, v in elements.read(row).items()
            }
    return history
