"""Errors of the law library (CONVENTIONS §4.9)."""

from __future__ import annotations

from sifa.core.errors import ValidationFailed


class LawParseError(ValidationFailed):
    """A law text that cannot be read; names the file and the line."""

    code = "law_parse_error"
    title = "法规文本格式有误"

    def __init__(self, message: str, *, line: int, source_name: str = "") -> None:
        where = f"{source_name} 第 {line} 行" if source_name else f"第 {line} 行"
        super().__init__(f"{where}：{message}", field="file")
        self.line = line
        self.source_name = source_name
