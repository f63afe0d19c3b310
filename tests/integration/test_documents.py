"""The printed documents, read back with python-docx and openpyxl: every field, odd text, privacy."""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from appeal_adapters import load_plugins
from appeal_adapters.documents import (
    UnknownRenderer,
    clean,
    mask_phone,
    mask_phones_in,
    read_summary_list,
    render,
    renderers,
)
from appeal_adapters.documents import charts as charts_module
from appeal_adapters.documents.briefing import blocks, render_briefing, render_briefing_html
from appeal_adapters.documents.sheet import render_sheet
from appeal_adapters.documents.summary_list import render_summary_csv, render_summary_list
from appeal_core import SHANGHAI, Actor, Appeal, Desk, Enterprise, MemoryStore, Policy
from appeal_core.identity import Identity
from appeal_core.text import clean_line

docx = pytest.importorskip("docx")
openpyxl = pytest.importorskip("openpyxl")

DESK = Actor.desk("小王")
LEAD = Actor.of_department("区市场监督管理局", "张科长")
HR = Actor.of_department("区人力资源和社会保障局")
PHONE = "13812345678"


def at(day: str, hour: int = 10) -> datetime:
    d = date.fromisoformat(day)
    return datetime(d.year, d.month, d.day, hour, tzinfo=SHANGHAI)


def firm(name: str = "海门某某机械有限公司", contact: str = "陈经理") -> Enterprise:
    return Enterprise(name=name, address="海门区人民路1号", contact=contact, phone=PHONE)


def assigned(desk: Desk, content: str = "厂房消防验收迟迟未办", complexity: str = "routine",
             lead: str = LEAD.department, name: str = "海门某某机械有限公司") -> str:  # fmt: skip
    n = desk.register(
        enterprise=firm(name), content=content, channel="hotline", at=at("2024-09-29", 9), by=DESK
    ).number
    desk.verify(n, at=at("2024-09-29"), by=DESK)
    desk.classify(n, category="消防", complexity=complexity, at=at("2024-09-29"), by=DESK)
    desk.assign(
        n, lead=lead, co=["区住房和城乡建设局", "区消防救援大队"], at=at("2024-09-30"), by=DESK
    )
    return n


def done(desk: Desk) -> Appeal:
    n = assigned(desk)
    desk.reply(
        n,
        text="已安排现场验收。",
        at=at("2024-10-08"),
        by=LEAD,
        contact="张科长",
        phone="0513-82111234",
    )
    return desk.follow_up(
        n, satisfaction="satisfied", resolved=False, at=at("2024-10-11"), by=DESK, notes="待复验"
    )


def docx_text(data: bytes) -> tuple[str, list[list[str]], object]:
    doc = docx.Document(io.BytesIO(data))
    body = "\n".join(p.text for p in doc.paragraphs)
    cells = [[c.text for c in row.cells] for t in doc.tables for row in t.rows]
    return body, cells, doc


def test_sheet_has_every_field_of_the_form() -> None:
    item = done(Desk(MemoryStore(), district="HM"))
    body, cells, doc = docx_text(render_sheet(item))
    assert "海门区高质量服务企业领导小组办公室\n企业问题诉求部门交办单" in body
    assert f"事项编号：{item.number}" in body and "交办日期：2024年9月30日" in body
    assert cells[0] == ["企业名称", "海门某某机械有限公司", "企业地址", "海门区人民路1号"]
    assert cells[1] == ["反映时间", "2024年9月29日", "问题来源", "12345热线转交"]
    assert cells[2] == ["企业联系人", "陈经理", "联系电话", PHONE]
    assert cells[3][0] == "企业反映\n主要问题" and cells[3][1] == "厂房消防验收迟迟未办"
    assert cells[4][1] == "主办：区市场监督管理局；协办：区住房和城乡建设局、区消防救援大队"
    assert cells[5][1].splitlines() == [
        "已安排现场验收。",
        "（涉及其他协办部门参与办理的，由主办部门汇总办理情况后统一回复）",
        "2024年10月8日",
    ]
    assert cells[6] == ["主办部门\n联系人", "张科长", "联系电话", "0513-82111234"]
    assert cells[7][1].splitlines() == [
        "1. 对部门服务是否满意：满意（√）/不满意（　）",
        "2. 反映的问题是否解决：解决（　）/未解决（√）",
        "3. 其他说明：待复验",
        "4. 回访日期：2024年10月11日",
    ]
    assert "本件请于2024年10月10日前答复。" in body and "行政中心1231室" in body
    section = doc.sections[0]  # type: ignore[attr-defined]
    assert (section.page_width.mm, section.page_height.mm) == pytest.approx((210, 297), abs=0.1)
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [round(m.mm) for m in margins] == [37, 35, 28, 26]
    styles = doc.styles.element.xml  # type: ignore[attr-defined]
    assert 'w:eastAsia="zh-CN"' in styles and 'w:eastAsia="仿宋_GB2312"' in styles
    rows = doc.tables[0]._tbl.tr_lst  # type: ignore[attr-defined]
    splittable = [
        i for i, tr in enumerate(rows) if tr.trPr is None or not tr.trPr.xpath("w:cantSplit")
    ]
    assert splittable == [3]  # only the problem row continues on the next page


