"""Forms of the returns pages: the rows of a return as posted, review comments, unlock reasons."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .. import statfields
from ..models import PendingUpload

MAX_ROWS = 5000


def rows_from_post(data, elements: statfields.Elements) -> list[dict[str, object]]:
    """Read the rows of a return from a POST: ``r-<i>-<code>`` for i < ``rows``, plus the added enterprise.

    ``elements`` are the quarter's (the form's columns). Values stay raw text:
    parcels.returns.validation reads and checks them (a blank is 未填写;
    不适用 where an element may not apply). A flag is posted as 是, 否, 不适用
    or blank from its drop-down.
    """
    try:
        count = min(int(data.get("rows", "0")), MAX_ROWS)
    except ValueError:
        count = 0
    rows = []
    for i in range(count):
        prefix = f"r-{i}-"
        code = (data.get(prefix + "credit_code") or "").strip()
        if not code:
            continue
        row: dict[str, object] = {
            "credit_code": code,
            "enterprise_name": data.get(prefix + "enterprise_name", ""),
            "moved_out": data.get(prefix + "moved_out") == "1",
            "explanation": data.get(prefix + "explanation", ""),
        }
        for name in elements.names:
            row[name] = data.get(prefix + name, "")
        rows.append(row)
    new_code = (data.get("new-credit_code") or "").strip()
    if new_code:
        rows.append(
            {
                "credit_code": new_code,
                "enterprise_name": data.get("new-enterprise_name", ""),
                "moved_out": False,
                "explanation": "",
                **dict.fromkeys(elements.names, ""),
            }
        )
    return rows


def posted_version(data) -> int:
    try:
        return int(data.get("version", ""))
    except ValueError:
        return -1


class SendBackForm(forms.Form):
    comment = forms.CharField(label=_("审核意见"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class UnlockForm(forms.Form):
    reason = forms.CharField(label=_("解锁原因"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Excel或CSV文件"))
    mode = forms.ChoiceField(
        label=_("上传方式"),
        choices=PendingUpload.Mode.choices,
        initial=PendingUpload.Mode.MERGE,
        required=False,
        widget=forms.RadioSelect,
    )

    def clean_mode(self) -> str:
        return self.cleaned_data.get("mode") or PendingUpload.Mode.MERGE
