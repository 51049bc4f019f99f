"""The plan editor's forms: each names the field and the value it refuses, in Chinese first."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from parcels.models import DataElement, FunctionalArea, Parcel

from .. import formulas
from .. import queries as indicator_queries
from ..models import Indicator, Plan
from . import queries

REASON_HELP = _lazy("已发布规划的任何修改都须说明原因，记入修改历史")


class ReasonMixin(forms.Form):
    reason = forms.CharField(label=_lazy("修改原因"), required=False, max_length=500, help_text=REASON_HELP)


class PlanForm(ReasonMixin, forms.ModelForm):
    """A plan's name, period, base year, park area, and the parcels and functional areas it covers."""

    class Meta:
        model = Plan
        fields = [
            "name_zh",
            "name_en",
            "short_zh",
            "short_en",
            "start_year",
            "end_year",
            "base_year",
            "park_area_km2",
            "issuer",
            "issuer_en",
            "source",
            "parcels",
            "functional_areas",
        ]
        widgets = {
            "parcels": forms.CheckboxSelectMultiple,
            "functional_areas": forms.CheckboxSelectMultiple,
            "source": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parcels"].queryset = Parcel.objects.order_by("order")
        self.fields["functional_areas"].queryset = FunctionalArea.objects.order_by("order")

    def clean(self):
        return _check_years(self, super().clean())


def _check_years(form: forms.Form, data: dict) -> dict:
    start, end, base = data.get("start_year"), data.get("end_year"), data.get("base_year")
    if start and end and start > end:
        form.add_error("end_year", _("目标年 %(end)s 早于起始年 %(start)s") % {"end": end, "start": start})
    if start and base and base >= start:
        form.add_error("base_year", _("基期年 %(base)s 应早于起始年 %(start)s") % {"base": base, "start": start})
    return data


class CopyForm(forms.ModelForm):
    """A new plan copied from an existing one: its own code, names, period and base year."""

    source_plan = forms.ModelChoiceField(label=_lazy("复制自"), queryset=Plan.objects.none(), empty_label=None)

    class Meta:
        model = Plan
        fields = ["code", "name_zh", "name_en", "short_zh", "short_en", "start_year", "end_year", "base_year"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source_plan"].queryset = Plan.objects.order_by("-start_year", "code")
        self.fields["source_plan"].label_from_instance = lambda plan: f"{plan.short}（{plan.code}）"
        self.order_fields(["source_plan"])

    def clean(self):
        return _check_years(self, super().clean())

    def clean_code(self):
        code = self.cleaned_data["code"]
        if Plan.objects.filter(code=code).exists():
            raise forms.ValidationError(_("规划代码“%(code)s”已存在，请换一个") % {"code": code})
        return code


class UploadForm(forms.Form):
    file = forms.FileField(label=_lazy("规划文件（JSON）"), help_text=_lazy("格式见 docs/plan.schema.json"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".json"):
            raise forms.ValidationError(_("文件“%(name)s”不是 JSON 文件") % {"name": upload.name})
        if upload.size > 2 * 1024 * 1024:
            raise forms.ValidationError(_("文件“%(name)s”超过 2 MB") % {"name": upload.name})
        return upload


INDICATOR_FIELDS = [
    "code",
    "order",
    "name_zh",
    "name_en",
    "short_name_zh",
    "short_name_en",
    "unit",
    "unit_en",
    "decimals",
    "definition_zh",
    "definition_en",
    "formula",
    "formula_zh",
    "formula_en",
    "target_kind",
    "target_value",
    "tolerance",
    "lower_is_better",
    "target_year",
    "target_text_zh",
    "target_text_en",
    "benchmark_name_zh",
    "benchmark_name_en",
    "attribute",
    "responsible_unit",
    "responsible_users",
]


class IndicatorForm(ReasonMixin, forms.ModelForm):
    """An indicator of a plan: its formula is checked against the data elements, its target against its kind."""

    base_value = forms.DecimalField(
        label=_lazy("基期值（规划公布）"),
        required=False,
        max_digits=12,
        decimal_places=4,
        help_text=_lazy("规划基期年的数值；不填则由基期年的统计数据算出"),
    )
    base_source = forms.CharField(label=_lazy("基期值来源"), required=False, max_length=500)

    class Meta:
        model = Indicator
        fields = INDICATOR_FIELDS
        widgets = {
            "definition_zh": forms.Textarea(attrs={"rows": 3}),
            "definition_en": forms.Textarea(attrs={"rows": 3}),
            "formula": forms.Textarea(attrs={"rows": 3, "spellcheck": "false", "class": "formula-input"}),
            "formula_zh": forms.Textarea(attrs={"rows": 2}),
            "formula_en": forms.Textarea(attrs={"rows": 2}),
            "responsible_users": forms.SelectMultiple(attrs={"size": 5}),
        }

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.plan = plan
        self.plan = plan
        self.fields["responsible_users"].queryset = queries.responsible_choices()
        if not self.instance.pk:
            self.initial["target_year"] = plan.end_year
        else:
            stored = self.instance.base_values.filter(year=plan.base_year).first()
            if stored is not None:
                self.fields["base_value"].initial = stored.value.normalize()
                self.fields["base_source"].initial = stored.source
        self.fields["base_value"].label = _("%(year)s年基期值（规划公布）") % {"year": plan.base_year}
        self.parcels = queries.parcels_of(plan)
        self.split_values = {}

    def clean_code(self):
        code = self.cleaned_data["code"]
        same = Indicator.objects.filter(plan=self.plan, code=code).exclude(pk=self.instance.pk)
        if same.exists():
            raise forms.ValidationError(_("本规划已有编号为“%(code)s”的指标") % {"code": code})
        return code

    def clean_formula(self) -> str:
        text = self.cleaned_data["formula"]
        try:
            formulas.check(formulas.parse(text), indicator_queries.element_reads()[1])
        except formulas.FormulaError as exc:
            message = _("计算表达式“%(formula)s”有误：%(error)s") % {"formula": text, "error": exc}
            raise forms.ValidationError(message) from None
        return text

    def clean(self):
        data = super().clean()
        kind, value = data.get("target_kind"), data.get("target_value")
        if kind == Indicator.TargetKind.BENCHMARK and value is not None:
            self.add_error("target_value", _("对标目标不填目标值（填了“%(value)s”）") % {"value": value})
        elif kind and kind != Indicator.TargetKind.BENCHMARK and value is None:
            label = Indicator.TargetKind(kind).label
            self.add_error("target_value", _("目标类型“%(kind)s”须填目标值") % {"kind": label})
        year = data.get("target_year")
        if year and not self.plan.start_year <= year <= self.plan.end_year:
            self.add_error(
                "target_year",
                _("目标年 %(year)s 不在规划期 %(start)s—%(end)s 年内")
                % {"year": year, "start": self.plan.start_year, "end": self.plan.end_year},
            )
        self.split_values = self._split_targets(data.get("formula"))
        return data

    def base(self) -> tuple[Decimal, str] | None:
        """The plan's published base-year value as typed (value, source), or None when left blank."""
        value = self.cleaned_data.get("base_value")
        if value is None:
            return None
        return value, self.cleaned_data.get("base_source") or _("联席会议办公室录入")

    def _split_targets(self, formula: str | None) -> dict:
        """Read the split-target inputs (split-<parcel id>, note-<parcel id>): parcel id → (value, note)."""
        found = {}
        for parcel in self.parcels:
            text = (self.data.get(f"split-{parcel.id}") or "").strip().replace(",", "")
            if not text:
                continue
            try:
                value = Decimal(text)
            except InvalidOperation:
                value = Decimal(-1)
            if not value.is_finite() or value < 0:
                self.add_error(
                    None,
                    _("地块“%(parcel)s”的分解目标值“%(value)s”不是非负数") % {"parcel": parcel.name_zh, "value": text},
                )
                continue
            found[parcel.id] = (value, (self.data.get(f"note-{parcel.id}") or "").strip())
        if found and formula and _is_ratio(formula):
            self.add_error(None, _("比率类指标不能分解到地块：只有计数或合计类指标可以"))
        return found

    def split_rows(self) -> list[dict]:
        """The split-target inputs as the template shows them: each covered parcel with its value and note."""
        stored = {t.parcel_id: t for t in self.instance.parcel_targets.all()} if self.instance.pk else {}
        rows = []
        for parcel in self.parcels:
            if self.is_bound:
                value, note = self.data.get(f"split-{parcel.id}", ""), self.data.get(f"note-{parcel.id}", "")
            else:
                target = stored.get(parcel.id)
                value, note = (target.value.normalize(), target.note) if target else ("", "")
            rows.append({"parcel": parcel, "value": value, "note": note})
        return rows


def _is_ratio(formula: str) -> bool:
    try:
        return formulas.parse(formula).is_ratio
    except formulas.FormulaError:
        return False


class ElementForm(forms.ModelForm):
    """A new data element (统计指标项): the model's own validation (code, range, kind and decimals)."""

    class Meta:
        model = DataElement
        fields = [*DataElement.DESCRIBED_BY, "first_period"]
        widgets = {"help_zh": forms.Textarea(attrs={"rows": 2}), "help_en": forms.Textarea(attrs={"rows": 2})}


class PublishForm(forms.Form):
    confirm = forms.BooleanField(label=_lazy("我已核对检查结果，确认发布"), required=True)
