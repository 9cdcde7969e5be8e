"""CSV text for every export (search results, decisions), safe to open in a spreadsheet.

A cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return, which some
spreadsheets skip before reading a formula) is run as a formula by Excel and LibreOffice; a
document's text or a filter a user typed can start that way (OWASP "CSV injection"). Such cells
get a leading apostrophe, which spreadsheets show as text. The file starts with a BOM so Excel
reads UTF-8 Chinese, and rows end in CRLF as RFC 4180 says.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """``value`` with a leading apostrophe when a spreadsheet would read it as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def iter_csv(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """The export a line at a time: BOM and header, then one escaped line per row (``None`` is
    an empty cell), so a long export streams instead of being built in memory."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    yield BOM + out.getvalue()
    for row in rows:
        out.seek(0)
        out.truncate()
        writer.writerow([safe_cell(v) for v in row])
        yield out.getvalue()


def to_csv(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """The whole export as one string (see ``iter_csv``)."""
    return "".join(iter_csv(columns, rows))
