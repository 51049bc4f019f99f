"""How the API writes each row: the plan's reference data, computed values, progress and reports.

Decimals (targets, benchmark and base values, areas) are strings as stored.
Computed figures (FloatField) are strings in the notation of the CSV exports
(indicators.exports.figure): in their published precision (the indicator's
decimals), whole numbers without a decimal point; null where there is no
value. So the API's rows equal the export's.
"""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from parcels.models import Boundary, FunctionalArea, Parcel

from .. import compute, disclosure
from ..exports import figure
from ..models import (
    EXAMPLE_MARK,
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


@extend_schema_field({"type": "string", "nullable": True, "pattern": r"^-?[0-9.e+\-]+$|^inf$|^-inf$"})
class FigureField(serializers.Field):
    """A computed figure as a string in the CSV export's notation; null for none."""

    def get_attribute(self, instance):
        # The precision is the row's indicator's (select_related by the API's queries).
        return super().get_attribute(instance), instance.indicator.decimals

    def to_representation(self, value):
        figure_value, decimals = value
        return figure(self.field_name, figure_value, decimals) or None


def _figure(source: str | None = None) -> FigureField:
    return FigureField(source=source, read_only=True, allow_null=True)


# --- reference data ---------------------------------------------------------------


class KeyIndustrySerializer(serializers.ModelSerializer):
    class Meta:
        model = KeyIndustry
        fields = ["kind", "name_zh", "name_en", "order"]


class PlanSerializer(serializers.ModelSerializer):
    industries = KeyIndustrySerializer(many=True, read_only=True)
    example_mark = serializers.SerializerMethodField(
        help_text="示例（非正式规划） for an illustrative plan (example: true), whose figures no adopted plan sets; "
        "empty for an adopted plan"
    )

    def get_example_mark(self, plan: Plan) -> str:
        return EXAMPLE_MARK if plan.example else ""

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
            "example",
            "example_mark",
            "industries",
        ]


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
            *Indicator.DESCRIBED_BY,
            "base_values",
            "benchmark_values",
            "parcel_targets",
        ]


# --- computed values and progress -----------------------------------------------


# The calculation inputs that trace the projection: withheld with it.
PROJECTION_INPUTS = ("projection", "projected")  # the prefixes of their names
REASON_HELP = (
    "why the figures are withheld from you (indicators.disclosure): few = 不足3家企业 (fewer than 3 enterprises), "
    "dominant = 单一企业占比过高 (one enterprise above 85% of a numerator or denominator), derivable = "
    "为防止推算而隐藏 (withheld so that no withheld figure can be rebuilt by subtraction); null when shown"
)


def _reason_field(help_text: str = REASON_HELP) -> serializers.ChoiceField:
    return serializers.ChoiceField(choices=disclosure.REASONS, read_only=True, allow_null=True, help_text=help_text)


class _Disclosed:
    """Null the figures of a row the reader may not see and say why: the recompute's decision, stored on the row.

    `hidden`: the fields the row's own decision (`withheld`) nulls; `parts`:
    another decision of the row → (the field saying why, the fields it nulls).
    The office sees everything.
    """

    hidden: tuple[str, ...] = ()
    parts: dict[str, tuple[str, tuple[str, ...]]] = {}

    def to_representation(self, instance):
        data = super().to_representation(instance)
        sees = bool(self.context.get("sees_confidential"))
        reason = disclosure.withheld_for(instance.withheld, sees_everything=sees)
        data["confidential"] = bool(reason)
        data["confidential_reason"] = reason or None
        for name in self.hidden if reason else ():
            data[name] = None
        for decision, (key, names) in self.parts.items():
            part = disclosure.withheld_for(getattr(instance, decision), sees_everything=sees)
            data[key] = part or None
            for name in names if part else ():
                if name == "inputs" and data.get("inputs"):
                    data["inputs"] = {k: v for k, v in data["inputs"].items() if not k.startswith(PROJECTION_INPUTS)}
                elif name != "inputs":
                    data[name] = None
        return data


