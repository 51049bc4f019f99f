"""The plotly.js the site serves: a partial bundle committed under static/vendor/plotly/.

scripts/build_plotly.sh builds it from the npm registry's plotly.js at the version the
installed plotly.py writes figures for, with only the trace types the pages draw; its
banner names both (``plotly.js (partial: scatter, bar, heatmap - minified) v4.1.1``).
Django's FileSystemFinder serves it like every other static file; indicators/apps.py
checks the banner at start-up.
"""

from __future__ import annotations

import re
from pathlib import Path

BUNDLE = "vendor/plotly/plotly.min.js"
# The committed bundle itself (the file scripts/build_plotly.sh writes).
BUNDLE_FILE = Path(__file__).resolve().parents[1] / "static" / BUNDLE
_BANNER = re.compile(r"plotly\.js (?:\((?P<kind>[^)]*)\) )?v(?P<version>\d+\.\d+\.\d+)")


def served_plotly_js() -> Path | None:
    """Return the plotly.min.js the site serves as static/vendor/plotly/plotly.min.js (None if none)."""
    from django.contrib.staticfiles import finders

    found = finders.find(BUNDLE)
    return Path(found) if found else None


def read_banner(path: Path) -> tuple[str | None, set[str] | None]:
    """Return the version and the trace types a bundle's banner names (None for a full bundle's types)."""
    with open(path, encoding="utf-8") as f:
        head = f.read(400)
    match = _BANNER.search(head)
    if match is None:
        return None, set()
    kind = match.group("kind") or ""
    if not kind.startswith("partial:"):
        return match.group("version"), None  # the full bundle: every trace type
    names = kind.removeprefix("partial:").split(" - ")[0]
    return match.group("version"), {name.strip() for name in names.split(",") if name.strip()}
