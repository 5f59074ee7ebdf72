"""Cells for CSV and spreadsheet exports that a spreadsheet will not run as formulas.

Text a person typed can start with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage
return that some programs skip first). Excel, LibreOffice and Google Sheets would treat
such a cell as a formula, which can fetch data or run commands when the file is opened
("CSV injection", OWASP). A leading apostrophe makes the cell plain text and shows as
nothing in the spreadsheet. Every export of typed text goes through ``safe_cell``.
"""

from __future__ import annotations

from datetime import date

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """``value`` as text, with a leading apostrophe if a spreadsheet could read a formula."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
