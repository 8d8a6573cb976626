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


# Control characters (C0, DEL, C1) and the bidi overrides that reorder what a terminal shows:
# from a table or a file name they would move the cursor, retitle the window or fake a link.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def terminal(text: str) -> str:
    """Text for a terminal line: control characters escaped (\\x1b, \\n), file names readable.

    A file name that is not UTF-8 reaches Python as surrogate escapes (a GBK name unpacked from
    a Windows zip): shown decoded as GB18030 where that works, else as \\xNN bytes.
    """
    text = readable(text)
    return _CONTROL.sub(lambda m: m.group(0).encode("unicode_escape").decode("ascii"), text)


# A run of text between "/", ":" and spaces: no GBK/GB18030 character has these bytes inside,
# so a non-UTF-8 name is always decoded whole (its bytes may hold valid UTF-8 pairs too).
_NAME_PART = re.compile(r"[^/\s:]*[\ud800-\udfff][^/\s:]*")
_SURROGATE = re.compile("[\ud800-\udfff]")


def readable(text: str) -> str:
    """A string without lone surrogates: a non-UTF-8 file name decoded as GB18030, else \\xNN."""
    if not _SURROGATE.search(text):
        return text
    return _NAME_PART.sub(_decoded, text)


def _decoded(part: re.Match[str]) -> str:
    try:
        raw = part.group(0).encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a lone surrogate that stands for no byte (\ud800 in a cell)
        return part.group(0).encode("utf-8", "backslashreplace").decode("ascii")
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        return raw.decode("utf-8", "backslashreplace")


def escape(text: Any) -> str:
    """HTML-escape any value for element text and quoted attributes (None and NaN become "")."""
    if text is None or (isinstance(text, float) and text != text):
        return ""
    return html.escape(str(text), quote=True)
