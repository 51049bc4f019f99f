from django.core.management.base import BaseCommand, CommandError

from indicators import exports, queries

from ._output import output


class Command(BaseCommand):
    help = "Write every computed indicator value as CSV (导出指标值)."

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", help="file to write (default: standard output)")

    def handle(self, *args, **options):
        plan = queries.current_plan()
        if plan is None:
            raise CommandError("尚未载入规划，请先运行 load_plan")
        with output(self, options["output"]) as out:
            n = exports.write_values(out, plan)
        if options["output"]:
            self.stderr.write(f"rows={n}")
