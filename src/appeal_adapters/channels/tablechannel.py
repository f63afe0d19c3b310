"""What the tabular channels share: find each sheet's header, then stream its rows as records.

Every sheet of a workbook is looked at before the first row is handed out: a sheet whose first
rows hold the channel's required headers is read; a sheet with none of its headers is
skipped (and named in the census); a sheet with some but not all is refused, as is a file
with no readable sheet, listing the headers found and expected.  Rows then stream in order.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import attrs

from appeal_adapters.channels import rowcheck as rc
from appeal_adapters.channels.base import Row, UnreadableFile
from appeal_adapters.channels.mapping import FieldMap, locate, refusal, stored
from appeal_adapters.channels.sheetxml import SheetError
from appeal_adapters.channels.tabular import Census, Sheet, Table, TableRow, text
from appeal_adapters.documents.common import clean
from appeal_core.appeal import Channel
from appeal_core.intake import IntakeRecord, RejectedRow
from appeal_core.policy import Policy

HEAD_ROWS = 10  # the header row must come within a sheet's first non-blank rows


@attrs.frozen
class Spec:
    """A tabular channel: its name, field map and required fields."""

    channel: str
    fields: FieldMap
    required: tuple[str, ...]
    #: Take one leading ``'`` off CSV cells (the documents writer's guard against formulas).
    unquote: bool = False


def _labels(plan: Plan) -> dict[str, str]:
    return {key: plan.header[i] for key, i in plan.columns.items()}


def _unmapped(plan: Plan) -> list[tuple[int, str]]:
    mapped = set(plan.columns.values())
    return [(i, name) for i, name in enumerate(plan.header) if name and i not in mapped]


@attrs.frozen
class Plan:
    """How one sheet is read: its header row, the column of each field, rows above it."""

    sheet: Sheet | None
    header: list[str]
    columns: dict[str, int]
    above: tuple[TableRow, ...] = ()
    header_row: int = 0
    context: dict[str, str] = attrs.Factory(dict)
    unquote: bool = False

    #: Our field → the file's header text.
    labels: dict[str, str] = attrs.field(
        init=False, default=attrs.Factory(_labels, takes_self=True)
    )
    #: (column, header) of the columns no field maps: they go to the notes.
    unmapped: list[tuple[int, str]] = attrs.field(
        init=False, default=attrs.Factory(_unmapped, takes_self=True)
    )


class RowStream:
    """The rows of a file, with the reader's census (format, sheets, rows and cells read)."""

    def __init__(self, rows: Iterator[Row], census: Census) -> None:
        self.rows = rows
        self.census = census

    def __iter__(self) -> RowStream:
        return self

    def __next__(self) -> Row:
        return next(self.rows)


def area_code(options: Mapping[str, Any]) -> str:
    """The district's area code from the options (the desk's policy), else Policy's default."""
    policy = options.get("policy")
    if isinstance(policy, Policy):
        return policy.identity.area_code
    return str(options.get("area_code") or Policy().identity.area_code)


def plans(table: Table, spec: Spec, filename: str) -> list[Plan]:
    """The plan of every sheet to read; ``UnreadableFile`` when none can be read."""
    found: list[Plan] = []
    seen: list[str] = []
    for sheet in table.sheets:
        where = f"工作表「{sheet.name}」" if sheet.name else ""
        try:
            head = sheet.head(HEAD_ROWS)
        except SheetError as exc:
            raise UnreadableFile(filename, f"{where}{exc}") from exc
        best: tuple[int, list[str]] = (0, [])
        for i, row in enumerate(head):
            cells = [clean(text(c)) for c in row.cells]
            columns = locate(cells, spec.fields, filename=filename, where=where)
            if all(k in columns for k in spec.required):
                unquote = spec.unquote and table.kind == "csv"
                found.append(Plan(sheet=sheet, header=cells, columns=columns, unquote=unquote,
                                  above=tuple(head[:i]), header_row=row.number))  # fmt: skip
                break
            best = max(best, (len(columns), cells), key=lambda b: b[0])
        else:
            if best[0] >= 2:  # a data sheet whose headers are not all there
                why = refusal(
                    best[1], spec.fields, spec.required, channel=spec.channel, where=where
                )
                raise UnreadableFile(filename, why)
            table.census.skipped.append(
                f"工作表「{sheet.name}」没有{spec.channel}渠道的表头，未读取"
            )
            seen = seen or (best[1] or [clean(text(c)) for c in (head[0].cells if head else [])])
    if not found:
        raise UnreadableFile(
            filename, refusal(seen, spec.fields, spec.required, channel=spec.channel, where="")
        )
    return found