class IndicatorValueSerializer(_Disclosed, serializers.ModelSerializer):
    hidden = ("value", "numerator", "denominator", "previous")
    parts = {"previous_withheld": ("previous_confidential_reason", ("previous",))}

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
        help_text="true: the parcel figure is withheld from you (value, numerator, denominator and previous are "
        "null); `confidential_reason` says why",
    )
    confidential_reason = _reason_field()
    previous_confidential_reason = _reason_field(
        "why `previous` (the same period a year earlier) is withheld from you: this period's or that one's reason; "
        "null when shown"
    )

    class Meta:
        model = IndicatorValue
        fields = [
            *compute.VALUE_COLUMNS,
            "confidential",
            "confidential_reason",
            "previous_confidential_reason",
            "data_version",
            "computed_at",
        ]


def progress_fields() -> list[str]:
    """Return the fields of a progress row: compute.PROGRESS_COLUMNS with the words beside their codes.

    The target's kind follows the target, the status words follow the status;
    then whether the row is hidden and when, from which data, it was computed.
    """
    beside = {"target": ["target_kind"], "status": ["status_zh", "status_en"]}
    fields = []
    for column in compute.PROGRESS_COLUMNS:
        fields += [column, *beside.get(column, [])]
    disclosed = ["confidential", "confidential_reason", "projection_confidential_reason"]
    return [*fields, *disclosed, "data_version", "computed_at"]


class ProgressSerializer(_Disclosed, serializers.ModelSerializer):
    hidden = (
        "value",
        "target",
        "base_value",
        "expected",
        "completion",
        "pace",
        "status",
        "status_zh",
        "status_en",
        "gap",
        "needed_per_year",
        "projected",
        "projected_gap",
        "share_of_change",
        "inputs",
    )
    parts = {
        "projection_withheld": (
            "projection_confidential_reason",
            ("projected", "projected_gap", "inputs"),
        )
    }

    indicator = serializers.SlugRelatedField(slug_field="code", read_only=True)
    parcel = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True, help_text="null: the whole park"
    )
    target_kind = serializers.CharField(source="indicator.target_kind", read_only=True)
    status = serializers.CharField(read_only=True, allow_null=True, help_text="null when withheld from you")
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
    projected = _figure()
    projected_gap = _figure()
    share_of_change = _figure()
    inputs = serializers.JSONField(
        read_only=True,
        allow_null=True,
        help_text="The calculation inputs: base value and its source, target and benchmark year used, "
        "projection points, thresholds.",
    )
    confidential = serializers.BooleanField(
        read_only=True,
        help_text="true: the parcel's figures of the year or of the base year are withheld from you: its value, "
        "target, base value, status, completion, gap, share and inputs are null; `confidential_reason` says why",
    )
    confidential_reason = _reason_field()
    projection_confidential_reason = _reason_field(
        "why the projection (projected, projected_gap and the projection's inputs) is withheld from you: "
        "a year from the base year to this one is; null when shown"
    )

    class Meta:
        model = Progress
        fields = progress_fields()

    @extend_schema_field({"type": "string", "nullable": True})
    def get_status_zh(self, progress: Progress) -> str:
        return compute.status_word(progress.status, "zh")

    @extend_schema_field({"type": "string", "nullable": True})
    def get_status_en(self, progress: Progress) -> str:
        return compute.status_word(progress.status, "en")


# --- assessment reports -------------------------------------------------------------


class ReportFileSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = ReportFile
        fields = ["format", "size", "sha256", "url"]

    def get_url(self, stored: ReportFile) -> str:
        """The file's download address under the report's plan (the viewset passes the plan in the context)."""
        url = reverse("v1:report-download", args=[stored.report_id, stored.format])
        plan = self.context.get("plan")
        return f"{url}?plan={plan.code}" if plan else url


class ReportSerializer(serializers.ModelSerializer):
    files = ReportFileSerializer(many=True, read_only=True)
    plan = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text="规划代码 / plan code")
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = Report
        fields = [
            "id",
            "plan",
            "year",
            "kind",
            "language",
            "audience",
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
