"""``sifa import-laws DIR|FILE…``: import Markdown law texts, one line per file (导入/未变化/新版本).

Each file is imported on its own (all-or-nothing per file). A file that cannot be parsed is reported
with its line and nothing of it is written; the command then exits non-zero after the other files.
Files not starting with a ``# `` title line (such as a README) are rejected the same way when named
explicitly, and skipped when found while walking a directory.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from sifa.core.accounts.actor import Actor
from sifa.core.errors import SifaError
from sifa.core.laws.services import import_law_text


def _files(paths: list[str]) -> list[Path]:
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            out += sorted(p for p in path.rglob("*.md") if p.name.lower() != "readme.md")
        elif path.is_file():
            out.append(path)
        else:
            raise CommandError(f"找不到文件或目录：{raw}")
    return out


class Command(BaseCommand):
    help = "导入法规文本（Markdown；目录或文件）：内容未变则跳过，内容变化则作为新版本导入并对引用条文发出复核预警"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("paths", nargs="+", help="法规文本目录或 .md 文件")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = Actor.system("import-laws")
        failed = 0
        for path in _files(options["paths"]):
            try:
                text = path.read_text(encoding="utf-8-sig")
                result = import_law_text(actor=actor, text=text, source_name=path.name)
            except (SifaError, UnicodeDecodeError) as exc:
                failed += 1
                message = exc.message if isinstance(exc, SifaError) else f"{path.name}：不是 UTF-8 编码的文本"
                self.stderr.write(f"错误：{message}")
                continue
            self.stdout.write(f"{path.name}　{result.summary}")
        if failed:
            raise CommandError(f"{failed} 个文件未导入（见上方错误）")
