"""Open the --output file (UTF-8 with BOM) or standard output for an export command."""

import contextlib
import sys


@contextlib.contextmanager
def output(path: str | None):
    if not path or path == "-":
        yield sys.stdout
        return
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        yield f
