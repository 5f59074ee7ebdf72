"""Cells for CSV and spreadsheet exports: always writable, never run as formulas.

Stored text can hold control characters (rows kept before the input rule, the admin,
imports); openpyxl refuses most of them and a CSV reader shows them as boxes, so every cell
is cleaned first (``shared.printable``: line breaks kept as ``\\n``, other control
characters removed).

Text a person typed can start with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage
return that some programs skip first). Excel, LibreOffice and Google Sheets would treat
such a cell as a formula, which can fetch data or run commands when the file is opened
("CSV injection", OWASP). A leading apostrophe makes the cell plain text and shows as
nothing in the spreadsheet. The check runs on the cleaned text, so a control character
in front of ``=`` cannot hide a formula. Every export of typed text goes through
``safe_cell``.
"""

from __future__ import annotations

from datetime import date

from shared.printable import one_line, printable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """``value`` as text a spreadsheet writes and shows as typed, never as a formula."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    text = printable(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def sheet_title(value: object, *, default: str) -> str:
    """A worksheet's name from typed text: cleaned, on one line, at most 31 characters
    (Excel's limit; tablib replaces the characters a sheet name may not hold)."""
    return one_line(value)[:31] or default
