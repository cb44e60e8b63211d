"""Glue between page forms and service errors: a SifaError lands beside its field, in Chinese."""

from __future__ import annotations

from django import forms
from django.utils.safestring import mark_safe

from sifa.core.errors import DuplicateError, SifaError


def attach_error(form: forms.Form, exc: SifaError) -> None:
    fields = [e.get("field") for e in exc.errors] or [exc.field]
    message: str = exc.message
    if isinstance(exc, DuplicateError) and exc.existing_url:
        message = mark_safe(f'{exc.message}：<a href="{exc.existing_url}">查看已登记记录</a>')  # noqa: S308 (url is ours)
    placed = False
    for field in fields:
        if field and field in form.fields:
            form.add_error(field, message)
            placed = True
    if not placed:
        form.add_error(None, message)


class BootstrapMixin:
    """Adds Tabler/Bootstrap classes to widgets."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # type: ignore[attr-defined]
            widget = field.widget
            css = "form-select" if isinstance(widget, forms.Select) else (
                "form-check-input" if isinstance(widget, forms.CheckboxInput) else "form-control")
            widget.attrs.setdefault("class", css)
