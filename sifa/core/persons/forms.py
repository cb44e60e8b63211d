from __future__ import annotations

from django import forms

from sifa.core.orgs.models import Region
from sifa.core.ui.forms import BootstrapMixin


class RegionCodeField(forms.CharField):
    """A region entered by its code; unknown codes are refused with a message naming the field."""

    def clean(self, value: str | None) -> Region | None:
        code = super().clean(value)
        if not code:
            return None
        region = Region.objects.current().filter(code=code.strip()).first()
        if region is None:
            raise forms.ValidationError(f"区划代码 {code} 不存在")
        return region


class PersonForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label="姓名", max_length=64)
    id_number = forms.CharField(label="居民身份证号", max_length=18, min_length=1,
                                help_text="18 位，最后一位可为 X；系统校验地址码、出生日期与校验码")
    phone = forms.CharField(label="联系电话", max_length=32, required=False)
    address = forms.CharField(label="住址", max_length=255, required=False)
    region = RegionCodeField(label="居住地区划代码", max_length=12, required=False, help_text="如 330111001")


class PersonEditForm(PersonForm):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["id_number"]


class EntityForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label="名称", max_length=128)
    credit_code = forms.CharField(label="统一社会信用代码", max_length=18)
    legal_representative = forms.CharField(label="法定代表人", max_length=64, required=False)
    address = forms.CharField(label="住所", max_length=255, required=False)
    region = RegionCodeField(label="所在区划代码", max_length=12, required=False)
