"""Errors of 行政执法监督 (CONVENTIONS §4.9): stable codes, Chinese messages naming the field or row."""

from __future__ import annotations

from sifa.core.errors import ValidationFailed


class ImportRejected(ValidationFailed):
    """A roster with bad rows: nothing was imported, and ``errors`` names every bad row and column."""

    code = "import_rejected"
    title = "名册有误，未导入"


class OfficersNotQualified(ValidationFailed):
    """The officers of a case do not meet AP-12 / AP-42 (field ``officers``)."""

    code = "officers_not_qualified"
    title = "执法人员不符合要求"
