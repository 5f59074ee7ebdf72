"""Dates read the same everywhere, on pages, in PDFs and in emails: "1 June 2027".

Django's own British formats abbreviate months ("1 Jun 2027") in some places and not others;
these are used instead (``FORMAT_MODULE_PATH``), and ``shared.dates`` uses them in Python.
"""

DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
SHORT_DATETIME_FORMAT = "j F Y, H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
# What people may type where a browser has no date picker; ISO first, as date inputs send it.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d %B %Y", "%d %b %Y"]
