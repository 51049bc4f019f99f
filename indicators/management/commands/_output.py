"""What the commands share: the plan they read (--plan CODE, by default the plan in force), the CSV output
(--output file, UTF-8 with BOM, or standard output) and its audience (--audience)."""

import contextlib

from django.core.management.base import BaseCommand, CommandError

from indicators import exports, queries
from indicators.dashboard.plans import PlanConverter
from indicators.models import EXAMPLE_MARK


def add_plan_argument(parser) -> None:
    parser.add_argument(
        "--plan",
        metavar="CODE",
        help="the plan's code, e.g. fyp-14 (default: the plan in force, whose period contains today)",
    )


def chosen_plan(code: str | None):
    """Return the plan of --plan, else the plan in force; a clear error when there is none."""
    if code:
        plan = queries.plan_by_code(code) if PlanConverter.is_code(code) else None
        if plan is None:
            codes = "、".join(p.code for p in queries.plans(drafts=True)) or "—"
            raise CommandError(f"没有代码为“{code}”的规划；可选：{codes}")
        return plan
    plan = queries.plan_in_force()
    if plan is None:
        raise CommandError("尚未载入规划，请先运行 load_plan")
    return plan


@contextlib.contextmanager
def output(command, path: str | None):
    if not path or path == "-":
        command.stdout.ending = ""  # csv writes whole lines itself
        yield command.stdout
        return
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        yield f


class CsvExportCommand(BaseCommand):
    """Write one of indicators.exports' CSVs for a plan."""

    def write(self, out, plan, *, audience: str) -> int:
        raise NotImplementedError

    def add_arguments(self, parser):
        add_plan_argument(parser)
        parser.add_argument("--output", "-o", help="file to write (default: standard output)")
        parser.add_argument(
            "--audience",
            choices=exports.AUDIENCES,
            default=exports.OFFICE,
            help="office: every figure (the default); official: what the disclosure rules withhold from officials "
            "is empty, and the last column says why (docs/disclosure.md)",
        )

    def handle(self, *args, **options):
        plan = chosen_plan(options["plan"])
        with output(self, options["output"]) as out:
            n = self.write(out, plan, audience=options["audience"])
        # The CSV stays as machines read it; an illustrative plan's export is named so on stderr.
        mark = f" {EXAMPLE_MARK}" if plan.example else ""
        if options["output"] or mark:
            self.stderr.write(f"plan={plan.code}{mark} rows={n}")
