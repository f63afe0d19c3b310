"""Write store-schema8.db with the code *before* issue 20 (schema 8: personal data in clear).

Run with that code on the path, in this folder:
    PYTHONPATH=<checkout of main before issue 20>/src python make_store_schema8.py
"""

import sqlite3
from datetime import timedelta

from appeal_adapters.storage.sqlite import SQLiteStore
from appeal_core import commands as c
from appeal_core.appeal import Channel
from appeal_core.enterprise import Enterprise
from appeal_core.intake import RejectedRow
from appeal_core.testing.machine import DESK
from appeal_core.testing.store_contract import START, make_desk, walk_every_event

store = SQLiteStore("store-schema8.db")
desk = make_desk(store)
walk_every_event(desk)
firm = Enterprise(name="海门示例精工有限公司", contact="欧阳慕青", phone="13912345678")
at = START + timedelta(days=40)
desk.register(enterprise=firm, content="厂区门前道路破损", channel="hotline", at=at, by=DESK,
              source_id="H-100")  # fmt: skip
notes = (("填表单位", "某镇"), ("填报人", "诸葛填表"), ("联系电话", "0513-82117788"),
         ("是否保密", "是"))  # fmt: skip
listed = c.Register(enterprise=firm, content="用电增容", channel=Channel.GRASSROOTS, notes=notes)
desk.execute(listed, at=at, by=DESK)
bad = RejectedRow(channel=Channel.HOTLINE, row=3, field="phone", value="1391234567",
                  reason="手机号码应为11位", source_id="H-3",
                  raw=(("来电人", "诸葛填表"), ("电话", "1391234567")))  # fmt: skip
desk.intake([bad], source="12345.csv", at=at, by=DESK)
store.close()
with sqlite3.connect("store-schema8.db") as conn:
    conn.execute("VACUUM")
