"""CSV downloads that open in Excel as they are: UTF-8 with a byte order mark, comma or (Dutch Excel) semicolon
separated, and no cell a spreadsheet would run as a formula (OWASP, "CSV Injection")."""

from __future__ import annotations

import csv
import io
from enum import StrEnum
from typing import Any

from fastapi.responses import Response

LIST_SEPARATOR = "; "  # what feeds use too, so an export can be read back as a feed
# Excel reads a CSV file as UTF-8 (accents intact) only when it starts with a byte order mark.
BOM = "\ufeff"
# A cell starting with one of these is run as a formula by spreadsheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"


class CsvSeparator(StrEnum):
    """What separates the cells of a CSV file."""

    COMMA = "comma"
    SEMICOLON = "semicolon"  # Excel with Dutch regional settings, where the comma is the decimal separator

    @property
    def character(self) -> str:
        """The separating character."""
        return "," if self is CsvSeparator.COMMA else ";"


def csv_file(separator: CsvSeparator) -> tuple[io.StringIO, Any]:
    """A CSV file being written: a buffer that starts with the BOM, and a writer with the separator."""
    buffer = io.StringIO()
    buffer.write(BOM)
    return buffer, csv.writer(buffer, delimiter=separator.character)


def csv_cell(value: Any) -> Any:
    """A value as one CSV cell: lists joined with `; `, missing values empty, and text a spreadsheet would run as
    a formula prefixed with an apostrophe, so that it shows as the text it is (OWASP's advice)."""
    if isinstance(value, list):
        value = LIST_SEPARATOR.join(map(str, value))
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_download(header: list[str], rows: list[list[Any]], *, separator: CsvSeparator, filename: str) -> Response:
    """A whole CSV file as a download: header, then one line per row, every cell made safe."""
    buffer, writer = csv_file(separator)
    writer.writerow([csv_cell(name) for name in header])
    writer.writerows([csv_cell(value) for value in row] for row in rows)
    disposition = f'attachment; filename="{filename}"'
    return Response(buffer.getvalue(), media_type=CSV_MEDIA_TYPE, headers={"Content-Disposition": disposition})
