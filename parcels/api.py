"""The REST API of the land and what happens on it: enterprises, statistics and returns (/api/v1/).

Every queryset goes through parcels.access: a manager reads and writes the
enterprises and statistics of their own parcels only, the office everything,
an official none (officials read the aggregates in indicators.api). Another
parcel's object answers 404; lists never hold another parcel's rows.

The figures of statistics and return rows are generated from the data elements
(``queries.data_elements``, read per request): one field per element, named by
its code, typed by its kind and decimals, in the schema as in the answers. A
retired element stays in both: its data stay readable.
"""

from __future__ import annotations

from django.db import DatabaseError
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from parkplan.api import QUARTER, YEAR, Pagination, ProblemSerializer, int_param

from . import access, queries, statfields
from .models import Enterprise, ParcelReturn, ReturnRow, Statistic
from .returns import queries as returns_queries
from .returns import services, validation

RETURN_SOURCE_API = ParcelReturn.Source.API


PARCEL = OpenApiParameter("parcel", str, description="地块代码 / parcel code, e.g. robot-park")


# --- enterprises ----------------------------------------------------------------


class EnterpriseSerializer(serializers.ModelSerializer):
    parcel = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Enterprise
        fields = ["credit_code", "name", "parcel", "created_at", "updated_at"]


@extend_schema_view(
    list=extend_schema(
        summary="企业列表 / Enterprises", parameters=[PARCEL], description="Enterprises of the parcels you may read."
    ),
    retrieve=extend_schema(summary="企业 / Enterprise"),
)
class EnterpriseViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = EnterpriseSerializer
    pagination_class = Pagination
    lookup_field = "credit_code"

    def get_queryset(self) -> QuerySet[Enterprise]:
        parcel = self.request.query_params.get("parcel") if self.action == "list" else None
        return queries.filter_enterprises(access.enterprises_for(self.request.user), parcel=parcel)


# --- the figures: one field per data element ----------------------------------------


class FigureField(serializers.Field):
    """One data element's figure of a statistic or a return row (its column or ``extra``); None where missing."""

    def __init__(self, element: statfields.StatField, **kwargs):
        self.element = element
        kwargs.setdefault("help_text", f"{element.label} / {element.label_en_unit}")
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value):
        figure = statfields.figure(value, self.element)
        if figure is None or isinstance(figure, bool):
            return figure
        if self.element.kind == statfields.DATE:
            return figure.isoformat()
        return self.shown(figure)

    def shown(self, figure):
        return figure


@extend_schema_field({"type": "string", "format": "decimal", "nullable": True, "pattern": r"^-?\d+(\.\d+)?$"})
class DecimalFigureField(FigureField):
    """A number with decimals, as a decimal string (as DRF writes decimals): 1234.50."""

    def shown(self, figure):
        return format(figure, "f")


@extend_schema_field({"type": "integer", "nullable": True})
class WholeFigureField(FigureField):
    """A whole number."""

    def shown(self, figure):
        return int(figure)


@extend_schema_field({"type": "boolean", "nullable": True})
class FlagFigureField(FigureField):
    """是/否 as true/false."""


@extend_schema_field({"type": "string", "format": "date", "nullable": True})
class DateFigureField(FigureField):
    """A date as YYYY-MM-DD."""


def figure_fields(elements: statfields.Elements) -> dict[str, FigureField]:
    """Return a read-only field per element, named by its code, typed by its kind and decimals."""
    fields: dict[str, FigureField] = {}
    for element in elements:
        if element.kind == statfields.FLAG:
            fields[element.name] = FlagFigureField(element)
        elif element.kind == statfields.DATE:
            fields[element.name] = DateFigureField(element)
        elif element.decimals:
            fields[element.name] = DecimalFigureField(element)
        else:
            fields[element.name] = WholeFigureField(element)
    return fields


def api_elements() -> statfields.Elements:
    """Return every data element for the serializers; the built-in thirteen where there is no database to read
    (the deploy check generates the schema without one)."""
    try:
        return queries.data_elements()
    except DatabaseError:
        return statfields.BUILT_IN


class WithFigures:
    """A serializer whose figures are the data elements' (every element, retired ones too), after ``figures_after``."""

    figures_after = ""

    def get_fields(self):
        fields = super().get_fields()
        out = {}
        for name, field in fields.items():
            out[name] = field
            if name == self.figures_after:
                out.update(figure_fields(api_elements()))
        return out


# --- statistics -----------------------------------------------------------------


