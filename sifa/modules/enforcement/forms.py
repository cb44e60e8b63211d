"""Page forms. Field names are the services' keyword names, so a service error lands beside its field."""

from __future__ import annotations

from typing import Any

from django import forms

from sifa.core.accounts.actor import Actor
from sifa.core.accounts.models import User
from sifa.core.ui.forms import BootstrapMixin
from sifa.modules.enforcement.choices import (
    BodyKind,
    CertificateStatus,
    Circumstance,
    EnforcementField,
    PartyType,
    PenaltyType,
    PowerKind,
)
from sifa.modules.enforcement.selectors import active_bodies_for, orgs_for_new_body


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class BodyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class _AreaCodesField(forms.CharField):
    def clean(self, value: Any) -> list[str]:
        text = super().clean(value) or ""
        return [c for c in text.replace("，", ",").replace("、", ",").replace(" ", ",").split(",") if c]


class BodyForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label="主体名称", max_length=128, required=False, help_text="留空则使用机构名称")
    kind = forms.ChoiceField(label="主体类型", choices=BodyKind.choices)
    legal_basis = forms.CharField(label="职权依据", required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                  help_text="如：《浙江省综合行政执法条例》第八条")
    entrusted_by = BodyChoiceField(label="委托机关", queryset=None, required=False, empty_label="（受委托组织填写）")
    entrustment_scope = forms.CharField(label="委托事项和权限", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    entrustment_until = forms.DateField(label="委托期限至", widget=DateInput(), required=False)
    area_codes = _AreaCodesField(label="执法区域（区划代码）", required=False,
                                 help_text="多个用逗号分隔，如 330111,330111001")

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["entrusted_by"].queryset = active_bodies_for(actor)  # type: ignore[attr-defined]


class OrgChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.get_type_display()}）"


class BodyCreateForm(BodyForm):
    org = OrgChoiceField(label="所属机构", queryset=None, empty_label="请选择机构")
    field_order = ["org", "name", "kind", "legal_basis", "entrusted_by", "entrustment_scope", "entrustment_until",
                   "area_codes"]

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, actor=actor, **kwargs)
        self.fields["org"].queryset = orgs_for_new_body(actor)  # type: ignore[attr-defined]


class BodyEditForm(BodyForm):
    active = forms.BooleanField(label="在用", required=False)


class OfficerForm(BootstrapMixin, forms.Form):
    body = BodyChoiceField(label="执法主体", queryset=None, empty_label="请选择执法主体")
    certificate_number = forms.CharField(label="执法证号", max_length=32)
    certificate_scope = forms.MultipleChoiceField(label="执法领域", choices=EnforcementField.choices,
                                                  widget=forms.CheckboxSelectMultiple)
    valid_from = forms.DateField(label="发证日期", widget=DateInput())
    valid_until = forms.DateField(label="有效期至", widget=DateInput(), required=False,
                                  help_text="留空为发证之日起五年（AP-42）")
    is_auxiliary = forms.BooleanField(label="辅助人员（只能协助执法）", required=False)
    has_legal_qualification = forms.BooleanField(label="具有法律职业资格", required=False)
    user = forms.ModelChoiceField(label="平台账号", queryset=User.objects.none(), required=False,
                                  empty_label="（不关联）")
    phone = forms.CharField(label="联系电话", max_length=32, required=False)
    notes = forms.CharField(label="备注", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bodies = active_bodies_for(actor)
        self.fields["body"].queryset = bodies  # type: ignore[attr-defined]
        paths = [b.org.path for b in bodies[:50]]
        users = User.objects.none()
        if paths:
            from django.db.models import Q

            condition = Q()
            for path in paths:
                condition |= Q(memberships__org__path__startswith=path, memberships__is_active=True)
            users = User.objects.filter(condition).distinct().order_by("username")
        self.fields["user"].queryset = users  # type: ignore[attr-defined]


class OfficerCreateForm(OfficerForm):
    name = forms.CharField(label="姓名", max_length=64)
    id_number = forms.CharField(label="居民身份证号", max_length=32,
                                help_text="已在人员库登记的，使用已登记的人员（姓名须一致）；未登记的同时登记到人员库")
    field_order = ["name", "id_number", "body"]


class OfficerEditForm(OfficerForm):
    status = forms.ChoiceField(label="证件状态", choices=CertificateStatus.choices)
    field_order = ["body", "certificate_number", "status"]


class PowerItemForm(BootstrapMixin, forms.Form):
    code = forms.CharField(label="事项编码", max_length=64)
    name = forms.CharField(label="事项名称", max_length=255)
    kind = forms.ChoiceField(label="事项类型", choices=PowerKind.choices)
    field = forms.ChoiceField(label="执法领域", choices=EnforcementField.choices)
    penalty_types = forms.MultipleChoiceField(label="处罚种类（行政处罚事项）", choices=PenaltyType.choices,
                                              required=False, widget=forms.CheckboxSelectMultiple)
    basis_text = forms.CharField(label="实施依据", widget=forms.Textarea(attrs={"rows": 4}),
                                 help_text="写明条文，如：《浙江省综合行政执法条例》第八条；处罚依据：《……》第……条")


class PowerItemCreateForm(PowerItemForm):
    body = BodyChoiceField(label="执法主体", queryset=None, empty_label="请选择执法主体")
    field_order = ["body"]

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = active_bodies_for(actor)  # type: ignore[attr-defined]


class PowerItemEditForm(PowerItemForm):
    active = forms.BooleanField(label="在用", required=False)


class DiscretionRuleForm(BootstrapMixin, forms.Form):
    circumstance = forms.ChoiceField(label="违法情节", choices=Circumstance.choices)
    conditions = forms.CharField(label="情节描述", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    penalty_type = forms.ChoiceField(label="处罚种类", choices=PenaltyType.choices)
    party_type = forms.ChoiceField(label="当事人类型", choices=PartyType.choices, initial=PartyType.ANY)
    min_amount = forms.DecimalField(label="下限（元）", required=False, max_digits=14, decimal_places=2, min_value=0)
    max_amount = forms.DecimalField(label="上限（元）", required=False, max_digits=14, decimal_places=2, min_value=0)
    unit_note = forms.CharField(label="计罚说明", max_length=128, required=False)
    basis_text = forms.CharField(label="裁量依据", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    order = forms.IntegerField(label="顺序", min_value=0, max_value=999, initial=0)


class DiscretionRuleEditForm(DiscretionRuleForm):
    active = forms.BooleanField(label="在用", required=False)


class ImportForm(BootstrapMixin, forms.Form):
    file = forms.FileField(label="名册文件（.xlsx）")
