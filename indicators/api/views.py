"""The REST API of the plans: plan, parcels, functional areas, indicators, values, progress, reports (/api/v1/).

Every endpoint reads one plan: ``?plan=<code>``, by default the plan in force
(the one whose period contains today); an unknown code is a 400.

Aggregated values and progress are readable by every signed-in role; a parcel
figure the disclosure rules withhold (indicators.disclosure) is null with
``confidential: true`` and the reason for everyone but the office. How each row
is written: indicators.api.serializers; what is read: indicators.api.queries.
"""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.generics import RetrieveAPIView

from parcels import access
from parkplan.api import QUARTER, YEAR, Pagination, int_param

from .. import queries as indicator_queries
from ..dashboard.plans import PlanConverter
from ..models import Plan
from ..reports import files
from ..reports import queries as report_queries
from . import queries, serializers

INDICATOR = OpenApiParameter("indicator", str, description="指标编号 / indicator code, e.g. I5")
PLAN = OpenApiParameter(
    "plan",
    {"type": "string", "pattern": PlanConverter.regex_anchored},
    description="规划代码，默认为当前执行的规划（规划期包含今天） / plan code, e.g. fyp-14; "
    "default: the plan in force (its period contains today). An unknown code is a 400.",
)


def plan_codes_in_schema(result, generator, request, public):
    """Say which plans there are: the values of every `plan` parameter are the loaded plans' codes.

    A drf-spectacular postprocessing hook (settings.SPECTACULAR_SETTINGS): the
    schema then names exactly the codes the API accepts. Made without a
    request (the system check, the command line) or before any plan is loaded,
    it keeps the code's pattern and reads nothing.
    """
    if request is None:
        return result
    codes = [plan.code for plan in indicator_queries.plans()]
    if not codes:
        return result
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter.get("name") == "plan" and parameter.get("in") == "query":
                    parameter["schema"] = {"type": "string", "enum": codes}
    return result


def plan_param(request) -> Plan:
    """Return the plan of ?plan=<code> (a 400 naming it when there is no such plan), else the plan in force.

    Without any plan loaded there is nothing to read: 404.
    """
    code = request.query_params.get("plan")
    if code is None:
        plan = indicator_queries.plan_in_force()
        if plan is None:
            raise Http404
        return plan
    plan = indicator_queries.plan_by_code(code) if PlanConverter.is_code(code) else None
    if plan is not None and not indicator_queries.may_see(request.user, plan):
        plan = None  # a draft answers as no plan at all to anyone but the office
    if plan is None:
        codes = "、".join(p.code for p in indicator_queries.plans())
        raise ValidationError(
            {"plan": [_("没有代码为“%(code)s”的规划；可选：%(codes)s") % {"code": code, "codes": codes or "—"}]}
        )
    return plan


class _OfAPlan:
    """What every viewset here shares: the plan of the request, read once (``self.plan``)."""

    @property
    def plan(self) -> Plan | None:
        if not hasattr(self, "_plan"):
            if getattr(self, "swagger_fake_view", False):  # the schema generator reads no plan
                self._plan = None
            else:
                self._plan = plan_param(self.request)
        return self._plan

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "plan": self.plan}


SCOPE = OpenApiParameter(
    "parcel", str, description="地块代码，或 park 表示全园区 / parcel code, or `park` for the whole park"
)


@extend_schema(summary="规划 / A plan (by default the plan in force)", parameters=[PLAN])
class PlanView(_OfAPlan, RetrieveAPIView):
    serializer_class = serializers.PlanSerializer

    def get_object(self) -> Plan:
        return self.plan


@extend_schema_view(
    list=extend_schema(summary="地块 / The plan's parcels", parameters=[PLAN]),
    retrieve=extend_schema(summary="地块 / Parcel", parameters=[PLAN]),
)
class ParcelViewSet(_OfAPlan, viewsets.ReadOnlyModelViewSet):
    """The parcels the plan covers: reference data every role reads; `managed` says which are yours to write."""

    serializer_class = serializers.ParcelSerializer
    pagination_class = Pagination
    lookup_field = "code"

    def get_queryset(self):
        return queries.parcels(self.request.user, self.plan)


