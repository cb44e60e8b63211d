from __future__ import annotations

import datetime
import io
from collections.abc import Callable

import pytest
from django.core.management import call_command
from django.utils import timezone

from sifa.core import registry
from sifa.core.tasks.models import PeriodicJobState


@pytest.fixture
def run_worker(db) -> Callable[..., str]:  # type: ignore[no-untyped-def]
    """``sifa worker --once`` (queue only unless ``scheduler=True``); returns what it logged."""

    def run(*, scheduler: bool = False, **options: object) -> str:
        out = io.StringIO()
        call_command("worker", once=True, no_scheduler=not scheduler, stdout=out, **options)
        return out.getvalue()

    return run


@pytest.fixture
def only_due(db) -> Callable[[str], None]:  # type: ignore[no-untyped-def]
    """Make every registered periodic job but ``name`` look just enqueued (other modules' jobs stay out)."""

    def make(name: str) -> None:
        now = timezone.now()
        for job in registry.periodic_jobs.values():
            PeriodicJobState.objects.update_or_create(
                name=job.name, defaults={"last_enqueued_at": None if job.name == name else now})

    return make


def days_ago(n: float) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=n)
