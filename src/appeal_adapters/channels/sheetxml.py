"""Streaming XML for the workbook readers: expat fed from a zip part, with nothing to expand.

A DOCTYPE or an entity declaration is refused (a spreadsheet never needs one: that is how XML
bombs and external entities arrive), and the zip's parts are checked against the documented
sizes before a byte of them is parsed.
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Callable, Iterator
from typing import Any
from xml.parsers import expat

from appeal_adapters.channels import limits

CHUNK = 1 << 16
#: What a damaged zip raises while a part is read (a bad CRC, a broken deflate stream, an
#: unknown compression method or zip version).
ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, NotImplementedError, OSError, EOFError,
              UnicodeError, RuntimeError, ValueError)  # fmt: skip


class SheetError(ValueError):
    """The workbook cannot be read, or is past a documented limit; the text says which."""


def check_zip(zf: zipfile.ZipFile, parts: list[str]) -> None:
    """Refuse a zip whose parts to read are past the size or compression-ratio limits."""
    total = 0
    for name in parts:
        info = zf.getinfo(name)
        total += info.file_size
        if info.file_size > 16 << 20 and info.file_size > limits.MAX_RATIO * max(
            info.compress_size, 1
        ):
            raise SheetError(
                f"压缩包中的 {name} 解压后 {info.file_size:,} 字节，"
                f"是压缩大小的 {info.file_size // max(info.compress_size, 1):,} 倍"
                f"（上限 {limits.MAX_RATIO} 倍），疑似压缩炸弹"
            )
    if total > limits.MAX_UNCOMPRESSED:
        raise SheetError(
            f"解压后共 {total:,} 字节，超过上限 {limits.MAX_UNCOMPRESSED:,} 字节；"
            "请按月或按区镇拆分后分别导入"
        )


def _refuse(*_: Any) -> int:
    raise SheetError("文件含有 XML 文档类型或实体声明，表格文件不应含有，已拒绝读取")


def parser(
    start: Callable[[str, dict[str, str]], None],
    end: Callable[[str], None],
    data: Callable[[str], None] | None = None,
) -> Any:
    """An expat parser with the handlers, names without their namespace prefix."""
    p = expat.ParserCreate()
    p.buffer_text = True
    p.buffer_size = CHUNK
    p.StartElementHandler = lambda name, attrs: start(name[name.find(":") + 1 :], attrs)
    p.EndElementHandler = lambda name: end(name[name.find(":") + 1 :])
    if data is not None:
        p.CharacterDataHandler = data
    p.StartDoctypeDeclHandler = _refuse
    p.EntityDeclHandler = _refuse
    p.ExternalEntityRefHandler = _refuse
    return p


def feed(zf: zipfile.ZipFile, part: str, p: Any) -> Iterator[None]:
    """Feed the part to ``p`` chunk by chunk, yielding after each chunk (for streaming)."""
    try:
        with zf.open(part) as handle:
            while chunk := handle.read(CHUNK):
                p.Parse(chunk, False)
                yield
            p.Parse(b"", True)
            yield
    except (expat.ExpatError, LookupError) as exc:  # LookupError: an unknown encoding named
        raise SheetError(f"{part} 不是有效的 XML（{exc}）") from exc
    except SheetError:
        raise
    except ZIP_ERRORS as exc:
        raise SheetError(f"{part} 已损坏（{type(exc).__name__}: {exc}）") from exc


def parse_all(zf: zipfile.ZipFile, part: str, p: Any) -> None:
    """Feed the whole part to ``p``."""
    for _ in feed(zf, part, p):
        pass


def column_index(letters: str) -> int:
    """``A`` → 0, ``Z`` → 25, ``AA`` → 26 ..."""
    index = 0
    for ch in letters:
        index = index * 26 + (ord(ch) - 64)
    return index - 1


def column_letters(index: int) -> str:
    """0 → ``A``, 26 → ``AA``."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def expat_parser(
    start: Callable[[str, dict[str, str]], None],
    end: Callable[[str], None],
    data: Callable[[str], None],
) -> Any:
    """An expat parser calling the handlers directly (raw names: they strip any prefix)."""
    p = expat.ParserCreate()
    p.buffer_text = True
    p.buffer_size = CHUNK
    p.StartElementHandler = start
    p.EndElementHandler = end
    p.CharacterDataHandler = data
    p.StartDoctypeDeclHandler = _refuse
    p.EntityDeclHandler = _refuse
    p.ExternalEntityRefHandler = _refuse
    return p


def bare_parser() -> Any:
    """An expat parser with no handlers but the refusals: checks well-formedness at C speed."""
    p = expat.ParserCreate()
    p.StartDoctypeDeclHandler = _refuse
    p.EntityDeclHandler = _refuse
    p.ExternalEntityRefHandler = _refuse
    return p
