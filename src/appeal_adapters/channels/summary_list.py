"""The grassroots channel: the 附件2 企业问题诉求汇总清单 as towns fill it in (any table format).

Each sheet: a title (often merged), the 填表单位/填报人/联系电话 line (three cells, or one
merged cell holding all three: each value is read on its own), the header row, one problem per
row (a merged 企业名称/联系人/电话 applies to every row it spans), blank rows, and closing
备注 or signature lines (skipped).  Every sheet with the headers is read; ``options["unit"]``
names the town when a sheet leaves 填表单位 blank.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import attrs

from appeal_adapters.channels import rowcheck as rc
from appeal_adapters.channels.base import ChannelParser, Row, Source, UnreadableFile
from appeal_adapters.channels.mapping import defaults, field_map
from appeal_adapters.channels.tablechannel import (
    Plan,
    RowStream,
    Spec,
    area_code,
    body,
    plans,
    read_row,
    replay,
)
from appeal_adapters.channels.tabular import TableRow, open_table, text
from appeal_adapters.documents.common import clean
from appeal_core.appeal import Channel
from appeal_core.errors import ValidationError
from appeal_core.intake import IntakeRecord, RejectedRow

BASE: dict[str, tuple[str, ...]] = {
    "source_id": ("编号", "序号"),
    "enterprise": ("企业名称",),
    "content": ("存在问题",),
    "origin": ("问题来源",),
    "contact": ("企业联系人",),
    "phone": ("联系电话",),
    "extension": ("分机",),
    "credit_code": ("统一社会信用代码",),
    "address": ("企业地址",),
}
REQUIRED = ("source_id", "enterprise", "content")
FORMATS = ("csv", "xlsx", "xls", "ods")
#: The header block's labels (several spellings) and the note each value becomes.
LABELS = {"填表单位": "填表单位", "填报单位": "填表单位", "报送单位": "填表单位",
          "填报人": "填报人", "填表人": "填报人", "联系电话": "联系电话"}  # fmt: skip
_BLOCK = re.compile(r"(" + "|".join(LABELS) + r")\s*[:：]")
_BLANK = re.compile(r"^[_＿\s\u3000]*$")
#: Lines below the rows that are not problems: the form's remark, signatures, dates.
FOOTERS = ("备注", "注：", "注:", "说明", "审核人", "审核", "填表日期", "填报日期", "制表",
           "负责人", "单位负责人", "联系人：", "日期")  # fmt: skip
_TEMPLATE = {"", "(可另附页)", "（可另附页）"}


def spec(options: Mapping[str, Any]) -> Spec:
    """The channel's field map with the caller's ``options["headers"]``."""
    return Spec("summary_list", field_map(defaults("summary_list", BASE), options, "summary_list"),
                REQUIRED, unquote=True)  # fmt: skip


def header_block(rows: tuple[TableRow, ...]) -> dict[str, str]:
    """填表单位, 填报人, 联系电话 from the rows above the header, each value on its own."""
    found: dict[str, str] = {}
    for row in rows:
        for cell in dict.fromkeys(clean(text(c)) for c in row.cells):  # merged cells repeat
            marks = list(_BLOCK.finditer(cell))
            for i, mark in enumerate(marks):
                end = marks[i + 1].start() if i + 1 < len(marks) else len(cell)
                value = cell[mark.end() : end].strip(" \t\n\u3000")
                key = LABELS[mark.group(1)]
                if key not in found or not found[key]:
                    found[key] = "" if _BLANK.match(value) else value
    return found


def parse_summary_list(data: Source, *, filename: str, options: Mapping[str, Any]) -> Iterator[Row]:
    """Records of a town's list; source id = town + 编号 (+ sheet when a town has several)."""
    table = open_table(data, filename=filename, formats=FORMATS)
    found = []
    for plan in plans(table, spec(options), filename):
        context = header_block(plan.above)
        unit = context.get("填表单位") or clean(str(options.get("unit", ""))).strip()
        if not unit:
            where = f"工作表「{plan.sheet.name}」" if plan.sheet and plan.sheet.name else ""
            raise UnreadableFile(filename, f"{where}表头未填写「填表单位」，无法区分各区镇的编号")
        context["填表单位"] = unit
        found.append(attrs.evolve(plan, context={k: v for k, v in context.items() if v}))
    units = [p.context["填表单位"] for p in found]
    for i, plan in enumerate(found):
        if units.count(units[i]) > 1 and plan.sheet is not None:  # one town, several sheets
            found[i] = attrs.evolve(plan, context={**plan.context, "分表": plan.sheet.name})
    return RowStream(_records(found, area_code(options), table.census.skipped), table.census)


