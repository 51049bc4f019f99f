from django.urls import path, re_path

from . import report_views, views

urlpatterns = [
    path("", views.overview, name="overview"),
    path("parcels/", views.parcels, name="parcels"),
    path("parcels/<slug:code>/", views.parcel_detail, name="parcel"),
    path("areas/", views.functional_areas, name="functional_areas"),
    path("indicators/<str:code>/", views.indicator_detail, name="indicator"),
    re_path(r"^indicators/(?P<code>\w+)/data\.(?P<fmt>csv|xlsx)$", views.indicator_data, name="indicator_data"),
    path("returns-preview/<int:pk>/", views.return_preview, name="return_preview"),
    path("reports/", report_views.report_list, name="reports"),
    path("reports/<int:report_id>/", report_views.report_detail, name="report_detail"),
    path("reports/<int:report_id>/status.json", report_views.report_status, name="report_status"),
    re_path(
        r"^reports/(?P<report_id>\d+)/download\.(?P<fmt>docx|pdf|xlsx)$",
        report_views.report_download,
        name="report_download",
    ),
]
