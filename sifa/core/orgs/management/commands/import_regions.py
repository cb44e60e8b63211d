from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from sifa.core.accounts.actor import Actor
from sifa.core.errors import ValidationFailed
from sifa.core.orgs.regions import DATA_FILE, read_region_rows
from sifa.core.orgs.services import import_regions


class Command(BaseCommand):
    help = "导入行政区划（默认：随软件发布的浙江省全部及赤峰市区划，来源见文件头）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", nargs="?", default=str(DATA_FILE), help="CSV 文件（code,name），默认随软件发布的数据")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.exists():
            raise CommandError(f"文件不存在：{path}")
        with path.open(encoding="utf-8") as fh:
            rows = list(read_region_rows(fh))
        try:
            result = import_regions(actor=Actor.system("import-regions"), rows=rows, source=str(path.name))
        except ValidationFailed as exc:
            for err in exc.errors[:50]:
                self.stderr.write(err["message"])
            raise CommandError(exc.message) from exc
        self.stdout.write(f"行政区划：读取 {result['rows']} 行，新增 {result['created']}，更名 {result['renamed']}")
