"""The REST API of the plan: plan, parcels, functional areas, indicators, values and progress (/api/v1/).

Aggregated values and progress are readable by every signed-in role; a parcel
figure built from fewer than parcels.access.CONFIDENTIAL_BELOW enterprises is
null with ``confidential: true`` for everyone but the office.

Decimals (targets, benchmark and base values, areas) are strings as stored.
Computed figures (FloatField) are strings in the notation of the CSV exports
(indicators.exports.number): full precision, whole numbers without a decimal
point; null where there is no value. So the API's rows equal the export's.
"""

from __future__ import annotations

from django.db.models import Exists, F, Min, OuterRef, Prefetch, QuerySet, Subquery
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import content_disposition_header
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.generics import RetrieveAPIView

from parcels import access
from parcels.models import Boundary, FunctionalArea, Parcel
from parkplan.api import QUARTER, YEAR, Pagination, int_param

from . import compute, queries
from .exports import number
from .models import (
    BaseValue,
    BenchmarkValue,
    Indicator,
    IndicatorValue,
    KeyIndustry,
    ParcelTarget,
    Plan,
    Progress,
    Report,
    ReportFile,
)
from .report_views import CONTENT_TYPES as REPORT_CONTENT_TYPES

PARK = "park"
INDICATOR = OpenApiParameter("indicator", str, description="指标编号 / indicator code (I1–I8)")
SCOPE = OpenApiParameter(
    "parcel", str, description="地块代码，或 park 表示全园区 / parcel code, or `park` for the whole park"
)


@extend_schema_field({"type": "string", "nullable": True, "pattern": r"^-?[0-9.e+\-]+$|^inf$|^-inf$"})
class FigureField(serializers.Field):
    """A computed figure as a string in the CSV export's notation; null for none."""

    def to_representation(self, value):
        text = number(value)
        return text or None


def _figure(source: str | None = None) -> FigureField:
    return FigureField(source=source, read_only=True, allow_null=True)


# --- reference data ---------------------------------------------------------------


class KeyIndustrySerializer(serializers.ModelSerializer):
    class Meta:
        model = KeyIndustry
        fields = ["kind", "name_zh", "name_en", "order"]


class PlanSerializer(serializers.ModelSerializer):
    industries = KeyIndustrySerializer(many=True, read_only=True)

    class Meta:
        model = Plan
        fields = [
            "code",
            "name_zh",
            "name_en",
            "short_zh",
            "short_en",
            "start_year",
            "end_year",
            "base_year",
            "park_area_km2",
            "issuer",
            "source",
            "industries",
        ]


@extend_schema(summary="规划 / The plan in force")
class PlanView(RetrieveAPIView):
    serializer_class = PlanSerializer

    def get_object(self) -> Plan:
        plan = queries.current_plan()
        if plan is None:
            raise Http404
        return plan


class BoundarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Boundary
        fields = ["block", "east", "south", "west", "north"]


class ParcelSerializer(serializers.ModelSerializer):
    boundaries = BoundarySerializer(many=True, read_only=True)
    functional_areas = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    managed = serializers.BooleanField(
        read_only=True, help_text="Whether you may read and write this parcel's enterprise data."
    )

    class Meta:
        model = Parcel
        fields = ["code", "name_zh", "name_en", "area_km2", "order", "boundaries", "functional_areas", "managed"]


@extend_schema_view(list=extend_schema(summary="地块 / Parcels"), retrieve=extend_schema(summary="地块 / Parcel"))
class ParcelViewSet(viewsets.ReadOnlyModelViewSet):
    """The plan's parcels: reference data every role reads; `managed` says which are yours to write."""

    serializer_class = ParcelSerializer
    pagination_class = Pagination
    lookup_field = "code"

    def get_queryset(self) -> QuerySet[Parcel]:
        mine = access.parcels_for(self.request.user).filter(pk=OuterRef("pk"))
        return (
            Parcel.objects.annotate(managed=Exists(mine))
            .prefetch_related("boundaries", "functional_areas")
            .order_by("order")
        )


