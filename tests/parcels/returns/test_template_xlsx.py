import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from parcels import statfields
from parcels.imports import fold_header, read_statistics_file
from parcels.returns.template_xlsx import DATA_SHEET, GUIDE_SHEET, PARCEL_SHEET
from tests.factories import make_parcel

pytestmark = pytest.mark.django_db


@pytest.fixture
def template(tmp_path):
    make_parcel(code="baoshan-industrial", name_zh="宝山工业园区")
    make_parcel(code="baoshan-urban", name_zh="宝山城市工业园区")
    path = tmp_path / "模板.xlsx"
    out = io.StringIO()
    call_command("statistics_template", str(path), stdout=out)
    assert "2 个地块" in out.getvalue()
    return openpyxl.load_workbook(path), path


def validations_by_column(sheet):
    """Map each column letter to its data validation."""
    found = {}
    for validation in sheet.data_validations.dataValidation:
        for cell_range in validation.sqref.ranges:
            found[cell_range.coord.split(":")[0].rstrip("0123456789")] = validation
    return found


def column_letter(label):
    labels = [label for _, label in statfields.BUILT_IN.columns]
    return openpyxl.utils.get_column_letter(labels.index(label) + 1)


def test_it_heads_the_data_sheet_with_the_chinese_labels(template):
    workbook, _ = template
    sheet = workbook[DATA_SHEET]

    assert workbook.sheetnames[:2] == [DATA_SHEET, GUIDE_SHEET]
    assert [cell.value for cell in sheet[1]] == [label for _, label in statfields.BUILT_IN.columns]
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "C2"
    assert sheet.column_dimensions["A"].number_format == "@"
    assert sheet.column_dimensions["A"].width >= 20
    assert sheet.max_row == 1


def test_it_offers_drop_downs_and_number_checks(template):
    workbook, _ = template
    validations = validations_by_column(workbook[DATA_SHEET])

    parcel = validations[column_letter("所在地块")]
    assert parcel.type == "list"
    sheet_name, cells = parcel.formula1.split("!")
    hidden = workbook[sheet_name.strip("'")]
    assert hidden.title == PARCEL_SHEET
    assert hidden.sheet_state == "hidden"
    assert [row[0].value for row in hidden[cells.replace("$", "")]] == ["宝山工业园区", "宝山城市工业园区"]

    flags = {
        name: validations[column_letter(statfields.BUILT_IN.by_name[name].label)]
        for name in statfields.BUILT_IN.flag_fields
    }
    assert {name: (v.type, v.formula1) for name, v in flags.items()} == {
        "above_scale": ("list", '"是,否,不适用"'),  # may not apply (a service company)
        "high_tech": ("list", '"是,否"'),
    }
    revenue, output = validations[column_letter("营业收入(万元)")], validations[column_letter("工业总产值(万元)")]
    assert (revenue.type, revenue.operator, revenue.formula1) == ("decimal", "greaterThanOrEqual", "0")
    assert output.type == "custom" and '"不适用"' in output.formula1  # a number ≥ 0, or 不适用
    year, quarter = validations[column_letter("年份")], validations[column_letter("季度")]
    assert (year.type, year.formula1, year.formula2) == ("whole", "2000", "2100")
    assert (quarter.type, quarter.formula1, quarter.formula2) == ("whole", "1", "4")
    assert str(parcel.sqref) == f"{column_letter('所在地块')}2:{column_letter('所在地块')}1048576"


def test_it_explains_every_column_in_the_instructions_sheet(template):
    workbook, _ = template
    rows = [tuple(cell for cell in row) for row in workbook[GUIDE_SHEET].iter_rows(values_only=True)]
    described = {row[0]: row[1:] for row in rows if row and row[0]}

    for _, label in statfields.BUILT_IN.columns:
        assert label in described
    assert described["营业收入(万元)"][:2] == ("万元", "年初至今累计")
    assert described["从业人员期末人数(人)"][:2] == ("人", "期末数")
    assert described["发明专利授权数(件)"][:2] == ("件", "年初至今累计")
    assert "留空为未填写" in described["税收(万元)"][2] and "不适用" not in described["税收(万元)"][2]
    assert "不适用" in described["工业总产值(万元)"][2]
    assert "是" in described["是否经认定的高新技术企业"][2]
    notes = "\n".join(str(row[0]) for row in rows if row and row[0])
    assert "年初至今累计" in notes and "留空表示未填写（不按0计）" in notes and "留空按0计" not in notes


def test_it_writes_a_template_the_import_reads_back(template):
    _, path = template
    sheet = openpyxl.load_workbook(path)[DATA_SHEET]
    headers = [fold_header(cell.value) for cell in sheet[1]]
    assert headers == [fold_header(label) for _, label in statfields.BUILT_IN.columns]
    sheet.append(["91350100M000100Y43", "某公司", "宝山工业园区", 2021, 4])
    saved = io.BytesIO()
    sheet.parent.save(saved)
    saved.seek(0)

    parsed = read_statistics_file(saved, "filled.xlsx")

    assert parsed.ok, parsed.errors
    assert parsed.rows[0].credit_code == "91350100M000100Y43"


def test_it_refuses_an_output_that_is_not_xlsx(tmp_path):
    with pytest.raises(CommandError, match=r"\.xlsx"):
        call_command("statistics_template", str(tmp_path / "模板.csv"))
