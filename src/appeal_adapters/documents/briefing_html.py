"""The briefing as one self-contained HTML page: inline CSS with a print stylesheet (A4,
GB/T 9704 margins, page numbers, repeated table heads), serif fallbacks, charts as data URIs."""

from __future__ import annotations

import base64
import html
from typing import Any

from appeal_adapters.documents.briefing import Block, blocks
from appeal_adapters.documents.common import clean
from appeal_core.metrics import MonthlyReport
from appeal_core.policy import Policy

BODY = '"仿宋_GB2312","FangSong_GB2312","仿宋","FangSong","STFangsong","Noto Serif CJK SC",' \
       '"Source Han Serif SC","Songti SC","SimSun",serif'  # fmt: skip
HEADING = '"黑体","SimHei","Noto Sans CJK SC","Source Han Sans SC","PingFang SC",sans-serif'
# The title font: 方正小标宋简体 where installed, else a *bold* serif standing in for it.
CSS = f"""@font-face{{font-family:"简报标题";src:local("方正小标宋简体"),
local("FZXiaoBiaoSong-B05S"),local("华文中宋"),local("STZhongsong"),
local("Noto Serif CJK SC Bold"),local("NotoSerifCJKsc-Bold"),local("Source Han Serif SC Bold"),
local("SourceHanSerifSC-Bold")}}
body{{font-family:{BODY};font-size:14pt;max-width:165mm;margin:2em auto;line-height:1.6}}
h1{{font-family:"简报标题",{BODY};font-weight:normal;color:#c00000;text-align:center;
font-size:22pt;margin:.2em 0}}
.issue{{text-align:center;font-size:16pt;margin:.2em 0}}
.issuer{{display:flex;justify-content:space-between;border-bottom:2px solid #c00000;
padding-bottom:.3em;margin-bottom:1em}}
h2{{font-family:{HEADING};font-size:14pt;font-weight:normal;margin:1em 0 .3em}}
p.text{{text-indent:2em;text-align:justify;margin:.3em 0}}
p.note{{font-size:10.5pt;margin:.2em 0}}
table{{border-collapse:collapse;font-size:10.5pt;margin:0 auto}}
td,th{{border:1px solid #333;padding:.15em .3em;text-align:center;white-space:nowrap}}
th{{font-family:{HEADING};font-weight:normal}}
td.name{{text-align:left;white-space:normal}}
table.dist{{width:100%;margin-top:2em}}
table.dist td{{border-left:0;border-right:0;text-align:left;white-space:normal;font-size:14pt}}
img{{max-width:100%}}
@page{{size:A4;margin:37mm 26mm 35mm 28mm;
@bottom-right{{content:"— " counter(page) " —";font-size:14pt}}}}
@page wide{{size:A4 landscape;margin:26mm 26mm 24mm 26mm}}
@media print{{body{{max-width:none;margin:0}}thead{{display:table-header-group}}
tr{{break-inside:avoid}}h2{{break-after:avoid}}figure{{break-inside:avoid}}
section.wide{{page:wide}}}}"""


def _table(b: Block) -> str:
    e = html.escape
    name_col = 1 if len(b.rows[0]) in (15, 16) else (0 if len(b.rows[0]) == 7 else 2)
    head = ""
    if b.head == 2:  # the 环比 table's two heading rows
        first, second = b.rows[0], b.rows[1]
        head = (f'<tr><th rowspan="2">{e(first[0])}</th><th colspan="3">{e(first[1])}</th>'
                f'<th colspan="3">{e(first[4])}</th></tr>'
                "<tr>" + "".join(f"<th>{e(c)}</th>" for c in second[1:]) + "</tr>")  # fmt: skip
    else:
        cells = ("<br>".join(map(e, c.split("\n"))) for c in b.rows[0])
        head = "<tr>" + "".join(f"<th>{c}</th>" for c in cells) + "</tr>"
    body = "".join(
        "<tr>" + "".join(
            f'<td class="name">{e(c)}</td>' if i in (name_col, 3 if len(row) == 6 else -1)
            else f"<td>{e(c)}</td>" for i, c in enumerate(row)) + "</tr>"
        for row in b.rows[b.head:]
    )  # fmt: skip
    return f"<table><thead>{head}</thead><tbody>{body}</tbody></table>"


def briefing_html(subject: MonthlyReport, **options: Any) -> bytes:
    """The briefing as one self-contained HTML page (same content as the .docx)."""
    e = html.escape
    identity = (options.get("policy") or Policy()).identity
    title = f"{clean(identity.briefing_title)} {subject.year}年{subject.month}月"
    parts = [f'<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
             f"<title>{e(title)}</title><style>{CSS}</style></head><body>"]  # fmt: skip
    content = blocks(subject, **options)
    for i, b in enumerate(content):
        wide_next = i + 1 < len(content) and content[i + 1].kind == "table" and content[i + 1].wide
        if b.kind == "title":
            parts.append(f"<h1>{e(b.text)}</h1>")
        elif b.kind == "issue":
            parts.append(f'<p class="issue">{e(b.text)}</p>')
        elif b.kind == "issuer":
            parts.append(f'<p class="issuer"><span>{e(b.text)}</span><span>{e(b.aside)}</span></p>')
        elif b.kind == "heading":
            parts.append(('<section class="wide">' if wide_next else "") + f"<h2>{e(b.text)}</h2>")
        elif b.kind in ("text", "note"):
            parts.append(f'<p class="{b.kind}">{e(b.text)}</p>')
        elif b.kind == "image":
            data = base64.b64encode(b.png).decode("ascii")
            parts.append(f'<figure><img alt="各部门比率图表" src="data:image/png;base64,{data}">'
                         "</figure>")  # fmt: skip
        elif b.kind == "distribution":
            rows = "".join(f"<tr><td>{e(k)}：{e(v)}</td></tr>" for k, v in b.rows)
            parts.append(f'<table class="dist">{rows}</table>')
        else:
            parts.append(_table(b))
            if b.wide:
                parts.append("</section>" if not content[i + 1 :] or content[i + 1].kind != "note"
                             else "")  # fmt: skip
        if b.kind == "note" and i > 0 and content[i - 1].kind == "table" and content[i - 1].wide:
            parts.append("</section>")
    parts.append("</body></html>\n")
    return "".join(parts).encode("utf-8")
