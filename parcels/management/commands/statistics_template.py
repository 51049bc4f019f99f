"""Write the empty statistics import template (.xlsx) with the parcels' names as a drop-down."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from parcels import queries
from parcels.returns.template_xlsx import write_statistics_template
from parkplan.periods import last_ended_period


class Command(BaseCommand):
    help = "生成空白的企业统计数据导入模板（.xlsx），列为该季度填报的统计指标项（默认为最近结束的季度）。"

    def add_arguments(self, parser):
        parser.add_argument("out", help="输出文件，如 统计数据导入模板.xlsx")
        parser.add_argument("--year", type=int, help="年份（默认为最近结束的季度所在年份）")
        parser.add_argument("--quarter", type=int, choices=[1, 2, 3, 4], help="季度（默认为最近结束的季度）")

    def handle(self, *args, out: str, year: int | None = None, quarter: int | None = None, **options):
        if not out.lower().endswith(".xlsx"):
            raise CommandError("输出文件名应以 .xlsx 结尾")
        last_year, last_quarter = last_ended_period(timezone.localdate())
        year, quarter = year or last_year, quarter or last_quarter
        names = [name_zh for _id, _code, name_zh in queries.parcel_keys()]
        if not names:
            self.stderr.write("注意：数据库中还没有地块，模板中的“所在地块”没有下拉列表。")
        elements = queries.data_elements(year, quarter)
        try:
            write_statistics_template(out, parcel_names=names, elements=elements)
        except OSError as exc:
            raise CommandError(f"无法写入 {out}：{exc.strerror}") from None
        self.stdout.write(
            f"已生成{year}年第{quarter}季度的导入模板 {out}（{len(names)} 个地块，{len(elements)} 个统计指标项）。"
        )
