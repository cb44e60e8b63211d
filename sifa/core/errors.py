"""One error vocabulary for pages, API and CLI (CONVENTIONS §4.9).

Every error has a stable ``code`` (for API clients), a Chinese ``message`` and, where it concerns
one input, the ``field`` it concerns. The API renders them as RFC 9457 problem+json; pages show the
message beside the field.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence


class SifaError(Exception):
    """Base class. Subclasses set ``code`` and ``status``."""

    code = "error"
    status = 400
    title = "请求有误"

    def __init__(self, message: str, *, field: str | None = None, errors: Sequence[Mapping[str, str]] = ()):
        super().__init__(message)
        self.message = message
        self.field = field
        self.errors: list[dict[str, str]] = [dict(e) for e in errors]
        if field and not self.errors:
            self.errors = [{"field": field, "message": message}]


class ValidationFailed(SifaError):
    code = "validation_failed"
    status = 400
    title = "输入有误"


class NotFound(SifaError):
    """Missing and out-of-scope objects answer the same way (CONVENTIONS §4.7)."""

    code = "not_found"
    status = 404
    title = "未找到"

    def __init__(self, message: str = "对象不存在或无权访问") -> None:
        super().__init__(message)


class PermissionDeniedError(SifaError):
    code = "permission_denied"
    status = 403
    title = "无权操作"

    def __init__(self, message: str = "当前身份无权执行此操作") -> None:
        super().__init__(message)


class Conflict(SifaError):
    code = "conflict"
    status = 409
    title = "状态冲突"


class DuplicateError(Conflict):
    code = "duplicate"
    title = "重复登记"

    def __init__(self, message: str, *, field: str | None = None, existing_url: str | None = None) -> None:
        super().__init__(message, field=field)
        self.existing_url = existing_url
