"""Forms of the 社区矫正 lifecycle pages (intake, 调查评估, the minor-file reason). They only parse;
the rules live in the services, whose errors land beside the fields (``attach_error``)."""

from __future__ import annotations

from typing import Any

from django import forms

from sifa.core.orgs.models import Org
from sifa.core.ui.forms import BootstrapMixin
from sifa.modules.correction import selectors
from sifa.modules.correction.choices import CommissionerType, DecisionOrgType, SentenceType

DATE = forms.DateInput(attrs={"type": "date"})


class IntakeForm(BootstrapMixin, forms.Form):
    """登记社区矫正案件: the person, the judgment, the 执行地 (CC-02, CC-05…CC-07, CC-34)."""

    name = forms.CharField(label="姓名", max_length=64)
    id_number = forms.CharField(label="居民身份证号", max_length=32, help_text="已在人员库登记的，自动关联该人员")
    phone = forms.CharField(label="联系电话", max_length=32, required=False)
    office: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label="执行地司法所", queryset=Org.objects.none(), required=False, help_text="司法所工作人员默认本所；县级社区矫正机构须选择")
    execution_address = forms.CharField(label="执行地（居住地）", max_length=255)
    sentence_type = forms.ChoiceField(label="矫正类别", choices=SentenceType.choices)
    decision_org_type = forms.ChoiceField(label="决定机关类别", choices=DecisionOrgType.choices,
                                          initial=DecisionOrgType.COURT)
    decision_org_name = forms.CharField(label="决定机关", max_length=128, initial="杭州市富阳区人民法院")
    judgment_number = forms.CharField(label="判决（裁定、决定）书文号", max_length=64)
    crimes = forms.CharField(label="罪名", max_length=255)
    original_sentence = forms.CharField(label="原判刑罚", max_length=64, help_text="如 有期徒刑一年、拘役三个月")
    term = forms.CharField(label="矫正期限", max_length=32,
                           help_text="管制刑期、缓刑或假释考验期、暂予监外执行期间，如 1年、1年6个月（CC-34）")
    custody_days = forms.IntegerField(label="判决执行前先行羁押天数（管制）", min_value=0, initial=0, required=False,
                                      help_text="管制：羁押一日折抵刑期二日（《刑法》第四十一条）")
    effective_date = forms.DateField(label="判决（裁定、决定）生效日", widget=DATE)
    decision_received_on = forms.DateField(label="收到暂予监外执行决定（批准）之日", widget=DATE, required=False,
                                           help_text="暂予监外执行：移交期限（十日）自此日起算（CC-07）")
    prohibition_order = forms.CharField(label="禁止令", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    medical_parole = forms.BooleanField(label="保外就医", required=False)

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = selectors.offices_for(actor)  # type: ignore[attr-defined]

    def clean_custody_days(self) -> int:
        return self.cleaned_data.get("custody_days") or 0


class AssessmentForm(BootstrapMixin, forms.Form):
    """登记调查评估委托 (CC-03)."""

    commissioner_type = forms.ChoiceField(label="委托机关类别", choices=CommissionerType.choices)
    commissioner_name = forms.CharField(label="委托机关", max_length=128)
    commission_number = forms.CharField(label="委托函文号", max_length=64, required=False)
    received_on = forms.DateField(label="收到委托之日", widget=DATE)
    urgent = forms.BooleanField(label="紧急", required=False)
    person_name = forms.CharField(label="被评估人", max_length=64)
    proposed_sentence_type = forms.ChoiceField(label="拟适用", choices=SentenceType.choices)
    crimes = forms.CharField(label="涉嫌（所犯）罪名", max_length=255, required=False)
    org: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label="承办机构", queryset=Org.objects.none(),
                                                              required=False, help_text="默认本机构")

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = selectors.assessment_offices_for(actor)  # type: ignore[attr-defined]


class MinorReasonForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label="查阅理由（司法需要或依规查询的依据）", max_length=500,
                             widget=forms.Textarea(attrs={"rows": 3}))


# Extra, optional inputs a step's form offers beside its required fields (name → label).
OPTIONAL_STEP_FIELDS: dict[str, tuple[tuple[str, str], ...]] = {
    "receive": (("term_start", "矫正期起算日（不填按类别默认：管制、缓刑、假释为生效日，暂予监外执行为接收日）"),),
    "discharge": (("procuratorate", "通知的人民检察院"), ("police", "通知的公安机关"), ("prison", "原关押监狱（暂予监外执行）")),
    "record_death": (("procuratorate", "通知的人民检察院"), ("police", "通知的公安机关")),
    "submit": (("submitted_on", "提交评估意见日期（默认今天）"),),
}
# Required fields answered from a list rather than typed.
STEP_CHOICES: dict[str, list[tuple[str, str]]] = {
    "reason@discharge": [("期满", "期满"), ("赦免", "赦免")],
}
TEXTAREAS = ("findings", "reason")


def is_date_field(name: str) -> bool:
    return name.endswith("_on") or name in ("since", "term_start") or name.endswith("_date")
