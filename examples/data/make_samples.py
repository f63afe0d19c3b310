"""Write the sample intake files of every channel, reproducibly (fixed seed).

    python examples/data/make_samples.py [folder]     # default: this script's folder

Synthetic Haimen enterprises and problems (用地, 用工, 融资, 环保, 审批, 用电, 物流,
政策兑现 ...), a few bad rows in each file, and problems the app and the 12345 hotline both
report in other words (cross-channel duplicates).  Nothing here is a real enterprise.
"""

from __future__ import annotations

import csv
import io
import json
import random
import re
import sys
import zipfile
from datetime import datetime, timedelta
from pathlib import Path

import attrs

from appeal_core import SHANGHAI, Actor, Desk, Enterprise, MemoryStore
from appeal_core.enterprise import CODE_CHARSET, credit_code_check_char

SEED = 20201116
START = datetime(2026, 10, 9, 8, 30, tzinfo=SHANGHAI)  # just after the National Day break
TOWNS = ("海门街道", "三厂街道", "常乐镇", "悦来镇", "四甲镇", "余东镇", "正余镇", "包场镇",
         "临江镇", "海永镇", "海门港新区", "海门经济技术开发区")  # fmt: skip
ROADS = ("北京路", "长江路", "人民路", "秀山路", "珠江路", "黄海路", "香港路", "钱塘江路")
TRADES = (("机械", "机械制造"), ("纺织", "家纺"), ("建材", "新型建材"), ("生物", "生物医药"),
          ("电子", "电子元器件"), ("食品", "食品加工"), ("船舶", "船舶配套"), ("物流", "仓储物流"),
          ("化纤", "化纤"), ("智能", "智能装备"))  # fmt: skip
WORDS = ("恒丰", "金海", "瑞达", "东灶", "三和", "通达", "江海", "华盛", "叠石", "新锐", "海晟",
         "德润", "鑫源", "汇通", "蓝海", "长盈", "振华", "启航", "博远", "天成")  # fmt: skip
SURNAMES = "王李张刘陈杨黄赵吴周徐孙朱高林施顾沈陆茅"
GIVEN = ("建国", "海燕", "志强", "丽华", "卫东", "晓峰", "春梅", "永明", "秀英", "国平")
LEADERS = ("李区长", "王副区长", "张副区长", "陈主任")
STAFF = ("区服务企业办 顾科长", "区服务企业办 小施", "区工信局 沈科长")

