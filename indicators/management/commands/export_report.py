"""Freeze the stored results, generate one report file and write it, without the web or a broker."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from indicators.models import Report
from indicators.reports import files, queries, services

from ._output import add_plan_argument, chosen_plan


class Command(BaseCommand):
    help = "Generate a plan's implementation assessment report for a year as .docx, .pdf or .xlsx."

    def add_arguments(self, parser):
        add_plan_argument(parser)
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--format", choices=files.FORMATS, required=True)
        parser.add_argument("--output", required=True, help="file to write")
        parser.add_argument("--language", choices=["zh", "en"], default="zh")
        parser.add_argument("--kind", choices=Report.Kind.values, default=None)
        parser.add_argument(
            "--audience",
            choices=Report.Audience.values,
            default=Report.Audience.OFFICE,
            help="office: every figure, 内部资料 on every page (the default); official: the parcel figures the "
            "pages withhold from officials are withheld with their reason (docs/disclosure.md)",
        )

    def handle(self, *args, year, format, output, language, kind, audience, plan=None, **options):
        plan = chosen_plan(plan)
        try:
            report = services.start_report(plan=plan, year=year, kind=kind, language=language, audience=audience)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        report = services.generate_report(report.id)
        if report.state != Report.State.DONE:
            raise CommandError(report.message)
        stored = queries.stored_file(report, format)
        if stored is None:
            raise CommandError(f"report {report.id} has no {format} file")
        with open(output, "wb") as f:
            f.write(bytes(stored.content))
        self.stdout.write(
            f"report={report.id} plan={plan.code} year={year} format={format} bytes={stored.size} "
            f"sha256={stored.sha256} data_version={report.data_version} seconds={report.duration_ms / 1000:.1f}"
        )
