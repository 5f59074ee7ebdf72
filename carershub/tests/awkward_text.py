"""Text as it may already be stored, for the tests of every output (PDF, spreadsheet,
calendar, email, JSON, page).

The input rule keeps control characters out of new text, but rows stored before it, the
Django admin and imports can still hold them, so these are written straight to the database
(``QuerySet.update``) and every output must print them without failing.
"""

from __future__ import annotations

WELSH = "Gwŵr ŷd Ŵyn"
VIETNAMESE = "Nguyễn Thị Ánh"
POLISH = "Łukasz Żółć"
CJK = "李娜"
EMOJI = "👩\u200d👩\u200d👧\u200d👦 🏳\ufe0f\u200d🌈"
RTL = "\u202eabc\u202c \u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627"
#: A combining accent after a plain letter: NFC makes it one letter where one exists.
COMBINING = "cafe\u0301"
FORMULA = '=HYPERLINK("http://evil.example","click")'
MARKUP = "<b>bold</b> <i>unclosed & {{ x }} {% y %} </para> &amp;"
#: Start of heading, Word's soft line break (vertical tab) and escape, as pasted.
CONTROLS = "a\x01b\x0bc\x1bd"
LONG_WORD = "W" * 10_000

#: Everything above in one text, long word last.
EVERYTHING = " ".join(
    [WELSH, VIETNAMESE, POLISH, CJK, EMOJI, RTL, COMBINING, FORMULA, MARKUP, CONTROLS, LONG_WORD]
)