@extend_schema_view(
    list=extend_schema(summary="功能区 / The plan's functional areas", parameters=[PLAN]),
    retrieve=extend_schema(summary="功能区 / Functional area", parameters=[PLAN]),
)
class FunctionalAreaViewSet(_OfAPlan, viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.FunctionalAreaSerializer
    pagination_class = Pagination
    lookup_field = "code"

    def get_queryset(self):
        return queries.functional_areas(self.plan)


@extend_schema_view(
    list=extend_schema(summary="指标 / The plan's indicators with targets and benchmark series", parameters=[PLAN]),
    retrieve=extend_schema(
        summary="指标 / Indicator",
        parameters=[PLAN, OpenApiParameter("code", str, OpenApiParameter.PATH, description="指标编号 / e.g. I5")],
    ),
)
class IndicatorViewSet(_OfAPlan, viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.IndicatorSerializer
    pagination_class = Pagination
    lookup_field = "code"

    def get_queryset(self):
        return queries.indicators(self.plan)


# --- computed values and progress -----------------------------------------------


def _filters(request) -> dict:
    """Read the indicator, parcel and year filters common to values and progress (a bad year is a 400)."""
    params = request.query_params
    return {
        "indicator": params.get("indicator"),
        "parcel": params.get("parcel"),
        "year": int_param(request, "year", low=2000, high=2100),
    }


class _ScopedFigures(_OfAPlan):
    """What the values and progress lists share: the plan, pages, and whether the reader sees confidential figures."""

    pagination_class = Pagination

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "sees_confidential": access.sees_confidential(self.request.user)}


@extend_schema_view(
    list=extend_schema(
        summary="指标值 / Indicator values",
        parameters=[PLAN, INDICATOR, SCOPE, YEAR, QUARTER],
        description="Computed values per indicator, scope and period (quarters are year-to-date; quarter 4 is "
        "the year), ordered as `export_indicator_values`: indicator, parcel (park last), year, quarter.",
    )
)
class IndicatorValueViewSet(_ScopedFigures, viewsets.GenericViewSet, viewsets.mixins.ListModelMixin):
    serializer_class = serializers.IndicatorValueSerializer

    def get_queryset(self):
        filters = _filters(self.request)
        quarter = int_param(self.request, "quarter", low=1, high=4)
        return queries.indicator_values(self.plan, **filters, quarter=quarter)


@extend_schema_view(
    list=extend_schema(
        summary="进度评价 / Progress against the targets",
        parameters=[PLAN, INDICATOR, SCOPE, YEAR],
        description="Progress per indicator, scope and year with its calculation inputs, ordered by indicator, "
        "parcel (park last) and year. A parcel row is confidential when its value of that year or of the base "
        "year is withheld (docs/disclosure.md); its projection when the value of any year between them is.",
    )
)
class ProgressViewSet(_ScopedFigures, viewsets.GenericViewSet, viewsets.mixins.ListModelMixin):
    serializer_class = serializers.ProgressSerializer

    def get_queryset(self):
        return queries.progress(self.plan, **_filters(self.request))


# --- assessment reports (the office only, as on the report pages) ----------------


def _office_only(request) -> None:
    # A report covers every parcel: for anyone but the office it is not there (as on the report pages).
    if not access.is_office(request.user):
        raise Http404


@extend_schema_view(
    list=extend_schema(summary="评估报告 / The plan's assessment reports (the office)", parameters=[PLAN]),
    retrieve=extend_schema(summary="评估报告 / Assessment report (the office)", parameters=[PLAN]),
)
class ReportViewSet(_OfAPlan, viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.ReportSerializer
    pagination_class = Pagination

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return report_queries.api_reports(None).none()
        _office_only(self.request)
        return report_queries.api_reports(self.plan)

    @extend_schema(
        summary="下载报告文件 / Download a report file",
        parameters=[PLAN, OpenApiParameter("fmt", str, OpenApiParameter.PATH, enum=list(files.CONTENT_TYPES))],
        responses={(200, media): OpenApiTypes.BINARY for media in files.CONTENT_TYPES.values()},
    )
    @action(detail=True, methods=["get"], url_path=r"download/(?P<fmt>[^/.]+)", url_name="download")
    def download(self, request, pk=None, fmt=None):
        report = self.get_object()
        stored = report_queries.stored_file(report, fmt) if fmt in files.CONTENT_TYPES else None
        if stored is None:
            raise Http404
        return files.download(report, stored)
