from pathlib import Path

import pytest

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
