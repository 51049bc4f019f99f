"""Errors found in uploaded tables read in the user's language."""

from __future__ import annotations

from django.utils import translation

from parkplan.tables import RowError


def test_it_names_the_row_column_and_value_in_chinese():
    error = RowError(7, "营业收入(万元)", "12a", "不是有效的数字")
    assert str(error) == "第7行 「营业收入(万元)」 值“12a”：不是有效的数字"


def test_it_names_the_row_column_and_value_in_english():
    with translation.override("en"):
        error = RowError(7, "Revenue", "12a", "not a number")
        assert str(error) == "Row 7 “Revenue” value “12a”: not a number"
