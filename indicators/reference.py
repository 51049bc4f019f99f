"""Load a plan's reference data (fixtures/plan-*.json) into the database.

The file is one nested JSON document, checked against docs/plan.schema.json
before anything is written:

    plan              {code, name_zh, name_en, short_zh, short_en, start_year, end_year, base_year,
                       park_area_km2, issuer, issuer_en?, source}
    data_elements     [{code, label_zh, label_en, unit, kind, decimals, ...}]: elements the formulas
                       need beyond those defined (the office adds them in the admin too)
    parcels           [{code, order, name_zh, name_en, area_km2, boundaries: [{block, east, south, west, north}]}]
    functional_areas  [{code, order, kind, name_zh, name_en, parcels: [parcel code], lead_industries_zh,
                        lead_industries_en, note, note_en}]
    industries        [{kind, order, name_zh, name_en}]
    indicators        [{code, order, name_zh, ..., formula, target_kind, target_value, ...,
                        base_values: [{year, value, derived, source, source_en?}],
                        benchmark_values: [{year, value, source, source_en?}]}]
    review_figures    [{order, label_zh, label_en, value, value_en, change_zh, change_en, year, source, source_en?}]
    schematic         [{parcel (code), block, x, y, width, height}]: the schematic map's blocks (示意图)

Every record is upserted by its natural key. A row whose values already match is not written at
all: the indicator, base-value and benchmark tables have triggers that record every UPDATE as a
data change needing a recompute. Rows the file does not mention (e.g. benchmark values staff
entered for other years) are left alone. Every formula is checked against the data elements:
a wrong one refuses the whole file, naming the plan, the indicator and the position.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema
import pghistory
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models, transaction

from parcels import queries as parcel_queries
from parcels.models import Boundary, DataElement, FunctionalArea, Parcel

from . import formulas, queries
from .models import BaseValue, BenchmarkValue, Indicator, KeyIndustry, Plan, Report, ReviewFigure, SchematicBlock

MODELS: list[type[models.Model]] = [
    DataElement,
    Plan,
    Parcel,
    Boundary,
    FunctionalArea,
    KeyIndustry,
    Indicator,
    BaseValue,
    BenchmarkValue,
    ReviewFigure,
    SchematicBlock,
]

Counts = dict[str, dict[str, int]]


class ReferenceDataError(ValueError):
    """A reference file that does not fit the models."""


# The plan file's schema (documented in the README): every file is checked against it first.
SCHEMA_FILE = Path(settings.BASE_DIR) / "docs" / "plan.schema.json"


def read_plan_file(path: str | Path) -> dict[str, Any]:
    """Read a plan file, with every decimal number as a Decimal, and check it against the schema.

    Raise ReferenceDataError listing every place the file breaks the schema, by
    its path inside the file (e.g. ``indicators[2].target_kind``).
    """
    with open(path, encoding="utf-8") as f:
        document = json.load(f, parse_float=Decimal)
    errors = schema_errors(document)
    if errors:
        raise ReferenceDataError("规划文件不符合格式要求：\n" + "\n".join(errors))
    return document


def schema_errors(document: Any) -> list[str]:
    """Return each schema error of a plan document as "path: message", in the file's order."""
    validator = jsonschema.Draft202012Validator(_schema(), format_checker=jsonschema.FormatChecker())
    found = sorted(validator.iter_errors(_as_json(document)), key=lambda e: [str(p) for p in e.absolute_path])
    return [f"{_json_path(error.absolute_path)}: {error.message}" for error in found]


@functools.cache
def _schema() -> dict:
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


def _as_json(value: Any) -> Any:
    """The document with its Decimals as numbers, as the schema reads them."""
    if isinstance(value, dict):
        return {k: _as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_json(v) for v in value]
    if isinstance(value, Decimal):
        return float(value)
    return value


def _json_path(path) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(文件)"


class RevisionRequired(ReferenceDataError):
    """A change to a plan that already has reports, made without --revise and a reason."""


def load_plan(path: str | Path, *, revise: bool = False, reason: str = "", user=None) -> Counts:
    """Upsert one plan file's reference data; return created/updated/unchanged counts per model name.

    Idempotent: loading the same file again writes nothing. A plan with
    reports (frozen assessments cite it) changes only as a revision, with a
    reason recorded in the plan's history (pghistory context).
    """
    document = read_plan_file(path)
    code = document["plan"]["code"]
    frozen = Report.objects.filter(plan__code=code).exists()
    if revise and not reason.strip():
        raise ReferenceDataError("修订规划须说明原因（--reason）")
    with transaction.atomic(), pghistory.context(source="load_plan", reason=reason or None, user=user):
        counts = _load(document, path)
        changed = any(c["created"] or c["updated"] for c in counts.values())
        if changed and frozen and not revise:
            raise RevisionRequired(
                f'规划 {code} 已有评估报告，修改须以修订方式进行：load_plan FILE --revise --reason "原因"'
            )
    return counts


