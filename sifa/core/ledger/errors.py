"""Errors of the evidence ledger (CONVENTIONS §4.9)."""

from __future__ import annotations

from sifa.core.appendonly import AppendOnlyError
from sifa.core.errors import Conflict, SifaError


class LedgerIsAppendOnly(AppendOnlyError):
    """A programming error: code tried to change or delete a ledger entry or checkpoint."""


class NoCheckpointYet(Conflict):
    code = "ledger_no_checkpoint"
    title = "尚无检查点"

    def __init__(self) -> None:
        super().__init__("存证账本尚未生成检查点，请稍后再试")


class LedgerMisconfigured(SifaError):
    """The configured hash algorithm differs from the one the ledger was created with."""

    code = "ledger_misconfigured"
    status = 500
    title = "存证账本配置有误"
