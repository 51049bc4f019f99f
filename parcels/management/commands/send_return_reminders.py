import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from parcels.returns import services


class Command(BaseCommand):
    help = "向尚未提交上季度报表的地块管理人员发送催报邮件（与定时任务相同；可重复运行）。"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="按这一天计算（YYYY-MM-DD），默认今天")

    def handle(self, *args, date: str | None, **options):
        try:
            today = dt.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError:
            raise CommandError(f"日期格式应为 YYYY-MM-DD：{date}") from None
        self.stdout.write(str(services.send_reminders(today=today)))
