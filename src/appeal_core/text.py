"""Text as people and files hand it in, made safe to store and to print.

One sanitiser for every place text enters the library (the core's values and decisions, the
channels, the documents): terminal escape sequences and control characters go, so a name typed
with ``ESC[2J`` or a bell never reaches a clerk's terminal, a log or a printed form.
"""

from __future__ import annotations

import re
import unicodedata

from appeal_core.errors import ValidationError

#: ANSI/VT escape sequences (CSI ``ESC [ ... final``, OSC ``ESC ] ... BEL|ST``, two-byte
#: ``ESC x``), removed whole so no ``[31m`` remnant is left behind.
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]?"  # CSI
    r"|\x1b[\]PX^_][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC, DCS, SOS, PM, APC (to BEL or ST)
    r"|\x1b[ -/]*[0-~]?"  # other escapes
    r"|\x9b[0-?]*[ -/]*[@-~]?"  # 8-bit CSI
)
#: C0 and C1 controls (but TAB and LF), DEL, the non-characters U+FFFE/U+FFFF, and the
#: bidirectional overrides and isolates that make a terminal show text in another order.
_CONTROL = [*range(0x20), *range(0x7F, 0xA0), 0xFFFE, 0xFFFF,
            *range(0x202A, 0x202F), *range(0x2066, 0x206A)]  # fmt: skip
_DROP: dict[int, None] = {c: None for c in _CONTROL if c not in (0x09, 0x0A)}
#: For one-line fields: TAB and LF become spaces as well.
_LINE: dict[int, str | None] = {**_DROP, 0x09: " ", 0x0A: " "}
#: Any character ``clean`` would change (CR, controls, escapes, overrides, surrogates): text
#: without one, nearly all of it, is returned as it is, fast (every stored name is read so).
_WORK = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]"
)
_LINE_WORK = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]")


def clean(value: object, limit: int | None = None) -> str:
    """Printable text: CR/CRLF become LF, escape sequences, control chars and lone surrogates
    go, emoji stay; longer than ``limit`` is cut with ``…``."""
    text = "" if value is None else str(value)
    if _WORK.search(text) is None:
        return text if limit is None or len(text) <= limit else text[: limit - 1] + "…"
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x1b" in text or "\x9b" in text:
        text = _ESCAPES.sub("", text)
    text = text.translate(_DROP)
    if any(unicodedata.category(ch) == "Cs" for ch in text):
        text = "".join(ch for ch in text if unicodedata.category(ch) != "Cs")
    if limit is not None and len(text) > limit:
        text = text[: limit - 1] + "…"
    return text


def clean_line(value: object) -> str:
    """``clean`` for a one-line field (a name, a department): line breaks and tabs become
    spaces, and the ends are trimmed."""
    text = "" if value is None else str(value)
    if _LINE_WORK.search(text) is None:
        return text.strip()
    return clean(text).translate(_LINE).strip()


def checked_text(
    field: str, value: object, *, limit: int, required: bool = True, line: bool = False
) -> str:
    """Cleaned, trimmed text for ``field``; a ``ValidationError`` when it is empty (and
    required) or longer than ``limit`` characters."""
    text = clean_line(value) if line else clean(value).strip()
    if required and not text:
        raise ValidationError(field, value, "不能为空")
    if len(text) > limit:
        raise ValidationError(field, text[:20] + "…", f"长度 {len(text)} 超过上限 {limit} 字")
    return text
