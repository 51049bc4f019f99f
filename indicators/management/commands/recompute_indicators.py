from django.core.management.base import BaseCommand

from indicators import services


class Command(BaseCommand):
    help = "Recompute the indicator values and progress now, without a broker (同步重算全部指标)."

    def add_arguments(self, parser):
        parser.add_argument("--changed-only", action="store_true", help="only what changed since the last run")

    def handle(self, *args, changed_only=False, **options):
        summary = services.recompute(full=not changed_only)
        self.stdout.write(str(summary))
