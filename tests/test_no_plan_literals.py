"""No plan is welded into the code: titles, column heads and defaults come from the plan, never a literal.

Greps the product's Python, templates and static JavaScript for the 14th plan's
target year, its names (十四五, 十三五, "14th FYP", "Five-Year Plan") and the
like. Allowed where they are data or about data: docs, fixtures, migrations,
locale files, tests and benchmarks (which build their own data), and the demo
data generators (their enterprises' statistics are dated like a fixture's).
A file named after a plan (fixtures/plan-14th.json) may be named.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

LITERALS = re.compile(
    r"(?<!\d)2025(?!\d)|十四五|十三五|十五五|\b1[345]th\b|\bFYP\b|Five-Year Plan"
    # The one plan's formulas and their kinds, once written in code: now the plan's data.
    r"|\b(?:FORMULAS|COUNT_INDICATORS|RATIO_INDICATORS|SUM_COLUMNS|projected_2025|projected_gap_2025)\b"
)
# A reference to a plan's file by its name is not the plan's name.
FILE_NAMES = re.compile(r"plan-1\dth(?:-[a-z]+)?\.(?:json|md)")

SCANNED = re.compile(r"\.(py|html|js)$")
# static/vendor/: third-party code built from npm packages (plotly.js), whose numbers are not the plan's.
ALLOWED_DIRS = ("docs/", "fixtures/", "locale/", "tests/", "bench/", "static/vendor/", "scripts/plotly/")
ALLOWED_FILES = {
    # The demo data generators: enterprises and quarterly statistics of fixed years, and the demo logins.
    "parcels/demo.py",
    "parcels/management/commands/seed_demo.py",
    "parcels/management/commands/demo_users.py",
}


def scanned_files() -> list[str]:
    """Return the tracked and new Python, template and JavaScript files that must name no plan."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return sorted(
        path
        for path in set(listed)
        if SCANNED.search(path)
        and not path.startswith(ALLOWED_DIRS)
        and "/migrations/" not in path
        and path not in ALLOWED_FILES
        and (ROOT / path).is_file()
    )


def literals_in(text: str) -> list[tuple[int, str]]:
    """Return (line number, line) of every line naming a plan's year or name."""
    return [
        (n, line.strip())
        for n, line in enumerate(text.splitlines(), start=1)
        if LITERALS.search(FILE_NAMES.sub("", line))
    ]


def test_it_finds_the_literals_it_looks_for():
    found = literals_in(
        'title = "“十四五”规划"\n'
        "end = 2025\n"
        "x = 20250\n"
        "label = _('2025年目标')\n"
        "# see fixtures/plan-14th.json\n"
        '"14th FYP"\n'
        '"the 13th Five-Year Plan"\n'
        '"a five-year plan", "--plan fyp-14"\n'
        'FORMULAS = {"I1": ...}\n'
        "if code in COUNT_INDICATORS:\n"
        "row.projected_2025\n"
        "row.projected\n"
    )
    assert [n for n, _line in found] == [1, 2, 4, 6, 7, 9, 10, 11]


def test_it_scans_the_code_and_leaves_out_data():
    files = scanned_files()
    assert {"indicators/compute.py", "templates/base.html", "static/js/charts.js", "parkplan/settings.py"} <= set(files)
    assert not [f for f in files if f.startswith(("tests/", "fixtures/", "docs/")) or "/migrations/" in f]


def test_no_code_names_a_plan():
    offences = [
        f"{path}:{n}: {line}"
        for path in scanned_files()
        for n, line in literals_in((ROOT / path).read_text(encoding="utf-8"))
    ]
    assert not offences, "a plan's year or name in the code (take it from the plan):\n" + "\n".join(offences)
