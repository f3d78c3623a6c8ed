"""Roster and enterprise-directory imports from CSV and XLSX, and their commands."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from desktop.cli import main as beian
from desktop.spreadsheets import (
    ImportFailed,
    parse_date,
    read,
    read_enterprises,
    read_roster,
)
from desktop.store import DB_NAME, Enterprise, Store
from forms.certificates import CertRules
from forms.roster import Officer

DATA = Path(__file__).resolve().parents[1] / "data"
TODAY = date(2026, 11, 27)


# --- the samples as units keep them -------------------------------------------------------


def test_sample_roster():
    result = read_roster(DATA / "import_sample_roster.csv", today=TODAY)
    assert result.file_format == "CSV，UTF-8"
    assert result.mapping == {
        "name": "姓名",
        "cert_no": "执法证号",
        "title": "职务",
        "unit": "单位",
        "kind": "证件类型",
        "expires": "有效期至",
    }
    assert len(result.officers) == 36 and result.rejected == []
    first = result.officers[0]
    assert first == Officer(
        "康洋明", "43031119001", "科长", "湘潭市市场监督管理局", "中华人民共和国行政执法证",
        date(2026, 6, 30),
    )  # fmt: skip
    # expired certificates are kept (the rules need them) but reported
    assert [w.row for w in result.warnings] == [2, 11, 20, 29]
    assert "康洋明" in result.warnings[0].message and "2026年6月30日" in result.warnings[0].message


def test_sample_enterprises():
    result = read_enterprises(DATA / "import_sample_enterprises.csv")
    assert len(result.enterprises) == 60 and not result.rejected and not result.warnings
    assert result.enterprises[4] == Enterprise(
        "湘潭金莲化工有限公司", "91430300MA4JUEUDKC", "湘潭市科技路160号", "湘潭经济技术开发区"
    )


# --- bad rows -------------------------------------------------------------------------------


def test_roster_with_bad_rows_in_gb18030():
    """Excel's CSV in China: GB18030, a title row, synonyms, every date style, bad rows."""
    result = read_roster(DATA / "import_bad_roster_gb18030.csv", today=TODAY)
    assert result.file_format == "CSV，GB18030"
    assert result.mapping == {
        "name": "名字",
        "cert_no": "证件号码*",
        "title": "职务",
        "unit": "所在单位",
        "kind": "证件种类",
        "expires": "到期日期",
    }
    assert result.ignored_headers == ["序号", "备注"]
    assert [c.letter for c in result.columns] == ["B", "C", "D", "E", "F", "G"]
    rejected = {n.row: n.message for n in result.rejected}
    assert rejected == {
        5: "缺少姓名",
        7: "执法证号 43031142003 与第 6 行重复",
        8: "陆秀 的执法证号“证号待补”不符合证件号规则（4–30 位大写字母或数字，可用“-”分隔）",
        9: "杜雨 的有效期“明年底”无法识别为日期（可写作 2027-10-31）",
        13: "姜梅华 缺少执法证号",
        14: "姓名“张三3”不像人名（只能是汉字或字母，少数民族姓名用“·”分隔）",
        15: "孟欣德 的有效期“2027-02-30”无法识别为日期（可写作 2027-10-31）",
    }
    assert result.rejected[0].values["证件号码*"] == "43031121099"  # raw cells for the preview
    by_name = {o.name: o for o in result.officers}
    assert set(by_name) == {"易桐", "侯燕娟", "买买提·艾力", "康洋明"}
    assert by_name["易桐"].cert_no == "43031121002"  # full-width digits normalised
    assert {o.expires for o in result.officers if o.name != "康洋明"} == {date(2027, 10, 31)}
    assert [w.row for w in result.warnings] == [11]
    lines = result.report_lines()
    assert lines[0] == "文件：import_bad_roster_gb18030.csv（CSV，GB18030）"
    assert "可导入 4 名执法人员；拒绝 7 行；提醒 1 条。" in lines
    assert "  第 5 行：缺少姓名" in lines


def test_roster_uses_the_certificate_rules():
    rules = CertRules.from_dict(
        {"rules": [{"kind": "hn", "label": "中华人民共和国行政执法证", "pattern": "^4303[0-9]{7}$",
                    "min_length": 11, "max_length": 11}]}
    )  # fmt: skip
    result = read_roster(DATA / "import_bad_roster_gb18030.csv", cert_rules=rules, today=TODAY)
    assert result.officers[0].kind == "hn"  # the certificate type named by its label
    strict = read_roster(DATA / "import_sample_roster.csv", cert_rules=rules, today=TODAY)
    assert len(strict.officers) == 36


