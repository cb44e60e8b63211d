"""Append-only tables (the audit log, the evidence ledger): rows are written once, never changed.

In the application: the queryset refuses ``update()`` and ``delete()``; ``save()`` refuses any
instance that already has a pk (``Model.save()`` with a pk first tries an UPDATE through
``QuerySet._update``, which the guarded ``update()`` would not see); ``delete()`` refuses. On
PostgreSQL each table also gets a trigger that rejects UPDATE and DELETE (see the apps' migrations).

A model names its error class and the Chinese name used in messages::

    class AuditEvent(AppendOnlyModel):
        append_only_error = AuditLogIsAppendOnly
        append_only_name = "审计日志"
        objects = AuditEventQuerySet.as_manager()   # AppendOnlyQuerySet, or AppendOnlyQuerySetMixin + another base
"""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar

from django.db import models

M = TypeVar("M", bound=models.Model)


class AppendOnlyError(RuntimeError):
    """A programming error: code tried to change or delete a row of an append-only table."""


def _refuse(model: Any, verb: str) -> AppendOnlyError:
    error: type[AppendOnlyError] = getattr(model, "append_only_error", AppendOnlyError)
    name: str = getattr(model, "append_only_name", "该记录")
    return error(f"{name}只能追加，不能{verb}")


class AppendOnlyQuerySetMixin:
    """Put before a QuerySet base (e.g. a ScopedQuerySet) to refuse bulk update and delete."""

    def update(self, **kwargs: Any) -> int:
        raise _refuse(getattr(self, "model", None), "修改")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise _refuse(getattr(self, "model", None), "删除")


class AppendOnlyQuerySet(AppendOnlyQuerySetMixin, models.QuerySet[M]):
    """A plain QuerySet that refuses bulk update and delete."""


class AppendOnlyModel(models.Model):
    append_only_error: ClassVar[type[AppendOnlyError]] = AppendOnlyError
    append_only_name: ClassVar[str] = "该记录"

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise _refuse(self, "修改")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise _refuse(self, "删除")