def _records(found: list[Plan], code: str, skipped: list[str]) -> Iterator[Row]:
    seen: dict[str, int] = {}
    build = _builder(seen)

    def source_id(get: Callable[[str], object], row: TableRow, plan: Plan) -> str:
        found = _source_id(get, row, plan)
        # a repeated 编号 is quarantined under its own id, so it is never taken as "known"
        return f"{found}#第{row.number}行" if found in seen else found

    for plan in found:
        for row in body(plan, Channel.GRASSROOTS):
            if isinstance(row, RejectedRow):
                yield row
                continue
            if _not_a_problem(row, plan, skipped):
                continue
            yield read_row(plan, row, build, channel=Channel.GRASSROOTS, code=code,
                           source_id=source_id)  # fmt: skip


def _not_a_problem(row: TableRow, plan: Plan, skipped: list[str]) -> bool:
    cells, columns = row.cells, plan.columns
    name, content = (cells[columns[k]] if columns[k] < len(cells) else None
                     for k in ("enterprise", "content"))  # fmt: skip
    if name and content and name != content:  # a problem row (a merged footer repeats itself)
        return False
    texts = {clean(text(c)).strip() for c in cells} - {""}
    if len(texts) == 1 and next(iter(texts)).startswith(FOOTERS):
        return True  # the remark or a signature line, often one merged cell
    number = plan.columns["source_id"]
    own = clean(text(row.cells[number])).strip() if number < len(row.cells) else ""
    if own and texts - {own} <= _TEMPLATE:
        where = f"工作表「{row.sheet}」" if row.sheet else ""
        skipped.append(f"{where}第{row.number}行只有编号「{own}」（表格模板的空行），未读取")
        return True
    return False


def readmit_summary_list(
    raw: tuple[tuple[str, str], ...],
    *,
    row: int | None,
    corrections: Mapping[str, str],
    options: Mapping[str, Any],
) -> Row:
    """A quarantined row of a list read again with the clerk's corrections."""
    plan, again = replay(raw, spec(options), corrections, row or 0)
    return read_row(plan, again, _builder({}), channel=Channel.GRASSROOTS,
                    code=area_code(options), source_id=_source_id,
                    override=corrections.get("code_override", ""))  # fmt: skip


def _source_id(get: Callable[[str], object], row: TableRow, plan: Plan) -> str:
    number = clean(text(get("source_id"))).strip()
    if not number:
        return ""
    column = plan.columns["source_id"]
    below = next((k for col, k in row.filled if col == column), 0)
    if below:  # a merged 编号 spanning several problems: each row its own id
        number = f"{number}-{below + 1}"
    parts = [plan.context["填表单位"], plan.context.get("分表", ""), number]
    return ":".join(p for p in parts if p)


def _builder(seen: dict[str, int]) -> Callable[[rc.RowReader, TableRow, Plan], IntakeRecord]:
    """The row builder; ``seen`` holds the ids read so far, so a repeated 编号 is rejected."""

    def build(reader: rc.RowReader, row: TableRow, plan: Plan) -> IntakeRecord:
        number = reader.text("source_id", limit=rc.LIMITS["id"], required=True)
        firm = reader.enterprise()
        content = reader.text("content", limit=rc.LIMITS["content"], required=True)
        origin = reader.text("origin", limit=50)
        context = plan.context
        notes = (("填表单位", context["填表单位"]), *((("问题来源", origin),) if origin else ()),
                 *((k, context[k]) for k in ("填报人", "联系电话") if context.get(k)))  # fmt: skip
        source_id = _source_id(reader.get, row, plan)
        if source_id in seen:
            raise ValidationError(reader.label("source_id"), number,
                                  f"编号与第{seen[source_id]}行重复，请核对后更正编号",
                                  row=row.number)  # fmt: skip
        seen[source_id] = row.number
        return IntakeRecord(channel=Channel.GRASSROOTS, enterprise=firm, content=content,
                            source_id=source_id, notes=notes)  # fmt: skip

    return build


SUMMARY_LIST = ChannelParser(
    name="summary_list",
    formats=FORMATS,
    fn=parse_summary_list,
    description="基层上报：附件2 企业问题诉求汇总清单（.xlsx、.xls、.ods 或 CSV，可多个工作表）",
    readmit=readmit_summary_list,
)
