"""Open the --output file (UTF-8 with BOM) or the command's own output for an export command."""

import contextlib


@contextlib.contextmanager
def output(command, path: str | None):
    if not path or path == "-":
        command.stdout.ending = ""  # csv writes whole lines itself
        yield command.stdout
        return
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        yield f