class FunctionalAreaSerializer(serializers.ModelSerializer):
    parcels = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = FunctionalArea
        fields = [
            "code",
            "name_zh",
            "name_en",
            "kind",
            "parcels",
            "lead_industries_zh",
            "lead_industries_en",
            "note",
            "note_en",
            "order",
        ]


@extend_schema_view(
    list=extend_schema(summary="功能区 / Functional areas"), retrieve=extend_schema(summary="功能区 / Functional area")
)
class FunctionalAreaViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = FunctionalAreaSerializer
    pagination_class = Pagination
    lookup_field = "code"

    def get_queryset(self) -> QuerySet[FunctionalArea]:
        return FunctionalArea.objects.prefetch_related("parcels").order_by("order")


class BaseValueSerializer(serializers.ModelSerializer):
    class Meta:
        model = BaseValue
        fields = ["year", "value", "derived", "source"]


class BenchmarkValueSerializer(serializers.ModelSerializer):
    class Meta:
        model = BenchmarkValue
        fields = ["year", "value", "source", "updated_at"]


class ParcelTargetSerializer(serializers.ModelSerializer):
    parcel = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = ParcelTarget
        fields = ["parcel", "value", "note", "updated_at"]


class IndicatorSerializer(serializers.ModelSerializer):
    base_values = BaseValueSerializer(many=True, read_only=True)
    benchmark_values = BenchmarkValueSerializer(many=True, read_only=True)
    parcel_targets = ParcelTargetSerializer(many=True, read_only=True)

    class Meta:
        model = Indicator
        fields = [
            "code",
            "order",
            "name_zh",
            "name_en",
            "unit",
            "unit_en",
            "decimals",
            "attribute",
            "target_kind",
            "target_value",
            "target_year",
            "target_text_zh",
            "target_text_en",
            "benchmark_name_zh",
            "benchmark_name_en",
            "formula_zh",
            "formula_en",
            "definition_zh",
            "definition_en",
            "base_values",
            "benchmark_values",
            "parcel_targets",
        ]


@extend_schema_view(
    list=extend_schema(summary="指标 / Indicators with targets and benchmark series"),
    retrieve=extend_schema(summary="指标 / Indicator"),
)
@extend_schema_view(
    retrieve=extend_schema(parameters=[OpenApiParameter("code", str, OpenApiParameter.PATH, description="I1 … I8")])
)
class IndicatorViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = IndicatorSerializer
    pagination_class = Pagination
    lookup_field = "code"

    def get_queryset(self) -> QuerySet[Indicator]:
        return (
            Indicator.objects.filter(plan=queries.current_plan())
            .prefetch_related(
                "base_values",
                "benchmark_values",
                "parcel_targets__parcel",
            )
            .order_by("order")
        )


# --- computed values and progress -----------------------------------------------


def _scoped(rows: QuerySet, request) -> QuerySet:
    """Apply the indicator and parcel filters common to values and progress."""
    params = request.query_params
    if code := params.get("indicator"):
        rows = rows.filter(indicator__code=code)
    if code := params.get("parcel"):
        rows = rows.filter(parcel__isnull=True) if code == PARK else rows.filter(parcel__code=code)
    if (year := int_param(request, "year", low=2000, high=2100)) is not None:
        rows = rows.filter(year=year)
    return rows


class _ConfidentialMixin:
    """Null the listed figures of a row the reader may not see; say so in `confidential`."""

    hidden: tuple[str, ...] = ()

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["confidential"] = self._confidential(instance)
        if data["confidential"]:
            for name in self.hidden:
                data[name] = None
        return data

    def _confidential(self, instance) -> bool:
        if instance.parcel_id is None or self.context.get("sees_confidential"):
            return False
        fewest = getattr(instance, "fewest_enterprises", None)
        return fewest is not None and fewest < access.CONFIDENTIAL_BELOW


