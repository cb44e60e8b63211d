"""Place forms: the management form (create/edit), the photo upload and the Excel import."""

from __future__ import annotations

from typing import Any

from django import forms

from sifa.core.accounts.actor import Actor
from sifa.core.errors import ValidationFailed
from sifa.core.orgs.models import Org
from sifa.core.ui.forms import BootstrapMixin
from sifa.modules.legal_services.choices import PlaceType
from sifa.modules.legal_services.models import ServicePlace
from sifa.modules.legal_services.validation import resolve_township, service_tags


class OrgChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class PlaceForm(BootstrapMixin, forms.Form):
    type = forms.ChoiceField(label="场所类型", choices=[("", "请选择")] + list(PlaceType.choices))
    name = forms.CharField(label="名称", max_length=128)
    org = OrgChoiceField(label="维护机构", queryset=Org.objects.none(), empty_label=None,
                         help_text="由该机构及其上级维护本场所信息")
    township = forms.CharField(label="所在乡镇（街道）", max_length=64, required=False,
                               help_text="填写名称（如 富春街道）或 9 位区划代码；区县级场所可填所在街道")
    address = forms.CharField(label="地址", max_length=255)
    longitude = forms.CharField(label="经度", max_length=20, widget=forms.TextInput(attrs={"inputmode": "decimal"}),
                                help_text="WGS-84 / CGCS2000（天地图坐标），十进制度，如 119.960123")
    latitude = forms.CharField(label="纬度", max_length=20, widget=forms.TextInput(attrs={"inputmode": "decimal"}),
                               help_text="如 30.049871。高德、百度地图的坐标有偏移，须换算后填写")
    opening_hours = forms.CharField(label="开放时间", max_length=500, required=False,
                                    widget=forms.Textarea(attrs={"rows": 2}))
    services = forms.MultipleChoiceField(label="服务事项", required=False,
                                         widget=forms.CheckboxSelectMultiple(attrs={"class": "form-selectgroup-input"}))
    description = forms.CharField(label="简介", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    contact_person = forms.CharField(label="联系人", max_length=64, required=False,
                                     help_text="公开显示：请填写岗位联系人（如 王主任），不要填写私人信息")
    phone = forms.CharField(label="联系电话", max_length=64, required=False, help_text="公开显示；多个号码用顿号分隔")
    panorama_url = forms.CharField(label="全景/VR 链接", max_length=500, required=False,
                                   widget=forms.URLInput(attrs={"inputmode": "url"}))
    published = forms.BooleanField(label="在公开地图上发布", required=False, initial=True)

    def __init__(self, *args: Any, actor: Actor, place: ServicePlace | None = None, **kwargs: Any) -> None:
        if place is not None and "initial" not in kwargs:
            kwargs["initial"] = initial_of(place)
        super().__init__(*args, **kwargs)
        orgs = Org.objects.visible_to(actor).current().select_related("region").order_by("path")
        self.fields["org"].queryset = orgs  # type: ignore[attr-defined]
        if actor.org is not None and place is None:
            self.fields["org"].initial = actor.org.pk
        tags = service_tags()
        extra = [t for t in (place.services if place else []) if t not in tags]
        self.fields["services"].choices = [(t, t) for t in tags + extra]  # type: ignore[attr-defined]
        self.fields["township"].widget.attrs["list"] = "township-options"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        org = data.get("org")
        try:
            data["township"] = resolve_township(data.get("township", ""), org)
        except ValidationFailed as exc:
            self.add_error("township", exc.message)
        return data

    def values(self) -> dict[str, Any]:
        """The cleaned data as a service's ``values``."""
        return dict(self.cleaned_data)


def initial_of(place: ServicePlace) -> dict[str, Any]:
    return {"type": place.type, "name": place.name, "org": place.org_id,
            "township": place.township.name if place.township else "", "address": place.address,
            "longitude": str(place.longitude), "latitude": str(place.latitude), "opening_hours": place.opening_hours,
            "services": list(place.services), "description": place.description,
            "contact_person": place.contact_person, "phone": place.phone, "panorama_url": place.panorama_url,
            "published": place.published}


class ImportForm(forms.Form):
    file = forms.FileField(label="Excel 文件（.xlsx）",
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx", "class": "form-control"}))
