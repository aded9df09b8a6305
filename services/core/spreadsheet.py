"""The one CSV writer every export uses: UTF-8 with a byte-order mark (so Excel reads the Chinese),
and no cell that a spreadsheet would run as a formula.

Staff open these files in Excel or WPS: a resident named "=HYPERLINK(...)" or "+cmd|' /C calc'!A0"
would otherwise be a live formula. OWASP's rule: a text cell starting with = + - @, a tab or a
carriage return gets a leading apostrophe, which the spreadsheet shows as plain text. Numbers
(a negative count, say) are numbers, not text, and stay as they are.
"""
import csv
import io
from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralised(cell: object) -> object:
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS):
        return "'" + cell
    return cell


def csv_text(header: list[str], rows: Iterable[Iterable[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([neutralised(cell) for cell in header])
    writer.writerows([neutralised(cell) for cell in row] for row in rows)
    return "\ufeff" + buffer.getvalue()