class StatisticSerializer(WithFigures, serializers.ModelSerializer):
    enterprise = serializers.SlugRelatedField(slug_field="credit_code", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    parcel = serializers.SlugRelatedField(slug_field="code", read_only=True)
    figures_after = "quarter"

    class Meta:
        model = Statistic
        fields = ["id", "enterprise", "enterprise_name", "parcel", "year", "quarter", "source", "recorded_at"]


@extend_schema_view(
    list=extend_schema(
        summary="企业统计数据 / Statistics",
        parameters=[PARCEL, YEAR, QUARTER, OpenApiParameter("enterprise", str, description="统一社会信用代码")],
        description="One row per enterprise and period; flows year-to-date, stocks at period end, money in 万元 "
        "as decimal strings. Only the parcels you may read.",
    ),
    retrieve=extend_schema(summary="一条统计数据 / One statistic"),
)
class StatisticViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = StatisticSerializer
    pagination_class = Pagination

    def get_queryset(self) -> QuerySet[Statistic]:
        statistics = access.statistics_for(self.request.user)
        if self.action != "list":
            return queries.filter_statistics(statistics)
        params = self.request.query_params
        return queries.filter_statistics(
            statistics,
            parcel=params.get("parcel"),
            enterprise=params.get("enterprise"),
            year=int_param(self.request, "year", low=2000, high=2100),
            quarter=int_param(self.request, "quarter", low=1, high=4),
        )


# --- quarterly returns: the same services as the web forms --------------------------


class ReturnRowSerializer(WithFigures, serializers.ModelSerializer):
    figures_after = "moved_out"

    class Meta:
        model = ReturnRow
        # A null figure is 未填写 unless its element is in not_applicable (不适用).
        fields = ["position", "credit_code", "enterprise_name", "moved_out", "explanation", "not_applicable"]


class ParcelReturnSerializer(serializers.ModelSerializer):
    parcel = serializers.SlugRelatedField(slug_field="code", read_only=True)
    state_zh = serializers.CharField(source="get_state_display", read_only=True)
    submitted_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    reviewed_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    approved_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = ParcelReturn
        fields = [
            "id",
            "parcel",
            "year",
            "quarter",
            "state",
            "state_zh",
            "version",
            "source",
            "created_at",
            "updated_at",
            "submitted_by",
            "submitted_at",
            "reviewed_by",
            "reviewed_at",
            "comment",
            "approved_by",
            "approved_at",
        ]


class ParcelReturnDetailSerializer(ParcelReturnSerializer):
    rows = ReturnRowSerializer(many=True, read_only=True)

    class Meta(ParcelReturnSerializer.Meta):
        fields = [*ParcelReturnSerializer.Meta.fields, "rows"]


@extend_schema_field(
    {
        "oneOf": [{"type": "string"}, {"type": "number"}, {"type": "boolean"}],
        "nullable": True,
        "description": "As typed in the return: checked by the same rules as the web form",
    }
)
class CellField(serializers.Field):
    """One cell of a return row, passed on as sent: the return's own checks read it (numbers.py rules)."""

    default_error_messages = {"scalar": "应为文本、数字、是/否或空值"}

    def to_internal_value(self, data):
        if data is not None and not isinstance(data, (str, int, float, bool)):
            self.fail("scalar")
        return data

    def to_representation(self, value):
        return value


# Text the database can store: no NUL characters (declared in the schema, so clients know).
TEXT = r"^[^\x00]*$"


class ReturnRowInputSerializer(serializers.Serializer):
    credit_code = serializers.RegexField(TEXT, max_length=40, allow_blank=True, help_text="统一社会信用代码")
    enterprise_name = serializers.RegexField(TEXT, max_length=200, allow_blank=True, help_text="企业名称")
    moved_out = serializers.BooleanField(default=False, help_text="已迁出本地块")
    explanation = serializers.RegexField(TEXT, default="", allow_blank=True, max_length=2000, help_text="情况说明")

    def get_fields(self):
        fields = super().get_fields()
        for f in api_elements():
            fields[f.name] = CellField(required=False, allow_null=True, help_text=f.label)
        return fields


class ReturnSaveSerializer(serializers.Serializer):
    parcel = serializers.SlugField(max_length=40, help_text="地块代码；须为您管理的地块")
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    quarter = serializers.IntegerField(min_value=1, max_value=4)
    version = serializers.IntegerField(
        min_value=0, max_value=2**31 - 1, help_text="您读取时报表的版本；新报表为 0（防止覆盖他人的修改）"
    )
    submit = serializers.BooleanField(default=False, help_text="true：保存并提交审核")
    rows = ReturnRowInputSerializer(many=True, max_length=20000)


class VersionSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=0, max_value=2**31 - 1, help_text="您读取时报表的版本")


