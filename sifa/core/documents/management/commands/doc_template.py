"""``sifa doc-template build SPEC_OR_CODE OUT.docx``: build a GB/T 9704 template from its layout spec.

SPEC_OR_CODE is a TOML spec file (sifa/core/documents/layout.py describes the keys) or the code of a
registered document type, whose spec sits beside its shipped template. The shipped .docx files are
made with this command; run it again after editing a spec and commit both files.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from sifa.core import registry
from sifa.core.documents.layout import SpecError, build_docx, load_spec, spec_from_mapping


class Command(BaseCommand):
    help = "由版式说明（TOML）生成符合 GB/T 9704-2012 版式的 .docx 文书模板"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", choices=["build"], help="build：生成模板")
        parser.add_argument("spec", help="版式说明文件（.toml）或已登记的文书类型代码")
        parser.add_argument("out", help="输出的 .docx 文件")

    def handle(self, *args: Any, **options: Any) -> None:
        import tomllib

        from sifa.core.documents.rendering import shipped_spec

        source = options["spec"]
        try:
            if source in registry.document_types:
                text = shipped_spec(registry.document_types[source]).read_text(encoding="utf-8")
                spec = spec_from_mapping(tomllib.loads(text))
            else:
                path = Path(source)
                if not path.is_file():
                    raise CommandError(f"找不到版式说明文件，也没有代码为 {source} 的文书类型")
                spec = load_spec(path)
        except (SpecError, tomllib.TOMLDecodeError) as exc:
            raise CommandError(str(exc)) from exc
        out = Path(options["out"])
        out.write_bytes(build_docx(spec))
        self.stdout.write(f"已生成 {out}（{spec.name}）")
