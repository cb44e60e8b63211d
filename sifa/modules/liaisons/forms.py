"""Page forms. Field names are the services' keyword names, so a service error lands beside its field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from sifa.core.accounts.actor import Actor
from sifa.core.ui.forms import BootstrapMixin
from sifa.modules.liaisons.choices import ActivityKind, RewardLevel
from sifa.modules.liaisons.selectors import offices_for


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Several files from one input (``<input type=file multiple>``); cleans to a list, empty when none."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultiplePhotoInput(attrs={"accept": "image/*"}))
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        items = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [super(MultiplePhotoField, self).clean(item, initial) for item in items]


class OfficeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.parent.name} · {obj.name}" if obj.parent_id else obj.name


class _OfficeMixin:
    """The 司法所 select: the current 司法所 in the actor's scope; preselected when the actor is one."""

    def _setup_office(self, actor: Actor) -> None:
        field: OfficeChoiceField = self.fields["org"]  # type: ignore[attr-defined]
        field.queryset = offices_for(actor).order_by("path")
        if actor.org is not None and field.queryset.filter(pk=actor.org.pk).exists():
            field.initial = actor.org.pk


class LiaisonForm(BootstrapMixin, _OfficeMixin, forms.Form):
    name = forms.CharField(label="姓名", max_length=64)
    id_number = forms.CharField(label="居民身份证号", max_length=32,
                                help_text="已在人员库登记的，使用已登记的人员（姓名须一致）；未登记的同时登记到人员库")
    phone = forms.CharField(label="联系电话", max_length=32, required=False)
    org = OfficeChoiceField(label="管理司法所", queryset=None, empty_label="请选择司法所")
    community = forms.CharField(label="所在村（社区）", max_length=64)
    appointed_on = forms.DateField(label="聘任日期", widget=DateInput(), required=False, help_text="留空为今天")
    notes = forms.CharField(label="备注", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._setup_office(actor)


class LiaisonEditForm(BootstrapMixin, _OfficeMixin, forms.Form):
    org = OfficeChoiceField(label="管理司法所", queryset=None, empty_label="请选择司法所")
    community = forms.CharField(label="所在村（社区）", max_length=64)
    phone = forms.CharField(label="联系电话", max_length=32, required=False, help_text="留空则使用人员库中的电话")
    appointed_on = forms.DateField(label="聘任日期", widget=DateInput())
    notes = forms.CharField(label="备注", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._setup_office(actor)


class TrainingForm(BootstrapMixin, forms.Form):
    trained_on = forms.DateField(label="培训日期", widget=DateInput(), initial=timezone.localdate)
    title = forms.CharField(label="培训内容", max_length=128)
    hours = forms.DecimalField(label="学时", min_value=0.1, max_value=24, decimal_places=1, initial=2,
                               widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}))
    organiser = forms.CharField(label="组织单位", max_length=128, required=False)


class ActivityForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label="活动类型", choices=ActivityKind.choices)
    done_on = forms.DateField(label="日期", widget=DateInput(), initial=timezone.localdate)
    count = forms.IntegerField(label="次数（件数）", min_value=1, max_value=999, initial=1,
                               help_text="宣传场次、调处纠纷件数或解答咨询人次",
                               widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    note = forms.CharField(label="情况说明", max_length=255, required=False)
    photos = MultiplePhotoField(label="现场照片", required=False, help_text="可选，最多 9 张图片，可直接拍照")


class RewardForm(BootstrapMixin, forms.Form):
    granted_on = forms.DateField(label="奖励日期", widget=DateInput(), initial=timezone.localdate)
    title = forms.CharField(label="奖励名称", max_length=128, help_text="如：2025 年度优秀法律明白人")
    level = forms.ChoiceField(label="级别", choices=RewardLevel.choices)
    reason = forms.CharField(label="奖励事由", max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))


class RemoveForm(BootstrapMixin, forms.Form):
    removed_on = forms.DateField(label="除名日期", widget=DateInput(), initial=timezone.localdate)
    reason = forms.CharField(label="除名原因", max_length=1000, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="必填，记入档案与审计日志")


class ImportForm(BootstrapMixin, forms.Form):
    file = forms.FileField(label="名册文件（.xlsx）",
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,application/vnd.openxmlformats-"
                                                                            "officedocument.spreadsheetml.sheet"}))
