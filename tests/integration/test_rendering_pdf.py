"""The documents as LibreOffice prints them, checked on the page: word positions and sizes from
``pdftotext -bbox`` (plain text cannot see a number broken over two lines, or a clipped cell).

Every document is converted in one LibreOffice run (module fixture), with the fontconfig
fallbacks the package ships (``documents/61-appeal-cjk.conf``).  Without LibreOffice or
poppler the tests are skipped, except under ``APPEAL_CI_STRICT=1``, where they fail.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from appeal_adapters.documents.briefing import blocks, render_briefing
from appeal_adapters.documents.fonts import FONTCONFIG
from appeal_adapters.documents.sheet import render_sheet
from appeal_adapters.documents.summary_list import render_summary_list
from appeal_core import Channel, Desk, MemoryStore, Policy
from appeal_core.metrics import COUNTS, MonthlyReport, report_from_counts
from appeal_core.supervision import Supervised
from tests.integration.test_documents import assigned, briefing_desk, done

pytest.importorskip("docx")
pytest.importorskip("openpyxl")
TOOLS = ("soffice", "pdftotext", "pdfinfo")
WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>'
)
PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)
CJK = re.compile(r"^[\u4e00-\u9fff]{2,}$")
LONG_FIRM = "海门叠石瑞达机械科技有限公司"
PROBLEM_700 = (
    "起" + "企业厂房消防验收迟迟未办，影响投产，请协调有关部门尽快组织现场验收。" * 20 + "止"
)


@dataclass(frozen=True)
class Word:
    x0: float
    y0: float
    x1: float
    y1: float
    text: str


@dataclass(frozen=True)
class Page:
    width: float
    height: float
    words: list[Word]

    @property
    def text(self) -> str:
        return "".join(w.text for w in self.words)


def read_pages(pdf: Path) -> list[Page]:
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True,
                         text=True, timeout=60).stdout  # fmt: skip
    return [
        Page(float(w), float(h), [Word(*map(float, m[:4]), html.unescape(m[4]))
                                  for m in WORD.findall(body)])
        for w, h, body in PAGE.findall(out)
    ]  # fmt: skip


def months_figures(policy: Policy | None = None) -> tuple[MonthlyReport, MonthlyReport]:
    """A district month like the demo's: 13 departments, long names, three-digit counts."""
    names = ["区发展和改革委员会", "区教育体育局", "区交通运输局", "区自然资源和规划局",
             "国网海门供电公司", "区住房和城乡建设局", "区工业和信息化局", "区行政审批局",
             "区生态环境局", "区地方金融监督管理局", "区市场监督管理局", "区人力资源和社会保障局",
             "海门港新区管委会"]  # fmt: skip
    policy = policy or Policy()
    months = []
    for shift in (0, 1):
        per_dept = {}
        for i, name in enumerate(names):
            big = 108 if i == 0 else 9 + i
            per_dept[name] = dict.fromkeys(COUNTS, 0) | {
                "assigned": big, "reply_due": big, "replied_on_time": big - (i + shift) % 4,
                "completion_due": big - 1, "completed_on_time": big - 2, "visited": big,
                "resolved": big - i % 3, "satisfied": big - (i + shift) % 2, "overdue_open": i % 3,
                "stock": 36 if i == 0 else i, "completed_late": 100 if i == 0 else i % 4,
            }  # fmt: skip
        months.append(report_from_counts(per_dept, {Channel.APP: [101, 100, 99]}, year=2026,
                                         month=10 + shift, policy=policy))  # fmt: skip
    return months[1], months[0]


