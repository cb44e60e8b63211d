"""Forms of the law library pages."""

from __future__ import annotations

from django import forms

from sifa.core.laws.choices import LawKind
from sifa.core.ui.forms import BootstrapMixin


class RepealForm(BootstrapMixin, forms.Form):
    repealed_on = forms.DateField(label="废止日期", widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label="废止说明", max_length=500, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="如：被《……》废止，或自……起失效")


class LawEditForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label="类别", choices=LawKind.choices)
    short_title = forms.CharField(label="简称", max_length=100, required=False,
                                  help_text="引用时可用的简称（如 刑诉法解释），留空则用法名")