#: Problems by category; each one in two wordings (the app's and the hotline's).
PROBLEMS: dict[str, list[tuple[str, str]]] = {
    "用地": [
        (
            "扩建二期厂房需新增工业用地约{n}亩，用地申请已提交三个月仍未落实，希望加快供地。",
            "我们公司二期扩建要新增{n}亩左右工业用地，申请交上去三个月了一直没有落实，请帮忙尽快供地。",
        ),
        (
            "厂区东侧闲置地块收储进度缓慢，影响企业技改项目开工，请协调自然资源部门。",
            "技改项目等着开工，厂区东边那块闲置地收储一直很慢，希望自然资源部门协调一下进度。",
        ),
    ],
    "用工": [
        (
            "旺季一线操作工缺口约{n}人，招工困难，希望人社部门组织专场招聘会。",
            "现在是旺季，一线操作工缺了{n}人左右，招不到人，能不能请人社局办一场专场招聘。",
        ),
        (
            "企业引进的高级技术人才子女入学问题尚未解决，影响人才稳定。",
            "我们引进的高级技术人才孩子上学的问题还没解决，人才有点留不住，请教育部门帮助。",
        ),
    ],
    "融资": [
        (
            "流动资金贷款{n}万元即将到期，续贷审批进度慢，希望协调银行无还本续贷。",
            "公司有{n}万流动资金贷款快到期了，银行续贷审批太慢，希望政府协调办理无还本续贷。",
        ),
        (
            "申请的科技型中小企业信用贷款迟迟未放款，影响原材料采购。",
            "科技贷申请了很久一直没有放款，原材料都买不了，请金融办帮忙催一下。",
        ),
    ],
    "环保": [
        (
            "新上喷涂线环评批复办理时间长，项目无法投产，请生态环境部门指导加快审批。",
            "喷涂线新项目的环评批复一直下不来，设备装好了不能投产，希望环保局指导加快。",
        ),
        (
            "周边企业夜间排放异味，影响本企业员工正常生产生活，请环保部门查处。",
            "旁边厂晚上排气味道很大，我们员工都受影响，请环保部门去查一下。",
        ),
    ],
    "审批": [
        (
            "厂房消防验收申请提交后迟迟未安排现场验收，新厂房无法启用。",
            "新厂房的消防验收报上去很久了，一直没人来现场验收，厂房用不了，请住建部门安排。",
        ),
        (
            "不动产权证办理材料反复补正，已跑了四次仍未办结。",
            "办不动产证材料让我们补了一次又一次，跑了四趟了还没办好，希望一次性告知。",
        ),
    ],
    "用电": [
        (
            "新增生产线需增容{n}千伏安，供电公司报装接电进度慢，影响投产。",
            "新生产线要增容{n}千伏安，供电公司报装接电太慢，投产要推迟了，请帮忙协调。",
        ),
        (
            "厂区近一个月频繁停电，造成设备损坏和订单延误，请供电部门排查线路。",
            "这个月厂里老是停电，设备都坏了好几台，订单也耽误了，希望供电公司查查线路。",
        ),
    ],
    "物流": [
        (
            "厂区门前道路限高限重，大件货物运输车辆无法通行，请交通部门协调通行证。",
            "我们厂门口的路限高限重，大件货车进不来，请交通局帮忙办个通行证。",
        ),
        (
            "海门港新区集装箱码头提箱排队时间长，物流成本上升。",
            "港新区码头提箱要排很久的队，物流成本一直往上涨，希望港口协调提高效率。",
        ),
    ],
    "政策兑现": [
        (
            "去年申报的技改设备投资补贴{n}万元至今未兑现，请财政、工信部门协调拨付。",
            "去年报的技改设备补贴{n}万到现在还没拿到，请财政局、工信局帮忙落实拨付。",
        ),
        (
            "高新技术企业认定奖励资金尚未到账，企业多次咨询无明确答复。",
            "高企认定的奖励资金一直没到账，问了几次都没有准话，请科技局给个明确答复。",
        ),
    ],
}


def credit_code(rng: random.Random) -> str:
    """A synthetic but valid code: 91 (enterprise), 320684 (Haimen), 9 random, check char."""
    body = "91320684" + "".join(rng.choice(CODE_CHARSET[:-5]) for _ in range(9))
    return body + credit_code_check_char(body)


def enterprises(rng: random.Random, count: int) -> list[Enterprise]:
    """``count`` distinct synthetic Haimen enterprises."""
    names: set[str] = set()
    out = []
    while len(out) < count:
        word = rng.choice(WORDS) + rng.choice(WORDS)
        short, trade = rng.choice(TRADES)
        name = (
            f"南通{word}{trade}有限公司" if rng.random() < 0.5 else f"海门{word}{short}科技有限公司"
        )
        if name in names:
            continue
        names.add(name)
        town = rng.choice(TOWNS)
        out.append(Enterprise(
            name=name, credit_code=credit_code(rng),
            address=f"海门区{town}{rng.choice(ROADS)}{rng.randint(1, 999)}号",
            contact=rng.choice(SURNAMES) + rng.choice(GIVEN),
            phone=f"13{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}",
        ))  # fmt: skip
    return out


def problem(rng: random.Random) -> tuple[str, int, str, str]:
    """(category, index, app wording, hotline wording) with its numbers filled in."""
    category = rng.choice(list(PROBLEMS))
    index = rng.randrange(len(PROBLEMS[category]))
    n = rng.choice((15, 30, 50, 80, 120, 200, 500, 800))
    a, b = PROBLEMS[category][index]
    return category, index, a.format(n=n), b.format(n=n)


