"""Write the messy-file corpus of tests/data/ and its expected per-row outcomes (expected.json).

    .venv/bin/python tests/data/make_corpus.py      # needs openpyxl and LibreOffice (soffice)

Files are made the way towns and vendors make them: a hand-filled 附件2 with merged cells,
U+3000 and full-width text; a workbook with one sheet per town and a notes sheet; the same
saved by LibreOffice as .xls and .ods; a vendor's 12345 export in GBK with multi-line cells;
an .xlsx export with a title row, Excel dates and numbers; app exports with pinyin and
English keys.  Each row's expected outcome is written next to it, by hand, in ``EXPECTED``.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import tempfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

from appeal_core.enterprise import credit_code_check_char

HERE = Path(__file__).resolve().parent
CODE = "91320684MA1MFW2X1" + credit_code_check_char("91320684MA1MFW2X1")
WIDE_CODE = "".join(chr(ord(c) + 0xFEE0) for c in CODE)  # typed with a full-width IME
FULL_WIDTH_PHONE = "０５１３－８２１１８８９９"
TITLE = "海门区高质量服务企业领导小组办公室企业问题诉求汇总清单"
REMARK = "备注：请确保问题汇总清单内容信息准确无误，填写后报送至行政中心1231室。"
HEADER = ["编号", "企业名称", "存在问题", "问题来源", "企业联系人", "联系电话"]
EXPECTED: dict[str, Any] = {}


def ok(source_id: str, **fields: Any) -> dict[str, Any]:
    return {"outcome": "registered", "source_id": source_id, **fields}


def bad(field: str, reason: str) -> dict[str, Any]:
    return {"outcome": "quarantined", "field": field, "reason": reason}


def hand_filled(path: Path) -> None:
    """附件2 as 三星镇 fills it in Excel: merged title, one merged 填表单位 line, merges."""
    import openpyxl
    from openpyxl.styles import Alignment

    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "汇总清单"
    ws["A1"] = TITLE
    ws.merge_cells("A1:F1")
    ws["A2"] = "填表单位：三星镇　　　填报人：陆晓燕　　　联系电话：0513-82226015"
    ws.merge_cells("A2:F2")
    ws.append(HEADER)  # row 3
    rows: list[list[Any]] = [
        [
            1,
            "海门宏达机械有限公司",
            "新厂房消防验收迟迟未安排",
            "基层上报",
            "陈建华",
            "13812345678",
        ],
        [2, None, "厂区门前道路积水，影响货车进出", "基层上报", None, None],
        [
            3,
            "海门　　恒丰纺织有限公司",
            "用工缺口约50人，希望人社部门对接招聘会",
            "面对面走访",
            "王丽",
            FULL_WIDTH_PHONE,
        ],
        [4, "　海门金海电子有限公司　", "用电增容申请两个月未批复", "基层上报", "张伟", "82226015"],
        [5, "海门瑞达化工有限公司", "危化品仓库改造审批进度慢", "基层上报", "李强", 51382118899],
        [6, "海门东方家纺有限公司", "出口退税到账慢", "基层上报", "无", "无"],
        [7, "海门新星建材有限公司", "/", "基层上报", "赵敏", "13912345678"],
        [None, None, None, None, None, None],  # a blank row, as people leave them
        [
            8,
            "海门华盛印染有限公司",
            "污水接管费用标准不清楚",
            "基层上报",
            "周杰",
            "0513-82111701转8023",
        ],
        [9, "海门江海物流有限公司", "仓储用地规划调整咨询", "基层上报", "吴刚", "13712345678"],
        [None, None, "货车通行证办理难", "基层上报", None, None],
        [10, "海门永兴五金有限公司", "—", "基层上报", "郑华", "—"],
        [11, None, "（可另附页）", None, None, None],  # a template row left unused
    ]
    for row in rows:
        ws.append(row)
    for ref in ("B4:B5", "E4:E5", "F4:F5", "A13:A14", "B13:B14", "E13:E14", "F13:F14"):
        ws.merge_cells(ref)
    ws.append([REMARK])
    last = ws.max_row
    ws.merge_cells(f"A{last}:F{last}")
    for row in ws.iter_rows():
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="center")
    book.save(path)
    EXPECTED[path.name] = {"channel": "summary_list", "rows": {
        "4": ok("三星镇:1", enterprise="海门宏达机械有限公司", phone="13812345678"),
        "5": ok("三星镇:2", enterprise="海门宏达机械有限公司", contact="陈建华",
                phone="13812345678"),
        "6": ok("三星镇:3", enterprise="海门恒丰纺织有限公司", phone="0513-82118899"),
        "7": ok("三星镇:4", enterprise="海门金海电子有限公司", phone="0513-82226015",
                assumed=["enterprise.phone"]),
        "8": ok("三星镇:5", phone="0513-82118899", assumed=["enterprise.phone"]),
        "9": ok("三星镇:6", phone="", contact=""),
        "10": bad("存在问题", "占位符"),
        "12": ok("三星镇:8", phone="0513-82111701", extension="8023"),
        "13": ok("三星镇:9", enterprise="海门江海物流有限公司"),
        "14": ok("三星镇:9-2", enterprise="海门江海物流有限公司", phone="13712345678"),
        "15": bad("存在问题", "占位符"),
    }, "skipped": ["11", "16", "17"], "notes": {"填表单位": "三星镇", "填报人": "陆晓燕",
                                    "联系电话": "0513-82226015"}}  # fmt: skip


def several_sheets(path: Path) -> None:
    """One workbook, a sheet per town (three separate header cells), and a notes sheet."""
    import openpyxl

    book = openpyxl.Workbook()
    notes = book.active
    notes.title = "填表说明"
    notes.append(["请各区镇按附件2格式填写，每个区镇一个工作表。"])
    for town, filler, rows in (
        ("常乐镇", "顾红", [
            ["1", "海门常乐纺织有限公司", "土地证办理慢", "基层上报", "顾红", "13800000001",
             CODE],
            ["2", "海门常乐机械有限公司", "融资担保难", "基层上报", "顾红", "0513-822260",
             None],
            ["3", "海门常乐电子有限公司", "环评批复咨询", "基层上报", "顾红", "13800000003",
             913206840000000000],
        ]),
        ("悦来镇", "施强", [
            ["1", "海门悦来建材有限公司", "供电线路老化", "基层上报", "施强", "13800000004",
             None],
            ["2", "海门悦来食品有限公司", "冷链仓储用地", "基层上报", "施强", "13800000005",
             "91320684MA1MFW2X1O"],
        ]),
    ):  # fmt: skip
        ws = book.create_sheet(town)
        ws.append([TITLE])
        ws.append([f"填表单位：{town}", None, f"填报人：{filler}", None, "联系电话：_____"])
        ws.append(["序号", "单位名称", "存在问题", "问题来源", "联系人", "联系方式",
                   "统一社会信用代码"])  # fmt: skip
        for row in rows:
            ws.append(row)
        ws.append([REMARK])
    book.save(path)
    EXPECTED[path.name] = {"channel": "summary_list", "rows": {
        "常乐镇!4": ok("常乐镇:1", credit_code=CODE),
        "常乐镇!5": bad("联系方式", "区号加7至8位"),
        "常乐镇!6": bad("统一社会信用代码", "数字格式"),
        "悦来镇!4": ok("悦来镇:1"),
        "悦来镇!5": bad("统一社会信用代码", "不允许的字符"),
    }, "skipped_sheets": ["填表说明"]}  # fmt: skip


def converted(source: Path, fmt: str, channel: str) -> None:
    """The same workbook saved by LibreOffice as ``fmt`` (.xls, .ods, or .xlsx again)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise SystemExit("LibreOffice (soffice) is needed to write the .xls and .ods files")
    target = source.with_name(f"{source.stem}.{fmt}" if fmt != "xlsx" else f"{source.stem}_LO.xlsx")
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([soffice, "--headless", "--convert-to", fmt, "--outdir", tmp,
                        str(source)], check=True, capture_output=True, timeout=300)  # fmt: skip
        (Path(tmp) / f"{source.stem}.{fmt}").replace(target)
    EXPECTED[target.name] = {**EXPECTED[source.name], "channel": channel}