def test_enterprises_with_bad_rows():
    result = read_enterprises(DATA / "import_bad_enterprises.csv")
    assert result.mapping == {
        "name": "单位名称",
        "uscc": "信用代码",
        "address": "住所",
        "park": "园区",
    }
    assert result.ignored_headers == ["联系人"]
    rejected = {n.row: n.message for n in result.rejected}
    assert rejected == {
        3: "湘潭顺泰食品有限公司 的统一社会信用代码“91430321MA4K3RYKH4”校验位不对，可能有字符输错",
        4: "湘潭湘城食品有限公司 的统一社会信用代码“91430321MA4HNA03”格式不对"
        "（应为 18 位数字或大写字母）",
        5: "缺少企业名称",
        7: "统一社会信用代码 91430300MA4JUEUDKC 与第 6 行重复",
    }
    codes = [e.uscc for e in result.enterprises]
    assert codes == ["91430304MA4YG57FJC", "91430300MA4JUEUDKC", ""]  # grouped, lower case
    assert [(w.row, w.message) for w in result.warnings] == [
        (8, "湘潭小店 没有统一社会信用代码；仍导入")
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2027-10-31", date(2027, 10, 31)),
        ("2027/10/31", date(2027, 10, 31)),
        ("2027年10月31日", date(2027, 10, 31)),
        ("2027.10.31", date(2027, 10, 31)),
        ("2027-1-5", date(2027, 1, 5)),
        ("２０２７年１０月３１日", date(2027, 10, 31)),
        ("2027-10-31 00:00:00", date(2027, 10, 31)),
        ("20271031", date(2027, 10, 31)),
        ("46691", date(2027, 10, 31)),  # an Excel day number
        ("2027-13-01", None),
        ("明年", None),
        ("12", None),
        ("", None),
    ],
)
def test_dates(text: str, expected: date | None):
    assert parse_date(text) == expected


# --- XLSX ---------------------------------------------------------------------------------


def test_roster_from_xlsx(tmp_path: Path):
    book = Workbook()
    notes = book.active
    notes.title = "填表说明"
    notes.append(["本表由人事科维护，每季度更新。"])
    sheet = book.create_sheet("名单")
    sheet.append(["湘潭市应急管理局执法人员名单"])
    sheet.merge_cells("A1:F1")
    sheet.append(["姓名", "执法证件号", "职务", "单位", "证件类型", "有效期"])
    sheet.append(["易桐", 43031121002, "副大队长", "湘潭市应急管理局", "行政执法证",
                  datetime(2027, 10, 31)])  # fmt: skip
    sheet.append(["陆 秀", 43031121005.0, "科员", "湘潭市应急管理局", None, date(2027, 10, 31)])
    sheet.append(["杜雨", "43031121008", None, None, None, 46691])  # a date that lost its format
    sheet.append([None, None, None, None, None, None])
    sheet.append(["唐平杰", "43031121011", "科长", None, None, "2026/06/30"])
    sheet.append(["张兰", "abc", "科长", None, None, None])
    path = tmp_path / "名单.xlsx"
    book.save(path)

    result = read_roster(path, today=TODAY)
    assert result.file_format == "Excel 工作簿，工作表“名单”"
    assert result.mapping["cert_no"] == "执法证件号" and result.mapping["expires"] == "有效期"
    assert [(o.name, o.cert_no, o.expires) for o in result.officers] == [
        ("易桐", "43031121002", date(2027, 10, 31)),
        ("陆秀", "43031121005", date(2027, 10, 31)),
        ("杜雨", "43031121008", date(2027, 10, 31)),
        ("唐平杰", "43031121011", date(2026, 6, 30)),
    ]
    assert [(n.row, n.message[:2]) for n in result.rejected] == [(8, "张兰")]
    assert [w.row for w in result.warnings] == [7]


