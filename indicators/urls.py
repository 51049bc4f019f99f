from django.urls import include, path, re_path

from . import views

urlpatterns = [
    path("", views.overview, name="overview"),
    path("parcels/", views.parcels, name="parcels"),
    path("parcels/<slug:code>/", views.parcel_detail, name="parcel"),
    path("areas/", views.functional_areas, name="functional_areas"),
    path("map/", views.parcel_map, name="map"),
    path("map/outlines/", views.map_outlines, name="map_outlines"),
    path("warnings/", views.warnings, name="warnings"),
    path("indicators/<str:code>/", views.indicator_detail, name="indicator"),
    re_path(r"^indicators/(?P<code>\w+)/data\.(?P<fmt>csv|xlsx)$", views.indicator_data, name="indicator_data"),
    path("returns-preview/<int:pk>/", views.return_preview, name="return_preview"),
    path("reports/", include("indicators.reports.urls")),
]
