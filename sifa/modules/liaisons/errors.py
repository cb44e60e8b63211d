"""Errors of the 法律明白人 registry (CONVENTIONS §4.9): stable codes, Chinese messages naming the field or row."""

from __future__ import annotations

from sifa.core.errors import ValidationFailed


class ImportRejected(ValidationFailed):
    """A roster with bad rows: nothing was imported, and ``errors`` names every bad row and column."""

    code = "import_rejected"
    title = "名册有误，未导入"