def test_unfilled_sheet_prints_blanks_and_preliminary_asks_for_a_first_reply() -> None:
    desk = Desk(MemoryStore(), district="HM")
    n = assigned(desk, complexity="complex")
    identity = Identity(office="某某区服务企业办", address="某某大楼101室")
    body, cells, _ = docx_text(render_sheet(desk.get(n), policy=Policy(identity=identity)))
    assert body.startswith("某某区服务企业办\n企业问题诉求部门交办单") and "某某大楼101室" in body
    assert "前向企业作出初步答复，并在承诺的时间内办结" in body
    assert "满意（　）/不满意（　）" in cells[7][1] and "回访日期：____年__月__日" in cells[7][1]
    assert cells[5][1].splitlines()[-1].strip() == "年　　月　　日"
    assert cells[6][1] == "" and cells[6][3] == ""
    desk.reply(
        n,
        text="正在调查",
        preliminary=True,
        committed_due=date(2024, 10, 30),
        at=at("2024-10-08"),
        by=LEAD,
    )
    _, cells, _ = docx_text(render_sheet(desk.get(n)))
    assert "初步答复：正在调查" in cells[5][1] and "承诺办结时间：2024年10月30日" in cells[5][1]


def test_batch_puts_each_sheet_on_a_new_page() -> None:
    desk = Desk(MemoryStore(), district="HM")
    items = [desk.get(assigned(desk)) for _ in range(3)]
    _, _, doc = docx_text(render_sheet(items))
    assert len(doc.tables) == 3  # type: ignore[attr-defined]
    sections = doc.sections  # type: ignore[attr-defined]
    assert len(sections) == 3 and [s.start_type for s in sections][1:] == [2, 2]  # new page
    # A sheet running onto a second page repeats its number there, not on its first page.
    for section, item in zip(sections, items, strict=True):
        assert section.different_first_page_header_footer
        assert section.header.paragraphs[0].text == f"事项编号：{item.number}（续）"
        assert section.first_page_header.paragraphs[0].text == ""


def test_summary_list_xlsx_layout_print_setup_and_round_trip() -> None:
    desk = Desk(MemoryStore(), district="HM")
    items = [done(desk), desk.get(assigned(desk, content='=HYPERLINK("http://x")'))]
    data = render_summary_list(
        items, unit="海门街道", filler="小王", phone="82111701", handling=True
    )
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    assert ws["A1"].value == "海门区高质量服务企业领导小组办公室企业问题诉求汇总清单"
    assert (ws["A2"].value, ws["C2"].value, ws["E2"].value) == (
        "填表单位：海门街道",
        "填报人：小王",
        "联系电话：82111701",
    )
    assert [c.value for c in ws[3]] == [
        "编号",
        "企业名称",
        "存在问题",
        "问题来源",
        "企业联系人",
        "联系电话",
        "状态",
        "主办部门",
        "答复期限",
        "答复日期",
        "回访结果",
    ]
    assert [c.value for c in ws[4]] == [
        items[0].number,
        "海门某某机械有限公司",
        "厂房消防验收迟迟未办",
        "12345热线转交",
        "陈经理",
        PHONE,
        "已回访",
        "主办：区市场监督管理局；协办：区住房和城乡建设局、区消防救援大队",
        "2024年10月10日",
        "2024年10月8日",
        "满意，未解决",
    ]
    hostile = ws["C5"]
    assert (
        hostile.value == '=HYPERLINK("http://x")'
        and hostile.data_type == "s"
        and hostile.quotePrefix
    )
    assert ws["A6"].value.startswith("备注：请确保问题汇总清单内容信息准确无误")
    # With the handling columns the list is A3 landscape; the six columns of the form fit A4.
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 8
    assert ws.oddFooter.center.text == "第 &P 页 共 &N 页"
    assert all(
        c.font.name in ("宋体", "黑体") and c.font.size >= 9 for r in ws for c in r if c.value
    )
    assert ws.print_title_rows == "$3:$3" and ws["C4"].alignment.wrap_text
    assert ws.column_dimensions["C"].width >= 40
    header, rows = read_summary_list(data)
    assert header["unit"] == "海门街道" and header["remark"].startswith("备注：")
    assert rows[1]["存在问题"] == '=HYPERLINK("http://x")' and rows[0]["回访结果"] == "满意，未解决"


