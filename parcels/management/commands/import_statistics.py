"""Import enterprise statistics from an .xlsx or .csv file in the template of docs/method.md §1–§2."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from parcels import queries
from parcels.imports import blanks_as_zero, read_statistics_file
from parcels.models import ImportBatch
from parcels.services import upsert_statistics


class Command(BaseCommand):
    help = "导入企业统计数据（.xlsx 或 .csv，按导入模板）；任何一行有错则整个文件都不导入。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="要导入的 .xlsx 或 .csv 文件")
        parser.add_argument("--dry-run", action="store_true", help="只检查并统计，不写入数据库")
        parser.add_argument(
            "--blank-as-zero",
            action="store_true",
            help="空白的数值单元格按0、空白的是否项按“否”导入（仅用于空白即为零的来源文件；默认空白为未填写，不计为0）",
        )

    def handle(self, *args, file: str, dry_run: bool, blank_as_zero: bool = False, **options):
        path = Path(file)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"无法读取文件 {path}：{exc.strerror}") from None
        parsed = read_statistics_file(io.BytesIO(data), path.name)
        if parsed.errors:
            lines = [f"导入失败：{path.name} 中有 {len(parsed.errors)} 处错误，未写入任何数据。"]
            lines += [str(error) for error in parsed.errors]
            raise CommandError("\n".join(lines))
        rows = blanks_as_zero(parsed.rows, queries.data_elements()) if blank_as_zero else parsed.rows
        result = upsert_statistics(
            rows=rows,
            source=ImportBatch.Source.CLI,
            filename=path.name,
            sha256=hashlib.sha256(data).hexdigest(),
            dry_run=dry_run,
        )
        if dry_run:
            self.stdout.write(f"试运行：{path.name} 共 {len(parsed.rows)} 行全部通过检查，未写入任何数据。")
        else:
            self.stdout.write(f"已导入 {path.name}（批次 #{result.batch.pk}）。")
        self.stdout.write(str(result))
