"""Password policy (等保2.0 三级 / ASVS 2.1): ≥ 8 characters, 3 character classes, not the username."""

from __future__ import annotations

import string
from typing import Any

from django.core.exceptions import ValidationError


def character_classes(password: str) -> int:
    classes = [
        any(c in string.ascii_lowercase for c in password),
        any(c in string.ascii_uppercase for c in password),
        any(c in string.digits for c in password),
        any(not c.isalnum() for c in password),
    ]
    return sum(classes)


class SifaPasswordValidator:
    min_length = 8

    def validate(self, password: str, user: Any = None) -> None:
        errors = []
        if len(password) < self.min_length:
            errors.append(ValidationError(f"密码至少需要 {self.min_length} 个字符", code="password_too_short"))
        if character_classes(password) < 3:
            errors.append(
                ValidationError("密码须包含大写字母、小写字母、数字、特殊字符中的至少三类", code="password_classes")
            )
        username = getattr(user, "username", "") or ""
        if username and username.lower() in password.lower():
            errors.append(ValidationError("密码不得包含用户名", code="password_contains_username"))
        if errors:
            raise ValidationError(errors)

    def get_help_text(self) -> str:
        return "密码至少 8 位，包含大写字母、小写字母、数字、特殊字符中的至少三类，且不得包含用户名。"
