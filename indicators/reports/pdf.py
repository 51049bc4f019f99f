"""Write the report as PDF with WeasyPrint from templates/indicators/report_pdf.html, fonts embedded.

The same document model as the Word file. The PDF's dates and file
identifier are fixed to the report, so the same input gives the same bytes.
Wide tables sit on landscape pages; the report's title runs at the top of
every page after the cover, its marks (演示数据) on every page, the cover too.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import logging
from collections.abc import Mapping

from django.template.loader import render_to_string

# WeasyPrint logs each step of each document at INFO.
logging.getLogger("weasyprint").setLevel(logging.WARNING)
KEEP_ROWS = 15
CELL_PADDING_MM = 2.0  # a table cell's left and right padding together (report_pdf.html: 1 mm each)


def _data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _shown(block: Mapping, images: Mapping[str, bytes]) -> dict | None:
    """Return a block as the template prints it: a figure with its image, a table with its colspan; None to skip."""
    if block["kind"] == "figure":
        return {**block, "src": _data_uri(images[block["key"]])} if block["key"] in images else None
    if block["kind"] == "table":
        columns = block["columns"]
        classes = [c["align"] + (" nowrap" if c["nowrap"] else "") for c in columns]
        cells = [
            [{"text": c["text"], "note": c.get("note", ""), "cls": cls} for c, cls in zip(row, classes, strict=True)]
            for row in block["rows"]
        ]
        width = sum(c["width"] for c in columns)
        # WeasyPrint adds a cell's padding to its column's width: the template's <col> takes the content's width.
        columns = [{**c, "content": round(c["width"] - CELL_PADDING_MM, 1)} for c in columns]
        # A short table stays on one page; a long one breaks between rows, its header repeated.
        keep = len(block["rows"]) <= KEEP_ROWS
        return {**block, "columns": columns, "cells": cells, "width": width, "span": len(columns), "keep": keep}
    return dict(block)


def write_pdf(doc: Mapping, images: Mapping[str, bytes], *, created: dt.datetime, author: str) -> bytes:
    """Write the document model of indicators.reports.content as PDF bytes, stable for the same input."""
    from weasyprint import HTML  # imported here: only report generation needs it, not every web process

    blocks = [shown for block in doc["blocks"] if (shown := _shown(block, images)) is not None]
    stamp = created.astimezone(dt.UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")
    html = render_to_string(
        "indicators/report_pdf.html",
        {"doc": doc, "blocks": blocks, "marks": "　".join(doc["marks"]), "created": stamp, "author": author},
    )
    identifier = hashlib.sha256(html.encode("utf-8")).hexdigest()[:32].encode("ascii")
    return HTML(string=html, base_url=None).write_pdf(pdf_identifier=identifier, uncompressed_pdf=False)
