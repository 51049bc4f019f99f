"""Bring the early-warning list (预警) up to the latest progress and e-mail what entered or left it: what beat runs."""

from django.core.management.base import BaseCommand

from indicators.early_warnings import services


class Command(BaseCommand):
    help = "更新预警名单，并就新列入和移出的条目向联席会议办公室和责任单位各发一封邮件（可重复运行）"

    def add_arguments(self, parser):
        parser.add_argument("--no-mail", action="store_true", help="只更新名单，不发邮件（未发的邮件留待下次）")

    def handle(self, *args, **options):
        self.stdout.write(str(services.refresh_warnings(send=not options["no_mail"])))
