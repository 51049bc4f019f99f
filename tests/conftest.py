import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls
# from the same thread are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parent.parent
PLAN_FILE = ROOT / "fixtures" / "plan-14th.json"


@pytest.fixture(autouse=True)
def _test_settings(settings):
    settings.LANGUAGE_CODE = "zh-hans"
    # The manifest storage needs collectstatic; pages in tests only need URLs.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def plan(db):
    """The real 14th-FYP reference data: ten parcels, eight indicators, benchmarks."""
    from indicators.models import Plan
    from indicators.reference import load_plan

    load_plan(PLAN_FILE)
    return Plan.objects.get()


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the session (Debian's chromium; never a downloaded one)."""
    from playwright.sync_api import sync_playwright

    from tests.browser_helpers import ARGS, CHROMIUM

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser page at 1366×768 that records console errors and failed requests.

    Tests read `page.problems` and assert it is empty.
    """
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    page.problems = []
    page.on("console", lambda m: m.type == "error" and page.problems.append(f"console: {m.text}"))
    page.on("pageerror", lambda e: page.problems.append(f"page error: {e}"))
    # A request the browser itself cancels (a navigation or a download leaving the page while
    # the icon still loads) is ERR_ABORTED, not a failure; a missing file shows as HTTP 404 below.
    page.on(
        "requestfailed",
        lambda r: "ERR_ABORTED" not in (r.failure or "") and page.problems.append(f"failed: {r.url} {r.failure}"),
    )
    page.on("response", lambda r: r.status >= 400 and page.problems.append(f"HTTP {r.status}: {r.url}"))
    page.base_url = live_server.url
    yield page
    context.close()


def login(page, username: str, password: str) -> None:
    """Log in through the real form."""
    page.goto(page.base_url + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button.primary")
    page.wait_for_load_state()
