"""Page forms of the deadlines engine. Validation lives in calculator.py and services.py; these forms
only carry the text and place the Chinese errors beside their fields."""

from __future__ import annotations

from django import forms

from sifa.core.deadlines import rules
from sifa.core.deadlines.periods import STATUTES
from sifa.core.ui.forms import BootstrapMixin


def rule_choices() -> list[tuple[str, object]]:
    choices: list[tuple[str, object]] = [("", "自定义期间（不选规则）")]
    for domain, items in rules.rules_by_domain():
        choices.append((domain, [(r.id, f"{r.id} {r.title}（{r.period_label()}）") for r in items]))
    return choices


class CalculatorForm(BootstrapMixin, forms.Form):
    rule = forms.CharField(label="期限规则", required=False, widget=forms.Select)
    start = forms.CharField(label="起算日", required=False, widget=forms.DateInput(attrs={"type": "date"}),
                            help_text="当日不计入；通知类规则填写听证等事件的日期")
    start_time = forms.CharField(label="起算时刻", required=False, widget=forms.TimeInput(attrs={"type": "time"}),
                                 help_text="仅以小时计算的期间填写")
    period = forms.CharField(label="期间", required=False, max_length=40,
                             help_text="自定义期间或刑期，如 5工作日、15日、3个月、1年、48小时")
    variant = forms.ChoiceField(label="配置选项", required=False, choices=[
        ("", "默认"), ("工作日", "工作日（地方规定）"), ("不顺延", "不顺延"), ("在押", "在押（不顺延）")])
    statute = forms.ChoiceField(label="适用法律（自定义期间）", required=False,
                                choices=[("", "未指定（按《民法典》顺延）")] + [(name, f"《{name}》") for name in STATUTES])
    custody_days = forms.CharField(label="判决执行前羁押天数", required=False, max_length=6,
                                   widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    extend = forms.CharField(label="延长期间", required=False, max_length=40, help_text="如 三十日、一个月")
    extend_reason = forms.CharField(label="延长理由", required=False, max_length=200)
    extend_approver = forms.CharField(label="批准人", required=False, max_length=64)
    suspend_from = forms.CharField(label="中止开始日", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    suspend_to = forms.CharField(label="障碍消除日", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rule"].widget.choices = rule_choices()

    def start_text(self) -> str:
        start = self.cleaned_data.get("start", "").strip()
        time = self.cleaned_data.get("start_time", "").strip()
        return f"{start}T{time}" if start and time else start


class CalendarLoadForm(BootstrapMixin, forms.Form):
    year = forms.IntegerField(label="年份", min_value=2000, max_value=2100)
    notice = forms.CharField(label="通知文号或标题", max_length=200,
                             help_text="如 国办发明电〔2024〕12号")
    rest_days = forms.CharField(label="放假日期（法定节假日及调休休息日）", widget=forms.Textarea(attrs={"rows": 7}),
                                help_text="每行一段：2027-01-01 或 2027-02-06~2027-02-12，可在日期后加空格写节日名称")
    makeup_days = forms.CharField(label="调休上班日期", required=False, widget=forms.Textarea(attrs={"rows": 4}),
                                  help_text="每行一个周六或周日，如 2027-02-20")
    source = forms.CharField(label="来源", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text="发布机关、发布日期与核对的转载")
    replace = forms.BooleanField(label="覆盖已载入的同一年份（更正）", required=False)
