"""Render figure dicts to PNG with kaleido and the machine's Chromium (never a downloaded one)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping

import kaleido

log = logging.getLogger(__name__)
# The browser driver logs every tab it opens at INFO; a report renders sixteen.
for _name in ("kaleido", "choreographer", "logistro"):
    logging.getLogger(_name).setLevel(logging.WARNING)
SCALE = 2  # crisp in print at the width the documents use
_lock = threading.Lock()
_started = False


def _ensure_server() -> None:
    """Start kaleido's shared browser once per process: ~0.25 s a PNG instead of 3–4 s."""
    global _started
    with _lock:
        if not _started:
            kaleido.start_sync_server(silence_warnings=True)
            _started = True


def render_pngs(figures: Mapping[str, dict], *, progress: Callable[[int, int], None] | None = None) -> dict[str, bytes]:
    """Render each figure to PNG bytes, keyed as given; `progress(done, total)` after each one."""
    _ensure_server()
    out: dict[str, bytes] = {}
    total = len(figures)
    for i, (key, figure) in enumerate(figures.items(), start=1):
        layout = figure.get("layout", {})
        opts = {"format": "png", "width": layout.get("width"), "height": layout.get("height"), "scale": SCALE}
        fig = {"data": figure["data"], "layout": layout}
        out[key] = kaleido.calc_fig_sync(fig, opts=opts)
        if progress:
            progress(i, total)
    return out
