"""The REST API of the plan: plan, parcels, functional areas, indicators, values and progress (/api/v1/).

Aggregated values and progress are readable by every signed-in role; a parcel
figure built from fewer than parcels.access.CONFIDENTIAL_BELOW enterprises is
null with ``confidential: true`` for everyone but the office. How each row is
written: indicators.api.serializers; what is read: indicators.api.queries.
"""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.generics import RetrieveAPIView

from parcels import access
from parkplan.api import QUARTER, YEAR, Pagination, int_param

from .. import queries as indicator_queries
from ..models import Plan
from ..reports import files
from ..reports import queries as report_queries
from . import queries, serializers

INDICATOR = OpenApiParameter("indicator", str, description="指标编号 / indicator code (I1–I8)")
SCOPE = OpenApiParameter(
    "parcel", str, description="地块代码，或 park 表示全园区 / parcel code, or `park` for the whole park"
)


@extend_schema(summary="规划 / The plan in force")
class PlanView(RetrieveAPIView):
    serializer_class = serializers.PlanSerializer

    def get_object(self) -> Plan:
        plan = indicator_queries.plan_in_force()
        if plan is None:
            raise Http404
        return plan


@extend_schema_view(list=extend_schema(summary="地块 / Parcels"), retrieve=extend_schema(summary="地块 / Parcel"))
class ParcelViewSet(viewsets.ReadOnlyModelViewSet):
    """The plan's parcels: reference data every role reads; `managed` says which are yours to write."""

    serializer_class = serializers.ParcelSerializer
    pagination_class = Pagination
    lookup_field = "code"

    def get_queryset(self):
        return queries.parcels(self.request.user)


@extend_schema_view(
    list=extend_schema(summary="功能区 / Functional areas"), retrieve=extend_schema(summary="功能区 / Functional area")
)
class FunctionalAreaViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.FunctionalAreaSerializer
    pagination_class = Pagination
    lookup_field = "code"

    def get_queryset(self):
        return queries.functional_areas()


@extend_schema_view(
    list=extend_schema(summary="指标 / Indicators with targets and benchmark series"),
    retrieve=extend_schema(summary="指标 / Indicator"),
)
@extend_schema_view(
    retrieve=extend_schema(parameters=[OpenApiParameter("code", str, OpenApiParameter.PATH, description="I1 … I8")])
)
class IndicatorViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.IndicatorSerializer
    pagination_class = Pagination
    lookup_field = "code"

    def get_queryset(self):
        return queries.indicators(indicator_queries.plan_in_force())


# --- computed values and progress -----------------------------------------------


def _filters(request) -> dict:
    """Read the indicator, parcel and year filters common to values and progress (a bad year is a 400)."""
    params = request.query_params
    return {
        "indicator": params.get("indicator"),
        "parcel": params.get("parcel"),
        "year": int_param(request, "year", low=2000, high=2100),
    }


class _ScopedFigures:
    """What the values and progress lists share: pages, and whether the reader sees confidential figures."""

    pagination_class = Pagination

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "sees_confidential": access.sees_confidential(self.request.user)}


@extend_schema_view(
    list=extend_schema(
        summary="指标值 / Indicator values",
        parameters=[INDICATOR, SCOPE, YEAR, QUARTER],
        description="Computed values per indicator, scope and period (quarters are year-to-date; quarter 4 is "
        "the year), ordered as `export_indicator_values`: indicator, parcel (park last), year, quarter.",
    )
)
class IndicatorValueViewSet(_ScopedFigures, viewsets.GenericViewSet, viewsets.mixins.ListModelMixin):
    serializer_class = serializers.IndicatorValueSerializer

    def get_queryset(self):
        filters = _filters(self.request)
        quarter = int_param(self.request, "quarter", low=1, high=4)
        return queries.indicator_values(indicator_queries.plan_in_force(), **filters, quarter=quarter)


@extend_schema_view(
    list=extend_schema(
        summary="进度评价 / Progress against the targets",
        parameters=[INDICATOR, SCOPE, YEAR],
        description="Progress per indicator, scope and year with its calculation inputs, ordered by indicator, "
        "parcel (park last) and year. A parcel row is confidential when any of its annual values from the "
        "base year to that year came from too few enterprises.",
    )
)
class ProgressViewSet(_ScopedFigures, viewsets.GenericViewSet, viewsets.mixins.ListModelMixin):
    serializer_class = serializers.ProgressSerializer

    def get_queryset(self):
        return queries.progress(indicator_queries.plan_in_force(), **_filters(self.request))


# --- assessment reports (the office only, as on the report pages) ----------------


def _office_only(request) -> None:
    # A report covers every parcel: for anyone but the office it is not there (as on the report pages).
    if not access.is_office(request.user):
        raise Http404


@extend_schema_view(
    list=extend_schema(summary="评估报告 / Assessment reports (the office)"),
    retrieve=extend_schema(summary="评估报告 / Assessment report (the office)"),
)
class ReportViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.ReportSerializer
    pagination_class = Pagination

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return report_queries.api_reports().none()
        _office_only(self.request)
        return report_queries.api_reports()

    @extend_schema(
        summary="下载报告文件 / Download a report file",
        parameters=[OpenApiParameter("fmt", str, OpenApiParameter.PATH, enum=list(files.CONTENT_TYPES))],
        responses={(200, media): OpenApiTypes.BINARY for media in files.CONTENT_TYPES.values()},
    )
    @action(detail=True, methods=["get"], url_path=r"download/(?P<fmt>[^/.]+)", url_name="download")
    def download(self, request, pk=None, fmt=None):
        report = self.get_object()
        stored = report_queries.stored_file(report, fmt) if fmt in files.CONTENT_TYPES else None
        if stored is None:
            raise Http404
        return files.download(report, stored)
