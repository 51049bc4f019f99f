"""What every endpoint of the REST API shares: the error shape, pagination and query parameters.

Both apps' API modules build on these; settings name the exception handler and
the schema hook.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination

ERROR_STATUSES = {
    "400": "请求有误 / Bad request",
    "401": "未认证 / Not authenticated",
    "403": "无权操作 / Not allowed",
    "404": "不存在或无权查看 / Not found",
}


class ProblemSerializer(serializers.Serializer):
    """Every error of the API has this shape."""

    detail = serializers.CharField(help_text="给人看的说明 / what went wrong, for a person")
    code = serializers.CharField(help_text="machine-readable: invalid, not_authenticated, not_found, locked, ...")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="invalid: the messages per field",
    )


def exception_handler(exc, context):
    """Answer every API error as {detail, code[, errors]} so clients read one shape."""
    from rest_framework.views import exception_handler as drf_handler

    response = drf_handler(exc, context)
    if response is None or (isinstance(response.data, dict) and "code" in response.data):
        return response
    data = response.data
    if isinstance(data, dict) and set(data) == {"detail"}:
        code = getattr(data["detail"], "code", None) or "error"
        response.data = {"detail": str(data["detail"]), "code": code}
    else:
        errors = data if isinstance(data, dict) else {"non_field_errors": data}
        errors = {str(k): _messages(v) for k, v in errors.items()}
        summary = "；".join(f"{k}: {' '.join(v)}" for k, v in errors.items())
        response.data = {"detail": summary, "code": "invalid", "errors": errors}
    return response


def _messages(value) -> list[str]:
    if isinstance(value, dict):
        return [f"{k}: {m}" for k, v in value.items() for m in _messages(v)]
    if isinstance(value, list):
        return [m for item in value for m in _messages(item)]
    return [str(value)]


def add_error_responses(result, generator, request, public):
    """Declare the error answers every operation can give (drf-spectacular postprocessing hook)."""
    problem = {"$ref": "#/components/schemas/Problem"}
    schemas = result.setdefault("components", {}).setdefault("schemas", {})

    schemas["Problem"] = {
        "type": "object",
        "required": ["detail", "code"],
        "properties": {
            "detail": {"type": "string"},
            "code": {"type": "string"},
            "errors": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
            "findings": {"type": "array", "items": {"$ref": "#/components/schemas/Finding"}},
            "current_version": {"type": "integer"},
        },
    }
    for path, operations in result.get("paths", {}).items():
        if not path.startswith("/api/v1/"):
            continue
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for status, description in ERROR_STATUSES.items():
                responses.setdefault(
                    status, {"description": description, "content": {"application/json": {"schema": problem}}}
                )
    return result


class Pagination(PageNumberPagination):
    """Pages of 100 rows by default; ?page_size= from 1 to 1000 (anything else is a 400, not silently 100)."""

    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        return _bounded_int(self.page_size_query_param, raw, low=1, high=self.max_page_size)

    def paginate_queryset(self, queryset, request, view=None):
        if (raw := request.query_params.get(self.page_query_param)) is not None and raw != "last":
            _bounded_int(self.page_query_param, raw, low=1)  # past the last page: 404, as DRF answers
        return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["maximum"] = self.max_page_size
        return parameters


def _bounded_int(name: str, raw: str, *, low: int, high: int | None = None) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise ValidationError(
            {name: [_("%(name)s必须是整数，收到“%(value)s”") % {"name": name, "value": raw}]}
        ) from None
    if value < low and high is None:
        raise ValidationError(
            {name: [_("%(name)s不能小于%(low)s，收到%(value)s") % {"name": name, "low": low, "value": value}]}
        )
    if high is not None and not low <= value <= high:
        raise ValidationError(
            {
                name: [
                    _("%(name)s须在%(low)s至%(high)s之间，收到%(value)s")
                    % {"name": name, "low": low, "high": high, "value": value}
                ]
            }
        )
    return value


def int_param(request, name: str, *, low: int, high: int) -> int | None:
    """Read an optional whole-number query parameter within [low, high]; a bad one is a 400 naming it."""
    raw = request.query_params.get(name)
    if raw is None:
        return None
    return _bounded_int(name, raw, low=low, high=high)


YEAR = OpenApiParameter("year", {"type": "integer", "minimum": 2000, "maximum": 2100}, description="年份 / year")
QUARTER = OpenApiParameter("quarter", {"type": "integer", "minimum": 1, "maximum": 4}, description="季度 / quarter")
