"""Bring every plan's early-warning list up to its latest progress and e-mail its changes (what beat runs)."""

from django.core.management.base import BaseCommand

from indicators.early_warnings import services


class Command(BaseCommand):
    help = "更新各规划的预警名单，并就新列入和移出的条目发送邮件（可重复运行，每项变化只通知一次）"

    def handle(self, *args, **options):
        for summary in services.refresh_warnings():
            self.stdout.write(str(summary))