Build = Callable[[rc.RowReader, TableRow, Plan], IntakeRecord]
SourceId = Callable[[Callable[[str], object], TableRow, Plan], str]


def body(plan: Plan, channel: Channel) -> Iterator[TableRow | RejectedRow]:
    """The rows below the sheet's header.  The file was checked whole before, so a sheet
    cannot break half-way unless it changed since; if it does, the rest of the sheet is one
    rejected row saying from which row on nothing was read (never a silent end)."""
    assert plan.sheet is not None
    last = plan.header_row
    try:
        for row in plan.sheet.rows():
            if row.number > plan.header_row:
                last = row.number
                yield row
    except SheetError as exc:
        yield RejectedRow(
            channel=channel, row=last + 1, field="文件", value="",
            reason=f"从第{last + 1}行起无法读取，这些行未登记（{exc}）；请修复文件后重新导入",
            raw=(("@工作表", plan.sheet.name),) if plan.sheet.name else (),
        )  # fmt: skip


def records(
    plans: list[Plan],
    build: Build,
    *,
    channel: Channel,
    code: str,
    source_id: SourceId,
) -> Iterator[Row]:
    """The records of every planned sheet, in order (rows below each header row)."""
    for plan in plans:
        for row in body(plan, channel):
            if isinstance(row, RejectedRow):
                yield row
                continue
            yield read_row(plan, row, build, channel=channel, code=code, source_id=source_id)


def read_row(
    plan: Plan,
    row: TableRow,
    build: Build,
    *,
    channel: Channel,
    code: str,
    source_id: SourceId,
    override: str = "",
) -> Row:
    """One row as a record (with its assumptions, unmapped columns as notes), or rejected."""
    cells = row.cells
    columns = plan.columns

    def get(key: str) -> object:
        i = columns.get(key)
        value = cells[i] if i is not None and i < len(cells) else None
        if plan.unquote and isinstance(value, str) and value.startswith("'"):
            return value[1:]
        return value

    def make() -> IntakeRecord:
        reader = rc.RowReader(row.number, get, plan.labels, area_code=code, code_override=override)
        record = build(reader, row, plan)
        notes = record.notes + extras(plan.unmapped, cells) if plan.unmapped else record.notes
        if row.sheet:
            notes += (("工作表", row.sheet),)
        return attrs.evolve(record, row=row.number, notes=notes,
                            assumptions=record.assumptions + tuple(reader.assumptions))  # fmt: skip

    def raw() -> list[tuple[str, object]]:
        pairs: list[tuple[str, object]] = [(f"@{k}", v) for k, v in plan.context.items()]
        if row.sheet:
            pairs.append(("@工作表", row.sheet))
        if row.record and row.record != row.number:
            pairs.append(("@记录", row.record))
        pairs.append(("@字段", json.dumps(plan.labels, ensure_ascii=False)))
        return pairs + rc.zipped(plan.header, cells)

    return rc.record_or_rejected(
        make, channel=channel, row=row.number, raw=raw, source_id=source_id(get, row, plan)
    )


def extras(unmapped: list[tuple[int, str]], cells: list[object]) -> tuple[tuple[str, str], ...]:
    """Columns no field maps, as (header, value) notes."""
    return tuple(
        (name, clean(text(cells[i]), 2000))
        for i, name in unmapped
        if i < len(cells) and text(cells[i])
    )


def replay(
    raw: tuple[tuple[str, str], ...], spec: Spec, corrections: Mapping[str, str], number: int
) -> tuple[Plan, TableRow]:
    """A quarantined row as a one-row sheet, with the clerk's corrections in their columns."""
    context = {k[1:]: v for k, v in raw if k.startswith("@")}
    header = [k for k, _ in raw if not k.startswith("@")]
    cells: list[object] = [v for k, v in raw if not k.startswith("@")]
    columns = locate(header, {**spec.fields, **stored(raw)}, filename="", where="")
    for key, value in corrections.items():
        if key not in spec.fields:
            continue
        if key in columns:
            cells[columns[key]] = value
        else:
            columns[key] = len(header)
            header.append(spec.fields[key][0])
            cells.append(value)
    sheet = context.pop("工作表", "")
    context.pop("记录", None)
    context.pop("字段", None)
    row = TableRow(number=number, cells=cells, sheet=sheet)
    return Plan(sheet=None, header=header, columns=columns, context=context), row
