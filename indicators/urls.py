"""The pages of a plan under /plans/<code>/, and the same paths without the prefix for the plan in force.

Both addresses share their names: `{% url 'indicator' plan code %}` builds the
plan's address, which is what every link inside a page does (see
indicators.dashboard.plans for why the unprefixed paths answer in place).
"""

from django.urls import include, path, re_path, register_converter

from . import views
from .dashboard.plans import PlanConverter

register_converter(PlanConverter, "plan")

pages = [
    path("", views.overview, name="overview"),
    path("parcels/", views.parcels, name="parcels"),
    path("parcels/<slug:code>/", views.parcel_detail, name="parcel"),
    path("areas/", views.functional_areas, name="functional_areas"),
    path("map/", views.parcel_map, name="map"),
    path("map/outlines/", views.map_outlines, name="map_outlines"),
    path("warnings/", views.warnings, name="warnings"),
    path("indicators/<str:code>/", views.indicator_detail, name="indicator"),
    path("indicators/<str:code>/narrative/", views.indicator_narrative, name="indicator_narrative"),
    re_path(r"^indicators/(?P<code>\w+)/data\.(?P<fmt>csv|xlsx)$", views.indicator_data, name="indicator_data"),
    path("reports/", include("indicators.reports.urls")),
]

urlpatterns = [
    path("plans/<plan:plan>/", include(pages)),
    path("returns-preview/<int:pk>/", views.return_preview, name="return_preview"),
    path("start/", views.landing, name="landing"),
    path("planning/", include("indicators.planning.urls")),
    path("", include(pages)),
]
