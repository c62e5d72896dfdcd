"""A report as an Excel workbook (openpyxl): one sheet per table, the report's title, period and filters written
at the top of every sheet, so a sheet copied on its own still says what it counts. Only aggregates go in."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from admin_app.reports.recaps import Table
from admin_app.security.exports import neutralise_formula

SHEET_NAME_LIMIT = 31  # Excel's own limit
_NOT_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\]")


def sheet_name(title: str, used: set[str]) -> str:
    """A worksheet name for `title` by Excel's rules (31 characters, none of \\ / * ? : [ ]), unique in `used`."""
    base = _NOT_IN_SHEET_NAMES.sub("-", title).strip()[:SHEET_NAME_LIMIT] or "Tabel"
    name, number = base, 2
    while name.lower() in used:
        suffix = f" ({number})"
        name, number = base[: SHEET_NAME_LIMIT - len(suffix)] + suffix, number + 1
    used.add(name.lower())
    return name


def workbook_bytes(title: str, heading: Sequence[tuple[str, str]], tables: Sequence[Table]) -> bytes:
    """`heading`: (name, value) lines under the title, e.g. ("Periode", "November 2026")."""
    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    bold = Font(bold=True)
    for table in tables:
        sheet = book.create_sheet(sheet_name(table.sheet or table.title, used))
        sheet.append([title])
        sheet["A1"].font = Font(bold=True, size=13)
        for name, value in heading:
            sheet.append([name, neutralise_formula(value)])
        sheet.append([table.title])
        sheet.cell(row=sheet.max_row, column=1).font = bold
        sheet.append(list(table.columns))
        header_row = sheet.max_row
        for cell in sheet[header_row]:
            cell.font = bold
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for row in table.rows:
            sheet.append([neutralise_formula(row.label), *row.counts])
        if table.note:
            sheet.append([])
            sheet.append([table.note])
        sheet.column_dimensions["A"].width = max(18, min(60, max((len(r.label) for r in table.rows), default=10) + 2))
        for index in range(2, len(table.columns) + 1):
            sheet.column_dimensions[get_column_letter(index)].width = max(9, min(24, len(table.columns[index - 1]) + 2))
        sheet.freeze_panes = sheet.cell(row=header_row + 1, column=2)
    if not tables:
        book.create_sheet("Kosong").append([title])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
