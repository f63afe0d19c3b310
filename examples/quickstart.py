"""The README quickstart: one routine item from registration to closing off."""

from datetime import datetime

from appeal_core import SHANGHAI, Actor, Desk, Enterprise, MemoryStore

desk = Desk(MemoryStore(), district="HM")             # Chinese work calendar, seed's rules
clerk = Actor.desk("小王")
bureau = Actor.of_department("区市场监督管理局")
def at(day, hour=10): return datetime.fromisoformat(f"{day}T{hour:02}:00").replace(tzinfo=SHANGHAI)

firm = Enterprise(name="海门某机械有限公司", credit_code="91350100M000100Y43", phone="13812345678")
item = desk.register(enterprise=firm, content="厂房消防验收迟迟未办", channel="app", at=at("2024-09-29"), by=clerk)
desk.verify(item.number, at=at("2024-09-29"), by=clerk, note="已电话核实")
desk.classify(item.number, category="消防", complexity="routine", at=at("2024-09-29"), by=clerk)
item = desk.assign(item.number, lead="区市场监督管理局", at=at("2024-09-30"), by=clerk)
print(item.number, item.reply_due.due)                 # HM-2024-0001 2024-10-10
print(item.reply_due.explanation)                      # …2024-10-01至2024-10-07为国庆节假期
desk.reply(item.number, text="已安排验收", at=at("2024-10-08"), by=bureau)
desk.follow_up(item.number, satisfaction="satisfied", resolved=True, at=at("2024-10-11"), by=clerk)
item = desk.close(item.number, at=at("2024-10-11", 16), by=clerk)
assert item.status.label == "已销号" and len(desk.history(item.number)) == 7
