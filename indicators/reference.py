"""Load a plan's reference data (fixtures/plan-*.json) into the database.

The file is one nested JSON document:

    plan              {code, name_zh, name_en, short_zh, short_en, start_year, end_year, base_year,
                       park_area_km2, issuer, source}
    parcels           [{code, order, name_zh, name_en, area_km2, boundaries: [{block, east, south, west, north}]}]
    functional_areas  [{code, order, kind, name_zh, name_en, parcels: [parcel code], lead_industries_zh,
                        lead_industries_en, note, note_en}]
    industries        [{kind, order, name_zh, name_en}]
    indicators        [{code, order, name_zh, ..., base_values: [{year, value, derived, source}],
                        benchmark_values: [{year, value, source}]}]
    review_figures    [{order, label_zh, label_en, value, value_en, change_zh, change_en, year, source}]

Every record is upserted by its natural key. A row whose values already match is not written at
all: the indicator, base-value and benchmark tables have triggers that record every UPDATE as a
data change needing a recompute. Rows the file does not mention (e.g. benchmark values staff
entered for other years) are left alone.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models, transaction

from parcels.models import Boundary, FunctionalArea, Parcel

from . import formulas, queries
from .models import BaseValue, BenchmarkValue, Indicator, KeyIndustry, Plan, ReviewFigure

MODELS: list[type[models.Model]] = [
    Plan,
    Parcel,
    Boundary,
    FunctionalArea,
    KeyIndustry,
    Indicator,
    BaseValue,
    BenchmarkValue,
    ReviewFigure,
]
SECTIONS = {"plan", "parcels", "functional_areas", "industries", "indicators", "review_figures"}

Counts = dict[str, dict[str, int]]


class ReferenceDataError(ValueError):
    """A reference file that does not fit the models."""


def read_plan_file(path: str | Path) -> dict[str, Any]:
    """Read a plan file, with every decimal number as a Decimal."""
    with open(path, encoding="utf-8") as f:
        document = json.load(f, parse_float=Decimal)
    if not isinstance(document, dict) or "plan" not in document:
        raise ReferenceDataError(f"{path}: expected a JSON object with a 'plan' section")
    unknown = set(document) - SECTIONS
    if unknown:
        raise ReferenceDataError(f"{path}: unknown sections {sorted(unknown)}")
    return document


def load_plan(path: str | Path) -> Counts:
    """Upsert one plan file's reference data; return created/updated/unchanged counts per model name."""
    document = read_plan_file(path)
    loader = _Loader()
    with transaction.atomic():
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
            areas.append(
                loader.upsert(FunctionalArea, record, key=["code"], nested=["parcels"], m2m={"parcels": parcels})
            )
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
        check_formulas(plan)
    return loader.counts


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
