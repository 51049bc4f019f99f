"""Writes: keep the stored early-warning list in step with the latest progress, and e-mail its changes."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.mail import send_mail
from django.db import connection, transaction
from django.utils import timezone

from .. import queries as plan_queries
from ..dashboard.visibility import parcel_hidden
from ..models import EarlyWarning
from . import mail, queries, rules

log = logging.getLogger(__name__)

# Serializes refreshes across processes (beat's worker and the command).
WARNING_LOCK = 0x5741524E  # "WARN"


@dataclass(frozen=True)
class WarningSummary:
    """What a refresh did: the year judged, items entered and left, e-mails sent."""

    year: int | None
    entered: int = 0
    left: int = 0
    open: int = 0
    mailed: int = 0

    def __str__(self) -> str:
        return (
            f"warnings year={self.year} entered={self.entered} left={self.left} open={self.open} mailed={self.mailed}"
        )


def refresh_warnings(*, now: dt.datetime | None = None, send: bool = True) -> WarningSummary:
    """Bring the stored list up to the latest progress, then e-mail every entering and leaving not yet e-mailed.

    An item the latest progress shows and the list lacks enters it; an item on the list the
    progress no longer shows leaves it. Each change is e-mailed once to the office and the unit
    responsible (docs/method.md §9). Safe to run twice, and from two processes at once.
    """
    now = now or timezone.now()
    plan = plan_queries.current_plan()
    if plan is None:
        return WarningSummary(None)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [WARNING_LOCK])
        year = queries.judged_year(plan)
        rows = queries.progress_rows(plan, year) if year else []
        current = {i.key: i for i in rules.items(rows, binding=queries.binding_codes(plan), end_year=plan.end_year)}
        stored = {(w.indicator.code, w.parcel_id, w.reason): w for w in queries.open_warnings(plan)}
        ids = plan_queries.indicator_ids(plan)
        for key in current.keys() - stored.keys():
            item = current[key]
            EarlyWarning.objects.create(
                indicator_id=ids[item.indicator],
                parcel_id=item.parcel,
                reason=item.reason,
                year=item.year,
                details=item.details,
                entered_at=now,
            )
        for key in stored.keys() - current.keys():
            stored[key].left_at = now
            stored[key].save(update_fields=["left_at"])
        for key in stored.keys() & current.keys():
            _update(stored[key], current[key])
    mailed = _send_unmailed(now) if send else 0
    summary = WarningSummary(
        year,
        entered=len(current.keys() - stored.keys()),
        left=len(stored.keys() - current.keys()),
        open=len(current),
        mailed=mailed,
    )
    log.info("%s", summary)
    return summary


def _update(warning: EarlyWarning, item: rules.Item) -> None:
    """Keep an item's year and figures current while it stays on the list (no e-mail)."""
    if warning.year != item.year or warning.details != item.details:
        warning.year, warning.details = item.year, item.details
        warning.save(update_fields=["year", "details"])


def _send_unmailed(now: dt.datetime) -> int:
    """E-mail every entering and leaving not e-mailed yet: one e-mail to each address, listing the
    changes it may see; mark them in the same transaction (a failed send leaves them for the next run).
    Return the e-mails sent."""
    with transaction.atomic():
        unmailed = (
            EarlyWarning.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("indicator__plan", "parcel")
            .filter(id__in=queries.unmailed_ids())
            .order_by("indicator__order", "parcel__order", "reason")
        )
        changes: list[tuple[EarlyWarning, bool]] = []
        for warning in unmailed:
            entering = warning.entered_mailed_at is None
            if not (entering and warning.left_at is not None):
                changes.append((warning, entering))
            # An item that entered and left before anyone was told needs no e-mail either way.
            warning.entered_mailed_at = warning.entered_mailed_at or now
            warning.left_mailed_at = now if warning.left_at else None
            warning.save(update_fields=["entered_mailed_at", "left_mailed_at"])
        by_address: dict[str, list[tuple[EarlyWarning, bool]]] = {}
        for warning, entering in changes:
            for address in _recipients(warning):
                by_address.setdefault(address, []).append((warning, entering))
        for address, told in by_address.items():
            subject, body = mail.digest(told)
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
    return len(by_address)


def _recipients(warning: EarlyWarning) -> list[str]:
    """Return who is told of an item: the office always; the indicator's 责任单位 and, for a parcel, its
    managers, unless the parcel's figures are withheld from them by the disclosure rules."""
    addresses = queries.office_addresses()
    others: list[tuple[str, object]] = []
    if warning.indicator.responsible_email:
        others.append((warning.indicator.responsible_email, AnonymousUser()))
    if warning.parcel_id:
        others += [(user.email, user) for user in queries.parcel_managers(warning.parcel_id)]
    if others and warning.parcel_id:
        results = queries.parcel_results(warning.indicator.plan, warning.year)
        code, base_year = warning.indicator.code, warning.indicator.plan.base_year

        def hidden(user) -> bool:
            return parcel_hidden(
                results, code, warning.parcel_id, year=warning.year, quarter=4, base_year=base_year, user=user
            )

        others = [(address, user) for address, user in others if not hidden(user)]
    addresses += [address for address, _user in others]
    return list(dict.fromkeys(addresses))