class IndicatorValueSerializer(_ConfidentialMixin, serializers.ModelSerializer):
    hidden = ("value", "numerator", "denominator", "previous")

    indicator = serializers.SlugRelatedField(slug_field="code", read_only=True)
    parcel = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True, help_text="null: the whole park"
    )
    value = _figure()
    numerator = _figure()
    denominator = _figure()
    previous = _figure()
    confidential = serializers.BooleanField(
        read_only=True,
        help_text=f"true: a parcel figure from fewer than {access.CONFIDENTIAL_BELOW} enterprises, hidden from you",
    )

    class Meta:
        model = IndicatorValue
        fields = [
            "indicator",
            "parcel",
            "year",
            "quarter",
            "value",
            "numerator",
            "denominator",
            "enterprises",
            "previous",
            "confidential",
            "data_version",
            "computed_at",
        ]


@extend_schema_view(
    list=extend_schema(
        summary="指标值 / Indicator values",
        parameters=[INDICATOR, SCOPE, YEAR, QUARTER],
        description="Computed values per indicator, scope and period (quarters are year-to-date; quarter 4 is "
        "the year), ordered as `export_indicator_values`: indicator, parcel (park last), year, quarter.",
    )
)
class IndicatorValueViewSet(viewsets.GenericViewSet, viewsets.mixins.ListModelMixin):
    serializer_class = IndicatorValueSerializer
    pagination_class = Pagination

    def get_queryset(self) -> QuerySet[IndicatorValue]:
        rows = IndicatorValue.objects.filter(indicator__plan=queries.current_plan()).select_related(
            "indicator", "parcel"
        )
        rows = _scoped(rows, self.request)
        if (quarter := int_param(self.request, "quarter", low=1, high=4)) is not None:
            rows = rows.filter(quarter=quarter)
        return rows.annotate(fewest_enterprises=F("enterprises")).order_by(
            "indicator__order", "parcel__order", "year", "quarter"
        )

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "sees_confidential": access.sees_confidential(self.request.user)}


class ProgressSerializer(_ConfidentialMixin, serializers.ModelSerializer):
    hidden = (
        "value",
        "base_value",
        "expected",
        "completion",
        "pace",
        "gap",
        "needed_per_year",
        "projected_2025",
        "projected_gap_2025",
        "share_of_change",
        "inputs",
    )

    indicator = serializers.SlugRelatedField(slug_field="code", read_only=True)
    parcel = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True, help_text="null: the whole park"
    )
    target_kind = serializers.CharField(source="indicator.target_kind", read_only=True)
    status_zh = serializers.SerializerMethodField()
    status_en = serializers.SerializerMethodField()
    value = _figure()
    target = _figure()
    base_value = _figure()
    expected = _figure()
    completion = _figure()
    pace = _figure()
    gap = _figure()
    needed_per_year = _figure()
    projected_2025 = _figure()
    projected_gap_2025 = _figure()
    share_of_change = _figure()
    inputs = serializers.JSONField(
        read_only=True,
        allow_null=True,
        help_text="The calculation inputs: base value and its source, target and benchmark year used, "
        "projection points, thresholds.",
    )
    confidential = serializers.BooleanField(
        read_only=True,
        help_text=f"true: built from a parcel year with fewer than {access.CONFIDENTIAL_BELOW} enterprises, "
        "figures hidden from you",
    )

    class Meta:
        model = Progress
        fields = [
            "indicator",
            "parcel",
            "year",
            "value",
            "target",
            "target_kind",
            "benchmark_year",
            "provisional",
            "base_year",
            "base_value",
            "expected",
            "completion",
            "pace",
            "status",
            "status_zh",
            "status_en",
            "gap",
            "needed_per_year",
            "projected_2025",
            "projected_gap_2025",
            "share_of_change",
            "inputs",
            "confidential",
            "data_version",
            "computed_at",
        ]

    def get_status_zh(self, progress: Progress) -> str:
        return compute.status_word(progress.status, "zh")

    def get_status_en(self, progress: Progress) -> str:
        return compute.status_word(progress.status, "en")


