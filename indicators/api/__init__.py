"""The REST API of the plan (/api/v1/): the views parkplan.api_urls routes, over their serializers and queries."""

from .views import (
    FunctionalAreaViewSet,
    IndicatorValueViewSet,
    IndicatorViewSet,
    ParcelViewSet,
    PlanView,
    ProgressViewSet,
    ReportViewSet,
)

__all__ = [
    "FunctionalAreaViewSet",
    "IndicatorValueViewSet",
    "IndicatorViewSet",
    "ParcelViewSet",
    "PlanView",
    "ProgressViewSet",
    "ReportViewSet",
]
