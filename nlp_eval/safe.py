"""Make table text safe to open: spreadsheet cells that cannot run, HTML that cannot execute."""

from __future__ import annotations

import html
import re
from typing import Any

# A spreadsheet treats a cell starting with one of these as a formula (CSV/formula injection,
# OWASP); tab and carriage return also start one in some programs.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# Characters XML 1.0 (and so xlsx) cannot hold; openpyxl refuses them.
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def cell(value: Any) -> Any:
    """A spreadsheet cell value: text that would start a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def xlsx_cell(value: Any) -> Any:
    """Like cell(), and without the control characters an xlsx file cannot store."""
    value = cell(value)
    return _ILLEGAL_XML.sub("", value) if isinstance(value, str) else value


def escape(text: Any) -> str:
    """HTML-escape any value for element text and quoted attributes (None and NaN become "")."""
    if text is None or (isinstance(text, float) and text != text):
        return ""
    return html.escape(str(text), quote=True)