def test_csv_has_bom_neutralised_formulas_and_round_trips() -> None:
    desk = Desk(MemoryStore(), district="HM")
    items = [desk.get(assigned(desk, content="@SUM(1)", name="+ 某某公司"))]
    data = render_summary_csv(items, mask_phones=True)
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert "'@SUM(1)" in text and "'+ 某某公司" in text and "138****5678" in text
    assert text.splitlines()[1].startswith("填表单位：_____,,填报人：_____")
    header, rows = read_summary_list(data)
    assert rows == [
        {
            "编号": items[0].number,
            "企业名称": "+ 某某公司",
            "存在问题": "@SUM(1)",
            "问题来源": "12345热线转交",
            "企业联系人": "陈经理",
            "联系电话": "138****5678",
        }
    ]
    assert header["unit"] == ""


HOSTILE = st.lists(
    st.characters(codec="utf-8", exclude_categories=["Cs"]).map(str)
    | st.sampled_from(["=", "+", "-", "@", "\t", "\r", "'", "𠀀", "😀", "\x00", "_x0041_", "\r\n"]),
    max_size=30,
).map("".join)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(content=HOSTILE, name=HOSTILE.filter(lambda s: clean_line(s)), contact=HOSTILE)
def test_odd_text_never_crashes_and_lists_round_trip(content: str, name: str, contact: str) -> None:
    desk = Desk(MemoryStore(), district="HM")
    n = desk.register(
        enterprise=Enterprise(name=name, contact=contact, phone=PHONE),
        content=content if clean(content).strip() else "x",  # control characters alone: empty
        channel="app",
        at=at("2024-09-29"),
        by=DESK,
    ).number
    item = desk.get(n)
    for data in (
        render_summary_list([item], unit=content),
        render_summary_csv([item], unit=content),
    ):
        header, rows = read_summary_list(data)
        assert rows[0]["存在问题"] == clean(item.content) and rows[0]["企业名称"] == clean(
            item.enterprise.name
        )
        assert rows[0]["企业联系人"] == clean(item.enterprise.contact)
        assert header["unit"] in (clean(content), "")
    _, cells, _ = docx_text(render_sheet(item))
    assert cells[0][1] == clean(item.enterprise.name)


def test_long_text_and_rare_characters_survive() -> None:
    desk = Desk(MemoryStore(), district="HM")
    long = "企业反映𠀀😀问题。" * 2000
    item = desk.get(assigned(desk, content=long))
    _, cells, _ = docx_text(render_sheet(item))
    assert cells[3][1] == long
    _, rows = read_summary_list(render_summary_list([item]))
    assert rows[0]["存在问题"] == long


def briefing_desk() -> tuple[Desk, list[Appeal]]:
    desk = Desk(MemoryStore(), district="HM")
    one = assigned(desk, name=f"某某公司{PHONE}")
    desk.reply(one, text="已办", at=at("2024-10-08"), by=LEAD)
    desk.follow_up(one, satisfaction="satisfied", resolved=True, at=at("2024-10-09"), by=DESK)
    late = assigned(desk, lead=HR.department)
    return desk, [desk.get(one), desk.get(late)]


