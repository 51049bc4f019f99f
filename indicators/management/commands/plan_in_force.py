"""Print the plan in force and its marks, for the run banner (scripts/run)."""

from django.core.management.base import BaseCommand

from indicators import queries
from indicators.models import EXAMPLE_MARK
from parcels.models import Statistic


class Command(BaseCommand):
    help = "Print the plan in force today, its code and its marks (当前执行的规划)."

    def handle(self, *args, **options):
        plan = queries.plan_in_force()
        if plan is None:
            self.stdout.write("尚未载入规划 / no plan loaded")
            return
        marks = [EXAMPLE_MARK] if plan.example else []
        if Statistic.objects.filter(source=Statistic.Source.DEMO).exists():
            marks.append(str(Statistic.Source.DEMO.label))
        years = f"{plan.start_year}–{plan.end_year}"
        self.stdout.write("　".join([f"张江高新区{plan.short_zh}（{years}，{plan.code}）", *marks]))
