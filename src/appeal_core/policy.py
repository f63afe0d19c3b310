"""The district's rules as data: deadlines and numbering, with the seed's numbers as defaults.

Another district changes numbers here (or in a TOML file read by the adapters), not code.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from appeal_core.errors import ValidationError


def _positive(field: str) -> Any:
    def check(_: object, __: attrs.Attribute[int], value: int) -> None:
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ValidationError(field, value, "应为正整数")

    return check


def _limits(value: Mapping[str, int] | tuple[tuple[str, int], ...]) -> tuple[tuple[str, int], ...]:
    items = value.items() if isinstance(value, Mapping) else value
    return tuple(sorted((str(k), int(v)) for k, v in items))


@attrs.frozen(kw_only=True)
class Policy:
    """Deadline and numbering rules of one district.

    Defaults are the seed notice's: reply within 3 working days; complex and statutory items a
    preliminary reply within 3 working days and completion by the committed date; escalated
    items settled within the month (当月交办事项当月协调解决).
    """

    #: Working days for a routine item's (final) reply, counted after the assignment day.
    reply_workdays: int = attrs.field(default=3, validator=_positive("policy.reply_workdays"))
    #: Working days for a complex or statutory item's preliminary reply.
    preliminary_workdays: int = attrs.field(
        default=3, validator=_positive("policy.preliminary_workdays")
    )
    #: Per category, the most working days a law allows for completion (caps the committed date).
    statutory_limits: tuple[tuple[str, int], ...] = attrs.field(default=(), converter=_limits)
    #: Item number layout; fields: district, year, seq.
    number_format: str = attrs.field(default="{district}-{year}-{seq:04d}")

    @number_format.validator
    def _check_format(self, _: attrs.Attribute[str], value: str) -> None:
        try:
            sample = value.format(district="HM", year=2026, seq=1)
        except (KeyError, IndexError, ValueError) as exc:
            raise ValidationError("policy.number_format", value, f"格式无效：{exc}") from exc
        if value.format(district="HM", year=2026, seq=2) == sample:
            raise ValidationError("policy.number_format", value, "必须包含序号 {seq}")

    def statutory_limit(self, category: str) -> int | None:
        """The legal completion limit in working days for ``category``, if one is set."""
        return dict(self.statutory_limits).get(category)

    def format_number(self, district: str, year: int, seq: int) -> str:
        """The item number for the ``seq``-th item of ``district`` in ``year``."""
        return self.number_format.format(district=district, year=year, seq=seq)
