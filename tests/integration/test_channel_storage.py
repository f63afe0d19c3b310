"""A channel of a district's own goes through the stores: stored as its name, loaded back as a
``Channel`` (also when no plugin declares it any more), counted by the SQL figures too."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from appeal_adapters.config import open_desk
from appeal_adapters.serialization import dumps, event_from_dict, event_to_dict
from appeal_core import SHANGHAI, Actor, Channel, Enterprise, Policy

AT = datetime(2026, 11, 16, 10, tzinfo=SHANGHAI)


def test_stored_as_its_name_and_loaded_without_its_declaration(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'desk.db'}"
    desk = open_desk(url, policy=Policy(channels={"wechat": "企业微信小程序"}))
    item = desk.register(enterprise=Enterprise(name="某公司"), content="用电", channel="wechat",
                         at=AT, by=Actor.desk())  # fmt: skip
    desk.register(enterprise=Enterprise(name="某公司"), content="供水", channel=Channel.APP,
                  at=AT, by=Actor.desk())  # fmt: skip
    [registered] = desk.history(item.number)
    data = event_to_dict(registered)
    assert json.loads(dumps(data))["channel"] == "wechat"  # the JSON text holds the name
    assert type(event_from_dict(json.loads(dumps(data))).channel) is Channel
    desk.store.close()

    later = open_desk(url)  # the plugin is gone: the item still loads, and still counts
    assert later.get(item.number).channel == Channel("wechat")
    rows = {c.channel: c.received for c in later.report(2026, 11).channels}
    assert rows == {**dict.fromkeys(Channel, 0), Channel.APP: 1, Channel("wechat"): 1}
    later.store.close()
