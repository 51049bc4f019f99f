from pathlib import Path

from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _

from .staticfiles import read_banner, served_plotly_js


def plotly_js_version(path: Path) -> str | None:
    """Return the version in a plotly.js bundle's banner (e.g. "4.1.1")."""
    return read_banner(path)[0]


def check_plotly_js(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Fail if the served plotly.js is missing, is not the version plotly.py writes for, or lacks a trace type."""
    from plotly.offline import get_plotlyjs_version

    from .charts import BROWSER_TRACE_TYPES

    served = served_plotly_js()
    if served is None:
        return [
            checks.Error(
                "static/vendor/plotly/plotly.min.js is not served",
                hint="Build it with scripts/build_plotly.sh.",
                id="indicators.E001",
            )
        ]
    wanted = get_plotlyjs_version()
    found, traces = plotly_js_version(served), read_banner(served)[1]
    if found != wanted:
        return [
            checks.Error(
                f"the served plotly.js is {found}, the plotly package needs {wanted}: charts would draw blank",
                hint="Pin plotly.js at that version in scripts/plotly/ and run scripts/build_plotly.sh.",
                id="indicators.E002",
            )
        ]
    missing = sorted(set(BROWSER_TRACE_TYPES) - traces) if traces is not None else []
    if missing:
        return [
            checks.Error(
                f"the served plotly.js lacks the trace types {missing} that the pages draw",
                hint="Register them in scripts/plotly/index.js and run scripts/build_plotly.sh.",
                id="indicators.E003",
            )
        ]
    return []


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = _("规划指标")

    def ready(self):
        from parcels.queries import register_plan_years
        from parcels.services import register_effect_check

        from .effects import park_indicator_effects
        from .queries import plan_years

        checks.register(check_plotly_js, checks.Tags.staticfiles)
        # An approval that moves a park indicator too far needs a second confirmation (parcels.returns).
        register_effect_check(park_indicator_effects)
        # The returns pages list the overdue quarters of the plan in force (parcels knows no plans).
        register_plan_years(plan_years)
