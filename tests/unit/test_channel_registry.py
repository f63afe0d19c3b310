"""Channels as an open value: the seed's five as constants, the district's and the plugins' own
declared in the policy, unknown ones refused by the desk, stored ones always loadable."""

from __future__ import annotations

import pickle
from datetime import date, datetime

import pytest

from appeal_core import (
    BUILT_IN_CHANNELS,
    SHANGHAI,
    Actor,
    Channel,
    Channels,
    ChannelSpec,
    Desk,
    Enterprise,
    Identity,
    MemoryStore,
    Policy,
    ValidationError,
)
from appeal_core.digest import daily_digest
from appeal_core.metrics import channel_figures

DESK = Actor.desk()
WECHAT = Policy(channels={"wechat": "企业微信小程序"})


def at(day: str, hour: int = 10) -> datetime:
    d = date.fromisoformat(day)
    return datetime(d.year, d.month, d.day, hour, tzinfo=SHANGHAI)


def test_the_five_constants_behave_as_the_enum_did() -> None:
    assert list(Channel) == list(BUILT_IN_CHANNELS) and len(Channel) == 5
    assert Channel("app") is Channel.APP and Channel.APP == "app" and Channel.APP.value == "app"
    assert Channel.HOTLINE.label == "12345热线转交" and Channel.APP.name == "APP"
    assert f"{Channel.APP}" == "app" and str(Channel.GRASSROOTS) == "grassroots"
    assert pickle.loads(pickle.dumps(Channel.APP)) is Channel.APP
    assert {Channel.APP: 1}["app"] == 1  # hashes as its name: dicts keyed either way agree


@pytest.mark.parametrize("bad", ["", "App", "微信", "we chat", "x" * 41, "1app", 5, None])
def test_a_malformed_name_is_refused(bad: object) -> None:
    with pytest.raises(ValidationError, match="channel"):
        Channel(bad)


def test_the_policy_declares_a_districts_own_channels_after_the_five() -> None:
    assert Policy().channels.names == tuple(Channel)
    assert WECHAT.channels.names == (*Channel, Channel("wechat"))
    assert WECHAT.channel_label("wechat") == "企业微信小程序"
    assert WECHAT.channel_label(Channel.APP) == "海企通APP"
    named = Policy(channels=WECHAT.channels, identity=Identity(channel_names={"app": "某某通"}))
    assert (
        named.channel_label("app") == "某某通" and named.channel_label("wechat") == "企业微信小程序"
    )


def test_conflicting_declarations_are_refused() -> None:
    with pytest.raises(ValidationError, match="不能再登记为"):
        WECHAT.channels.adding([ChannelSpec("wechat", "微信群")])
    assert WECHAT.channels.adding([("wechat", "企业微信小程序")]) == WECHAT.channels
    with pytest.raises(ValidationError, match="channel_names"):
        Channels({"app": "另一个名字"})
    with pytest.raises(ValidationError, match=r"identity\.channel_names"):
        Policy(identity=Identity(channel_names={"wechat": "企业微信"}))  # not declared


def test_the_desk_refuses_an_unknown_channel_naming_the_known_ones() -> None:
    desk = Desk(MemoryStore(), policy=WECHAT)
    firm = Enterprise(name="某公司")
    with pytest.raises(ValidationError, match=r"未知的问题来源.*wechat（企业微信小程序）"):
        desk.register(enterprise=firm, content="用电", channel="fax", at=at("2026-11-16"), by=DESK)
    item = desk.register(enterprise=firm, content="用电", channel="wechat", at=at("2026-11-16"),
                         by=DESK)  # fmt: skip
    assert item.channel == Channel("wechat") and item.seq == 1
    with pytest.raises(ValidationError, match="未知的问题来源"):
        Desk(MemoryStore()).register(enterprise=firm, content="用电", channel="wechat",
                                     at=at("2026-11-16"), by=DESK)  # fmt: skip


def test_the_figures_count_a_channel_as_itself() -> None:
    desk = Desk(MemoryStore(), policy=WECHAT)
    for channel in ("wechat", "wechat", "app"):
        desk.register(enterprise=Enterprise(name="某公司"), content="用电", channel=channel,
                      at=at("2026-11-16"), by=DESK)  # fmt: skip
    rows = {c.channel: c.received for c in desk.report(2026, 11).channels}
    assert list(rows) == [*Channel, "wechat"]
    assert rows["wechat"] == 2 and rows[Channel.APP] == 1
    digest = daily_digest(desk.store.states(), (), on=date(2026, 11, 17),
                          calendar=desk.calendar, desk="区服务企业办")  # fmt: skip
    assert digest.count(Channel("wechat")) == 2 and digest.received_total == 3


def test_a_channel_no_longer_declared_is_still_counted_and_nothing_changes_without_one() -> None:
    counts = {Channel.APP: [1, 1, 0], Channel("gone"): [2, 0, 0]}
    rows = channel_figures(counts, Policy())
    assert [r.channel for r in rows] == [*Channel, "gone"] and rows[-1].received == 2
    # a district without items of its own channels lists exactly the five, as before
    assert [r.channel for r in channel_figures({}, WECHAT)] == list(Channel)