class ApproveSerializer(serializers.Serializer):
    reason = serializers.RegexField(
        TEXT,
        max_length=2000,
        required=False,
        allow_blank=True,
        default="",
        help_text="确认原因：审核影响超过限度（APPROVAL_CONFIRM_CHANGE）时必填，记入修改历史",
    )


class EffectSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="enterprises, or an indicator code")
    label = serializers.CharField()
    before = serializers.FloatField(allow_null=True)
    after = serializers.FloatField(allow_null=True)
    change = serializers.FloatField(allow_null=True, help_text="relative change, 0.05 = 5%")
    over = serializers.BooleanField(help_text="beyond APPROVAL_CONFIRM_CHANGE")


class CommentSerializer(serializers.Serializer):
    comment = serializers.RegexField(r"^[^\x00]*[^\x00\s][^\x00]*$", max_length=2000, help_text="审核意见（必填）")


class FindingSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    credit_code = serializers.CharField()
    enterprise_name = serializers.CharField()
    field = serializers.CharField()
    label = serializers.CharField()
    value = serializers.CharField()
    rule = serializers.CharField()
    severity = serializers.ChoiceField(choices=[validation.ERROR, validation.WARNING])
    message = serializers.CharField()


class ReturnProblemSerializer(ProblemSerializer):
    findings = FindingSerializer(many=True, required=False, help_text="invalid_rows: every finding")
    current_version = serializers.IntegerField(required=False, help_text="conflict: the version stored now")
    effects = EffectSerializer(
        many=True, required=False, help_text="confirmation_required: what the approval changes; send a reason"
    )


class ReturnSavedSerializer(ParcelReturnDetailSerializer):
    findings = serializers.SerializerMethodField()

    class Meta(ParcelReturnDetailSerializer.Meta):
        fields = [*ParcelReturnDetailSerializer.Meta.fields, "findings"]

    @extend_schema_field(FindingSerializer(many=True))
    def get_findings(self, parcel_return) -> list[dict]:
        return _findings(self.context.get("findings", ()))


def _findings(findings) -> list[dict]:
    return [
        {
            "row": f.row,
            "credit_code": f.credit_code,
            "enterprise_name": f.enterprise_name,
            "field": f.field,
            "label": f.label,
            "value": f.value,
            "rule": f.rule,
            "severity": f.severity,
            "message": f.message,
        }
        for f in findings
    ]


def _problem(exc: services.ReturnError, *, rows_sent: bool = True) -> Response:
    """Answer a refused write: 400 with the findings for bad rows, 409 for a lock, a conflict or the wrong state.

    Rows already stored that block a submission are the return's state, not the request's: 409.
    """
    body = {"detail": str(exc), "code": "return_error"}
    status = 409
    if isinstance(exc, services.ReturnInvalid):
        body.update(code="invalid_rows", findings=_findings(exc.checked.errors or exc.checked.unexplained()))
        status = 400 if rows_sent else 409
    elif isinstance(exc, services.LockedPeriod):
        body["code"] = "locked"
    elif isinstance(exc, services.ReturnConflict):
        body.update(code="conflict", current_version=exc.current.version)
    elif isinstance(exc, services.ApprovalNeedsConfirmation):
        body.update(code="confirmation_required", effects=_effects(exc))
    return Response(body, status=status)


def _effects(needed: services.ApprovalNeedsConfirmation) -> list[dict]:
    over = {id(effect) for effect in needed.over}
    return [
        {
            "code": e.code,
            "label": e.label,
            "before": e.before,
            "after": e.after,
            "change": e.change,
            "over": id(e) in over,
        }
        for e in needed.effects
    ]


PROBLEMS = {400: ReturnProblemSerializer, 404: ReturnProblemSerializer, 409: ReturnProblemSerializer}


