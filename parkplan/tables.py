"""Tables from files people upload: CSV in the encodings Chinese offices use, and the errors found in them.

Pure Python, no Django.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from .text import _


@dataclass(frozen=True)
class RowError:
    """One problem in the file: the row as Excel numbers it (header = 1), the column header, the raw value."""

    row: int
    column: str
    value: str
    message: str

    def __str__(self) -> str:
        parts = []
        if self.row:
            parts.append(_("第%(row)s行") % {"row": self.row})
        if self.column:
            parts.append(_("「%(column)s」") % {"column": self.column})
        if self.value:
            parts.append((_("值“%(value)s”") % {"value": self.value}).strip())
        return " ".join(parts) + (_("：") if parts else "") + self.message


class UnreadableFile(Exception):
    """A file that cannot be opened as .xlsx or decoded as CSV; the message is for the user."""


def read_bytes(source: str | Path | BinaryIO) -> bytes:
    """Return the bytes of a path or an open binary file."""
    if isinstance(source, (str, Path)):
        return Path(source).read_bytes()
    return source.read()


def read_csv_table(source: str | Path | BinaryIO) -> list[list[str]]:
    """Return the rows of a CSV file in UTF-8 (with or without BOM) or GBK/GB18030; raise UnreadableFile."""
    data = read_bytes(source)
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise UnreadableFile(_("无法识别文件编码，请另存为UTF-8或GBK编码的CSV"))
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