def test_briefing_docx_and_html_contents_and_privacy() -> None:
    desk, _items = briefing_desk()
    report, previous = desk.report(2024, 10), desk.report(2024, 9)
    policy = Policy(min_ranked_items=1)
    options = {"issue": 7, "previous": previous, "top_n": 1, "policy": policy,
               "supervision": desk.supervision_list(2024, 10)}  # fmt: skip
    report = desk.report(2024, 10)
    report = attrs.evolve(report, rules=attrs.evolve(report.rules, min_items=1))
    body, cells, doc = docx_text(render_briefing(report, **options))
    page = render_briefing_html(report, **options).decode("utf-8")
    for text in (body + "\n".join("|".join(r) for r in cells), page):
        assert "海门区高质量服务企业工作简报" in text and "第7期" in text and "2024年10月" in text
        assert "红榜：区市场监督管理局（100.0分）" in text
        assert "黑榜：区人力资源和社会保障局（0.0分）" in text
        assert "逾期" in text and "工作日" in text and "2024年10月10日" in text
        assert PHONE not in text and "138****5678" in text and "陈经理" not in text
        assert "报：区委、区政府主要领导" in text and "发：各区镇，各涉企部门" in text
        assert "环比" not in text  # September has no data: no month-on-month table
    ranked = report.ranking()
    header = cells[0]
    assert header[:2] == ["排名", "部门"] and "完成率" in header and "满意度" in header
    first = dict(zip(header, cells[1], strict=True))
    assert first["部门"] == ranked[0].department and first["完成率"] == "100.0%"
    hr = dict(zip(header, cells[2], strict=True))
    assert hr["完成率"] == "—" and hr["满意度"] == "—"  # nothing visited: no value, not 0%
    # The stock at the cut-off: both items; the unanswered one 16 working days late on 10-31
    # (10-12 was a Saturday worked in lieu of the National Day holiday).
    stock = [r for r in cells if len(r) == 6 and r[0] == "1"]
    assert stock and stock[0][5] == "16" and "2024年10月10日" in stock[0][4]
    assert "data:image/png;base64," in page and "<script" not in page and "@media print" in page
    assert len(doc.inline_shapes) == 1  # type: ignore[attr-defined]
    tables = doc.tables  # type: ignore[attr-defined]
    assert tables[0].rows[0]._tr.trPr.xpath("w:tblHeader")  # the heading row repeats
    assert doc.sections[1].orientation == 1  # type: ignore[attr-defined]  # landscape
    props = doc.core_properties  # type: ignore[attr-defined]
    assert props.author == "海门区高质量服务企业领导小组办公室" and props.created.year == 2024
    assert "工作简报" in props.title


def test_month_on_month_in_percentage_points_said_once() -> None:
    desk, _ = briefing_desk()
    november = desk.report(2024, 11)
    _, cells, _ = docx_text(render_briefing(november, previous=desk.report(2024, 10)))
    heads = [r for r in cells if r and r[0] == "部门" and len(r) == 7]
    assert heads and heads[0].count("环比（百分点）") == 3  # one cell merged over three columns
    assert sum("百分点" in c for r in cells for c in r if c != "环比（百分点）") == 0


def test_generated_briefings_carry_no_blank_issue_number(tmp_path: Path) -> None:
    from appeal_adapters.reporting import briefing_options

    desk, _ = briefing_desk()
    options = briefing_options(desk, 2024, 10, None)
    assert options["issue"] == "10"
    body, _, _ = docx_text(render_briefing(desk.report(2024, 10), **options))
    assert "第10期" in body and "____" not in body
    body, _, _ = docx_text(render_briefing(desk.report(2024, 10)))  # a template: to fill in
    assert "第____期" in body


