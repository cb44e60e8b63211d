from __future__ import annotations

from django import forms

from sifa.core.accounts.models import Role
from sifa.core.orgs.models import Org
from sifa.core.ui.forms import BootstrapMixin


class LoginForm(BootstrapMixin, forms.Form):
    username = forms.CharField(label="用户名", max_length=150)
    password = forms.CharField(label="密码", widget=forms.PasswordInput, max_length=128)


class TotpForm(BootstrapMixin, forms.Form):
    code = forms.CharField(label="动态验证码", max_length=8, min_length=6,
                           widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}))


class PasswordChangeForm(BootstrapMixin, forms.Form):
    old_password = forms.CharField(label="原密码", widget=forms.PasswordInput)
    password = forms.CharField(label="新密码", widget=forms.PasswordInput,
                               help_text="至少 8 位，包含大写字母、小写字母、数字、特殊字符中的至少三类，且不得包含用户名")
    password2 = forms.CharField(label="确认新密码", widget=forms.PasswordInput)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("password") and data.get("password") != data.get("password2"):
            self.add_error("password2", "两次输入的新密码不一致")
        return data


class TokenForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label="令牌名称", max_length=64)


class OrgChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Org) -> str:
        return "　" * obj.depth + obj.name


class UserCreateForm(BootstrapMixin, forms.Form):
    username = forms.CharField(label="用户名", max_length=150)
    display_name = forms.CharField(label="姓名", max_length=64)
    phone = forms.CharField(label="手机号", max_length=32, required=False)
    password = forms.CharField(label="初始密码", widget=forms.PasswordInput,
                               help_text="至少 8 位，包含大写字母、小写字母、数字、特殊字符中的至少三类")
    org = OrgChoiceField(label="机构", queryset=Org.objects.none())
    role = forms.ModelChoiceField(label="角色", queryset=Role.objects.all())

    def __init__(self, *args: object, orgs: object = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        if orgs is not None:
            self.fields["org"].queryset = orgs  # type: ignore[attr-defined]


class MembershipForm(BootstrapMixin, forms.Form):
    org = OrgChoiceField(label="机构", queryset=Org.objects.none())
    role = forms.ModelChoiceField(label="角色", queryset=Role.objects.all())

    def __init__(self, *args: object, orgs: object = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        if orgs is not None:
            self.fields["org"].queryset = orgs  # type: ignore[attr-defined]


class UserEditForm(BootstrapMixin, forms.Form):
    display_name = forms.CharField(label="姓名", max_length=64)
    phone = forms.CharField(label="手机号", max_length=32, required=False)
    is_active = forms.BooleanField(label="账户有效", required=False)
