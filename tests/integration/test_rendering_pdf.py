"""The documents as LibreOffice prints them: labels and data on the page, one A4 page per sheet."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from datetime import date

import pytest

from appeal_adapters.documents.briefing import render_briefing
from appeal_adapters.documents.sheet import render_sheet
from appeal_adapters.documents.summary_list import render_summary_list
from appeal_core import Desk, MemoryStore
from tests.integration.test_documents import assigned, briefing_desk, done

pytest.importorskip("docx")
pytest.importorskip("openpyxl")
TOOLS = ("soffice", "pdftotext", "pdfinfo")


@pytest.fixture(scope="module")
def to_pdf(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    missing = [t for t in TOOLS if shutil.which(t) is None]
    if missing:
        reason = f"PDF 检查需要 {'、'.join(missing)}：请运行 bash .ci/install-doc-tools.sh"
        if os.environ.get("APPEAL_CI_STRICT") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    home = tmp_path_factory.mktemp("lo-home")

    def convert(name: str, data: bytes) -> tuple[str, str]:
        src = home / name
        src.write_bytes(data)
        subprocess.run(
            ["soffice", f"-env:UserInstallation=file://{home}/profile", "--headless",
             "--convert-to", "pdf", "--outdir", str(home), str(src)],
            check=True, timeout=120, capture_output=True, env={**os.environ, "HOME": str(home)},
        )  # fmt: skip
        pdf = src.with_suffix(".pdf")
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                              capture_output=True, text=True, timeout=60).stdout  # fmt: skip
        info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True,
                              text=True, timeout=60).stdout  # fmt: skip
        return re.sub(r"[ \t]+", "", text), info

    return convert


def pages(info: str) -> int:
    return int(re.search(r"Pages:\s+(\d+)", info)[1])  # type: ignore[index]


def test_one_item_sheet_is_one_a4_page_with_labels_and_data(to_pdf) -> None:  # type: ignore[no-untyped-def]
    item = done(Desk(MemoryStore(), district="HM"))
    text, info = to_pdf("sheet.docx", render_sheet(item))
    assert pages(info) == 1
    assert re.search(r"Page size:\s+595(\.\d+)? x 84[12](\.\d+)? pts", info)
    for label in ("企业问题诉求部门交办单", "事项编号", "交办日期", "企业名称", "企业地址", "反映时间",
                  "问题来源", "企业联系人", "联系电话", "主要问题", "主办部门", "回访情况", "备注"):  # fmt: skip
        assert label in text, label
    for value in (item.number, "海门某某机械有限公司", "12345热线转交", "13812345678", "2024年9月30日",
                  "已安排现场验收。", "2024年10月10日前答复", "协办"):  # fmt: skip
        assert value in text, value


def test_long_problem_continues_on_a_second_page(to_pdf) -> None:  # type: ignore[no-untyped-def]
    desk = Desk(MemoryStore(), district="HM")
    item = desk.get(assigned(desk, content="企业反映的问题较多，需要逐项说明。" * 50))
    text, info = to_pdf("long.docx", render_sheet(item))
    assert pages(info) == 2 and "回访情况" in text


def test_summary_list_and_briefing_print(to_pdf) -> None:  # type: ignore[no-untyped-def]
    desk, items = briefing_desk()
    text, _ = to_pdf("list.xlsx", render_summary_list(items, unit="海门街道"))
    assert (
        "企业问题诉求汇总清单" in text and "填表单位：海门街道" in text and items[1].number in text
    )
    report = desk.report(2024, 10)
    text, _ = to_pdf(
        "brief.docx", render_briefing(report, issue=3, items=items, on=date(2024, 10, 20))
    )
    assert "高质量服务企业工作简报" in text and "第3期" in text and "区人力资源和社会保障局" in text
    assert "13812345678" not in text
