"""Dates in Welsh read as they do in English, with Welsh month and day names: "1 Mehefin 2027"
(the names come from Django's Welsh translations). Numbers as in English: 1,234.5."""

from shared.formats.en_GB.formats import *  # noqa: F403

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
FIRST_DAY_OF_WEEK = 1  # Monday
