"""Prepare the database for scripts/run in one Python process (each command on its own would load
Django, pandas and plotly again): migrate, load the plans, demo data into an empty database, the demo
logins (written to .var/demo-logins.txt), the recompute and the plan in force (.var/plan-in-force.txt,
for the banner). Each step says what it does and how long scripts/run has run (STARTED, its start in
seconds since the epoch)."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
STARTED = float(os.environ.get("STARTED") or time.time())


def say(message: str) -> None:
    print(f"\033[1m==> [{time.time() - STARTED:3.0f}s] {message}\033[0m", flush=True)


class Indented:
    """A stdout for a command that indents its lines under the step."""

    def write(self, text: str) -> None:
        sys.stdout.write("".join(f"    {line}" if line.strip() else line for line in text.splitlines(True)))
        sys.stdout.flush()

    def flush(self) -> None:
        sys.stdout.flush()


def main() -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    # This session's commits need not wait for the disk (no risk of corruption; a crash while preparing
    # loses at most the last moments of work, which the next run redoes): migrations commit hundreds of
    # times, each an fsync otherwise.
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO off")
    out = Indented()
    say("Migrating the database")
    call_command("migrate", interactive=False, verbosity=0)
    say("Loading the plans (fixtures/plan-*.json)")
    call_command("load_plan", stdout=out)
    say("Generating the demo data (only into an empty database)")
    call_command("seed_demo", "--if-empty", stdout=out)
    say("Creating the demo logins (.var/demo-logins.txt)")
    with open(ROOT / ".var" / "demo-logins.txt", "w", encoding="utf-8") as logins:
        call_command("demo_users", "--public-demo", stdout=logins)
    say("Recomputing the indicators")
    call_command("recompute_indicators", "--changed-only", stdout=out)
    with open(ROOT / ".var" / "plan-in-force.txt", "w", encoding="utf-8") as banner:
        call_command("plan_in_force", stdout=banner)


if __name__ == "__main__":
    main()
