"""Fail when a function of the product is too long or too complex to read.

No function over MAX_LINES lines and none worse than radon's grade C
(cyclomatic complexity above 20) in parkplan/, parcels/ and indicators/;
migrations are generated and left out. Prints each offender and exits 1.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

from radon.complexity import cc_rank, cc_visit

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("parkplan", "parcels", "indicators")
MAX_LINES = 60
WORST_RANK = "C"


def sources() -> list[Path]:
    return sorted(
        path for package in PACKAGES for path in (ROOT / package).rglob("*.py") if "migrations" not in path.parts
    )


def offenders(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    name = path.relative_to(ROOT)
    found = []
    for block in cc_visit(text):
        rank = cc_rank(block.complexity)
        if rank > WORST_RANK:
            found.append(f"{name}:{block.lineno} {block.fullname}: complexity {block.complexity} (grade {rank})")
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            length = node.end_lineno - first + 1
            if length > MAX_LINES:
                found.append(f"{name}:{node.lineno} {node.name}: {length} lines (at most {MAX_LINES})")
    return found


def main() -> int:
    problems = [line for path in sources() for line in offenders(path)]
    for line in problems:
        print(line)
    if problems:
        print(f"{len(problems)} function(s) too long or too complex", file=sys.stderr)
        return 1
    print(f"complexity: every function of {', '.join(PACKAGES)} within grade {WORST_RANK} and {MAX_LINES} lines")
    return 0


if __name__ == "__main__":
    sys.exit(main())