def stock_lines() -> list[Supervised]:
    return [
        Supervised(number=f"HM-2026-{k:04d}", enterprise=LONG_FIRM, lead="区地方金融监督管理局",
                   due=date(2026, 11, 28 - k % 20), overdue=k % 2 == 0, workdays_late=k % 7)
        for k in range(1, 41)
    ]  # fmt: skip


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], list[Page]]:
    missing = [t for t in TOOLS if shutil.which(t) is None]
    if missing:
        reason = f"PDF 检查需要 {'、'.join(missing)}：请运行 bash .ci/install-doc-tools.sh"
        if os.environ.get("APPEAL_CI_STRICT") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    home = tmp_path_factory.mktemp("lo-home")
    desk = Desk(MemoryStore(), district="HM")
    item = done(desk)
    long_item = desk.get(assigned(desk, content="企业反映的问题较多，需要逐项说明。" * 50))
    report, previous = months_figures()
    _, items = briefing_desk()
    documents = {
        "sheet.docx": render_sheet(item),
        "long.docx": render_sheet(long_item),
        "batch.docx": render_sheet([item, long_item, item]),
        "list.xlsx": render_summary_list(
            [desk.get(assigned(desk, content=PROBLEM_700, name=LONG_FIRM))], unit="海门街道"
        ),
        "wide.xlsx": render_summary_list(items * 60, handling=True),
        "brief.docx": render_briefing(
            report, issue=11, previous=previous, supervision=stock_lines()
        ),
        "late.docx": render_briefing(months_figures(Policy(split_late=True))[0], issue=11),
    }
    for name, data in documents.items():
        (home / name).write_bytes(data)
    fonts = home / "fonts.conf"
    fonts.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>'
        f"<include>{FONTCONFIG}</include></fontconfig>",
        encoding="utf-8",
    )
    env = {**os.environ, "HOME": str(home), "FONTCONFIG_FILE": str(fonts)}
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{home}/profile", "--headless",
         "--convert-to", "pdf", "--outdir", str(home), *(str(home / n) for n in documents)],
        check=True, timeout=300, capture_output=True, env=env,
    )  # fmt: skip
    pages = {name: read_pages((home / name).with_suffix(".pdf")) for name in documents}
    return pages.__getitem__


def page_number_on_every_page(pages: list[Page], pattern: Callable[[int, int], str]) -> None:
    for i, page in enumerate(pages, start=1):
        assert pattern(i, len(pages)) in page.text, (i, page.text[-60:])


def size_of(word: Word) -> float:
    """The type size of a word of CJK ideographs: each is one em wide."""
    return (word.x1 - word.x0) / len(word.text)


# -- the assignment sheet --------------------------------------------------------------------


def test_one_item_sheet_is_one_a4_page_with_labels_and_data(printed) -> None:  # type: ignore[no-untyped-def]
    (page,) = printed("sheet.docx")
    assert (round(page.width), round(page.height)) == (595, 842)
    text = page.text
    for label in ("企业问题诉求部门交办单", "事项编号", "交办日期", "企业名称", "企业地址", "反映时间",
                  "问题来源", "企业联系人", "联系电话", "主要问题", "主办部门", "回访情况", "备注"):  # fmt: skip
        assert label in text, label
    for value in ("海门某某机械有限公司", "12345热线转交", "13812345678", "2024年9月30日",
                  "已安排现场验收。", "2024年10月10日前答复", "协办"):  # fmt: skip
        assert value in text, value
    words = [w.text for w in page.words]
    # The label column holds its lines whole: no orphaned character on a line of its own.
    for line in (
        "主办部门",
        "联系人",
        "（此栏由",
        "区服务企业办",
        "填写）",
        "求助企业",
        "回访情况",
    ):
        assert line in words, line
    assert "13812345678" in words and "0513-82111234" in words  # numbers never split
    assert "—1—" in text.replace(" ", "")


def test_long_problem_continues_with_the_number_repeated(printed) -> None:  # type: ignore[no-untyped-def]
    first, second = printed("long.docx")
    assert "回访情况" in second.text and "事项编号" in first.text
    top = min(second.words, key=lambda w: w.y0)
    assert re.fullmatch(r"事项编号：HM-2024-\d{4}（续）", "".join(
        w.text for w in second.words if abs(w.y0 - top.y0) < 2))  # fmt: skip
    assert "（续）" not in first.text


