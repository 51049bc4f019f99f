"""The report pages, under /reports/ (indicators.urls includes them)."""

from django.urls import path, re_path

from . import views

urlpatterns = [
    path("", views.report_list, name="reports"),
    path("<int:report_id>/", views.report_detail, name="report_detail"),
    path("<int:report_id>/status.json", views.report_status, name="report_status"),
    path("<int:report_id>/retry/", views.report_retry, name="report_retry"),
    re_path(r"^(?P<report_id>\d+)/download\.(?P<fmt>docx|pdf|xlsx)$", views.report_download, name="report_download"),
]
