"""JSON documents read in bounded memory and without recursion on the input's depth.

The document is read up to ``MAX_JSON_BYTES``; a record nested deeper than ``MAX_JSON_DEPTH``
is a ``TooDeep`` value (rejected alone by the channel).  When the document is too deep for
the parser itself, the records array is split by a flat scanner and each record parsed alone.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import attrs

from appeal_adapters.channels import limits
from appeal_adapters.channels.base import Source, UnreadableFile
from appeal_adapters.channels.tabular import as_stream

_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{},:]')


@attrs.frozen
class TooDeep:
    """A record nested deeper than the limit: the start of its text, its top-level scalars."""

    text: str
    depth: int
    fields: dict[str, object] = attrs.Factory(dict)


def load_records(data: Source, filename: str, key: str) -> list[Any]:
    """The array under ``key`` of the top-level object (deep records as ``TooDeep``)."""
    stream = as_stream(data)
    chunks: list[bytes] = []
    size = 0
    try:
        stream.seek(0)
        while size <= limits.MAX_JSON_BYTES and (chunk := stream.read(1 << 20)):
            size += len(chunk)
            chunks.append(chunk)
    except (OSError, ValueError) as exc:
        raise UnreadableFile(filename, f"读取失败（{exc}）") from exc
    if size > limits.MAX_JSON_BYTES:
        raise UnreadableFile(
            filename, f"JSON 文件超过 {limits.MAX_JSON_BYTES >> 20} MB，请分批导出后导入"
        )
    raw = b"".join(chunks)
    del chunks
    if not raw.strip():
        raise UnreadableFile(filename, "文件为空")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableFile(filename, f"不是 UTF-8 编码（第 {exc.start} 字节附近）") from exc
    del raw
    try:
        document = json.loads(text)
    except RecursionError:
        return list(_split(text, key, filename))
    except ValueError as exc:
        raise UnreadableFile(filename, f"不是有效的 JSON（{exc}）") from exc
    if not isinstance(document, dict) or not isinstance(document.get(key), list):
        raise UnreadableFile(filename, f"应为 JSON 对象，且含有数组「{key}」")
    return [_bounded(item) for item in document[key]]


def depth(value: object) -> int:
    """How deeply ``value`` nests (a scalar is 0), counted without recursion."""
    deepest = 0
    stack: list[tuple[object, int]] = [(value, 0)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, level + 1)
        if deepest > limits.MAX_JSON_DEPTH:
            return deepest
        stack.extend((child, level + 1) for child in children)
    return deepest


def _bounded(item: object) -> object:
    level = depth(item)
    if level > limits.MAX_JSON_DEPTH:
        shallow = _shallow(item)
        fields = shallow if isinstance(shallow, dict) else {}
        text = json.dumps(shallow, ensure_ascii=False)[:200]
        return TooDeep(text=text, depth=level, fields={k: v for k, v in fields.items() if v != "…"})
    return item


def _shallow(item: object) -> object:
    if isinstance(item, dict):
        return {k: v if not isinstance(v, dict | list) else "…" for k, v in item.items()}
    return "…"


def _split(text: str, key: str, filename: str) -> Iterator[object]:
    """The records of ``{"<key>": [...]}`` parsed one by one (a flat scan, no recursion)."""
    level, state, start, deepest = 0, "", -1, 0
    wanted = json.dumps(key)
    for match in _TOKENS.finditer(text):
        token = match.group()
        if token[0] == '"':
            if level == 1 and not state and token == wanted:
                state = "key"
            continue
        if token in "[{":
            level += 1
            if state == "key" and level == 2 and token == "[":
                state, start, deepest = "records", match.end(), 2
            deepest = max(deepest, level)
        elif token in "]}":
            if state == "records" and level == 2:
                if text[start : match.start()].strip():
                    yield _one(text[start : match.start()], deepest - 2)
                return
            level -= 1
        elif token == "," and state == "records" and level == 2:
            yield _one(text[start : match.start()], deepest - 2)
            start, deepest = match.end(), 2
    raise UnreadableFile(filename, f"不是有效的 JSON，或没有数组「{key}」")


_PAIR = re.compile(r'"((?:[^"\\]|\\.)*)"\s*:\s*("(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?)\s*[,}]')


def _one(chunk: str, level: int) -> object:
    if level <= limits.MAX_JSON_DEPTH:
        try:
            return json.loads(chunk)
        except (ValueError, RecursionError):
            pass
    head = chunk[:4000]
    fields: dict[str, object] = {}
    for match in _PAIR.finditer(head):  # top-level scalars written before the deep part
        if head[: match.start()].count("{") - head[: match.start()].count("}") == 1:
            try:
                fields[json.loads(f'"{match.group(1)}"')] = json.loads(match.group(2))
            except ValueError:
                continue
    return TooDeep(text=chunk[:200], depth=level, fields=fields)


def flat(value: object) -> list[tuple[str, object]]:
    """A record's fields as (dotted path, value) pairs, for the quarantine (no recursion)."""
    if isinstance(value, TooDeep):
        return [("record", value.text)]
    pairs: list[tuple[str, object]] = []
    stack: list[tuple[str, object]] = [("", value)]
    while stack:
        prefix, item = stack.pop()
        if isinstance(item, dict) and item:
            stack.extend((f"{prefix}{k}.", v) for k, v in reversed(list(item.items())))
        elif isinstance(item, list):
            pairs.append((prefix.rstrip("."), json.dumps(item, ensure_ascii=False)[:20000]))
        else:
            pairs.append(
                (prefix.rstrip(".") or "record", "" if item is None or item == {} else item)
            )
    return pairs


def unflat(pairs: tuple[tuple[str, str], ...]) -> dict[str, Any]:
    """The record ``flat`` made the pairs of (lists stay as their JSON text)."""
    record: dict[str, Any] = {}
    for path, value in pairs:
        if path.startswith("@"):
            continue
        node = record
        *parents, last = path.split(".")
        for part in parents:
            child = node.get(part)
            if not isinstance(child, dict):
                child = node[part] = {}
            node = child
        node[last] = value
    return record


def at(record: object, path: str) -> object:
    """The value at a dotted path of nested objects, or None."""
    node = record
    for part in path.split("."):
        if not isinstance(node, dict):
            return None
        node = node.get(part)
    return node