def vendor_csv(path: Path) -> None:
    """A 12345 vendor's export in GBK: its own headers, two-digit years, a multi-line cell."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["受理编号", "登记时间", "诉求人", "联系方式", "单位名称", "事发地址",
                     "问题描述", "承办单位"])  # fmt: skip
    writer.writerows([
        ["GD-001", "2026-11-16 09:30:00", "陈先生", "138 1234 5678", "海门明珠机械有限公司",
         "暂无", "厂区周边道路破损，\r\n大货车无法通行，\r\n请尽快维修", "区交通局"],
        ["GD-002", "26/11/16 10:05", "刘女士", "１３９１２３４５６７８", "海门光明纺织有限公司",
         "海门区三厂街道", "用工招聘需求", "区人社局"],
        ["GD-003", "2026/11/16", "王先生", "N/A", "海门新华电子有限公司", "",
         "电费结算有误", "供电公司"],
        ["GD-004", "2026-11-16 11:00", "赵先生", "0513-82111701-206", "不详", "",
         "消防验收", "区消防救援大队"],
        ["GD-005", "下周二", "钱先生", "13812345679", "海门天成化工有限公司", "",
         "危废处置渠道少", "区生态环境局"],
    ])  # fmt: skip
    path.write_bytes(out.getvalue().encode("gbk"))
    EXPECTED[path.name] = {"channel": "hotline", "rows": {
        "2": ok("GD-001", phone="13812345678", address="", notes={"承办单位": "区交通局"}),
        "5": ok("GD-002", phone="13912345678", assumed=["reported_at"],
                reported_at="2026-11-16T10:05:00+08:00"),
        "6": ok("GD-003", phone="", assumed=["reported_at"]),
        "7": bad("单位名称", "占位符"),
        "8": {**bad("登记时间", "无法识别的日期"), "where": "第8行（第6条记录）"},
    }}  # fmt: skip


def vendor_xlsx(path: Path) -> None:
    """An .xlsx export with a title row, Excel dates and numbers that lost their leading 0."""
    import openpyxl

    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "工单明细"
    ws.append(["12345政务服务便民热线企业诉求工单导出（2026年11月）"])
    ws.merge_cells("A1:G1")
    ws.append(["工单编号", "受理时间", "来电人", "来电号码", "企业名称", "诉求内容", "工单状态"])
    ws.append(["NT-1", datetime(2026, 11, 16, 9, 30), "陈", 13812345678, "海门甲机械有限公司",
               "用电增容", "已派单"])  # fmt: skip
    ws.append(["NT-2", date(2026, 11, 16), "林", 51382118899, "海门乙纺织有限公司",
               "招工难", "已派单"])  # fmt: skip
    ws.append(["NT-3", datetime(2026, 11, 17, 14, 0), "孙", "82226015转12", "海门丙电子有限公司",
               "税务咨询", "已办结"])  # fmt: skip
    ws["B4"].number_format = "yyyy/m/d"
    book.save(path)
    EXPECTED[path.name] = {"channel": "hotline", "rows": {
        "3": ok("NT-1", phone="13812345678", notes={"工单状态": "已派单"}),
        "4": ok("NT-2", phone="0513-82118899", assumed=["enterprise.phone", "reported_at"]),
        "5": ok("NT-3", phone="0513-82226015", extension="12", assumed=["enterprise.phone"]),
    }}  # fmt: skip


def app_exports(folder: Path) -> None:
    """The app's JSON in two more shapes: pinyin keys, and flat English keys."""
    pinyin = {"records": [
        {"bh": "P-1", "tjsj": "2026-11-16 09:30", "qymc": "海门甲公司", "sqnr": "融资难",
         "lxr": "陈", "lxdh": "13812345678", "tyshxydm": WIDE_CODE},
        {"bh": "P-2", "tjsj": "2026-11-16", "qymc": "海门乙公司", "sqnr": "暂无", "lxdh": "无"},
    ]}  # fmt: skip
    english = {"records": [
        {"record_id": "E-1", "created_at": "2026-11-16T09:30:00+08:00",
         "company": {"name": "海门丙公司", "credit_code": CODE},
         "description": "厂房漏水", "contact_phone": "0513-82111701 ext 8"},
    ]}  # fmt: skip
    for name, doc in (("app_拼音字段.json", pinyin), ("app_英文字段.json", english)):
        (folder / name).write_text(json.dumps(doc, ensure_ascii=False, indent=1), "utf-8")
    EXPECTED["app_拼音字段.json"] = {"channel": "app", "rows": {
        "1": ok("P-1", credit_code=CODE, contact="陈"),
        "2": bad("sqnr", "占位符"),
    }}  # fmt: skip
    EXPECTED["app_英文字段.json"] = {"channel": "app", "rows": {
        "1": ok("E-1", enterprise="海门丙公司", phone="0513-82111701", extension="8"),
    }}  # fmt: skip


def main() -> None:
    hand_filled(HERE / "附件2_三星镇_手填.xlsx")
    several_sheets(HERE / "汇总清单_多个区镇.xlsx")
    converted(HERE / "附件2_三星镇_手填.xlsx", "ods", "summary_list")
    converted(HERE / "附件2_三星镇_手填.xlsx", "xls", "summary_list")
    converted(HERE / "汇总清单_多个区镇.xlsx", "xls", "summary_list")
    converted(HERE / "汇总清单_多个区镇.xlsx", "xlsx", "summary_list")
    vendor_csv(HERE / "12345_厂商导出_GBK.csv")
    vendor_xlsx(HERE / "12345_工单导出.xlsx")
    app_exports(HERE)
    (HERE / "expected.json").write_text(
        json.dumps(EXPECTED, ensure_ascii=False, indent=1, sort_keys=True) + "\n", "utf-8"
    )


if __name__ == "__main__":
    main()