def test_batch_numbers_every_page(printed) -> None:  # type: ignore[no-untyped-def]
    pages = printed("batch.docx")
    assert len(pages) == 4  # one page, two pages, one page
    page_number_on_every_page(pages, lambda i, _: f"—{i}—")
    assert "（续）" in pages[2].text and "（续）" not in pages[1].text + pages[3].text


# -- the summary list ------------------------------------------------------------------------


def test_summary_list_prints_readable_and_whole(printed) -> None:  # type: ignore[no-untyped-def]
    (page,) = printed("list.xlsx")
    assert page.width > page.height  # landscape
    sizes = [size_of(w) for w in page.words if CJK.match(w.text)]
    assert min(sizes) >= 9, sorted(sizes)[:5]
    # The 700-character problem lies whole between the heading row and the remark row.
    head = next(w for w in page.words if w.text == "存在问题")
    left = next(w for w in page.words if w.text == "企业名称")
    right = next(w for w in page.words if w.text == "问题来源")
    remark = next(w for w in page.words if w.text.startswith("备注"))
    inside = [w for w in page.words if left.x1 < w.x0 and w.x1 < right.x0 and
              head.y1 < w.y0 and w.y1 < remark.y0]  # fmt: skip
    assert "".join(w.text for w in sorted(inside, key=lambda w: (w.y0, w.x0))).count(
        "请协调有关部门尽快组织现场验收") == 20  # fmt: skip
    assert "起企业" in page.text and "验收。止" in page.text
    assert "第1页共1页" in page.text.replace(" ", "")
    assert "填表单位：海门街道" in page.text


def test_wide_list_runs_over_numbered_pages(printed) -> None:  # type: ignore[no-untyped-def]
    pages = printed("wide.xlsx")
    assert len(pages) >= 2 and all(p.width > 1000 for p in pages)  # A3 landscape
    page_number_on_every_page(pages, lambda i, n: f"第{i}页共{n}页")
    for page in pages:  # the heading row repeats, and the type stays readable
        assert "存在问题" in page.text
        assert min(size_of(w) for w in page.words if CJK.match(w.text)) >= 9


# -- the briefing ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["brief.docx", "late.docx"])
def test_ranked_table_numbers_whole_headings_on_two_lines(printed, name: str) -> None:  # type: ignore[no-untyped-def]
    pages = printed(name)
    page_number_on_every_page(pages, lambda i, _: f"—{i}—")
    late = name == "late.docx"  # 逾期办理 printed too: sixteen columns
    report, previous = months_figures(Policy(split_late=late))
    table = next(b for b in blocks(report, previous=previous, with_charts=False)
                 if b.kind == "table" and b.wide)  # fmt: skip
    wide = [p for p in pages if p.width > p.height]
    assert wide, "the ranked table has a landscape page"
    words = Counter(w.text for p in wide for w in p.words)
    cells = Counter(c for row in table.rows[1:] for c in (row[0], *row[2:]) if c)
    for value, count in cells.items():  # every number of the table is one word on the page
        assert words[value] >= count, (value, words[value], count)
    assert words["108"] >= 1 and not words["10"] - cells["10"]
    for heading in table.rows[0]:  # headings: at most two lines, each line whole
        assert all(words[line] >= 1 for line in heading.split("\n")), heading
    assert ("办理" in table.rows[0][12]) is late and len(table.rows[0]) == 15 + late
    names = {d.department for d in report.departments}
    assert all(words[n] >= 1 for n in names)  # full department names, on one line each


def test_briefing_lists_head_and_chart(printed) -> None:  # type: ignore[no-untyped-def]
    pages = printed("brief.docx")
    text = "".join(p.text for p in pages)
    assert "第11期" in text and "____" not in text
    assert "环比（百分点）" in text and "↑" in text and "个百分点" not in text.split("四、")[-1]
    assert "存量事项40件" in text and "逾期工作日" in text.replace(" ", "")
    assert "报：" in text and "发：" in text
    # The stock list's heading row repeats on the page it continues on.
    stock_pages = [p for p in pages if "HM-2026-0040" in p.text or "HM-2026-0001" in p.text]
    assert len(stock_pages) >= 2 and all("事项编号" in p.text for p in stock_pages)
