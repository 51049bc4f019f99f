from datetime import date, datetime
from decimal import Decimal

import pytest

from parkplan import numbers
from parkplan.numbers import BadValue

D = Decimal


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, D(0)),
        ("", D(0)),
        ("   ", D(0)),
        ("\u3000", D(0)),
        ("123", D(123)),
        (" 123.45 ", D("123.45")),
        ("１２３４５６．７", D("123456.7")),
        ("1,234.5", D("1234.5")),
        ("1，234.5", D("1234.5")),
        ("１，２３４，５６７", D(1234567)),
        ("12,345,678.90", D("12345678.90")),
        (".5", D("0.5")),
        ("-0", D(0)),
        (1234, D(1234)),
        (1234.5, D("1234.5")),
        (0.1 + 0.2, D("0.3")),
    ],
)
def test_it_reads_numbers_as_people_write_them(raw, expected):
    assert numbers.parse_number(raw) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("12a3", "不是有效的数字"),
        ("abc", "不是有效的数字"),
        ("1.2.3", "不是有效的数字"),
        ("12 3", "不是有效的数字"),
        ("NaN", "不是有效的数字"),
        ("Infinity", "不是有效的数字"),
        ("12%", "不是有效的数字"),
        ("—", "不是有效的数字"),
        ("-5", "不能为负数"),
        ("－５", "不能为负数"),
        ("−3.2", "不能为负数"),
        (-1, "不能为负数"),
        (-0.5, "不能为负数"),
        ("1,5", "千分位分隔符位置不正确"),
        ("12,34.5", "千分位分隔符位置不正确"),
        ("1.2E+5", "科学计数法"),
        ("9.13E+17", "科学计数法"),
        (True, "不是有效的数字"),
        (datetime(2021, 3, 5), "不是有效的数字"),
    ],
)
def test_it_rejects_what_is_not_a_non_negative_number(raw, message):
    with pytest.raises(BadValue, match=message):
        numbers.parse_number(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("", D("0.00")), ("12.3", D("12.30")), ("12.340", D("12.34")), (1234.56, D("1234.56")), ("1,000", D("1000.00"))],
)
def test_it_reads_money_with_two_decimals(raw, expected):
    value = numbers.parse_money(raw)
    assert value == expected
    assert value.as_tuple().exponent == -2


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("12.345", "最多保留两位小数"),
        (0.001, "最多保留两位小数"),
        ("100000000000000", "数值过大"),
        ("1" * 40, "数值过大"),
    ],
)
def test_it_rejects_money_it_would_have_to_round(raw, message):
    with pytest.raises(BadValue, match=message):
        numbers.parse_money(raw)


@pytest.mark.parametrize(("raw", "expected"), [("", 0), ("12", 12), ("12.0", 12), (12.0, 12), ("１，２００", 1200)])
def test_it_reads_whole_counts(raw, expected):
    assert numbers.parse_count(raw) == expected


@pytest.mark.parametrize(("raw", "message"), [("12.5", "应为整数"), (3.2, "应为整数"), ("3000000000", "数值过大")])
def test_it_rejects_fractional_or_huge_counts(raw, message):
    with pytest.raises(BadValue, match=message):
        numbers.parse_count(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("是", True),
        (" 是 ", True),
        ("\u3000是", True),
        ("Y", True),
        ("y", True),
        ("Yes", True),
        ("1", True),
        (1, True),
        ("TRUE", True),
        ("true", True),
        (True, True),
        ("否", False),
        ("N", False),
        ("0", False),
        (0, False),
        ("FALSE", False),
        (False, False),
        ("", False),
        (None, False),
    ],
)
def test_it_reads_yes_no_flags(raw, expected):
    assert numbers.parse_flag(raw) is expected


@pytest.mark.parametrize("raw", ["是的", "2", 2, "maybe"])
def test_it_rejects_other_flags(raw):
    with pytest.raises(BadValue, match="是”或“否"):
        numbers.parse_flag(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2021-03-05", date(2021, 3, 5)),
        ("2021/3/5", date(2021, 3, 5)),
        ("2021.3.5", date(2021, 3, 5)),
        ("2021年3月5日", date(2021, 3, 5)),
        ("２０２１年３月５日", date(2021, 3, 5)),
        ("20210305", date(2021, 3, 5)),
        ("2021-03-05 00:00:00", date(2021, 3, 5)),
        (datetime(2021, 3, 5, 0, 0), date(2021, 3, 5)),
        (date(2021, 3, 5), date(2021, 3, 5)),
        (44260, date(2021, 3, 5)),
        ("44260", date(2021, 3, 5)),
        (44260.0, date(2021, 3, 5)),
        ("1998-06-30", date(1998, 6, 30)),
        ("", None),
        (None, None),
    ],
)
def test_it_reads_dates_as_text_excel_dates_and_serials(raw, expected):
    assert numbers.parse_date(raw) == expected


@pytest.mark.parametrize("raw", ["2021-02-30", "2021", 2021, "3/5/2021", "去年", "20211305", 12345, "44260.5"])
def test_it_rejects_what_is_not_clearly_a_date(raw):
    with pytest.raises(BadValue, match="日期"):
        numbers.parse_date(raw)


@pytest.mark.parametrize(("raw", "expected"), [("2021", 2021), (2021, 2021), (2021.0, 2021), ("２０２１年", 2021)])
def test_it_reads_years(raw, expected):
    assert numbers.parse_year(raw) == expected


@pytest.mark.parametrize(
    ("raw", "message"), [("1999", "2000–2100"), (2101, "2000–2100"), ("21", "四位"), ("", "不能为空")]
)
def test_it_rejects_bad_years(raw, message):
    with pytest.raises(BadValue, match=message):
        numbers.parse_year(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (1, 1),
        (4.0, 4),
        ("2", 2),
        ("Q3", 3),
        ("q3", 3),
        ("3Q", 3),
        ("1季度", 1),
        ("第1季度", 1),
        ("一", 1),
        ("二季度", 2),
        ("第三季度", 3),
        ("第四季", 4),
        ("４", 4),
    ],
)
def test_it_reads_quarters_in_every_usual_form(raw, expected):
    assert numbers.parse_quarter(raw) == expected


@pytest.mark.parametrize("raw", [0, 5, "五", "Q5", "上半年", "1.5", 2.5])
def test_it_rejects_quarters_outside_one_to_four(raw):
    with pytest.raises(BadValue, match="季度应为1–4"):
        numbers.parse_quarter(raw)


@pytest.mark.parametrize("raw", ["9.13E+17", "9.13e17", " 9.13E+17 ", 9.13e17, 913101130000000000, "９．１３Ｅ＋１７"])
def test_it_tells_when_excel_turned_a_credit_code_into_a_number(raw):
    with pytest.raises(BadValue, match="被Excel转成了数字"):
        numbers.parse_credit_code(raw)


def test_it_normalizes_and_checks_credit_codes():
    assert numbers.parse_credit_code(" 91350100m000100y43 ") == "91350100M000100Y43"
    with pytest.raises(BadValue, match="校验位错误"):
        numbers.parse_credit_code("91350100M000100Y44")
    with pytest.raises(BadValue, match="不能为空"):
        numbers.parse_credit_code("  ")