@extend_schema_view(
    list=extend_schema(
        summary="季度报表 / Quarterly returns",
        parameters=[
            PARCEL,
            YEAR,
            QUARTER,
            OpenApiParameter("state", str, enum=[s for s, _l in ParcelReturn.State.choices]),
        ],
        description="The returns of the parcels you may read (a manager's own parcels; the office every parcel).",
    ),
    retrieve=extend_schema(summary="季度报表及其各行 / A return with its rows", responses=ParcelReturnDetailSerializer),
)
class ParcelReturnViewSet(viewsets.GenericViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Quarterly returns: a manager saves and submits their parcel's; the office approves or returns them.

    Every write calls parcels.returns.services (the web forms' own services): the same
    checks, locks, optimistic versioning and history.
    """

    pagination_class = Pagination

    def get_serializer_class(self):
        return ParcelReturnDetailSerializer if self.action == "retrieve" else ParcelReturnSerializer

    def get_queryset(self) -> QuerySet[ParcelReturn]:
        returns = access.returns_for(self.request.user)
        if self.action != "list":
            return returns_queries.filter_returns(returns, with_rows=self.action == "retrieve")
        params = self.request.query_params
        if (state := params.get("state")) and state not in ParcelReturn.State.values:
            raise ValidationError({"state": [_("未知的报表状态“%(value)s”") % {"value": state}]})
        return returns_queries.filter_returns(
            returns,
            parcel=params.get("parcel"),
            state=state,
            year=int_param(self.request, "year", low=2000, high=2100),
            quarter=int_param(self.request, "quarter", low=1, high=4),
        )

    def _saved(self, parcel_return: ParcelReturn, checked, status: int = 200) -> Response:
        parcel_return = self.get_queryset().prefetch_related("rows").get(pk=parcel_return.pk)
        data = ReturnSavedSerializer(parcel_return, context={"findings": checked.warnings if checked else ()}).data
        return Response(data, status=status)

    @extend_schema(
        summary="保存或提交本地块的季度报表 / Save or submit your parcel's return",
        request=ReturnSaveSerializer,
        responses={200: ReturnSavedSerializer, 201: ReturnSavedSerializer, 403: ReturnProblemSerializer, **PROBLEMS},
        description="Saves the rows as a draft (or submits them with `submit: true`) through the same service as the "
        "web form: the same checks (400 lists every finding with its row, column and value), the lock on an "
        "approved quarter and the version check (409). Managers only, for their own parcels; another parcel is 404. "
        "Warnings that need an explanation are listed in `findings` of a saved draft.",
    )
    def create(self, request):
        access.require(access.may_enter_returns(request.user))
        payload = ReturnSaveSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        parcel = get_object_or_404(access.parcels_for(request.user), code=data["parcel"])
        existed = returns_queries.return_for(parcel, data["year"], data["quarter"]) is not None
        try:
            parcel_return, checked = services.save_return(
                parcel=parcel,
                year=data["year"],
                quarter=data["quarter"],
                rows=data["rows"],
                version=data["version"],
                user=request.user,
                submit=data["submit"],
                source=RETURN_SOURCE_API,
            )
        except services.ReturnError as exc:
            return _problem(exc)
        return self._saved(parcel_return, checked, status=200 if existed else 201)

    @extend_schema(
        summary="提交审核 / Submit for review",
        request=VersionSerializer,
        responses={200: ReturnSavedSerializer, 403: ReturnProblemSerializer, **PROBLEMS},
        description="Submits the saved rows as they are (the same checks as saving with `submit: true`).",
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        parcel_return = self.get_object()
        access.require(access.may_edit_return(request.user, parcel_return))
        payload = VersionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            parcel_return, checked = services.save_return(
                parcel=parcel_return.parcel,
                year=parcel_return.year,
                quarter=parcel_return.quarter,
                rows=queries.return_rows(parcel_return),
                version=payload.validated_data["version"],
                user=request.user,
                submit=True,
                source=parcel_return.source,
                upload_name=parcel_return.upload_name,
            )
        except services.ReturnError as exc:
            return _problem(exc, rows_sent=False)
        return self._saved(parcel_return, checked)

    @extend_schema(
        summary="审核通过 / Approve (the office)",
        request=ApproveSerializer,
        responses={200: ParcelReturnDetailSerializer, 403: ReturnProblemSerializer, **PROBLEMS},
        description="Writes the rows into the official statistics and locks the parcel-quarter. An approval that "
        "moves the parcel's number of enterprises or a park indicator by more than APPROVAL_CONFIRM_CHANGE "
        "answers 409 `confirmation_required` with its `effects`; send it again with a `reason` to confirm.",
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        parcel_return = self.get_object()
        access.require(access.may_review(request.user))
        payload = ApproveSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            services.approve_return(
                parcel_return=parcel_return, user=request.user, reason=payload.validated_data["reason"]
            )
        except services.ReturnError as exc:
            return _problem(exc, rows_sent=False)
        return self._saved(parcel_return, None)

    @extend_schema(
        summary="退回 / Return to the managers (the office)",
        request=CommentSerializer,
        responses={200: ParcelReturnDetailSerializer, 403: ReturnProblemSerializer, **PROBLEMS},
    )
    @action(detail=True, methods=["post"], url_path="return")
    def send_back(self, request, pk=None):
        parcel_return = self.get_object()
        access.require(access.may_review(request.user))
        payload = CommentSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            services.send_back_return(
                parcel_return=parcel_return, user=request.user, comment=payload.validated_data["comment"]
            )
        except services.ReturnError as exc:
            return _problem(exc)
        return self._saved(parcel_return, None)
