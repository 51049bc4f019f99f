"""Celery tasks of the parcels app: thin interfaces to services."""

from celery import shared_task
from django.utils import timezone

from .returns import services


@shared_task(ignore_result=True, soft_time_limit=300, time_limit=360)
def send_return_reminders() -> str:
    """E-mail the managers of parcels whose last quarter's return is not submitted (safe to run twice)."""
    import pghistory

    with pghistory.context(source="task"):
        return str(services.send_reminders(today=timezone.localdate()))
