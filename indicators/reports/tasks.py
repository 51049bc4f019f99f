"""Celery tasks: thin interfaces to the report services."""

from celery import shared_task

from . import services


@shared_task(ignore_result=True, soft_time_limit=540, time_limit=600)
def generate_report(report_id: int) -> str:
    """Generate one queued report's files (a finished or running report is left alone)."""
    report = services.generate_report(report_id)
    return f"report {report.id} {report.state}"


@shared_task(ignore_result=True, soft_time_limit=540, time_limit=600)
def sweep_queued_reports() -> str:
    """Generate the reports the office has started and no worker has picked up yet."""
    return f"generated={services.run_queued_reports()}"