def test_a_missing_chart_is_a_log_warning_not_a_sentence(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    desk, _ = briefing_desk()
    monkeypatch.setattr(charts_module, "cjk_font", lambda: None)
    page = render_briefing_html(desk.report(2024, 10)).decode("utf-8")
    assert "data:image/png" not in page and "字体" not in page and "图表" not in page
    assert "未找到中文字体" in caplog.text
    kinds = [b.kind for b in blocks(desk.report(2024, 10), with_charts=False)]
    assert "image" not in kinds


def test_month_on_month_arrows() -> None:
    from appeal_adapters.documents.briefing import change

    assert change(0.8, 0.75) == "↑5.0" and change(0.5, 0.6) == "↓10.0"
    assert change(None, 0.5) == "—" and change(0.5, 0.5) == "持平"


def test_masking() -> None:
    assert (
        mask_phone("13812345678") == "138****5678"
        and mask_phone("+86 138-1234-5678") == "138****5678"
    )
    assert (
        mask_phone("0513-82111701") == "0513-****1701"
        and mask_phone("010 12345678") == "010-****5678"
    )
    assert mask_phones_in("电话13812345678或0513-82111701") == "电话138****5678或0513-****1701"


def test_renderers_registry() -> None:
    plugins = load_plugins(entry_points=False)
    assert set(renderers(plugins)) == {
        "sheet.docx",
        "summary_list.xlsx",
        "summary_list.csv",
        "briefing.docx",
        "briefing.html",
        "explain.xlsx",
        "annual.xlsx",
        "annual.docx",
        "agenda.docx",
        "minutes.docx",
        "digest.docx",
        "digest.html",
        "digest.txt",
        "notice.docx",
    }
    desk = Desk(MemoryStore(), district="HM")
    policy = Policy(identity=Identity(office="X办"))
    data = render(plugins, "sheet.docx", desk.get(assigned(desk)), policy=policy)
    assert docx_text(data)[0].startswith("X办")
    with pytest.raises(UnknownRenderer, match=r"sheet\.pdf"):
        render(plugins, "sheet.pdf", None)


def test_example_script_writes_every_format(tmp_path: Path) -> None:
    script = Path(__file__).resolve().parents[2] / "examples" / "render_documents.py"
    done_ = subprocess.run([sys.executable, str(script), str(tmp_path)], capture_output=True,
                           text=True, timeout=300, check=False)  # fmt: skip
    assert done_.returncode == 0, done_.stderr
    names = {p.name for p in tmp_path.iterdir()}
    assert {"sheet.docx", "summary_list.xlsx", "summary_list.csv", "briefing.html"} <= names


def test_missing_libraries_name_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    from appeal_adapters import MissingExtra

    desk, items = briefing_desk()
    monkeypatch.setitem(sys.modules, "docx", None)
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(MissingExtra, match=r"appeal\[docx\]"):
        render_sheet(items[0])
    with pytest.raises(MissingExtra, match=r"appeal\[xlsx\]"):
        render_summary_list(items)
    page = render_briefing_html(desk.report(2024, 10)).decode("utf-8")
    assert "<h1>" in page and "data:image/png" not in page  # still produced, without a chart


def test_an_extension_prints_after_the_number_masked_alike() -> None:
    from appeal_adapters.channels import channel
    from appeal_adapters.documents import phone_line

    assert phone_line("0513-82111701", "8023") == "0513-82111701 转 8023"
    assert phone_line("0513-82111701", "8023", mask=True) == "0513-****1701 转 8023"
    assert phone_line("", "8023") == "" and phone_line("13812345678") == "13812345678"
    desk = Desk(MemoryStore())
    ent = Enterprise(name="海门某某机械有限公司", phone="0513-82111701", extension="8023")
    item = desk.register(enterprise=ent, content="用电增容", channel="hotline",
                         at=at("2024-09-29"), by=DESK)  # fmt: skip
    _, cells, _ = docx_text(render_sheet(item))
    assert any("0513-82111701 转 8023" in c for row in cells for c in row)
    _, cells, _ = docx_text(render_sheet(item, mask_phones=True))
    assert any("0513-****1701 转 8023" in c for row in cells for c in row)
    text = render_summary_csv([item], unit="三星镇").decode("utf-8-sig")
    assert "0513-82111701 转 8023" in text
    [back] = channel("summary_list").parse(render_summary_csv([item], unit="三星镇"),
                                            filename="x.csv")  # fmt: skip
    assert (back.enterprise.phone, back.enterprise.extension) == ("0513-82111701", "8023")


def test_charts_find_their_font_by_path_not_through_matplotlibs_cache(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pytest.importorskip("matplotlib")
    from matplotlib import font_manager

    from appeal_adapters.documents import fonts

    # A stale cache (built before any CJK font was installed) lists no CJK font at all.
    monkeypatch.setattr(font_manager.fontManager, "ttflist", [
        f for f in font_manager.fontManager.ttflist if "CJK" not in f.name])  # fmt: skip
    monkeypatch.setattr(fonts, "_memo", [])
    found = fonts.cjk_font()
    assert found is not None and Path(found[0]).is_file()
    png, why = charts_module.bar_chart("图", ["区市场监督管理局"], {"响应率": [0.5]})
    assert png and not why
    # Nothing found is not remembered: a font installed later is found by the same process.
    monkeypatch.setattr(fonts, "_memo", [])
    monkeypatch.setattr(fonts, "_search", lambda: None)
    assert fonts.cjk_font() is None
    monkeypatch.setattr(fonts, "_search", lambda: found)
    assert fonts.cjk_font() == found
