import csv
import hashlib
import io
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from parcels import statfields
from parcels.imports import parcel_lookup, parse_table, read_statistics_file
from parcels.models import DataChange, Enterprise, ImportBatch, Statistic
from parcels.services import upsert_statistics
from parkplan import creditcode
from tests.factories import make_enterprise, make_parcel, make_statistic, make_user, new_credit_code

pytestmark = pytest.mark.django_db

# Headers as people type them: full-width parentheses, stray spaces, a required-mark, an extra column.
HEADER = [
    "*统一社会信用代码",
    "企业名称",
    " 所在地块 ",
    "年份",
    "季度",
    *(
        label.replace("(", "（").replace(")", "）") if i % 2 else label
        for i, (_, label) in enumerate(statfields.BUILT_IN.columns[5:])
    ),
    "备注",
]
HEADER[HEADER.index("从业人员期末人数（人）")] = " 从业人员期末人数 （人） "
FULL_WIDTH = str.maketrans("0123456789.,-", "０１２３４５６７８９．，－")
CN_QUARTER = "一二三四"
FLAGS = [
    ("是", True),
    ("否", False),
    ("Y", True),
    ("N", False),
    ("1", True),
    ("0", False),
    ("TRUE", True),
    ("FALSE", False),
    (" 是 ", True),
    ("", None),  # a blank flag is 未填写, not 否
    ("y", True),
    ("否 ", False),
]


@pytest.fixture
def parcels():
    return [
        make_parcel(code="baoshan-industrial", name_zh="宝山工业园区"),
        make_parcel(code="baoshan-urban", name_zh="宝山城市工业园区"),
    ]