def typed(rng: random.Random, moment: datetime, *, excel: bool = False) -> str:
    """A date and time in one of the forms clerks type."""
    forms = [
        moment.strftime("%Y-%m-%d %H:%M"),
        moment.strftime("%Y/%m/%d %H:%M"),
        f"{moment.year}年{moment.month}月{moment.day}日",
        moment.strftime("%Y-%m-%d"),
    ]
    if excel:
        serial = (moment.replace(tzinfo=None) - datetime(1899, 12, 30)).total_seconds() / 86400
        forms.append(f"{serial:.4f}")
    return rng.choice(forms)


def app_export(rng: random.Random, firms: list[Enterprise]) -> tuple[dict[str, object], list]:
    """The app's JSON export (60 records, 4 bad) and the records reused by the hotline."""
    records: list[dict[str, object]] = []
    shared = []
    for i in range(60):
        firm = rng.choice(firms)
        category, _, text, reworded = problem(rng)
        at = START + timedelta(hours=rng.randint(0, 24 * 40), minutes=rng.randint(0, 59))
        record: dict[str, object] = {
            "id": f"HQT-2026-{1000 + i:06d}", "submitted_at": typed(rng, at), "category": category,
            "content": text,
            "enterprise": {"name": firm.name, "credit_code": firm.credit_code,
                           "address": firm.address},
            "contact": {"name": firm.contact, "phone": firm.phone},
        }  # fmt: skip
        if i % 10 == 3:
            shared.append((firm, reworded, at + timedelta(days=1)))
        records.append(record)
    bad_code = records[7]["enterprise"]
    assert isinstance(bad_code, dict)
    code = bad_code["credit_code"]
    bad_code["credit_code"] = code[:17] + ("0" if code[17] != "0" else "1")  # typo in check char
    records[19]["contact"] = {"name": "周经理", "phone": "1381234567"}  # ten digits
    records[31]["content"] = "   "
    records[44]["submitted_at"] = "2026年13月45日"
    return {"exported_at": "2026-11-16 08:00", "records": records}, shared


HOTLINE_HEADER = ("工单编号", "来电时间", "来电人", "联系电话", "企业名称", "企业地址", "诉求内容",
                  "统一社会信用代码", "工单类型")  # fmt: skip


def hotline_rows(rng: random.Random, firms: list[Enterprise], shared: list) -> list[list[str]]:
    """60 rows of a 12345 transfer export: 6 reworded app problems, 4 bad rows."""
    rows = []
    for i in range(60):
        if i % 10 == 5 and shared:
            firm, text, at = shared.pop(0)
        else:
            firm = rng.choice(firms)
            _, _, _, text = problem(rng)
            at = START + timedelta(hours=rng.randint(0, 24 * 40), minutes=rng.randint(0, 59))
        phone = firm.phone if rng.random() < 0.7 else f"0513-8{rng.randint(1000000, 9999999)}"
        rows.append([
            f"NT12345-20261{rng.randint(100, 130)}-{i + 1:04d}", typed(rng, at, excel=True),
            firm.contact, phone, firm.name, firm.address, text,
            firm.credit_code if rng.random() < 0.9 else "", rng.choice(("投诉", "求助", "咨询")),
        ])  # fmt: skip
    rows[12][3] = "0513-821117"  # too short
    rows[27][7] = rows[27][7][:16] + "IO" if rows[27][7] else "91320684MA1XXXXXIO"
    rows[38][4] = ""
    rows[51][1] = "下周二上午"
    return rows


def write_csv(rows: list[list[str]], header: tuple[str, ...], encoding: str) -> bytes:
    """CSV bytes as office software writes them (CRLF)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def write_xlsx(rows: list[list[str]], header: tuple[str, ...]) -> bytes:
    """The same rows as an .xlsx workbook (openpyxl)."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "工单"
    sheet.append(list(header))
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return stable_zip(out.getvalue())


