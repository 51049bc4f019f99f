"""Write static/css/plotly.css: the style rules plotly.js would otherwise inject at run time.

plotly.js adds its global rules (mode bar, hover labels, notifier) as a <style>
element, which a Content-Security-Policy without 'unsafe-inline' refuses. With
these rules served as a file and linked as <link id="plotly.js-style-global"
class="no-inline-styles">, plotly.js injects nothing. The rules are read from
the plotly.js that ships inside the installed plotly package, by letting it load
once in Chromium with no policy. Run again after upgrading plotly:

    .venv/bin/python scripts/plotly_css.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import plotly
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "static" / "css" / "plotly.css"
BUNDLE = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
RULES_JS = """Array.from(document.getElementById('plotly.js-style-global').sheet.cssRules)
  .map(r => r.cssText).reverse().join('\\n')"""


def plotly_js_version() -> str:
    head = BUNDLE.read_text(encoding="utf-8")[:200]
    return head.split("plotly.js v", 1)[1].split()[0]


def generated_css() -> str:
    """Return the text of plotly.css for the installed plotly.js."""
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page()
        page.set_content("<html><head></head><body></body></html>")
        page.add_script_tag(content=BUNDLE.read_text(encoding="utf-8"))
        rules = page.evaluate(RULES_JS)
        browser.close()
    header = f"/* plotly.js v{plotly_js_version()}: its global style rules, written by scripts/plotly_css.py. */\n"
    return header + rules + "\n"


if __name__ == "__main__":
    OUT.write_text(generated_css(), encoding="utf-8")
    sys.stdout.write(f"wrote {OUT.relative_to(ROOT)} for plotly.js v{plotly_js_version()}\n")
