from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from sifa.core.accounts.actor import Actor
from sifa.core.errors import SifaError
from sifa.core.orgs.models import Org
from sifa.core.scoring.schemefile import read_scheme_file
from sifa.core.scoring.services import import_scheme


def _org(value: str | None) -> Org | None:
    """--org: an org id or exact name; without it, a new scheme belongs to the single top-level org."""
    if not value:
        return None
    orgs = Org.objects.filter(pk=int(value)) if value.isdigit() else Org.objects.filter(name=value)
    found = list(orgs[:2])
    if len(found) != 1:
        raise CommandError(f"机构不存在或不唯一：{value}")
    return found[0]


def _root_org() -> Org:
    roots = list(Org.objects.current().filter(parent__isnull=True)[:2])
    if len(roots) != 1:
        raise CommandError("有多个顶层机构，请用 --org 指定方案所属机构")
    return roots[0]


class Command(BaseCommand):
    help = "导入考核方案的一个版本（JSON 或 TOML，格式见 docs/engines/scoring.md）；有任何错误则不写入"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="方案文件（.json 或 .toml）")
        parser.add_argument("--org", help="方案所属机构（ID 或全称）；新方案默认为顶层机构，已有方案沿用原机构")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            data = read_scheme_file(path)
            owner = _org(options.get("org"))
            if owner is None and not _scheme_exists(data):
                owner = _root_org()
            version = import_scheme(actor=Actor.system("import-scheme"), data=data, owner=owner, source_name=path.name)
        except SifaError as exc:
            for err in exc.errors[:100]:
                self.stderr.write(err["message"])
            raise CommandError(exc.message) from exc
        scheme = version.scheme
        self.stdout.write(f"考核方案 {scheme.code}「{scheme.name}」第 {version.number} 版：{version.valid_from} 起生效，"
                          f"总分 {version.total}，所属机构 {scheme.owner.name}")


def _scheme_exists(data: dict[str, Any]) -> bool:
    from sifa.core.scoring.models import Scheme

    return Scheme.objects.filter(code=str(data.get("code", "")).strip()).exists()
