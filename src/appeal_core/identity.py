"""The district's identity and the texts made from its rules: names, addresses, remarks.

Everything a form, a briefing or a message prints about *who* the district is lives here, with
the seed notice's Haimen values as defaults; another district sets its own in the policy file's
``[identity]`` table.  The remarks quote the policy's own numbers, so a 5-day district's forms
say 5 days.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import attrs

from appeal_core.appeal import Channel
from appeal_core.errors import ValidationError

if TYPE_CHECKING:
    from appeal_core.policy import Policy

_AREA_CODE = re.compile(r"^0\d{2,3}$")


def _text(field: str, limit: int = 200) -> Any:
    def check(_: object, __: attrs.Attribute[str], value: str) -> None:
        if not isinstance(value, str):
            raise ValidationError(f"identity.{field}", value, "应为文本")
        if len(value) > limit or any(ord(ch) < 0x20 for ch in value):
            raise ValidationError(f"identity.{field}", value, f"应为不超过{limit}字的单行文本")

    return check


def _pairs(value: Any) -> tuple[tuple[str, str], ...]:
    """(key, text) pairs from pairs or a mapping; keys must be channel names (the policy
    checks that the district knows them)."""
    items = value.items() if isinstance(value, dict) else value
    pairs = tuple((str(k), str(v)) for k, v in items)
    for key, _ in pairs:
        try:
            Channel(key)
        except ValidationError as exc:
            raise ValidationError("identity.channel_names", key, exc.reason) from None
    return pairs


def _distribution(value: Any) -> tuple[tuple[str, str], ...]:
    """The 报/送/发 block as (label, addressees) pairs, from pairs or a mapping."""
    items = value.items() if isinstance(value, dict) else value
    pairs = tuple((str(k), str(v)) for k, v in items)
    for label, _ in pairs:
        if label not in ("报", "送", "发", "抄送"):
            raise ValidationError("identity.distribution", label, "应为 报、送、发 或 抄送")
    return pairs


@attrs.frozen(kw_only=True)
class Identity:
    """Who the district is, as its documents and messages print it (Haimen's by default)."""

    #: The district (or county) name.
    district: str = attrs.field(default="海门区", validator=_text("district", 50))
    #: The issuing office printed in the forms' titles (附件1, 附件2).
    office: str = attrs.field(
        default="海门区高质量服务企业领导小组办公室", validator=_text("office")
    )
    #: The desk's short name in texts and notices (区服务企业办).
    desk: str = attrs.field(default="区服务企业办", validator=_text("desk", 50))
    #: The monthly briefing's title.
    briefing_title: str = attrs.field(
        default="海门区高质量服务企业工作简报", validator=_text("briefing_title")
    )
    #: The briefing's issuing body (printed under the title).
    issuer: str = attrs.field(
        default="海门区高质量服务企业领导小组办公室", validator=_text("issuer")
    )
    #: The desk's address, phone and e-mail, printed at the foot of the forms.
    address: str = attrs.field(default="行政中心1231室", validator=_text("address"))
    phone: str = attrs.field(default="82111701", validator=_text("phone", 40))
    email: str = attrs.field(default="hmmfb@126.com", validator=_text("email", 100))
    #: The area code assumed for a local landline number written without one.
    area_code: str = attrs.field(default="0513")
    #: The briefing's distribution block (报/送/发), in order.
    distribution: tuple[tuple[str, str], ...] = attrs.field(
        default=(("报", "区委、区政府主要领导，区高质量服务企业领导小组成员"),
                 ("发", "各区镇，各涉企部门")),
        converter=_distribution,
    )  # fmt: skip

    #: The channels' names as this district prints them, where they differ from the seed's
    #: (e.g. its own app: ``{"app": "某某企服通APP"}``).
    channel_names: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_pairs)

    @area_code.validator
    def _check_area_code(self, _: attrs.Attribute[str], value: str) -> None:
        if not isinstance(value, str) or not _AREA_CODE.match(value):
            raise ValidationError("identity.area_code", value, "区号应为 0 开头的 3 或 4 位数字")

    def channel_label(self, channel: Channel) -> str:
        """The channel's name on this district's forms (问题来源); a plugin channel's label
        is the policy's (``Policy.channel_label``, which documents should call)."""
        return dict(self.channel_names).get(str(channel), Channel(channel).label)

    @property
    def desk_contact(self) -> str:
        """The foot line of the forms: address, phone and e-mail of the desk."""
        return f"{self.desk}地址：{self.address}，联系电话：{self.phone}，邮箱：{self.email}。"


def reply_rule(policy: Policy) -> str:
    """The seed's rule in the policy's numbers: routine reply, preliminary reply, completion."""
    return (
        f"主办部门在收到交办单后，{policy.reply_workdays}个工作日内给予答复；内容复杂、调查处理"
        "需要一定时间或者法律、法规等规范性文件明确有具体时限的，"
        f"{policy.preliminary_workdays}个工作日内向企业作出初步答复，并在承诺的时间内办结。"
    )


def sheet_remark(policy: Policy) -> str:
    """The 备注 under the assignment sheet (附件1), in the policy's numbers."""
    return "备注：" + reply_rule(policy)


def list_remark(policy: Policy) -> str:
    """The 备注 under the summary list (附件2): where to send it, and how to reach the desk."""
    i = policy.identity
    return (
        "备注：请确保问题汇总清单内容信息准确无误，填写后报送至"
        f"{i.address}，联系电话：{i.phone}，邮箱：{i.email}。"
    )
