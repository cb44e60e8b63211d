"""Page forms of 双随机一公开. Field names are the services' keyword names, so an error lands beside its field."""

from __future__ import annotations

from typing import Any

from django import forms

from sifa.core.accounts.actor import Actor
from sifa.core.ui.forms import BootstrapMixin
from sifa.modules.enforcement.choices import EnforcementField
from sifa.modules.enforcement.forms import BodyChoiceField, DateInput
from sifa.modules.enforcement.inspection_models import CreditGrade, InspectionOutcome, RiskLevel, SamplingMode
from sifa.modules.enforcement.inspection_selectors import DEFAULT_SAMPLING
from sifa.modules.enforcement.models import EnforcementOfficer, PowerItem
from sifa.modules.enforcement.selectors import active_bodies_for


class PlanForm(BootstrapMixin, forms.Form):
    body = BodyChoiceField(label="执法主体", queryset=None)
    title = forms.CharField(label="计划名称", max_length=200)
    field = forms.ChoiceField(label="执法领域", choices=EnforcementField.choices)
    power_items: forms.ModelMultipleChoiceField[PowerItem] = forms.ModelMultipleChoiceField(label="检查事项", queryset=None, required=False,
                                                 help_text="可多选；执法人员的执法证须覆盖所选事项的领域")
    risk_levels = forms.MultipleChoiceField(label="风险等级范围", choices=RiskLevel.choices, required=False,
                                            widget=forms.CheckboxSelectMultiple, help_text="不选表示不限")
    credit_grades = forms.MultipleChoiceField(label="信用等级范围", choices=CreditGrade.choices, required=False,
                                              widget=forms.CheckboxSelectMultiple, help_text="不选表示不限")
    sampling_mode = forms.ChoiceField(label="抽取方式", choices=SamplingMode.choices, initial=SamplingMode.RATIO)
    sample_count = forms.IntegerField(label="抽取数量（固定数量时）", min_value=1, max_value=10000, required=False)
    inspectors_per_target = forms.IntegerField(label="每个对象的检查人员数", min_value=2, max_value=10, initial=2,
                                               help_text="不少于 2 人（AP-12，《行政处罚法》第四十二条）")
    window_start = forms.DateField(label="检查开始日期", widget=DateInput())
    window_end = forms.DateField(label="检查截止日期", widget=DateInput())
    notes = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = active_bodies_for(actor)  # type: ignore[attr-defined]
        self.fields["power_items"].queryset = (  # type: ignore[attr-defined]
            PowerItem.objects.visible_to(actor).active().filter(kind="inspection").select_related("body"))
        for cls in DEFAULT_SAMPLING:
            self.fields[f"percent_{cls['key']}"] = forms.FloatField(
                label=f"抽取比例 %：{cls['label']}", min_value=0, max_value=100, initial=cls["percent"], required=False,
                help_text="按分类比例时使用（示例配置，可按本地细则调整）")
        self.fields["power_items"].label_from_instance = lambda o: f"{o.body.name} · {o}"  # type: ignore[attr-defined]

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["percents"] = {c["key"]: data.pop(f"percent_{c['key']}") for c in DEFAULT_SAMPLING
                            if data.get(f"percent_{c['key']}") is not None}
        for c in DEFAULT_SAMPLING:
            data.pop(f"percent_{c['key']}", None)
        return data


class CancelForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label="取消原因", max_length=500)


class ResultForm(BootstrapMixin, forms.Form):
    outcome = forms.ChoiceField(label="检查结果", choices=InspectionOutcome.choices)
    inspected_on = forms.DateField(label="检查日期", widget=DateInput())
    note = forms.CharField(label="结果说明", required=False, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text="责令整改、移交立案或无法检查时必填")
    case_reference = forms.CharField(label="移交立案编号", max_length=64, required=False)


class TargetImportForm(BootstrapMixin, forms.Form):
    body = BodyChoiceField(label="执法主体", queryset=None)
    file = forms.FileField(label="监管对象表（.xlsx）")

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = active_bodies_for(actor)  # type: ignore[attr-defined]


class ConflictForm(BootstrapMixin, forms.Form):
    officer: forms.ModelChoiceField[EnforcementOfficer] = forms.ModelChoiceField(label="执法人员", queryset=None)
    reason = forms.CharField(label="回避原因", max_length=255)

    def __init__(self, *args: Any, officers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = officers  # type: ignore[attr-defined]
