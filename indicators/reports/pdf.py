"""Write the report as PDF with WeasyPrint from templates/indicators/report_pdf.html, fonts embedded.

The same document model as the Word file. The PDF's dates and file
identifier are fixed to the report, so the same input gives the same bytes.
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


def _data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def write_pdf(doc: Mapping, images: Mapping[str, bytes], *, created: dt.datetime, author: str) -> bytes:
    """Write the document model of indicators.reports.content as PDF bytes, stable for the same input."""
    from weasyprint import HTML  # imported here: only report generation needs it, not every web process

    sections = [
        {
            **section,
            "trend": _data_uri(images[f"{section['code']}-trend"]) if f"{section['code']}-trend" in images else "",
            "parcels": _data_uri(images[f"{section['code']}-parcels"])
            if f"{section['code']}-parcels" in images
            else "",
        }
        for section in doc["sections"]
    ]
    stamp = created.astimezone(dt.UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")
    html = render_to_string(
        "indicators/report_pdf.html",
        {"doc": doc, "sections": sections, "h": doc["headings"], "created": stamp, "author": author},
    )
    identifier = hashlib.sha256(html.encode("utf-8")).hexdigest()[:32].encode("ascii")
    return HTML(string=html, base_url=None).write_pdf(pdf_identifier=identifier, uncompressed_pdf=False)
