"""The narrative form of the indicator page."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .services import TEXT_MAX


class NarrativeForm(forms.Form):
    year = forms.IntegerField(widget=forms.HiddenInput)
    based_on = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    reasons = forms.CharField(
        label=_("原因分析"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("指标为何达到或未达到预期：主要因素、涉及的地块和企业情况。"),
    )
    measures = forms.CharField(
        label=_("下一步措施"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("将采取的措施、责任单位和时间安排。"),
    )