def stable_zip(data: bytes) -> bytes:
    """The .xlsx with fixed timestamps (zip entries and document properties), byte-reproducible."""
    src, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2026-11-16T00:00:00Z", body)
            dst.writestr(zipfile.ZipInfo(info.filename, (2026, 11, 16, 0, 0, 0)), body)
    return out.getvalue()


def summary_list(rng: random.Random, firms: list[Enterprise], town: str, fmt: str) -> bytes:
    """One town's 附件2 list written with the documents writer, numbered 1, 2, 3 ..."""
    from appeal_adapters.documents.summary_list import render_summary_csv, render_summary_list

    desk, clerk = Desk(MemoryStore(), district="TMP"), Actor.desk("样例")
    items = []
    for i in range(12):
        firm = attrs.evolve(rng.choice(firms), credit_code="")
        _, _, text, _ = problem(rng)
        item = desk.register(
            enterprise=firm, content=text, channel="grassroots", at=START, by=clerk
        )
        items.append(attrs.evolve(item, number=str(i + 1)))
    items[4] = attrs.evolve(items[4], enterprise=attrs.evolve(items[4].enterprise, phone="821117"))
    items[9] = attrs.evolve(items[9], content="")
    render = render_summary_list if fmt == "xlsx" else render_summary_csv
    filler = rng.choice(SURNAMES) + rng.choice(GIVEN)
    tel = f"0513-8{rng.randint(1000000, 9999999)}"
    return (
        stable_zip(render(items, unit=town, filler=filler, phone=tel))
        if fmt == "xlsx"
        else (render(items, unit=town, filler=filler, phone=tel))
    )


VISIT_HEADER = ("走访编号", "走访类型", "走访人", "走访日期", "企业名称", "统一社会信用代码",
                "企业联系人", "联系电话", "反映问题")  # fmt: skip


def visits(rng: random.Random, firms: list[Enterprise], prefix: str) -> list[dict[str, str]]:
    """20 visit records, leaders' (双挂钩) and face-to-face (面对面); two bad ones."""
    out = []
    for i in range(20):
        firm = rng.choice(firms)
        leader = rng.random() < 0.5
        _, _, text, _ = problem(rng)
        at = START + timedelta(days=rng.randint(0, 40))
        out.append({
            "id": f"{prefix}-{i + 1:03d}", "kind": "双挂钩" if leader else "面对面",
            "visitor": rng.choice(LEADERS if leader else STAFF), "visited_at": typed(rng, at),
            "enterprise": firm.name, "credit_code": firm.credit_code, "contact": firm.contact,
            "phone": firm.phone, "content": text,
        })  # fmt: skip
    out[6]["kind"] = "电话回访"
    out[15]["visitor"] = ""
    return out


def main(folder: Path) -> None:
    rng = random.Random(SEED)
    firms = enterprises(rng, 40)
    folder.mkdir(parents=True, exist_ok=True)
    app, shared = app_export(rng, firms)
    (folder / "app_export.json").write_text(
        json.dumps(app, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    rows = hotline_rows(rng, firms, shared)
    (folder / "hotline_12345.csv").write_bytes(write_csv(rows, HOTLINE_HEADER, "gbk"))
    (folder / "hotline_12345.xlsx").write_bytes(write_xlsx(rows, HOTLINE_HEADER))
    (folder / "summary_三厂街道.xlsx").write_bytes(summary_list(rng, firms, "三厂街道", "xlsx"))
    (folder / "summary_常乐镇.csv").write_bytes(summary_list(rng, firms, "常乐镇", "csv"))
    keys = list(VISIT_HEADER)
    records = visits(rng, firms, "ZF2026")
    table = [[r[k] for k in ("id", "kind", "visitor", "visited_at", "enterprise", "credit_code",
                             "contact", "phone", "content")] for r in records]  # fmt: skip
    (folder / "visits.csv").write_bytes(write_csv(table, tuple(keys), "utf-8-sig"))
    (folder / "visits.json").write_text(
        json.dumps({"visits": visits(rng, firms, "MDM2026")}, ensure_ascii=False, indent=1) + "\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent)
