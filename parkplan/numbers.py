"""Parse the cells of a statistics return as people really fill them in.

Pure Python, no Django. Every parser takes a raw cell (a ``str`` from a CSV,
or whatever openpyxl returns: ``None``, ``str``, ``int``, ``float``, ``bool``,
``datetime``) and returns the typed value, or raises ``BadValue`` whose text is
the message shown to the user (a Chinese msgid, translated through parkplan.text).

Decisions, for the record:

- Full-width digits and punctuation (１２３，４５６．７) are folded to half-width first.
- Thousands separators (``1,234.5`` or ``1，234.5``) are accepted only in proper
  groups of three; ``1,5`` is rejected rather than guessed at.
- A blank number is 0. Negative numbers, scientific notation in text
  (``1.2E+5``: Excel has already lost digits) and anything else are errors.
- Money (万元) may have at most two decimals; more is rejected, not rounded,
  because a silent rounding of the source data is worse than asking. Float
  cells from Excel are first cleaned of binary noise (0.1+0.2 → 0.3).
- Counts must be whole numbers (``12.0`` is fine, ``12.5`` is not).
- Dates: ``2021-03-05``, ``2021/3/5``, ``2021.3.5``, ``2021年3月5日``,
  ``20210305``, Excel date cells, and Excel serial numbers between 36526 and
  73050 (2000-01-01 … 2099-12-31), which is what a date becomes when its cell
  loses its date format. Other plain numbers (e.g. ``2021``) are rejected.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, timedelta
from decimal import Decimal

from typing_extensions import TypeIs

from . import creditcode
from .text import _


def is_missing(value: object) -> TypeIs[None]:
    """Tell whether a figure is absent: None or a NaN float (pandas' missing value).

    For the type checker a figure that is not missing is a number (NaN aside,
    a missing figure is None).
    """
    return value is None or (isinstance(value, float) and math.isnan(value))


class BadValue(ValueError):
    """A cell that cannot be read; the message is for the user, in the active language."""


MONEY_LIMIT = Decimal(10) ** 14  # DecimalField(max_digits=16, decimal_places=2)
COUNT_LIMIT = 2**31 - 1  # IntegerField
YEAR_MIN, YEAR_MAX = 2000, 2100
SERIAL_MIN, SERIAL_MAX = 36526, 73050  # Excel serials of 2000-01-01 and 2099-12-31
EXCEL_EPOCH = date(1899, 12, 30)

_DASHES = str.maketrans({"\u2212": "-", "\u2013": "-", "\u2014": "-", "\u3000": " ", "\u00a0": " "})
_PLAIN = re.compile(r"\d+(\.\d+)?|\.\d+")
_GROUPED = re.compile(r"\d{1,3}(,\d{3})+(\.\d+)?")
_SCIENTIFIC = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)E[-+]?\d+", re.IGNORECASE)
_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4}
TRUE_WORDS = {"是", "Y", "YES", "TRUE", "T", "1", "√", "有"}
FALSE_WORDS = {"否", "N", "NO", "FALSE", "F", "0", "×", "无"}


# One table for both foldings: a full-width character's half-width twin is ASCII,
# never one of the dashes or spaces, so a single translate() pass is equivalent.
_FOLD = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | _DASHES


def fold(text: str) -> str:
    """Fold full-width characters to half-width, odd dashes and spaces to plain ones, and strip."""
    if text.isascii():  # most cells: nothing to fold
        return text.strip()
    return text.translate(_FOLD).strip()


def is_blank(value: object) -> bool:
    """Tell whether a cell is empty (None or only spaces)."""
    return value is None or (isinstance(value, str) and fold(value) == "")


def _float_to_decimal(value: float) -> Decimal:
    # Excel stores 1234.56 as the nearest double and formulas add noise
    # (0.1+0.2 = 0.30000000000000004); ten decimals keep every real figure.
    return Decimal(repr(round(value, 10))).normalize()


def parse_number(value: object, *, signed: bool = False) -> Decimal:
    """Return a non-negative number (of either sign with ``signed``); blank is 0."""
    if is_blank(value):
        return Decimal(0)
    if isinstance(value, (bool, datetime, date)):
        raise BadValue(_("不是有效的数字"))
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise BadValue(_("不是有效的数字"))
        number = _float_to_decimal(value)
    else:
        text = fold(str(value))
        negative = text.startswith("-")
        body = text[1:].strip() if negative else text
        if _PLAIN.fullmatch(body):
            pass
        elif _GROUPED.fullmatch(body):
            body = body.replace(",", "")
        elif "," in body and re.fullmatch(r"[\d,.]+", body):
            raise BadValue(_("千分位分隔符位置不正确"))
        elif _SCIENTIFIC.fullmatch(body):
            raise BadValue(_("不能使用科学计数法，请填写完整的数字"))
        else:
            raise BadValue(_("不是有效的数字"))
        number = Decimal(body)
        if negative and number:
            number = -number
    if number < 0 and not signed:
        raise BadValue(_("不能为负数"))
    return number


def parse_decimal(value: object, decimals: int, *, signed: bool = False) -> Decimal | int:
    """Return a number with at most ``decimals`` places: an int for 0 places, else a Decimal with exactly that many.

    Blank is 0; more places than allowed is an error, never a silent rounding.
    Negative numbers only where ``signed``.
    """
    number = parse_number(value, signed=signed)
    if decimals == 0:
        if abs(number) > COUNT_LIMIT:
            raise BadValue(_("数值过大"))
        if number != number.to_integral_value():
            raise BadValue(_("应为整数"))
        return int(number)
    if abs(number) >= MONEY_LIMIT:
        raise BadValue(_("数值过大"))
    rounded = number.quantize(Decimal(1).scaleb(-decimals))
    if rounded != number:
        if decimals == 2:
            raise BadValue(_("最多保留两位小数"))
        raise BadValue(_("最多保留%(n)s位小数") % {"n": decimals})
    return rounded


def parse_money(value: object) -> Decimal:
    """Return an amount in 万元 with two decimals; blank is 0, more than two decimals is an error."""
    return Decimal(parse_decimal(value, 2))


def parse_count(value: object) -> int:
    """Return a whole, non-negative count; blank is 0."""
    return int(parse_decimal(value, 0))


def parse_flag(value: object) -> bool:
    """Return a 是/否 flag; also Y/N, 1/0, TRUE/FALSE; blank is 否."""
    if is_blank(value):
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    word = fold(str(value)).upper()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise BadValue(_("应填“是”或“否”"))


def _make_date(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise BadValue(_("不是有效的日期")) from None


def _serial_date(serial: int) -> date:
    if not SERIAL_MIN <= serial <= SERIAL_MAX:
        raise BadValue(_("不是有效的日期，请按 2021-03-05 的格式填写"))
    return EXCEL_EPOCH + timedelta(days=serial)


def parse_date(value: object) -> date | None:
    """Return a date, or None for a blank cell."""
    if is_blank(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise BadValue(_("不是有效的日期"))
    if isinstance(value, (int, float)):
        if value != int(value):
            raise BadValue(_("不是有效的日期，请按 2021-03-05 的格式填写"))
        return _serial_date(int(value))
    text = fold(str(value))
    match = (
        re.fullmatch(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?", text)
        or re.fullmatch(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?", text)
        or re.fullmatch(r"(\d{4})(\d{2})(\d{2})", text)
    )
    if match:
        return _make_date(*(int(part) for part in match.groups()))
    if re.fullmatch(r"\d{5}", text):
        return _serial_date(int(text))
    raise BadValue(_("不是有效的日期，请按 2021-03-05 的格式填写"))


def _whole(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value == int(value):
        return int(value)
    return None


def parse_year(value: object) -> int:
    """Return a year between 2000 and 2100; '2021年' is accepted."""
    if is_blank(value):
        raise BadValue(_("不能为空"))
    year = _whole(value)
    if year is None:
        text = fold(str(value)).removesuffix("年").strip()
        if not re.fullmatch(r"\d{4}(\.0+)?", text):
            raise BadValue(_("应为四位数的年份"))
        year = int(float(text))
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise BadValue(_("年份应在%(min)s–%(max)s之间") % {"min": YEAR_MIN, "max": YEAR_MAX})
    return year


def parse_quarter(value: object) -> int:
    """Return a quarter 1–4; also Q1, 1季度, 一季度, 第一季度, 一."""
    if is_blank(value):
        raise BadValue(_("不能为空"))
    quarter = _whole(value)
    if quarter is None:
        text = fold(str(value)).upper().replace(" ", "")
        text = text.removeprefix("第").removesuffix("季度").removesuffix("季").removeprefix("Q").removesuffix("Q")
        text = text.removesuffix(".0")
        quarter = _CN_DIGITS.get(text) or (int(text) if text.isdigit() and text.isascii() else None)
    if quarter not in (1, 2, 3, 4):
        raise BadValue(_("季度应为1–4"))
    return quarter


def _excel_number() -> str:
    return _("统一社会信用代码被Excel转成了数字，请将该列设为文本格式后重新输入")


def parse_credit_code(value: object) -> str:
    """Return a normalized, valid unified social credit code."""
    if is_blank(value):
        raise BadValue(_("不能为空"))
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise BadValue(_excel_number())
    text = fold(str(value))
    if _SCIENTIFIC.fullmatch(text.replace(" ", "")):
        raise BadValue(_excel_number())
    code = creditcode.normalize(text)
    why = creditcode.problem(code)
    if why:
        raise BadValue(_("统一社会信用代码无效：%(why)s") % {"why": why})
    return code
