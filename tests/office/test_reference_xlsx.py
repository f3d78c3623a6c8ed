"""Reading the reference data's lists from real XLSX files (openpyxl builds them, the
reader parses them back), comparing them with the current list, writing them back."""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import load_workbook

from office import reference, reference_xlsx
from office.reference_xlsx import UploadRefused, diff, read_list, workbook
from tests.console.reference_support import (
    PARKS_HEADER,
    USCC_A,
    USCC_B,
    USCC_C,
    XIANGTAN_PARKS,
    xlsx,
)


def test_the_xiangtan_parks_under_a_title_with_synonym_headers_are_read_as_stored() -> None:
    data = xlsx(
        [
            ["湘潭市园区名录（2026 年）"],
            [],
            ["园区名称*", "园区简称", "统计用区划代码", "又称", "备注"],
            ["湘潭高新技术产业开发区", "湘潭高新区", 430371, None, "国家级"],
            ["  湘潭经济技术开发区\n", "湘潭经开区", "430373", "九华示范区"],
            [None, None, None, None],
            ["湘潭昭山示范区", "昭山示范区", "430372"],
        ]
    )
    parsed = read_list("parks", data)
    assert parsed.ok and parsed.sheet == "Sheet1"
    assert parsed.items == [
        {"name": "湘潭高新技术产业开发区", "short": "湘潭高新区", "stat_code": "430371"},
        {
            "name": "湘潭经济技术开发区",
            "short": "湘潭经开区",
            "stat_code": "430373",
            "also_known_as": "九华示范区",
        },
        {"name": "湘潭昭山示范区", "short": "昭山示范区", "stat_code": "430372"},
    ]
    assert parsed.rows == [4, 5, 7]  # as the spreadsheet numbers them (row 6 is blank)
    assert parsed.columns == [
        ("名称", "园区名称*"),
        ("简称", "园区简称"),
        ("统计代码", "统计用区划代码"),
        ("别名", "又称"),
    ]
    assert parsed.ignored == ["备注"]
    # what reference.load stores is exactly this
    assert reference.check({"parks": parsed.items})["parks"] == parsed.items


def test_credit_codes_are_normalised_and_names_kept_as_typed() -> None:
    data = xlsx(
        [
            ["企业名称", "信用代码"],
            ["湘潭顺阳新材料科技股份有限公司（岳塘）", "9143 0304-ma4y g57fjc"],
            ["湘潭顺泰食品\n有限公司", "９１４３０３２１ＭＡ４Ｋ３ＲＹＫＨ３"],
        ]
    )
    parsed = read_list("white_list", data)
    assert parsed.problems == []
    assert parsed.items == [
        {"uscc": USCC_A, "name": "湘潭顺阳新材料科技股份有限公司（岳塘）"},
        {"uscc": USCC_B, "name": "湘潭顺泰食品有限公司"},
    ]
    assert parsed.columns == [("企业名称", "企业名称"), ("统一社会信用代码", "信用代码")]


def test_bad_codes_empty_names_and_duplicates_are_problems_with_their_row() -> None:
    data = xlsx(
        [
            ["统一社会信用代码", "企业名称"],
            [USCC_A, "湘潭顺阳新材料科技股份有限公司"],
            ["91430304MA4YG57FJD", "校验位错"],
            ["9143", "太短"],
            ["", "没有代码"],
            [USCC_B, ""],
            [USCC_A.lower(), "重复的企业"],
            [USCC_C, '=HYPERLINK("http://x")'],
            [USCC_C, "湘潭湘城食品有限公司\u202e"],
        ]
    )
    parsed = read_list("key_supervision", data)
    assert [p.row for p in parsed.problems] == [3, 4, 5, 6, 7, 8, 9]
    messages = [p.message for p in parsed.problems]
    assert "校验位不对" in messages[0] and "91430304MA4YG57FJD" in messages[0]
    assert "格式不对" in messages[1] and "“9143”" in messages[1]
    assert messages[2] == "没有代码缺少统一社会信用代码"
    assert messages[3] == f"统一社会信用代码 {USCC_B} 缺少企业名称"
    assert messages[4] == f"统一社会信用代码 {USCC_A} 与第 2 行重复"
    # written by openpyxl as a formula: no cached value, so the cell reads as empty
    assert "缺少企业名称" in messages[5]
    assert "不可见字符" in messages[6]
    assert parsed.items == [{"uscc": USCC_A, "name": "湘潭顺阳新材料科技股份有限公司"}]
    assert not parsed.ok


def test_park_problems_name_the_row() -> None:
    parsed = read_list(
        "parks",
        xlsx(
            [
                PARKS_HEADER,
                ["湘潭高新技术产业开发区", "", "43037X", ""],
                ["", "简称而已", "", ""],
                ["湘潭高新技术产业开发区", "", "", ""],
                ["湘潭高新技术产业开发区(二期)", "", "", ""],
                ["湘潭高新技术产业开发区（二期）", "", "", ""],
                ["+又一个园区", "", "", ""],
                ["园" * 101, "", "", ""],
            ]
        ),
    )
    assert [(p.row, p.message) for p in parsed.problems] == [
        (2, "统计代码“43037X”应为不超过 12 位的数字"),
        (3, "缺少园区名称"),
        (6, "园区“湘潭高新技术产业开发区（二期）”与第 5 行重复"),  # one name once NFKC-folded
        (7, "“名称”以“+”开头，像是表格公式"),
        (8, "“名称”超过 100 个字"),
    ]
    assert [i["name"] for i in parsed.items] == [
        "湘潭高新技术产业开发区",
        "湘潭高新技术产业开发区(二期)",
    ]


