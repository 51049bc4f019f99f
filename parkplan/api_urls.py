"""The REST API: /api/v1/ (versioned), its OpenAPI 3 schema at /api/schema/ and documentation at /api/docs/."""

from __future__ import annotations

from django.http import JsonResponse
from django.shortcuts import render
from django.urls import include, path, re_path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import SimpleRouter

from indicators import api as indicators_api
from parcels import api as parcels_api

router = SimpleRouter(trailing_slash=True)
router.register("parcels", indicators_api.ParcelViewSet, basename="parcel")
router.register("functional-areas", indicators_api.FunctionalAreaViewSet, basename="functional-area")
router.register("indicators", indicators_api.IndicatorViewSet, basename="indicator")
router.register("indicator-values", indicators_api.IndicatorValueViewSet, basename="indicator-value")
router.register("progress", indicators_api.ProgressViewSet, basename="progress")
router.register("enterprises", parcels_api.EnterpriseViewSet, basename="enterprise")
router.register("statistics", parcels_api.StatisticViewSet, basename="statistic")
router.register("returns", parcels_api.ParcelReturnViewSet, basename="return")
router.register("reports", indicators_api.ReportViewSet, basename="report")


def docs(request):
    """Swagger UI for the schema, every asset served from this site (no CDN, no inline script)."""
    config = {"schemaUrl": reverse("api-schema"), "csrfHeader": "X-CSRFToken"}
    return render(request, "api/docs.html", {"nav": "api", "swagger_config": config})


@csrf_exempt  # a 404 whatever the method: nothing here reads or writes
def not_found(request, rest=""):
    """Answer any other path under /api/ as the API answers a 404: JSON, not the site's HTML page."""
    return JsonResponse({"detail": _("未找到。"), "code": "not_found"}, status=404)


v1 = [
    path("plan/", indicators_api.PlanView.as_view(), name="plan"),
    path("", include(router.urls)),
]

urlpatterns = [
    path("v1/", include((v1, "api"), namespace="v1")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", docs, name="api-docs"),
    re_path(r"^(?P<rest>.*)$", not_found),
]
