"""Make Office files byte-stable: fixed ZIP entry dates and fixed document dates.

Word and Excel files are ZIP archives whose entries carry the time they were
written, and whose docProps/core.xml says when the document was made and
last changed. Generating the same report twice must give the same bytes, so
both are set to the report's creation time.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

CORE = "docProps/core.xml"
_DATES = re.compile(r"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def normalize_zip(data: bytes, when: dt.datetime) -> bytes:
    """Rewrite an Office file with every entry dated `when` (and its core dates set to it), in the same order."""
    stamp = when.astimezone(dt.UTC).replace(tzinfo=None, microsecond=0)
    iso = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    date_time = (max(stamp.year, 1980), stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            blob = src.read(item.filename)
            if item.filename == CORE:
                blob = _DATES.sub(lambda m: f"{m.group(1)}{iso}{m.group(3)}", blob.decode("utf-8")).encode("utf-8")
            info = zipfile.ZipInfo(item.filename, date_time=date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            dst.writestr(info, blob, compresslevel=6)
    return out.getvalue()
