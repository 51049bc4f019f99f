from indicators import exports

from ._output import CsvExportCommand


class Command(CsvExportCommand):
    help = "Write every computed indicator value as CSV (导出指标值)."

    def write(self, out, plan, *, audience: str) -> int:
        return exports.write_values(out, plan, audience=audience)
