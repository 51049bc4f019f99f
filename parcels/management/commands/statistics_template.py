"""Write the empty statistics import template (.xlsx) with the parcels' names as a drop-down."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from parcels import queries
from parcels.returns.template_xlsx import write_statistics_template


class Command(BaseCommand):
    help = "生成空白的企业统计数据导入模板（.xlsx）。"

    def add_arguments(self, parser):
        parser.add_argument("out", help="输出文件，如 统计数据导入模板.xlsx")

    def handle(self, *args, out: str, **options):
        if not out.lower().endswith(".xlsx"):
            raise CommandError("输出文件名应以 .xlsx 结尾")
        names = [name_zh for _id, _code, name_zh in queries.parcel_keys()]
        if not names:
            self.stderr.write("注意：数据库中还没有地块，模板中的“所在地块”没有下拉列表。")
        try:
            write_statistics_template(out, parcel_names=names)
        except OSError as exc:
            raise CommandError(f"无法写入 {out}：{exc.strerror}") from None
        self.stdout.write(f"已生成导入模板 {out}（{len(names)} 个地块）。")
