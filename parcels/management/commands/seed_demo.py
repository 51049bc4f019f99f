from django.core.management.base import BaseCommand, CommandError

from parcels import demo
from parcels.models import Statistic


class Command(BaseCommand):
    help = "Generate deterministic demo enterprises and quarterly statistics, 2020 to 2026 Q3 (生成演示数据)."

    def add_arguments(self, parser):
        parser.add_argument("--enterprises", type=int, default=1500)
        parser.add_argument("--seed", type=int, default=2021)
        parser.add_argument("--if-empty", action="store_true", help="only when there are no statistics yet")

    def handle(self, *args, **options):
        if options["enterprises"] < 1:
            raise CommandError("--enterprises 必须为正整数")
        if options["if_empty"] and Statistic.objects.exists():
            self.stdout.write("statistics present: demo data not generated")
            return
        try:
            summary = demo.seed_demo(enterprises=options["enterprises"], seed=options["seed"])
        except ValueError as e:
            raise CommandError(str(e)) from e
        self.stdout.write(f"enterprises={summary.enterprises} statistics={summary.statistics}")
