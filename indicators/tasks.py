"""Celery tasks: thin interfaces to the recompute service and the early warnings."""

from celery import shared_task

from . import services
from .early_warnings import services as early_warnings


@shared_task(ignore_result=True, soft_time_limit=540, time_limit=600)
def recompute_due() -> str:
    """Recompute if data changed since the last run; skip if another run holds the lock."""
    return str(services.recompute(wait=False))


@shared_task(ignore_result=True, soft_time_limit=540, time_limit=600)
def recompute_all() -> str:
    """Recompute every value and all progress from scratch (the periodic safety net)."""
    return str(services.recompute(full=True))


@shared_task(ignore_result=True, soft_time_limit=240, time_limit=300)
def refresh_early_warnings() -> str:
    """Bring every plan's early-warning list up to its latest progress and e-mail its changes (safe to run twice)."""
    return "; ".join(str(summary) for summary in early_warnings.refresh_warnings())