@extend_schema_view(
    list=extend_schema(
        summary="进度评价 / Progress against the targets",
        parameters=[INDICATOR, SCOPE, YEAR],
        description="Progress per indicator, scope and year with its calculation inputs, ordered by indicator, "
        "parcel (park last) and year. A parcel row is confidential when any of its annual values from the "
        "base year to that year came from too few enterprises.",
    )
)
class ProgressViewSet(viewsets.GenericViewSet, viewsets.mixins.ListModelMixin):
    serializer_class = ProgressSerializer
    pagination_class = Pagination

    def get_queryset(self) -> QuerySet[Progress]:
        rows = Progress.objects.filter(indicator__plan=queries.current_plan()).select_related("indicator", "parcel")
        rows = _scoped(rows, self.request)
        fewest = (
            IndicatorValue.objects.filter(
                indicator=OuterRef("indicator"),
                parcel=OuterRef("parcel"),
                quarter=4,
                year__gte=OuterRef("base_year"),
                year__lte=OuterRef("year"),
            )
            .values("indicator")
            .annotate(m=Min("enterprises"))
            .values("m")
        )
        return rows.annotate(fewest_enterprises=Subquery(fewest)).order_by("indicator__order", "parcel__order", "year")

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "sees_confidential": access.sees_confidential(self.request.user)}


# --- assessment reports (the office only, as on the report pages) ----------------


class ReportFileSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = ReportFile
        fields = ["format", "size", "sha256", "url"]

    def get_url(self, stored: ReportFile) -> str:
        return reverse("v1:report-download", args=[stored.report_id, stored.format])


class ReportSerializer(serializers.ModelSerializer):
    files = ReportFileSerializer(many=True, read_only=True)
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = Report
        fields = [
            "id",
            "year",
            "kind",
            "language",
            "state",
            "progress",
            "message",
            "data_version",
            "snapshot_sha256",
            "previous",
            "created_by",
            "created_at",
            "finished_at",
            "files",
        ]


def _office_only(request) -> None:
    # A report covers every parcel: for anyone but the office it is not there (as on the report pages).
    if not access.is_office(request.user):
        raise Http404


@extend_schema_view(
    list=extend_schema(summary="评估报告 / Assessment reports (the office)"),
    retrieve=extend_schema(summary="评估报告 / Assessment report (the office)"),
)
class ReportViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ReportSerializer
    pagination_class = Pagination

    def get_queryset(self) -> QuerySet[Report]:
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return Report.objects.none()
        _office_only(self.request)
        return (
            Report.objects.defer("snapshot", "comments")
            .select_related("created_by")
            .prefetch_related(Prefetch("files", ReportFile.objects.defer("content").order_by("format")))
            .order_by("-created_at", "-id")
        )

    @extend_schema(
        summary="下载报告文件 / Download a report file",
        parameters=[OpenApiParameter("fmt", str, OpenApiParameter.PATH, enum=list(REPORT_CONTENT_TYPES))],
        responses={(200, media): OpenApiTypes.BINARY for media in REPORT_CONTENT_TYPES.values()},
    )
    @action(detail=True, methods=["get"], url_path=r"download/(?P<fmt>[^/.]+)", url_name="download")
    def download(self, request, pk=None, fmt=None):
        report = self.get_object()
        if fmt not in REPORT_CONTENT_TYPES:
            raise Http404
        stored = get_object_or_404(ReportFile, report=report, format=fmt)
        name = f"宝山园规划实施情况评估报告_{report.year}年{report.get_kind_display()}_{report.id}.{fmt}"
        response = HttpResponse(bytes(stored.content), content_type=REPORT_CONTENT_TYPES[fmt])
        response["Content-Disposition"] = content_disposition_header(True, name)
        response["ETag"] = f'"{stored.sha256}"'
        response["X-Content-Type-Options"] = "nosniff"
        return response
