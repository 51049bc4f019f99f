from django.core.management.base import BaseCommand, CommandError

from indicators import compute, services
from indicators.benchmarks import read_benchmarks

from ._output import add_plan_argument, chosen_plan


class Command(BaseCommand):
    help = "Load or revise benchmark values from a CSV with columns indicator,year,value,source (导入对标基准值)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        add_plan_argument(parser)

    def handle(self, *args, file, plan=None, **options):
        plan = chosen_plan(plan)
        codes = set(plan.indicators.filter(target_kind=compute.BENCHMARK).values_list("code", flat=True))
        rows, errors = read_benchmarks(file, benchmark_codes=codes)
        if errors:
            for error in errors:
                self.stderr.write(str(error))
            raise CommandError(f"共{len(errors)}处错误，未写入任何数据")
        counts = services.save_benchmarks(plan=plan, rows=rows)
        self.stdout.write(f"created={counts.created} updated={counts.updated} unchanged={counts.unchanged}")