def test_wrong_headers_are_refused_naming_the_columns_wanted() -> None:
    with pytest.raises(UploadRefused, match=r"没有找到表头.*“统一社会信用代码”、“企业名称”"):
        read_list("white_list", xlsx([["单位", "地址"], ["湘潭顺阳", "岳塘区"]]))
    # a parks file is no white list
    with pytest.raises(UploadRefused, match="没有找到表头"):
        read_list("white_list", xlsx([PARKS_HEADER, *XIANGTAN_PARKS]))


def test_the_header_may_be_on_a_later_sheet() -> None:
    from openpyxl import Workbook

    book = Workbook()
    cover = book.active
    assert cover is not None
    cover.title = "说明"
    cover.append(["本表由市优化办整理"])
    sheet = book.create_sheet("白名单")
    sheet.append(["统一社会信用代码", "企业名称"])
    sheet.append([USCC_A, "湘潭顺阳新材料科技股份有限公司"])
    out = io.BytesIO()
    book.save(out)
    parsed = read_list("white_list", out.getvalue())
    assert parsed.sheet == "白名单" and len(parsed.items) == 1


def test_too_many_rows_are_refused_while_streaming_and_the_limit_itself_is_fine() -> None:
    header = ["统一社会信用代码", "企业名称"]
    rows = [[USCC_A, f"企业{i}"] for i in range(30)]
    with pytest.raises(UploadRefused, match="超过 10 行，白名单最多 10 行"):
        read_list("white_list", xlsx([header, *rows]), max_rows=10)
    # the bound counts the rows read (header search included), so the limit's own count
    # of rows reads: here ten rows, one of them valid and nine duplicates
    parsed = read_list("white_list", xlsx([header, *rows[:10]]), max_rows=10)
    assert len(parsed.items) == 1 and len(parsed.problems) == 9
    assert reference_xlsx.read_list.__kwdefaults__ == {"max_rows": reference.MAX_LIST_ITEMS}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("统一社会信用代码,企业名称\n".encode(), "不是 Excel 工作簿"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "旧版 Excel 文件"),
        (b"", "文件是空的"),
        (b"PK\x03\x04 broken archive", "不是 Excel 工作簿"),
    ],
)
def test_what_is_not_an_xlsx_is_refused_in_chinese(data: bytes, message: str) -> None:
    with pytest.raises(UploadRefused, match=message):
        read_list("parks", data)


def test_a_zip_that_is_no_workbook_is_refused() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")
    with pytest.raises(UploadRefused, match="无法打开这个 Excel 文件"):
        read_list("parks", out.getvalue())


def test_a_part_that_inflates_far_beyond_its_size_is_refused_before_openpyxl() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"<a/>" + b" " * (8 * 1024 * 1024))
    assert len(out.getvalue()) < 100_000
    with pytest.raises(UploadRefused, match="压缩比异常"):
        read_list("parks", out.getvalue())


def test_a_file_over_the_size_limit_is_refused_before_it_is_opened() -> None:
    data = b"PK\x03\x04" + b"\0" * reference_xlsx.MAX_FILE_BYTES
    with pytest.raises(UploadRefused, match="文件超过 10 MB"):
        read_list("parks", data)


def test_an_empty_sheet_and_a_header_without_rows_are_refused() -> None:
    with pytest.raises(UploadRefused, match="工作表是空的"):
        read_list("parks", xlsx([]))
    with pytest.raises(UploadRefused, match="工作表是空的"):
        read_list("parks", xlsx([[None, " "], []]))
    with pytest.raises(UploadRefused, match="表头下面没有数据行"):
        read_list("parks", xlsx([PARKS_HEADER, [None] * 4]))


def test_the_comparison_counts_added_removed_changed_and_unchanged() -> None:
    current = [
        {"uscc": USCC_A, "name": "湘潭顺阳新材料科技股份有限公司"},
        {"uscc": USCC_B, "name": "湘潭顺泰食品有限公司"},
    ]
    new = [
        {"uscc": USCC_A, "name": "湘潭顺阳新材料科技股份有限公司"},
        {"uscc": USCC_B, "name": "湘潭顺泰食品股份有限公司"},
        {"uscc": USCC_C, "name": "湘潭湘城食品有限公司"},
    ]
    change = diff("white_list", current, new)
    assert (change.added, change.removed, change.changed, change.unchanged) == (1, 0, 1, 1)
    assert change.added_examples == [f"湘潭湘城食品有限公司（{USCC_C}）"]
    assert change.changed_examples == [f"湘潭顺泰食品股份有限公司（{USCC_B}）"]
    gone = diff("white_list", new, [])
    assert (gone.added, gone.removed) == (0, 3)
    parks = diff("parks", [{"name": "湘潭高新技术产业开发区"}], [{"name": "湘潭昭山示范区"}])
    assert (parks.added, parks.removed, parks.removed_examples) == (
        1,
        1,
        ["湘潭高新技术产业开发区"],
    )


def test_the_export_reads_back_as_it_was_and_the_template_is_its_header() -> None:
    parks = read_list("parks", xlsx([PARKS_HEADER, *XIANGTAN_PARKS])).items
    assert read_list("parks", workbook("parks", parks)).items == parks
    template = load_workbook(io.BytesIO(workbook("white_list")), read_only=True)
    rows = [r for r in template.worksheets[0].iter_rows(values_only=True) if any(r)]
    assert rows == [("统一社会信用代码", "企业名称")]
    assert template.worksheets[0].title == "白名单"
    with pytest.raises(UploadRefused, match="表头下面没有数据行"):
        read_list("white_list", workbook("white_list"))


def test_an_exported_name_that_looks_like_a_formula_stays_text() -> None:
    data = workbook("white_list", [{"uscc": USCC_A, "name": "=1+1 公司"}])
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    assert sheet["B2"].value == "'=1+1 公司" and sheet["B2"].data_type == "s"
