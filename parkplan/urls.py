from django.contrib import admin
from django.urls import include, path

from . import health

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("healthz", health.healthz, name="healthz"),
    path("health/", health.health_page, name="health"),
    path("api/", include("parkplan.api_urls")),
    path("returns/", include("parcels.urls")),
    path("", include("indicators.urls")),
]
