"""Writes: keep each plan's stored early-warning list in step with its latest progress, and e-mail its changes."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import connection, transaction
from django.utils import timezone

from ..dashboard.results import withheld
from ..models import EarlyWarning, Plan
from . import mail, queries, rules

log = logging.getLogger(__name__)

# Serializes refreshes across processes (beat's worker and the command).
WARNING_LOCK = 0x5741524E  # "WARN"


@dataclass(frozen=True)
class WarningSummary:
    """What a refresh of one plan did: the year judged, items entered and left, e-mails sent."""

    plan: str
    year: int | None
    entered: int = 0
    left: int = 0
    open: int = 0
    mailed: int = 0

    def __str__(self) -> str:
        return (
            f"warnings {self.plan} year={self.year} entered={self.entered} left={self.left} "
            f"open={self.open} mailed={self.mailed}"
        )


def refresh_warnings(*, now: dt.datetime | None = None) -> list[WarningSummary]:
    """Bring every plan's stored list up to its latest progress and e-mail each change not yet e-mailed.

    Safe to run twice, and from two processes at once: each entering and each leaving is e-mailed once.
    """
    now = now or timezone.now()
    return [refresh_plan(plan=plan, now=now) for plan in queries.plans()]


def refresh_plan(*, plan: Plan, now: dt.datetime) -> WarningSummary:
    """Bring one plan's list up to its latest progress, then e-mail its changes (docs/method.md §9).

    An item the progress shows and the list lacks enters it; an item on the list the progress no
    longer shows leaves it. When the plan warns no more (its target year judged, or its end year
    past: the final assessment is no warning) its items leave without an e-mail.
    """
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [WARNING_LOCK])
        year = queries.judged_year(plan)
        rows = queries.progress_rows(plan, year) if year else []
        current = {i.key: i for i in rules.items(rows, binding=queries.binding_codes(plan), end_year=plan.end_year)}
        stored = {(w.indicator.code, w.parcel_id, w.reason): w for w in queries.open_warnings(plan)}
        _enter(plan, [current[key] for key in current.keys() - stored.keys()], now=now)
        for key in stored.keys() - current.keys():
            stored[key].left_at = now
            stored[key].left_quietly = year is None  # the plan warns no more: nobody is told
            stored[key].save(update_fields=["left_at", "left_quietly"])
        for key in stored.keys() & current.keys():
            _update(stored[key], current[key])
    summary = WarningSummary(
        plan.code,
        year,
        entered=len(current.keys() - stored.keys()),
        left=len(stored.keys() - current.keys()),
        open=len(current),
        mailed=_send_unmailed(plan, now),
    )
    log.info("%s", summary)
    return summary


def _enter(plan: Plan, entering: list[rules.Item], *, now: dt.datetime) -> None:
    ids = queries.indicator_ids(plan)
    EarlyWarning.objects.bulk_create(
        EarlyWarning(
            indicator_id=ids[item.indicator],
            parcel_id=item.parcel,
            reason=item.reason,
            year=item.year,
            details=item.details,
            entered_at=now,
        )
        for item in entering
    )


def _update(warning: EarlyWarning, item: rules.Item) -> None:
    """Keep an item's year and figures current while it stays on the list (no e-mail)."""
    if warning.year != item.year or warning.details != item.details:
        warning.year, warning.details = item.year, item.details
        warning.save(update_fields=["year", "details"])


def _send_unmailed(plan: Plan, now: dt.datetime) -> int:
    """E-mail the plan's enterings and leavings not e-mailed yet: one e-mail to each address, listing the
    changes it may see; marked in the same transaction (a failed send leaves them for the next run).
    Return the e-mails sent."""
    with transaction.atomic():
        changes: list[tuple[EarlyWarning, bool]] = []
        for warning in queries.unmailed(plan):
            entering = warning.entered_mailed_at is None
            # An item that entered and left before anyone was told needs no e-mail either way.
            if not (entering and warning.left_at is not None):
                changes.append((warning, entering))
            warning.entered_mailed_at = warning.entered_mailed_at or now
            warning.left_mailed_at = now if warning.left_at else None
            warning.save(update_fields=["entered_mailed_at", "left_mailed_at"])
        by_address = _by_address(plan, changes)
        for address, told in by_address.items():
            subject, body = mail.digest(plan, told)
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
    return len(by_address)


def _by_address(plan: Plan, changes: list[tuple[EarlyWarning, bool]]) -> dict[str, list[tuple[EarlyWarning, bool]]]:
    """Return address → the changes it is told: the office every one; the unit responsible for an indicator
    (its responsible_users) its items, a parcel's only where the disclosure rules let that user see it."""
    office = queries.office_users()
    office_ids = {user.pk for user in office}
    by_address: dict[str, list[tuple[EarlyWarning, bool]]] = {}
    results = None
    for warning, entering in changes:
        readers = list(office)
        for user in queries.responsible_users(warning.indicator):
            if user.pk in office_ids or warning.parcel_id is None:
                readers.append(user)
                continue
            results = results or queries.parcel_results(plan, warning.year)
            value = results.value(warning.indicator.code, warning.parcel_id, warning.year, 4)
            progress = results.progress_of(warning.indicator.code, warning.parcel_id, warning.year)
            if not (withheld(value, user) or withheld(progress, user)):
                readers.append(user)
        for address in dict.fromkeys(user.email for user in readers):
            by_address.setdefault(address, []).append((warning, entering))
    return by_address