def test_enterprises_from_xlsx(tmp_path: Path):
    book = Workbook()
    sheet = book.active
    sheet.append(["企业名称", "统一社会信用代码", "地址", "所在园区"])
    sheet.append(["湘潭龙丰化工有限公司", "91430300MA47DREJ9F", "湘潭市岳塘区芙蓉路277号",
                  "湘潭高新技术产业开发区"])  # fmt: skip
    sheet.append(["湘潭旺源食品有限公司", "91430300MA4M16KEHX", None, None])
    path = tmp_path / "企业.xlsx"
    book.save(path)
    result = read("enterprises", path)
    assert [e.name for e in result.enterprises] == ["湘潭龙丰化工有限公司"]
    assert [n.row for n in result.rejected] == [3]
    misnamed = tmp_path / "企业名录.csv"  # a workbook renamed by hand is still a workbook
    book.save(misnamed)
    assert read_enterprises(misnamed).file_format.startswith("Excel 工作簿")


# --- files that cannot be read ----------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "没有找到表头"),
        ("名称,电话\n张三,1\n".encode(), "没有找到表头"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "旧版 Excel"),
        (b"PK\x03\x04 not really a workbook", "无法打开 Excel 文件"),
        (b"\x00\x01\x02\x03binary\x00", "不是文本格式"),
        (b"\xff\xfe\x00\xd8", "无法识别文件的文字编码"),  # broken UTF-16
    ],
)
def test_unreadable_files(tmp_path: Path, content: bytes, message: str):
    path = tmp_path / "roster.csv"
    path.write_bytes(content)
    with pytest.raises(ImportFailed, match=message):
        read_roster(path)


def test_missing_file_and_folder(tmp_path: Path):
    with pytest.raises(ImportFailed, match="找不到文件"):
        read_roster(tmp_path / "nope.csv")
    with pytest.raises(ImportFailed, match="文件夹"):
        read_enterprises(tmp_path)


def test_utf16_tab_separated(tmp_path: Path):
    """Excel's "Unicode text": UTF-16 with a BOM, tab-separated."""
    path = tmp_path / "roster.txt"
    path.write_bytes("姓名\t证号\n易桐\t43031121002\n".encode("utf-16"))
    result = read_roster(path, today=TODAY)
    assert [o.cert_no for o in result.officers] == ["43031121002"]


# --- the commands -----------------------------------------------------------------------


def test_import_roster_command(tmp_path: Path, capsys):
    data = tmp_path / "data"
    code = beian(["--data-dir", str(data), "import-roster", str(DATA / "import_sample_roster.csv"),
                  "--dry-run"])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0 and "可导入 36 名执法人员" in out and "预览" in out
    assert not (data / DB_NAME).exists()  # a preview writes nothing

    code = beian(["--data-dir", str(data), "import-roster",
                  str(DATA / "import_bad_roster_gb18030.csv")])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0 and "第 9 行：杜雨 的有效期“明年底”无法识别为日期" in out
    assert "已导入 4 名执法人员（原名单已替换）。" in out
    with Store.open(data) as store:
        assert len(store.officers()) == 4

    code = beian(["--data-dir", str(data), "import-roster", str(DATA / "import_sample_roster.csv")])
    assert code == 0
    with Store.open(data) as store:
        assert len(store.officers()) == 36  # replaced, not added
        assert store.roster().by_cert("43031121002").name == "易桐"


def test_import_enterprises_command(tmp_path: Path, capsys):
    data = tmp_path / "data"
    args = ["--data-dir", str(data), "import-enterprises"]
    assert beian([*args, str(DATA / "import_sample_enterprises.csv")]) == 0
    assert beian([*args, str(DATA / "import_bad_enterprises.csv")]) == 0
    out = capsys.readouterr().out
    assert "已导入 3 家企业（新增或更新）；名录中现有 61 家企业。" in out
    with Store.open(data) as store:
        found = store.find_enterprises("91430300MA4JUEUDKC")
        assert found[0].name == "湘潭金莲化工有限公司"


def test_import_command_with_nothing_to_import(tmp_path: Path, capsys):
    data = tmp_path / "data"
    bad = tmp_path / "bad.csv"
    bad.write_text("姓名,执法证号\n,123\n张三,\n", "utf-8")
    assert beian(["--data-dir", str(data), "import-roster", str(bad)]) == 1
    out = capsys.readouterr().out
    assert "没有可以导入的行，未做任何修改。" in out and "第 2 行：缺少姓名" in out
    assert beian(["--data-dir", str(data), "import-roster", str(tmp_path / "none.xlsx")]) == 1
    assert "找不到文件" in capsys.readouterr().err
    assert not (data / DB_NAME).exists()
