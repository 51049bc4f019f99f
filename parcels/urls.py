"""The parcels app's pages under /returns/: the returns workflow and an enterprise's history."""

from django.urls import path

from . import views
from .returns import urls as returns_urls

app_name = "returns"

urlpatterns = [
    *returns_urls.urlpatterns,
    path("enterprises/<str:code>/history/", views.enterprise_history, name="enterprise_history"),
]
