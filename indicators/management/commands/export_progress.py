from django.core.management.base import BaseCommand, CommandError

from indicators import exports, queries

from ._output import output


class Command(BaseCommand):
    help = "Write the progress of every indicator, scope and year as CSV (导出进度评价)."

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", help="file to write (default: standard output)")

    def handle(self, *args, **options):
        plan = queries.current_plan()
        if plan is None:
            raise CommandError("尚未载入规划，请先运行 load_plan")
        with output(self, options["output"]) as out:
            n = exports.write_progress(out, plan)
        if options["output"]:
            self.stderr.write(f"rows={n}")
