"""How a task run's state is shown: Chinese labels and badge colours (CONVENTIONS §4.19)."""

from __future__ import annotations

from django.db import models


class RunState(models.TextChoices):
    """The state shown to administrators. ``RETRYING`` is a READY row that already failed at least once."""

    READY = "READY", "排队中"
    RETRYING = "RETRYING", "等待重试"
    RUNNING = "RUNNING", "运行中"
    SUCCESSFUL = "SUCCESSFUL", "成功"
    FAILED = "FAILED", "失败"


BADGE_COLOURS = {
    RunState.READY: "bg-blue-lt",
    RunState.RETRYING: "bg-orange-lt",
    RunState.RUNNING: "bg-cyan-lt",
    RunState.SUCCESSFUL: "bg-green-lt",
    RunState.FAILED: "bg-red-lt",
}
