"""CSV and XLSX files of rows, for every export the dashboard offers (one place for the rules).

A cell that starts like a formula (=, +, -, @, tab, carriage return) is written as text with a
leading apostrophe (OWASP's CSV injection advice), so a spreadsheet never runs what a report
or a note said. XLSX through XlsxWriter: a write-only library that streams rows without holding
a workbook model in memory, which is all an export needs.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

import xlsxwriter

from gc_pause import cycle_collection_paused

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_FIRST = frozenset(FORMULA_STARTS)
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_cell(value) -> object:
    """Numbers stay numbers; text that a spreadsheet would run as a formula is made plain text."""
    if type(value) is str:                               # the common case first: exports are mostly words
        return "'" + value if value[:1] in _FORMULA_FIRST else value
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    """UTF-8 with a byte-order mark, so Excel opens Thai text correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([safe_cell(c) for c in header])
    writer.writerows([safe_cell(c) for c in row] for row in rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(sheets: dict[str, tuple[Sequence[str], Iterable[Sequence]]]) -> bytes:
    """One worksheet per entry: {sheet name: (header, rows)}; the header row bold and frozen."""
    with cycle_collection_paused():
        return _xlsx(sheets)


def _xlsx(sheets) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                            "strings_to_urls": False, "strings_to_numbers": False})
    bold = workbook.add_format({"bold": True})
    for name, (header, rows) in sheets.items():
        sheet = workbook.add_worksheet(name[:31])           # Excel's limit on a sheet's name
        sheet.write_row(0, 0, [safe_cell(c) for c in header], bold)
        sheet.freeze_panes(1, 0)
        for index, row in enumerate(rows, start=1):
            for column, value in enumerate(row):
                cell = safe_cell(value)
                if type(cell) is str:
                    sheet.write_string(index, column, cell)
                else:
                    sheet.write_number(index, column, cell)
    workbook.close()
    return buffer.getvalue()
