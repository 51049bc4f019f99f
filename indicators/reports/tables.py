"""The report's tables, laid out once for the three writers: cells, header rows, column widths, footnotes.

Pure: no Django. A table is a dict:
{"id", "title", "header": [[header cell]], "rows": [[cell]], "columns": [column],
 "footnotes": [str], "font": points, "landscape": bool}
- a header cell: {"text", "colspan", "rowspan"} (rows of the header, top first);
- a cell: {"text": what a reader sees, "value": the raw number or text (Excel),
  "format": an Excel number format or None, "note": a footnote marker or ""};
- a column: {"width": millimetres, "align": "left"|"right"|"center", "nowrap": bool}.

Widths are computed from the text they must hold at the table's font size,
so a parcel's or an indicator's name is never broken: a name column is as wide
as its longest name (Chinese names never wrap; English ones wrap only between
words), numbers and status words stay on one line, and headers may wrap.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Mapping, Sequence

from . import sentences as say

MM_PER_POINT = 25.4 / 72
PADDING_MM = 3.0  # left and right padding and the rules of a cell, together
# The text width of a page in millimetres: A4 with 20 mm side margins, portrait and landscape.
PORTRAIT_MM, LANDSCAPE_MM = 170.0, 257.0
MIN_FONT = 7.0
BOLD = 1.1  # bold Latin letters are about a tenth wider
FOOTNOTE_MARKS = "¹²³⁴⁵⁶⁷⁸⁹"


def cell(text: str, value=None, fmt: str | None = None, note: str = "") -> dict:
    return {"text": text, "value": text if value is None and fmt is None else value, "format": fmt, "note": note}


def excel_format(decimals: int) -> str:
    """Return the Excel number format of a figure with `decimals` decimals: #,##0 or #,##0.00…"""
    return "#,##0" if decimals == 0 else "#,##0." + "0" * decimals


def num_cell(value: float | None, decimals: int) -> dict:
    return {"text": say.number(value, decimals), "value": value, "format": excel_format(decimals), "note": ""}


def pct_cell(share: float | None) -> dict:
    return {"text": say.percent(share), "value": share, "format": "0.0%", "note": ""}


def head(text: str, *, colspan: int = 1, rowspan: int = 1) -> dict:
    return {"text": text, "colspan": colspan, "rowspan": rowspan}


def text_em(text: str) -> float:
    """Return the width of a line of text in ems: a CJK character one em, anything else at most about 0.64.

    0.64 em is a digit of the widest Latin font the offices' software may put in
    (DejaVu, where Times New Roman or Arial is missing).
    """
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.64 for ch in text)


def width_mm(text: str, font: float) -> float:
    """Return the width in millimetres a cell needs to hold `text` on one line at `font` points."""
    return text_em(text) * font * MM_PER_POINT + PADDING_MM


def header_width_mm(text: str, font: float) -> float:
    """Return the width a header cell needs: short headers on one line, longer ones on two (split between words)."""
    font = font * BOLD  # headers are bold
    words = text.split(" ")
    if len(words) > 1:
        return max(width_mm(" ".join(words[: (len(words) + 1) // 2]), font), max(width_mm(w, font) for w in words))
    if text_em(text) <= 6 or text.isascii():
        return width_mm(text, font)  # short, or one word that cannot wrap
    return text_em(text) / 2 * font * MM_PER_POINT + PADDING_MM + font * MM_PER_POINT


def column(width: float, align: str = "left", nowrap: bool = True) -> dict:
    return {"width": round(width, 1), "align": align, "nowrap": nowrap}


def fit_columns(header: Sequence[Sequence[Mapping]], rows: Sequence[Sequence[Mapping]], *, font: float, aligns,
                wrap: Mapping[int, float] | None = None) -> list[dict]:  # fmt: skip
    """Return the columns of a table: each as wide as its widest cell (headers may wrap onto two lines).

    `wrap` gives the columns whose text may wrap between words (English names)
    and the most they may take; every other column keeps its cells on one line.
    """
    wrap = wrap or {}
    n = len(aligns)
    widths = [0.0] * n
    for row in rows:
        for j, c in enumerate(row):
            text = c["text"] + (c.get("note") or "")
            widths[j] = max(widths[j], width_mm(text, font))
    for j, text in _single_header_cells(header):
        widths[j] = max(widths[j], header_width_mm(text, font))
    return [
        column(min(widths[j], wrap[j]) if j in wrap else widths[j], aligns[j], nowrap=j not in wrap) for j in range(n)
    ]


def _single_header_cells(header: Sequence[Sequence[Mapping]]):
    """Yield (column, text) of the header cells that span one column."""
    for _i, j, c in header_grid(header):
        if c["colspan"] == 1:
            yield j, c["text"]


def header_grid(header: Sequence[Sequence[Mapping]]):
    """Yield (row index, first column, cell) for every header cell, placing row and column spans as HTML does."""
    taken: set[tuple[int, int]] = set()
    for i, row_cells in enumerate(header):
        j = 0
        for c in row_cells:
            while (i, j) in taken:
                j += 1
            for di in range(c["rowspan"]):
                for dj in range(c["colspan"]):
                    taken.add((i + di, j + dj))
            yield i, j, c
            j += c["colspan"]


def table(
    id_: str,
    *,
    title: str,
    header: list[list[dict]],
    rows: list[list[dict]],
    columns: list[dict],
    footnotes: list[str] | None = None,
    font: float = 9,
    landscape: bool = False,
) -> dict:
    page = LANDSCAPE_MM if landscape else PORTRAIT_MM
    while sum(c["width"] for c in columns) > page and font > MIN_FONT:
        # Too wide: a smaller font, every width shrinking with it (the padding stays).
        smaller = font - 0.5
        columns = [{**c, "width": (c["width"] - PADDING_MM) * smaller / font + PADDING_MM} for c in columns]
        font = smaller
    total = sum(c["width"] for c in columns)
    if 0 < total < page:
        # Fill the text width: every column gains in proportion, so the widths stay explicit and sum to the page's.
        columns = [{**c, "width": math.floor(c["width"] * page / total * 10) / 10} for c in columns]
    return {
        "kind": "table",
        "id": id_,
        "title": title,
        "header": header,
        "rows": rows,
        "columns": columns,
        "footnotes": footnotes or [],
        "font": font,
        "landscape": landscape,
    }


def without_empty_columns(header: list[dict], rows: list[list[dict]], *, keep: int = 1) -> tuple[list, list]:
    """Drop the columns (after the first `keep`) in which no row has anything but a dash or nothing."""
    empty = {"", "—", "*"}
    wanted = [j for j in range(len(header)) if j < keep or any((r[j]["text"] or "").strip() not in empty for r in rows)]
    return [header[j] for j in wanted], [[r[j] for j in wanted] for r in rows]


def note_mark(n: int) -> str:
    """Return the footnote marker of the n-th note (1-based): ¹ ² ³ …"""
    return FOOTNOTE_MARKS[n - 1] if 1 <= n <= len(FOOTNOTE_MARKS) else f"({n})"
