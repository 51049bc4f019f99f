from indicators import exports

from ._output import CsvExportCommand


class Command(CsvExportCommand):
    help = "Write the progress of every indicator, scope and year as CSV (导出进度评价)."

    def write(self, out, plan, *, audience: str) -> int:
        return exports.write_progress(out, plan, audience=audience)
