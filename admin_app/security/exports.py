"""Exports opened in a spreadsheet: a cell that starts like a formula is made plain text (CSV/formula injection).

A victim's name, an address or a note typed as ``=HYPERLINK("http://...")`` or ``@SUM(...)`` would otherwise run
as a formula when the head opens the export in Excel or LibreOffice. The OWASP advice is followed: a cell whose
text starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading apostrophe, which both
spreadsheets show as nothing and read as "this is text". Full-width forms of these signs are treated alike
(some spreadsheet locales accept them as formula starts), and so is a formula sign after leading blanks (spaces,
full-width spaces, no-break spaces), which some spreadsheets skip before reading a formula.
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
LEADING_BLANKS = " \u3000\u00a0\u2007\u202f"


def neutralise_formula(value: Any) -> Any:
    """The value as an export cell that no spreadsheet evaluates. Numbers and dates stay as they are."""
    if value is None or isinstance(value, (bool, int, float, decimal.Decimal, dt.date, dt.time)):
        return value  # a negative number is a number, not a formula
    text = value.value if isinstance(value, enum.Enum) else value
    text = str(text)  # also turns Markup into plain str, so the apostrophe below is not HTML-escaped
    if text.startswith(FORMULA_STARTS) or text.lstrip(LEADING_BLANKS).startswith(FORMULA_STARTS):
        return "'" + text
    return text
