"""The shape shared by the CSV export commands: --output file (UTF-8 with BOM) or standard output."""

import contextlib

from django.core.management.base import BaseCommand, CommandError

from indicators import queries


@contextlib.contextmanager
def output(command, path: str | None):
    if not path or path == "-":
        command.stdout.ending = ""  # csv writes whole lines itself
        yield command.stdout
        return
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        yield f


class CsvExportCommand(BaseCommand):
    """Write one of indicators.exports' CSVs for the current plan."""

    def write(self, out, plan) -> int:
        raise NotImplementedError

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", help="file to write (default: standard output)")

    def handle(self, *args, **options):
        plan = queries.plan_in_force()
        if plan is None:
            raise CommandError("尚未载入规划，请先运行 load_plan")
        with output(self, options["output"]) as out:
            n = self.write(out, plan)
        if options["output"]:
            self.stderr.write(f"rows={n}")
