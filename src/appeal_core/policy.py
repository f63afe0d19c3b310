"""The district's rules as data: deadlines and numbering, with the seed's numbers as defaults.

Another district changes numbers here (or in a TOML file read by the adapters), not code.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from appeal_core.appeal import Channel
from appeal_core.channels import Channels
from appeal_core.definitions import MetricsRules
from appeal_core.errors import ValidationError
from appeal_core.identity import Identity


def _positive(field: str) -> Any:
    def check(_: object, __: attrs.Attribute[int], value: int) -> None:
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ValidationError(field, value, "应为正整数")

    return check


def _nonnegative(field: str) -> Any:
    def check(_: object, __: attrs.Attribute[int], value: int) -> None:
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ValidationError(field, value, "应为非负整数")

    return check


def _channels(value: Any) -> Channels:
    return value if isinstance(value, Channels) else Channels(value)


def _fraction(field: str) -> Any:
    def check(_: object, __: attrs.Attribute[float], value: float) -> None:
        if not isinstance(value, int | float) or not 0 <= value <= 1:
            raise ValidationError(field, value, "应为 0 到 1 之间的数")

    return check


def _limits(value: Mapping[str, int] | tuple[tuple[str, int], ...]) -> tuple[tuple[str, int], ...]:
    items = value.items() if isinstance(value, Mapping) else value
    return tuple(sorted((str(k), int(v)) for k, v in items))


def _hours(value: Any) -> tuple[str, str]:
    """Office hours as ("08:30", "17:30"): two HH:MM times, opening before closing."""
    try:
        opening, closing = (str(v) for v in value)
        times = [(int(t[:2]), int(t[3:])) for t in (opening, closing)]
        ok = all(len(t) == 5 and t[2] == ":" for t in (opening, closing))
    except (TypeError, ValueError):
        ok = False
    if not ok or not all(0 <= h < 24 and 0 <= m < 60 for h, m in times) or times[0] >= times[1]:
        raise ValidationError(
            "policy.office_hours", value, '应为两个 HH:MM 时间，如 ["08:30", "17:30"]'
        )
    return opening, closing


def _leaders(value: Any) -> tuple[tuple[str, str], ...]:
    items = value.items() if isinstance(value, Mapping) else value
    pairs = tuple((str(k), str(v)) for k, v in items)
    if any(not k.strip() or not v.strip() for k, v in pairs):
        raise ValidationError("policy.department_leaders", value, "部门与分管领导均不能为空")
    return pairs


def _names(value: Any) -> tuple[str, ...]:
    if isinstance(value, str) or not all(isinstance(v, str) and v for v in value):
        raise ValidationError("policy.department_order", value, "应为部门名称的列表")
    return tuple(value)


def _labels(value: Any) -> tuple[str, ...]:
    if isinstance(value, str) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ValidationError("policy.personal_notes", value, "应为标签（栏目名称）的列表")
    return tuple(v.strip() for v in value)


#: Channel notes that hold a person's data by default: who filled in a town's list and their
#: number, a hotline caller, an ID number... (the columns channels keep as notes).
PERSONAL_NOTES = (
    "填报人", "填表人", "联系人", "联系电话", "联系方式", "手机", "手机号", "手机号码", "电话",
    "来电人", "来电人姓名", "来电号码", "诉求人", "诉求人姓名", "诉求人电话", "反映人",
    "回访电话", "身份证号", "身份证号码", "证件号码", "电子邮箱", "邮箱", "微信", "住址",
    "家庭住址", "caller", "caller_name", "caller_phone", "contact", "contact_phone", "phone",
    "mobile", "email",
)  # fmt: skip
#: Notes by which a channel says the caller asked for confidentiality (是否保密：是).
CONFIDENTIAL_NOTES = ("是否保密", "保密", "保密要求", "confidential")


@attrs.frozen(kw_only=True)
class Policy:
    """Deadline and numbering rules of one district, and its identity.

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
    #: Sweep: remind when a deadline is today or within this many working days.
    remind_workdays: int = attrs.field(default=1, validator=_nonnegative("policy.remind_workdays"))
    #: Sweep: supervise again when still overdue this many working days after the first notice.
    second_supervision_workdays: int = attrs.field(
        default=3, validator=_positive("policy.second_supervision_workdays")
    )
    #: Sweep: suggest escalation after this many returns or reassignments (退回、改派)...
    stuck_transfers: int = attrs.field(default=3, validator=_positive("policy.stuck_transfers"))
    #: ...or after this many reopenings (重新交办).
    stuck_reopenings: int = attrs.field(default=3, validator=_positive("policy.stuck_reopenings"))
    #: Sweep: an item open longer than this many calendar days is a stock item (存量事项).
    stock_age_days: int = attrs.field(default=30, validator=_positive("policy.stock_age_days"))
    #: Metrics: what a "basically satisfied" visit counts for (two-level scale: unused).
    basically_satisfied_weight: float = attrs.field(
        default=1.0, validator=_fraction("policy.basically_satisfied_weight")
    )
    #: Metrics (口径, ``definitions.MetricsRules``): a visit that did not reach the enterprise
    #: leaves the 回访 denominators...
    valid_visits_only: bool = False
    #: ...the visit after re-handling replaces the earlier one...
    revisit_final: bool = False
    #: ...tables print 逾期办理 beside 逾期未办...
    split_late: bool = False
    #: ...an extension approved after the deadline passed does not erase that month's miss...
    extension_keeps_miss: bool = False
    #: ...and the month runs from this day of the previous month (1: the calendar month).
    period_start_day: int = 1
    #: Metrics: weights of the composite score (response, completion, satisfaction, and
    #: optionally a fourth: on-time completion, 按时办结率; 0 when left out).
    score_weights: tuple[float, ...] = attrs.field(default=(0.1, 0.5, 0.4), converter=tuple)
    #: The annual assessment's yearly score: ``"summed"`` (the score of the year's summed
    #: counts) or ``"mean"`` (the mean of the months' scores).
    annual_score: str = attrs.field(default="summed")
    #: Ranking: a department is ranked when the larger of its reply-due and visited counts
    #: reaches this; below it the briefing lists it apart as 样本不足 (docs/metrics.md).
    min_ranked_items: int = attrs.field(default=3, validator=_positive("policy.min_ranked_items"))
    #: Ranking: departments printed with the same score are placed in this order (then by name).
    department_order: tuple[str, ...] = attrs.field(default=(), converter=_names)
    #: Ranking: how many departments the red list and the black list (红黑榜) each name at most.
    red_black_size: int = attrs.field(default=3, validator=_nonnegative("policy.red_black_size"))
    #: Intake: earlier open items of the same enterprise within this many days are compared...
    duplicate_window_days: int = attrs.field(
        default=30, validator=_positive("policy.duplicate_window_days")
    )
    #: ...and flagged as possible duplicates from this text similarity (0 to 1) up
    #: (measured in docs/performance.md: 0.2 keeps precision 1.0 at recall 0.92 there).
    duplicate_threshold: float = attrs.field(
        default=0.2, validator=_fraction("policy.duplicate_threshold")
    )
    #: Privacy: a contact's personal data is erased (their key destroyed) by the daily sweep once
    #: every item of theirs was closed this many months ago; 0 keeps it until erased on request
    #: (docs/privacy.md: 个人信息保护法 art. 19 and 47).
    retention_months: int = attrs.field(
        default=36, validator=_nonnegative("policy.retention_months")
    )
    #: Privacy: labels of channel notes that hold personal data (encrypted, masked and erased
    #: with the contact's own fields).
    personal_notes: tuple[str, ...] = attrs.field(default=PERSONAL_NOTES, converter=_labels)
    #: Privacy: labels of notes that carry a confidentiality request (值为 是/保密/Y/1...).
    confidential_notes: tuple[str, ...] = attrs.field(default=CONFIDENTIAL_NOTES, converter=_labels)
    #: Co-handling: a co-handler's report is due this many working days before the lead's
    #: deadline (the reply, or the committed completion date), at the earliest the first
    #: working day after assignment.
    co_report_workdays: int = attrs.field(
        default=2, validator=_nonnegative("policy.co_report_workdays")
    )
    #: Supervision notices (督办通知单): the department answers within this many working days.
    supervision_reply_workdays: int = attrs.field(
        default=1, validator=_positive("policy.supervision_reply_workdays")
    )
    #: Notices are sent on working days within these office hours (Asia/Shanghai); one made
    #: outside them waits for the next opening.
    office_hours: tuple[str, str] = attrs.field(default=("08:30", "17:30"), converter=_hours)
    #: The district leader in charge of each department (copied on second supervision
    #: notices; without one the notice is copied to 区分管领导).
    department_leaders: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_leaders)
    #: The meeting agenda's recurring problems: open items of different enterprises in one
    #: category whose texts are at least this similar (0 to 1) are one problem...
    recurring_threshold: float = attrs.field(
        default=0.2, validator=_fraction("policy.recurring_threshold")
    )
    #: ...listed when it touches at least this many enterprises.
    recurring_min_enterprises: int = attrs.field(
        default=2, validator=_positive("policy.recurring_min_enterprises")
    )
    #: Item number layout; fields: district, year, seq.
    number_format: str = attrs.field(default="{district}-{year}-{seq:04d}")
    #: Who the district is: names, address, area code, distribution (``appeal_core.identity``).
    identity: Identity = attrs.field(factory=Identity)
    #: The channels the desk accepts: the seed's five, then the district's own (the policy
    #: file's ``[channels]`` table, ``{name: label}``) and the plugins' (``appeal_channels``).
    channels: Channels = attrs.field(factory=Channels, converter=_channels)

    @number_format.validator
    def _check_format(self, _: attrs.Attribute[str], value: str) -> None:
        try:
            sample = value.format(district="HM", year=2026, seq=1)
        except (KeyError, IndexError, ValueError) as exc:
            raise ValidationError("policy.number_format", value, f"格式无效：{exc}") from exc
        if value.format(district="HM", year=2026, seq=2) == sample:
            raise ValidationError("policy.number_format", value, "必须包含序号 {seq}")
        if sample.startswith("@"):  # "@" starts a journal stream's key (appeal_core.journal)
            raise ValidationError("policy.number_format", value, "事项编号不能以 @ 开头")

    @score_weights.validator
    def _check_weights(
        self, _: attrs.Attribute[tuple[float, ...]], value: tuple[float, ...]
    ) -> None:
        if len(value) not in (3, 4) or any(
            isinstance(w, bool) or not isinstance(w, int | float) or w < 0 for w in value
        ):
            raise ValidationError(
                "policy.score_weights",
                value,
                "应为三个或四个非负权重（响应率、完成率、满意度，可加按时办结率）",
            )
        if not sum(value) > 0:
            raise ValidationError("policy.score_weights", value, "权重之和应大于 0")

    def leader_of(self, department: str) -> str:
        """The district leader in charge of ``department``, or ``""`` when none is set."""
        return dict(self.department_leaders).get(department, "")

    @annual_score.validator
    def _check_annual(self, _: attrs.Attribute[str], value: str) -> None:
        if value not in ("summed", "mean"):
            raise ValidationError(
                "policy.annual_score", value, "应为 summed（全年合计计分）或 mean（月度得分平均）"
            )

    def __attrs_post_init__(self) -> None:
        self.metrics_rules  # noqa: B018 - validates the definitions' fields
        for name, _ in self.identity.channel_names:
            self.channels.check(name, "identity.channel_names")

    def channel_label(self, channel: Channel | str) -> str:
        """The channel's name on this district's forms (问题来源): the identity's own name for
        it, else the declared label, else the name."""
        return dict(self.identity.channel_names).get(str(channel)) or self.channels.label(channel)

    @property
    def metrics_rules(self) -> MetricsRules:
        """The figures' definitions (口径) this policy sets (``definitions.MetricsRules``)."""
        return MetricsRules(
            basically_satisfied_weight=self.basically_satisfied_weight,
            valid_visits_only=self.valid_visits_only,
            revisit_final=self.revisit_final,
            split_late=self.split_late,
            extension_keeps_miss=self.extension_keeps_miss,
            period_start_day=self.period_start_day,
        )

    def statutory_limit(self, category: str) -> int | None:
        """The legal completion limit in working days for ``category``, if one is set."""
        return dict(self.statutory_limits).get(category)

    def format_number(self, district: str, year: int, seq: int) -> str:
        """The item number for the ``seq``-th item of ``district`` in ``year``."""
        return self.number_format.format(district=district, year=year, seq=seq)
