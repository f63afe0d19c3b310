"""The one error tree of the core: every failure a desk clerk can meet, with a message to act on.

Each class derives from ``AppealError`` and from the nearest built-in, so callers may catch
either (``PermissionDenied`` excepted: the nearest built-in would be an ``OSError``).
Messages are Chinese, identifiers English; every message names the item, the field and the
value involved.
"""

from __future__ import annotations

from datetime import date


class AppealError(Exception):
    """Root of every error the library raises on purpose."""


class ValidationError(AppealError, ValueError):
    """A value given to the library is not acceptable (names the field and the value)."""

    def __init__(self, field: str, value: object, reason: str, *, row: int | None = None) -> None:
        self.field = field
        self.value = value
        self.reason = reason
        self.row = row
        where = f"第{row}行 " if row is not None else ""
        super().__init__(f"{where}字段「{field}」的值 {value!r} 不合格：{reason}")


class LifecycleError(AppealError, RuntimeError):
    """The lifecycle does not allow this command on this item in its current state."""

    def __init__(
        self, number: str, action: str, status: str, hint: str = "", *, what: str = "事项"
    ) -> None:
        self.number = number
        self.action = action
        self.status = status
        message = f"{what} {number} 当前状态为「{status}」，不能{action}"
        super().__init__(f"{message}。{hint}" if hint else f"{message}。")


class PermissionDenied(AppealError):
    """The acting person's role (or department) may not perform this command on this item.

    Deliberately not a ``PermissionError``: that is an ``OSError``, and code handling file
    errors with ``except OSError`` would swallow a refusal.
    """

    def __init__(
        self, actor: str, action: str, number: str | None = None, reason: str = ""
    ) -> None:
        self.actor = actor
        self.action = action
        self.number = number
        target = f"事项 {number} 的" if number else ""
        tail = f"：{reason}" if reason else ""
        super().__init__(f"{actor} 无权{target}{action}{tail}")


class AppealNotFound(AppealError, LookupError):
    """No item with this number is registered."""

    def __init__(self, number: str) -> None:
        self.number = number
        super().__init__(f"没有编号为 {number} 的事项，请核对事项编号")


class ConcurrencyConflict(AppealError, RuntimeError):
    """Somebody else changed the item first; reload it and try again."""

    def __init__(self, number: str, expected: int, actual: int) -> None:
        self.number = number
        self.expected = expected
        self.actual = actual
        super().__init__(
            f"事项 {number} 已被他人修改（预期版本 {expected}，实际版本 {actual}），"
            "请重新读取后再操作"
        )


class CalendarDataMissing(AppealError, LookupError):
    """The work calendar has no holiday notice for the year asked about."""

    def __init__(self, day: date, first: date, last: date) -> None:
        self.day = day
        self.year = day.year
        self.first = first
        self.last = last
        super().__init__(
            f"工作日历没有 {day.year} 年的节假日安排（{day.isoformat()} 超出已有数据 "
            f"{first.isoformat()} 至 {last.isoformat()}）。请按 docs/calendar.md 载入国务院办公厅"
            f"关于 {day.year} 年部分节假日安排的通知（例如 `appeal calendar load "
            f"{day.year}.toml`），或在建立日历时选择 outside='weekdays'"
            "（命令行：--outside weekdays）以暂按周一至周五计算（所得期限标为暂定）。"
        )


class QuarantineNotFound(AppealError, LookupError):
    """No quarantined row has this id."""

    def __init__(self, entry_id: int) -> None:
        self.entry_id = entry_id
        super().__init__(f"隔离区没有编号为 {entry_id} 的记录，请用 quarantine list 查看")


class TaskNotFound(AppealError, LookupError):
    """No task of the consultation meeting has this id."""

    def __init__(self, task: str) -> None:
        self.task = task
        super().__init__(f"没有编号为 {task} 的会商会议任务，请用 appeal task list 查看")


class MeetingNotFound(AppealError, LookupError):
    """No consultation meeting has this id."""

    def __init__(self, meeting: str) -> None:
        self.meeting = meeting
        super().__init__(f"没有编号为 {meeting} 的会商会议，请用 appeal meeting list 查看")


class UnknownDepartment(ValidationError):
    """A department name the district's registry does not know (names the closest ones)."""

    def __init__(self, field: str, value: str, closest: tuple[str, ...]) -> None:
        self.closest = closest
        hint = f"；是否是：{'、'.join(closest)}" if closest else ""
        super().__init__(
            field,
            value,
            f"部门名录中没有该部门{hint}。请改用名录中的名称或简称（appeal departments list），"
            "新设部门请先载入部门名录",
        )


class SealedMonthError(ValidationError):
    """A command dated on or before a sealed month's cut-off, not recorded as a correction."""

    def __init__(self, year: int, month: int, cutoff: date, day: date) -> None:
        self.year = year
        self.month = month
        self.cutoff = cutoff
        self.day = day
        super().__init__(
            "at",
            day.isoformat(),
            f"{year}年{month}月的数据已封存（统计截止 {cutoff.isoformat()}），不能再办理日期在"
            f"该日及以前的操作。如确需补录，请由区服务企业办作为更正办理并说明理由（命令行加"
            f" --correction 理由；程序中 with desk.correction(理由, at=..., by=...)），"
            "更正不改变已封存的数据，在下一期简报中列示",
        )