def _load(document: dict[str, Any], path: str | Path) -> Counts:
    loader = _Loader()
    for record in document.get("data_elements", []):
        _check_element(record)
        loader.upsert(DataElement, record, key=["code"])
    plan = loader.upsert(Plan, document["plan"], key=["code"])
    for record in document.get("parcels", []):
        parcel = loader.upsert(Parcel, record, key=["code"], nested=["boundaries"])
        for boundary in record.get("boundaries", []):
            loader.upsert(Boundary, boundary, key=["parcel", "block"], parent={"parcel": parcel})
    parcels_by_code = {parcel.code: parcel for parcel in Parcel.objects.all()}
    areas = []
    for record in document.get("functional_areas", []):
        try:
            parcels = [parcels_by_code[code] for code in record.get("parcels", [])]
        except KeyError as exc:
            raise ReferenceDataError(f"{path}: functional area {record.get('code')}: no parcel {exc}") from None
        areas.append(loader.upsert(FunctionalArea, record, key=["code"], nested=["parcels"], m2m={"parcels": parcels}))
    covered = [parcels_by_code[record["code"]] for record in document.get("parcels", [])]
    if _set_related(plan, {"parcels": covered, "functional_areas": areas}):
        loader.counts["Plan"]["updated"] += 1
    for record in document.get("industries", []):
        loader.upsert(KeyIndustry, record, key=["plan", "kind", "name_zh"], parent={"plan": plan})
    for record in document.get("indicators", []):
        indicator = loader.upsert(
            Indicator,
            record,
            key=["plan", "code"],
            parent={"plan": plan},
            nested=["base_values", "benchmark_values"],
        )
        for value in record.get("base_values", []):
            loader.upsert(BaseValue, value, key=["indicator", "year"], parent={"indicator": indicator})
        for value in record.get("benchmark_values", []):
            loader.upsert(BenchmarkValue, value, key=["indicator", "year"], parent={"indicator": indicator})
    for record in document.get("review_figures", []):
        loader.upsert(ReviewFigure, record, key=["plan", "order"], parent={"plan": plan})
    for record in document.get("schematic", []):
        parcel = parcels_by_code.get(record["parcel"])
        if parcel is None:
            raise ReferenceDataError(f"{path}: schematic: no parcel {record['parcel']!r}")
        loader.upsert(SchematicBlock, record, key=["parcel", "block"], nested=["parcel"], parent={"parcel": parcel})
    check_formulas(plan)
    return loader.counts


def _check_element(record: dict[str, Any]) -> None:
    """Refuse a file that would change a built-in element or an element's kind once it has data."""
    element = DataElement.objects.filter(code=record["code"]).first()
    if element is None:
        return
    if element.column:
        raise ReferenceDataError(f"data_elements: {record['code']} 是系统内置统计指标项，不能由规划文件修改")
    if element.kind != record["kind"] and parcel_queries.element_has_data(element):
        raise ReferenceDataError(f"data_elements: {record['code']} 已有数据，不能改变类型（{element.kind}）")


def check_formulas(plan: Plan) -> None:
    """Refuse a plan with a formula that does not parse or does not fit the data elements, naming where."""
    _, kinds = queries.element_reads()
    for indicator in plan.indicators.order_by("order"):
        try:
            formulas.check(formulas.parse(indicator.formula), kinds)
        except formulas.FormulaError as exc:
            raise ReferenceDataError(
                f"规划 {plan.code} 指标 {indicator.code} 的计算表达式“{indicator.formula}”{exc}"
            ) from None


class _Loader:
    """Upsert records one by one and count what happened to each model."""

    def __init__(self) -> None:
        self.counts: Counts = {model.__name__: {"created": 0, "updated": 0, "unchanged": 0} for model in MODELS}

    def upsert(
        self,
        model: type[models.Model],
        record: dict[str, Any],
        *,
        key: Sequence[str],
        parent: dict[str, models.Model] | None = None,
        nested: Sequence[str] = (),
        m2m: dict[str, list[models.Model]] | None = None,
    ) -> models.Model:
        """Create or update one row found by its natural key, writing only the fields that differ."""
        values = {name: _clean(model, name, value) for name, value in record.items() if name not in nested}
        values.update(parent or {})
        missing = [name for name in key if name not in values]
        if missing:
            raise ReferenceDataError(f"{model.__name__} record lacks {missing}: {record}")
        lookup = {name: values.pop(name) for name in key}

        instance, outcome = _write(model, lookup, values)
        if _set_related(instance, m2m or {}) and outcome == "unchanged":
            outcome = "updated"
        self.counts[model.__name__][outcome] += 1
        return instance


def _write(model: type[models.Model], lookup: dict[str, Any], values: dict[str, Any]) -> tuple[models.Model, str]:
    """Create the row or update the fields that differ; return it and "created", "updated" or "unchanged"."""
    instance = model.objects.filter(**lookup).first()
    if instance is None:
        return model.objects.create(**lookup, **values), "created"
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    if not changed:
        return instance, "unchanged"
    for name in changed:
        setattr(instance, name, values[name])
    instance.save(update_fields=changed + _stamp_fields(instance))
    return instance, "updated"


def _set_related(instance: models.Model, m2m: dict[str, list[models.Model]]) -> bool:
    """Set each many-to-many relation that differs from the file's; return whether any did."""
    changed = False
    for name, wanted in m2m.items():
        related = getattr(instance, name)
        if set(related.values_list("pk", flat=True)) != {obj.pk for obj in wanted}:
            related.set(wanted)
            changed = True
    return changed


def _clean(model: type[models.Model], name: str, value: Any) -> Any:
    """Return a file value as the model field holds it; refuse unknown fields and invalid values."""
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        raise ReferenceDataError(f"{model.__name__} has no field {name!r}") from None
    if not field.concrete or field.auto_created or field.many_to_many or field.is_relation:
        raise ReferenceDataError(f"{model.__name__}.{name} cannot be set from a reference file")
    try:
        return field.clean(value, None)
    except ValidationError as exc:
        raise ReferenceDataError(f"{model.__name__}.{name} = {value!r}: {'; '.join(exc.messages)}") from None


def _stamp_fields(instance: models.Model) -> list[str]:
    """Clear updated_by (the file, not a person, made this change) and name the auto_now fields to save."""
    stamps = []
    for field in instance._meta.concrete_fields:
        if getattr(field, "auto_now", False):
            stamps.append(field.name)
        elif field.name == "updated_by":
            instance.updated_by = None
            stamps.append(field.name)
    return stamps
