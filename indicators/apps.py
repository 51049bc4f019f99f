import re
from pathlib import Path

from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


def served_plotly_js() -> Path | None:
    """Return the plotly.min.js the site serves as static/vendor/plotly/plotly.min.js (None if none)."""
    from django.contrib.staticfiles import finders

    found = finders.find("vendor/plotly/plotly.min.js")
    return Path(found) if found else None


def plotly_js_version(path: Path) -> str | None:
    """Return the version in a plotly.js bundle's banner (e.g. "4.1.1")."""
    with open(path, encoding="utf-8") as f:
        head = f.read(400)
    match = re.search(r"plotly\.js v(\d+\.\d+\.\d+)", head)
    return match.group(1) if match else None


def check_plotly_js(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Fail if the served plotly.js is missing or not the one the installed plotly package writes figures for."""
    from plotly.offline import get_plotlyjs_version

    served = served_plotly_js()
    if served is None:
        return [
            checks.Error(
                "static/vendor/plotly/plotly.min.js is not served",
                hint='Add "indicators.staticfiles.PlotlyJsFinder" to STATICFILES_FINDERS.',
                id="indicators.E001",
            )
        ]
    wanted, found = get_plotlyjs_version(), plotly_js_version(served)
    if found != wanted:
        return [
            checks.Error(
                f"the served plotly.js is {found}, the plotly package needs {wanted}: charts would draw blank",
                hint=f"Serve {served.name} from the installed plotly package ({served}).",
                id="indicators.E002",
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
