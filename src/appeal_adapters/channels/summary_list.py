"""The grassroots channel: the 附件2 企业问题诉求汇总清单 as towns fill it, .xlsx or CSV.

Layout as ``appeal_adapters.documents.summary_list`` writes it: a title row, the row with
``填表单位：`` ``填报人：`` ``联系电话：``, the header row (编号, 企业名称, 存在问题, 问题来源,
企业联系人, 联系电话), one problem per row, and a closing ``备注：`` row.  Blank rows and
extra columns are tolerated; ``options["unit"]`` names the town when the form leaves it blank.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from functools import partial
from typing import Any

from appeal_adapters.channels import rowcheck as rc
from appeal_adapters.channels.base import ChannelParser, Row, Source, UnreadableFile
from appeal_adapters.channels.hotline import locate
from appeal_adapters.channels.tabular import Cells, open_table, text
from appeal_adapters.documents.common import clean
from appeal_adapters.documents.summary_list import COLUMNS
from appeal_core.appeal import Channel
from appeal_core.intake import IntakeRecord

FIELDS = {"number": ("编号", "序号"), "name": ("企业名称",), "content": ("存在问题",),
          "source": ("问题来源",), "contact": ("企业联系人",), "phone": ("联系电话",)}  # fmt: skip
REQUIRED = ("number", "name", "content")
_LABELS = {"unit": "填表单位", "filler": "填报人", "phone": "联系电话"}
_BLANK = re.compile(r"^_+$")
HEAD_ROWS = 10  # the header row must come within the first rows


def parse_summary_list(data: Source, *, filename: str, options: Mapping[str, Any]) -> Iterator[Row]:
    """Records of one town's list; source id = town + 编号, channel grassroots."""
    table = open_table(data, filename=filename, formats=("csv", "xlsx"))
    csv = table.kind == "csv"
    rows = table.rows()
    info: dict[str, str] = {}
    header: list[str] = []
    columns: dict[str, int] = {}
    for number, cells in rows:
        if number > HEAD_ROWS:
            break
        header = [_cell(c, csv) for c in cells]
        _header_block(header, info)
        if "编号" in header or "序号" in header:
            columns = locate(header, FIELDS, REQUIRED, filename=filename)
            break
    if not columns:
        raise UnreadableFile(filename, f"前 {HEAD_ROWS} 行中找不到表头（{'、'.join(COLUMNS)}）")
    unit = info.get("unit") or clean(str(options.get("unit", ""))).strip()
    if not unit:
        raise UnreadableFile(filename, "表头未填写「填表单位」，无法区分各区镇的编号")
    notes = tuple((f"{_LABELS[k]}", info[k]) for k in ("filler", "phone") if info.get(k))
    return _records(rows, header, columns, unit, notes, csv)


def _cell(value: object, csv: bool) -> str:
    """The writer puts one ``'`` before a CSV cell a spreadsheet could run; take it off."""
    cell = clean(text(value)).strip()
    return cell[1:] if csv and cell.startswith("'") else cell


def _header_block(texts: list[str], info: dict[str, str]) -> None:
    for cell in texts:
        for key, label in _LABELS.items():
            for sep in ("：", ":"):
                if cell.startswith(label + sep) and key not in info:
                    value = cell[len(label) + 1 :].strip()
                    info[key] = "" if _BLANK.match(value) else value


def _records(
    rows: Iterator[tuple[int, Cells]],
    header: list[str],
    columns: dict[str, int],
    unit: str,
    notes: tuple[tuple[str, str], ...],
    csv: bool,
) -> Iterator[Row]:
    for number, cells in rows:
        texts = [_cell(c, csv) for c in cells]
        if texts and texts[0].startswith(("备注：", "备注:")) and not any(texts[1:]):
            continue  # the closing remark

        def cell(field: str, texts: list[str] = texts) -> str:
            i = columns.get(field)
            return texts[i] if i is not None and i < len(texts) else ""

        def build(number: int = number) -> IntakeRecord:
            no = rc.field_text(cell("number"), "编号", limit=rc.LIMITS["id"], row=number,
                               required=True)  # fmt: skip
            firm = rc.enterprise(
                row=number,
                name=("企业名称", cell("name")),
                contact=("企业联系人", cell("contact")),
                tel=("联系电话", cell("phone")),
            )
            content = rc.field_text(
                cell("content"), "存在问题", limit=rc.LIMITS["content"], row=number, required=True
            )
            source = rc.field_text(cell("source"), "问题来源", limit=50, row=number)
            extra = (("填表单位", unit), *((("问题来源", source),) if source else ()), *notes)
            return IntakeRecord(
                channel=Channel.GRASSROOTS, enterprise=firm, content=content,
                source_id=f"{unit}:{no}", row=number, notes=extra,
            )  # fmt: skip

        no = cell("number")
        yield rc.record_or_rejected(
            build,
            channel=Channel.GRASSROOTS,
            row=number,
            raw=partial(rc.zipped, ["填表单位", *header], [unit, *texts]),
            source_id=f"{unit}:{no}" if no else "",
        )


SUMMARY_LIST = ChannelParser(
    name="summary_list",
    formats=("csv", "xlsx"),
    fn=parse_summary_list,
    description="基层上报：附件2 企业问题诉求汇总清单（.xlsx 或 CSV）",
)