def quirky_rows(parcels, enterprises=750, year=2021, xlsx=False):
    """Return (table, expected): a file's rows with every quirk, and what each row must store.

    ``expected`` maps (credit code, year, quarter) to the parcel id and the 13 values.
    """
    table, expected = [HEADER], {}
    for e in range(enterprises):
        code = new_credit_code(e + 1)
        parcel = parcels[e % 2]
        for q in range(1, 5):
            i = e * 4 + q
            raw_code = [code, code.lower(), code.translate(FULL_WIDTH), f" {code[:9]} {code[9:]} "][i % 4]
            raw_parcel = [
                parcel.code,
                parcel.name_zh,
                f" {parcel.name_zh[:2]} {parcel.name_zh[2:]}",
                parcel.code.upper(),
            ][e % 4]
            raw_year = [str(year), f"{year}年", year if xlsx else f" {year} "][i % 3]
            raw_quarter = [q, str(q), f"Q{q}", f"{q}季度", f"第{CN_QUARTER[q - 1]}季度", CN_QUARTER[q - 1]][i % 6]
            if not xlsx:
                raw_quarter = str(raw_quarter)

            revenue = Decimal(1000 + e * 7 + q * 250) + Decimal("0.25")
            raw_revenue = [
                str(revenue),
                f"{revenue:,}",
                f"{revenue:,}".replace(",", "，"),
                str(revenue).translate(FULL_WIDTH),
                float(revenue) if xlsx else f"{revenue:,}",
            ][i % 5]
            output = revenue * 2
            sei = Decimal(q * 100)
            value_added = None if i % 3 == 0 else Decimal("300.5")  # blank: 未填写, not 0
            employees = 100 + e % 50
            masters = employees // 4
            foreign = None if i % 2 else 3
            above_scale_raw, above_scale = FLAGS[i % len(FLAGS)]
            high_tech_raw, high_tech = FLAGS[(i + 5) % len(FLAGS)]
            listed_date, raw_date = None, ""
            if e % 10 == 0:
                listed_date = date(2021, 3, 5)
                raw_date = [
                    "2021-03-05",
                    "2021/3/5",
                    "2021年3月5日",
                    "20210305",
                    datetime(2021, 3, 5) if xlsx else "44260",
                ][(e // 10) % 5]
            table.append(
                [
                    raw_code,
                    f"上海宝山测试{e}有限公司",
                    raw_parcel,
                    raw_year,
                    raw_quarter,
                    raw_revenue,
                    str(output),
                    above_scale_raw,
                    str(sei),
                    "" if value_added is None else "300.50",
                    "12.5",
                    "１２．３",
                    str(employees) if i % 2 else f"{employees}.0",
                    masters if xlsx else str(masters),
                    "" if foreign is None else "3",
                    str(q),
                    high_tech_raw,
                    raw_date,
                    "备注文字",
                ]
            )
            expected[(code, year, q)] = {
                "parcel_id": parcel.id,
                "revenue": revenue,
                "industrial_output": output,
                "above_scale": above_scale,
                "sei_output": sei,
                "value_added": value_added,
                "rd_expenditure": Decimal("12.5"),
                "tax": Decimal("12.3"),
                "employees": employees,
                "masters_plus": masters,
                "foreign_returnee": foreign,
                "invention_patents": q,
                "high_tech": high_tech,
                "listed_date": listed_date,
            }
    # Blank rows at the end, as Excel leaves them.
    table += [[""] * len(HEADER), [None] * 3 if xlsx else [], ["  ", "", "\u3000"]]
    return table, expected


def write_file(tmp_path, table, kind, name="统计数据"):
    """Write rows as .xlsx ('xlsx'), GBK CSV ('gbk') or UTF-8-with-BOM CSV ('utf8'); return the path."""
    if kind == "xlsx":
        path = tmp_path / f"{name}.xlsx"
        workbook = openpyxl.Workbook(write_only=True)
        sheet = workbook.create_sheet("Sheet1")
        for row in table:
            sheet.append(row)
        workbook.save(path)
        return path
    path = tmp_path / f"{name}.csv"
    text = io.StringIO(newline="")
    csv.writer(text).writerows([["" if cell is None else str(cell) for cell in row] for row in table])
    path.write_bytes(text.getvalue().encode("gbk" if kind == "gbk" else "utf-8-sig"))
    return path


def run_import(path, *args):
    out = io.StringIO()
    call_command("import_statistics", str(path), *args, stdout=out)
    return out.getvalue().strip().splitlines()


def import_error(path):
    with pytest.raises(CommandError) as caught:
        run_import(path)
    return str(caught.value)


STORED_FIELDS = ["parcel_id", *(f.name for f in statfields.BUILT_IN.fields)]


def stored():
    """Return what the database holds, in the shape of quirky_rows' ``expected``."""
    rows = Statistic.objects.values_list("enterprise__credit_code", "year", "quarter", *STORED_FIELDS)
    return {tuple(row[:3]): dict(zip(STORED_FIELDS, row[3:], strict=True)) for row in rows}


def blanks_as_zero(expected):
    """Return ``expected`` as ``--blank-as-zero`` stores it: blank numbers 0, blank flags 否, no listing date."""
    zero = {"above_scale": False, "high_tech": False, "value_added": Decimal(0), "foreign_returnee": 0}
    return {
        key: {name: zero[name] if value is None and name in zero else value for name, value in values.items()}
        for key, values in expected.items()
    }


@pytest.mark.parametrize("kind", ["xlsx", "gbk", "utf8"])
def test_it_imports_a_file_with_every_quirk(tmp_path, parcels, kind):
    table, expected = quirky_rows(parcels, xlsx=kind == "xlsx")
    path = write_file(tmp_path, table, kind)

    lines = run_import(path)

    assert lines[-1] == "created=3000 updated=0 unchanged=0"
    assert stored() == expected  # blank cells stored as no value (未填写), never as 0
    assert Enterprise.objects.count() == 750
    batch = ImportBatch.objects.get()
    assert (batch.source, batch.filename, batch.created, batch.updated, batch.unchanged) == (
        "cli",
        path.name,
        3000,
        0,
        0,
    )
    assert batch.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert set(Statistic.objects.values_list("batch", "source").distinct()) == {(batch.id, "cli")}
    first = Enterprise.objects.get(credit_code=new_credit_code(1))
    assert (first.name, first.parcel) == ("上海宝山测试0有限公司", parcels[0])


def test_it_reads_blank_cells_as_zero_only_when_asked(tmp_path, parcels):
    table, expected = quirky_rows(parcels, enterprises=20)
    path = write_file(tmp_path, table, "utf8")

    lines = run_import(path, "--blank-as-zero")

    assert lines[-1] == "created=80 updated=0 unchanged=0"
    assert stored() == blanks_as_zero(expected)
    assert stored()[(new_credit_code(1), 2021, 3)]["value_added"] == Decimal(0)  # a blank, read as 0
    with_blanks = sum(any(v is None for k, v in row.items() if k != "listed_date") for row in expected.values())
    assert 0 < with_blanks < 80
    # Without the option the same file's blanks are 未填写 again: those rows are revised.
    assert run_import(path)[-1] == f"created=0 updated={with_blanks} unchanged={80 - with_blanks}"
    assert stored() == expected


def test_it_leaves_an_identical_file_alone(tmp_path, parcels):
    table, _ = quirky_rows(parcels)
    path = write_file(tmp_path, table, "utf8")
    run_import(path)
    changes = DataChange.objects.count()
    recorded = dict(Statistic.objects.values_list("id", "recorded_at"))

    lines = run_import(path)

    assert lines[-1] == "created=0 updated=0 unchanged=3000"
    assert DataChange.objects.count() == changes, "an unchanged file must not touch the statistics table"
    assert dict(Statistic.objects.values_list("id", "recorded_at")) == recorded


def test_it_revises_a_changed_value_in_place(tmp_path, parcels):
    table, expected = quirky_rows(parcels)
    run_import(write_file(tmp_path, table, "gbk", "first"))
    first_batch = ImportBatch.objects.get()
    table[100][5] = "99,999.99"
    code = new_credit_code(25)
    assert table[100][1] == "上海宝山测试24有限公司"  # row 101 is the 25th enterprise's quarter 4

    lines = run_import(write_file(tmp_path, table, "gbk", "second"))

    assert lines[-1] == "created=0 updated=1 unchanged=2999"
    assert Statistic.objects.count() == 3000
    revised = Statistic.objects.get(enterprise__credit_code=code, year=2021, quarter=4)
    assert revised.revenue == Decimal("99999.99")
    assert revised.batch.filename == "second.csv"
    assert Statistic.objects.filter(batch=first_batch).count() == 2999
    expected[(code, 2021, 4)]["revenue"] = Decimal("99999.99")
    assert stored() == expected


def test_it_revises_every_kind_of_field_and_records_who_did_it(parcels):
    table, _ = quirky_rows(parcels, enterprises=20)
    lookup = parcel_lookup()
    upsert_statistics(
        rows=read_statistics_file(io.BytesIO(csv_bytes(table)), "a.csv", parcels=lookup).rows, source="cli"
    )
    code = new_credit_code(11)  # the 11th enterprise has a listing date
    row = table[41]
    assert row[17] and creditcode.normalize(row[0]) == code
    row[2] = "宝山城市工业园区" if row[2] != "宝山城市工业园区" else "宝山工业园区"
    row[5:18] = ["1,234.56", "5000", "否", "4999.99", "", "0.01", "", "7", "7", "0", "", "是", ""]
    user = make_user("importer")

    parsed = read_statistics_file(io.BytesIO(csv_bytes(table)), "b.csv", parcels=lookup)
    result = upsert_statistics(rows=parsed.rows, source="upload", user=user, filename="b.csv")

    assert str(result) == "created=0 updated=1 unchanged=79"
    stat = Statistic.objects.get(enterprise__credit_code=code, year=2021, quarter=1)
    assert stat.parcel.name_zh == row[2]
    assert [getattr(stat, name) for name in STORED_FIELDS[1:]] == [
        Decimal("1234.56"), Decimal(5000), False, Decimal("4999.99"), None, Decimal("0.01"), None,
        7, 7, 0, None, True, None,
    ]  # fmt: skip
    assert (stat.source, stat.batch, stat.recorded_by) == ("upload", result.batch, user)
    assert (result.batch.created_by, result.batch.updated, result.batch.unchanged) == (user, 1, 79)


def test_it_writes_nothing_when_one_value_among_thousands_is_bad(tmp_path, parcels):
    table, expected = quirky_rows(parcels)
    run_import(write_file(tmp_path, table, "utf8", "first"))
    for row in table[1:2001]:
        row[6] = "1" + row[6]  # change many values, so a partial write would show
    table[1500][5] = "12a3"

    message = import_error(write_file(tmp_path, table, "xlsx", "second"))

    assert "第1501行 「营业收入(万元)」 值“12a3”：不是有效的数字" in message
    assert "1 处错误" in message
    assert Statistic.objects.count() == 3000
    assert ImportBatch.objects.count() == 1
    assert stored() == expected


def test_it_lists_every_error_with_row_column_and_value(tmp_path, parcels):
    table, _ = quirky_rows(parcels, enterprises=5)
    rows = table[1:21]
    good_code = new_credit_code(1)
    rows[0][0] = good_code[:17] + ("0" if good_code[17] != "0" else "1")
    rows[1][0] = "9.13E+17"
    rows[2][2] = "月球工业园区"
    rows[3][3] = "1999"
    rows[4][4] = "第五季度"
    rows[5][6] = "-5"
    rows[6][10] = "12.345"
    rows[7][12] = "12.5"
    rows[8][8] = "是的"
    rows[9][17] = "2021-02-30"
    rows[10][8] = "99999999"  # sei_output > industrial_output
    rows[11][13] = "100000"  # masters_plus > employees
    rows[12][1] = ""
    table[20] = [*table[19][:5], "1"]  # the same enterprise and period as the row above
    path = write_file(tmp_path, table, "utf8")

    message = import_error(path)

    wanted = [
        f"第2行 「统一社会信用代码」 值“{rows[0][0]}”：统一社会信用代码无效：校验位错误",
        "第3行 「统一社会信用代码」 值“9.13E+17”：统一社会信用代码被Excel转成了数字，请将该列设为文本格式后重新输入",
        "第4行 「所在地块」 值“月球工业园区”：没有这个地块",
        "第5行 「年份」 值“1999”：年份应在2000–2100之间",
        "第6行 「季度」 值“第五季度”：季度应为1–4",
        "第7行 「工业总产值(万元)」 值“-5”：不能为负数",
        "第8行 「研发经费支出(万元)」 值“12.345”：最多保留两位小数",
        "第9行 「从业人员期末人数(人)」 值“12.5”：应为整数",
        "第10行 「战略性新兴产业制造业产值(万元)」 值“是的”：不是有效的数字",
        "第11行 「科技上市日期」 值“2021-02-30”：不是有效的日期",
        "第12行 「战略性新兴产业制造业产值(万元)」 值“99999999”：不能大于「工业总产值(万元)」",
        "第13行 「硕士及以上学历从业人员(人)」 值“100000”：不能大于「从业人员期末人数(人)」",
        "第14行 「企业名称」：不能为空",
        "第21行 「统一社会信用代码」",
    ]
    for line in wanted:
        assert line in message
    assert "与第20行重复" in message
    assert message.count("\n") == len(wanted)  # a summary line, then one line per error
    assert Statistic.objects.count() == 0


def test_it_reports_a_credit_code_that_excel_stored_as_a_number(tmp_path, parcels):
    table, _ = quirky_rows(parcels, enterprises=3, xlsx=True)
    table[7][0] = 913101130000000000  # Excel keeps a double and shows it as 9.13101E+17
    table[8][0] = 9.13e17

    message = import_error(write_file(tmp_path, table, "xlsx"))

    assert "第8行 「统一社会信用代码」 值“9.13101E+17”：统一社会信用代码被Excel转成了数字" in message
    assert "第9行 「统一社会信用代码」 值“9.13E+17”：统一社会信用代码被Excel转成了数字" in message


def test_it_counts_rows_as_excel_shows_them_across_blank_rows(tmp_path, parcels):
    table, _ = quirky_rows(parcels, enterprises=3, xlsx=True)
    table[4:4] = [[None] * len(HEADER), [None] * len(HEADER)]  # rows 5 and 6 are empty
    table[9][9] = "abc"  # Excel row 10

    for kind in ("xlsx", "utf8"):
        assert "第10行 「增加值(万元)」 值“abc”" in import_error(write_file(tmp_path, table, kind))


def test_it_reports_missing_columns_by_name(tmp_path, parcels):
    table, _ = quirky_rows(parcels, enterprises=2)
    drop = {HEADER.index("年份"), HEADER.index("税收(万元)")}
    table = [[cell for index, cell in enumerate(row) if index not in drop] for row in table]

    message = import_error(write_file(tmp_path, table, "utf8"))

    assert "第1行 「年份」：表头缺少此列" in message
    assert "第1行 「税收(万元)」：表头缺少此列" in message
    assert "2 处错误" in message


def test_it_rejects_files_it_cannot_read(tmp_path, parcels):
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    (tmp_path / "broken.xlsx").write_bytes(b"not a zip")
    (tmp_path / "empty.csv").write_bytes(b"")
    (tmp_path / "header.csv").write_text(",".join(label for _, label in statfields.BUILT_IN.columns), encoding="utf-8")

    assert "另存为 .xlsx" in import_error(tmp_path / "old.xls")
    assert "无法读取该Excel文件" in import_error(tmp_path / "broken.xlsx")
    assert "文件是空的" in import_error(tmp_path / "empty.csv")
    assert "没有数据行" in import_error(tmp_path / "header.csv")
    assert "无法读取文件" in import_error(tmp_path / "missing.csv")


def test_it_dry_runs_without_writing(tmp_path, parcels):
    table, _ = quirky_rows(parcels, enterprises=10)
    path = write_file(tmp_path, table, "utf8")
    run_import(path)
    table[5][5] = "5"
    table.append([new_credit_code(9999), "新企业", "宝山工业园区", "2021", "4"])

    lines = run_import(write_file(tmp_path, table, "utf8"), "--dry-run")

    assert lines[-1] == "created=1 updated=1 unchanged=39"
    assert "未写入任何数据" in lines[0]
    assert Statistic.objects.count() == 40
    assert ImportBatch.objects.count() == 1
    assert not Enterprise.objects.filter(credit_code=new_credit_code(9999)).exists()


def test_it_moves_an_enterprise_only_when_the_file_is_not_older_than_the_database(parcels):
    industrial, urban = parcels
    older = make_enterprise(name="旧名称", parcel=industrial)
    make_statistic(enterprise=older, year=2022, quarter=2)
    newer = make_enterprise(name="旧名称", parcel=industrial)
    make_statistic(enterprise=newer, year=2021, quarter=4)
    lookup = {"宝山城市工业园区": urban.id}

    def row(code, year, quarter):
        return [code, "新名称", "宝山城市工业园区", year, quarter]

    table = [
        [label for _, label in statfields.BUILT_IN.columns],
        row(older.credit_code, 2022, 1),
        row(newer.credit_code, 2022, 1),
        row(newer.credit_code, 2021, 4),
    ]
    parsed = read_statistics_file(io.BytesIO(csv_bytes(table)), "moves.csv", parcels=lookup)
    assert parsed.ok, parsed.errors

    result = upsert_statistics(rows=parsed.rows, source="cli")

    assert str(result) == "created=2 updated=1 unchanged=0"
    older.refresh_from_db()
    newer.refresh_from_db()
    assert (older.name, older.parcel) == ("旧名称", industrial)
    assert (newer.name, newer.parcel) == ("新名称", urban)
    assert Statistic.objects.get(enterprise=newer, year=2021, quarter=4).parcel == urban


def test_it_upserts_thousands_of_rows_in_a_few_queries(tmp_path, parcels, django_assert_max_num_queries):
    table, _ = quirky_rows(parcels)
    parsed = read_statistics_file(write_file(tmp_path, table, "utf8"), parcels=parcel_lookup())
    assert parsed.ok, parsed.errors[:3]
    with django_assert_max_num_queries(30):
        upsert_statistics(rows=parsed.rows, source="cli")
    for row in parsed.rows[:1500]:
        row.values["tax"] += 1
    with django_assert_max_num_queries(30):
        result = upsert_statistics(rows=parsed.rows, source="cli")
    assert str(result) == "created=0 updated=1500 unchanged=1500"


@pytest.mark.django_db(False)
def test_it_reads_a_file_without_the_database():
    table = [
        [label for _, label in statfields.BUILT_IN.columns],
        ["91350100M000100Y43", "某公司", "P1", "2021", "Q3", "1,000"],
    ]

    parsed = read_statistics_file(io.BytesIO(csv_bytes(table)), "x.csv", parcels={"p1": 7})

    assert parsed.ok
    (row,) = parsed.rows
    assert (row.row, row.credit_code, row.parcel_id, row.year, row.quarter) == (2, "91350100M000100Y43", 7, 2021, 3)
    assert row.values["revenue"] == Decimal("1000.00")
    # Blank cells are 未填写: no value, not 0 or 否.
    assert row.values["employees"] is None
    assert row.values["above_scale"] is None
    assert row.values["listed_date"] is None
    assert row.not_applicable == frozenset() and row.explanation is None


@pytest.mark.django_db(False)
def test_it_reads_not_applicable_where_a_field_may_not_apply_and_refuses_it_elsewhere():
    header = [label for _, label in statfields.BUILT_IN.columns]
    cells = dict.fromkeys(header, "")
    cells.update({"统一社会信用代码": "91350100M000100Y43", "企业名称": "某公司", "所在地块": "P1", "年份": "2021"})
    cells.update({"季度": "4", "营业收入(万元)": "0", "工业总产值(万元)": "不适用", "增加值(万元)": " ｎ／ａ "})
    cells.update({"科技上市日期": "不适用", "税收(万元)": "0"})
    refused = {**cells, "季度": "3", "从业人员期末人数(人)": "N/A"}

    parsed = parse_table([header, list(cells.values()), list(refused.values())], {"p1": 1}, statfields.BUILT_IN)

    (row,) = parsed.rows
    assert row.not_applicable == {"industrial_output", "value_added"}
    assert row.values["industrial_output"] is None and row.values["value_added"] is None
    assert row.values["revenue"] == 0 and row.values["tax"] == 0  # 0 is a value someone typed
    assert row.values["listed_date"] is None and "listed_date" not in row.not_applicable  # not listed
    assert [str(e) for e in parsed.errors] == [
        "第3行 「从业人员期末人数(人)」 值“N/A”：此项不能填“不适用”，请填写数值（没有请填0）"
    ]


def csv_bytes(table):
    text = io.StringIO(newline="")
    csv.writer(text).writerows(table)
    return text.getvalue().encode("utf-8")


@pytest.mark.django_db(False)
def test_it_matches_headers_after_folding_and_refuses_a_column_given_twice():
    folded = [f" {label.replace('(', '（').replace(')', '）')}\n" for _, label in statfields.BUILT_IN.columns]
    row = ["91350100M000100Y43", "某公司", "P1", "2021", "4"]

    assert parse_table([folded, row], {"P1": 1}, statfields.BUILT_IN).ok
    parsed = parse_table([[*folded, "营业收入 (万元)"], row], {"P1": 1}, statfields.BUILT_IN)
    assert [str(error) for error in parsed.errors] == ["第1行 「营业收入 (万元)」：列重复"]
