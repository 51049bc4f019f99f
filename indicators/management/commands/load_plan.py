"""Load the plans' reference data: parcels, functional areas, indicators, base and benchmark values."""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from indicators.reference import MODELS, ReferenceDataError, load_plan


class Command(BaseCommand):
    help = (
        "载入规划参考数据（格式见 docs/plan.schema.json）/ Load plan reference data "
        "(default: every fixtures/plan-*.json; schema: docs/plan.schema.json)."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", type=Path, help="plan file(s); default fixtures/plan-*.json")
        parser.add_argument(
            "--revise",
            action="store_true",
            help="修订已有评估报告的规划 / revise a plan that has reports (needs --reason)",
        )
        parser.add_argument("--reason", default="", help="修订原因，记入规划的修改记录 / why, kept in its history")

    def handle(self, *args, paths: list[Path], revise: bool, reason: str, **options) -> None:
        paths = paths or sorted((Path(settings.BASE_DIR) / "fixtures").glob("plan-*.json"))
        if not paths:
            raise CommandError("没有找到规划数据文件 / no fixtures/plan-*.json found")
        for path in paths:
            try:
                counts = load_plan(path, revise=revise, reason=reason)
            except (OSError, json.JSONDecodeError, ReferenceDataError) as exc:
                raise CommandError(f"{path}: {exc}") from exc
            self.stdout.write(self.style.SUCCESS(f"{path.name}"))
            for model in MODELS:
                c = counts[model.__name__]
                self.stdout.write(
                    f"  {model._meta.verbose_name} {model.__name__}: "
                    f"新增 created {c['created']}，更新 updated {c['updated']}，未变 unchanged {c['unchanged']}"
                )
