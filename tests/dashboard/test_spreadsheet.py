"""Exports: formulas never run, Thai survives, numbers stay numbers."""
from __future__ import annotations

import io
import zipfile

from dashboard.spreadsheet import csv_bytes, safe_cell, xlsx_bytes


def test_text_that_looks_like_a_formula_is_made_plain():
    for dangerous in ("=HYPERLINK(\"http://x\")", "+1+1", "-2", "@SUM(A1)", "\tx", "\rx"):
        assert safe_cell(dangerous) == "'" + dangerous
    assert safe_cell("ok=fine") == "ok=fine" and safe_cell(-2) == -2 and safe_cell(None) == ""


def test_csv_has_a_bom_for_excel_and_keeps_thai():
    data = csv_bytes(["เขต", "n"], [["แม่สาย", 3], ["=cmd", "<5"]])
    text = data.decode("utf-8")
    assert text.startswith("\ufeffเขต,n") and "แม่สาย,3" in text and "'=cmd,<5" in text


def test_xlsx_is_a_workbook_with_one_sheet_per_table_and_no_formulas():
    data = xlsx_bytes({"cases": (["ref", "note"], [["ABC-234", "=1+1"]]), "numbers": (["m"], [[5]])})
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        names = book.namelist()
        assert "xl/worksheets/sheet1.xml" in names and "xl/worksheets/sheet2.xml" in names
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
        strings = book.read("xl/sharedStrings.xml").decode()
    assert "<f>" not in sheet and "'=1+1" in strings and "ABC-234" in strings
