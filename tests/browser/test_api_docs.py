"""The API documentation at /api/docs/ renders in a real browser from the app's own files."""

import pytest

from parcels import access
from tests.browser_helpers import ARTIFACTS
from tests.conftest import login
from tests.factories import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_shows_every_api_operation_without_a_console_error(page, plan):
    make_user("official", role=access.OFFICIAL)
    login(page, "official", PASSWORD)
    requested = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(page.base_url + "/api/docs/")
    page.wait_for_selector(".swagger-ui .opblock", timeout=20000)
    assert page.locator(".swagger-ui .opblock").count() >= 20
    assert "数据接口" in page.inner_text("h1")
    assert "/api/v1/indicator-values/" in page.inner_text(".swagger-ui")
    assert all(url.startswith(page.base_url) for url in requested), requested
    assert page.problems == []
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "api-docs.png"))
