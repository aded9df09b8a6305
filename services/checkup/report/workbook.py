"""The check-up as an Excel workbook (the 街道 works in Excel): one sheet per table.

A cell that starts with = + - @ tab or carriage return would run as a formula when opened
(OWASP "CSV injection"), so such text is prefixed with an apostrophe.
"""
import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")
MAX_SHEET_NAME = 31


def neutralise(value):
    if isinstance(value, str) and value.startswith(DANGEROUS_START):
        return "'" + value
    return value


def workbook(tables, title: str) -> bytes:
    """`tables`: objects with key, title, headers and rows (views/checkup/report_tables.Table)."""
    book = Workbook()
    book.remove(book.active)
    book.properties.title = title
    used: set[str] = set()
    for table in tables:
        name = table.key[:MAX_SHEET_NAME]
        while name in used:
            name = name[:MAX_SHEET_NAME - 1] + "_"
        used.add(name)
        sheet = book.create_sheet(name)
        sheet.append([neutralise(table.title)])
        sheet["A1"].font = Font(bold=True, size=13)
        sheet.append([neutralise(str(h)) for h in table.headers])
        for cell in sheet[2]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True)
        for row in table.rows:
            sheet.append([neutralise(v) for v in row])
        sheet.freeze_panes = "A3"
        for column in sheet.columns:
            widest = max((len(str(c.value)) for c in column if c.value is not None and c.row > 1), default=8)
            sheet.column_dimensions[column[0].column_letter].width = min(max(widest * 1.8, 8), 60)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
