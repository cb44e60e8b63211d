"""``sifa verify-draw NUMBER_OR_ID``: re-derive a draw from the database and check it against the ledger.

``sifa verify-draw --file draw.json``: check a downloaded record offline (no database), exactly as a
standalone copy of ``sifa/core/draws/algorithm.py`` does (``python3 algorithm.py draw.json``).
Prints Chinese lines; exits 0 when everything checks, 1 otherwise."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from sifa.core.draws import algorithm


class Command(BaseCommand):
    help = "校验随机抽取：按公开的名单、种子与账本根哈希重新推导抽取结果，并核对存证账本"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("draw", nargs="?", default=None, metavar="NUMBER_OR_ID",
                            help="抽取编号（或数据库 id；双随机抽查计划的抽取编号即计划编号）")
        parser.add_argument("--file", dest="file", default=None, metavar="draw.json",
                            help="离线校验下载的 JSON（不访问数据库）")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["file"]:
            try:
                with open(options["file"], encoding="utf-8") as f:
                    record = json.load(f)
            except (OSError, ValueError) as exc:
                raise CommandError(f"无法读取 {options['file']}：{exc}") from exc
            problems = algorithm.verify_record(record)
            self._report(str(record.get("number")), str(record.get("state")), problems, "离线文件")
            return
        if not options["draw"]:
            raise CommandError("请指定抽取编号（或 --file draw.json）")
        from sifa.core.draws.models import RandomDraw
        from sifa.core.draws.selectors import reverify

        key = options["draw"]
        draw = RandomDraw.objects.select_related("org").filter(number=key).first()
        if draw is None and key.isdigit():
            draw = RandomDraw.objects.select_related("org").filter(pk=int(key)).first()
        if draw is None:
            raise CommandError(f"随机抽取「{key}」不存在")
        result = reverify(draw)
        self._report(draw.number, draw.state, result.problems, f"数据库与存证账本（{result.checked}）")

    def _report(self, number: str, state: str, problems: list[str], source: str) -> None:
        self.stdout.write(f"随机抽取 {number}（{state}），核验来源：{source}")
        for p in problems:
            self.stdout.write(f"✘ {p}")
        if problems:
            raise CommandError(f"随机抽取 {number} 核验未通过：{len(problems)} 个问题")
        if state == "drawn":
            self.stdout.write("✔ 按公开数据重新推导，结果一致")
        else:
            self.stdout.write("✔ 承诺有效（尚未抽取或已取消，无结果可推导）")
