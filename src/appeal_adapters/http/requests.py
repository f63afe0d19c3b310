"""Reading a request's body safely: a declared length checked, a cap, JSON objects only."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request

from appeal_adapters.channels import limits
from appeal_adapters.channels.jsonfile import depth
from appeal_adapters.http.errors import HttpProblem

#: Largest JSON body accepted (a reply is at most 20,000 characters; 1 MiB leaves room).
MAX_BODY = 1024 * 1024
#: Largest intake file accepted (``POST /api/v1/intake/{channel}``).
MAX_UPLOAD = 20 * 1024 * 1024


async def read_body(request: Request, limit: int = MAX_BODY) -> bytes:
    """The body, at most ``limit`` bytes (413 beyond), its ``Content-Length`` checked (400)."""
    declared = request.headers.getlist("content-length")
    if declared:
        text = declared[0].strip()
        if len(set(declared)) > 1 or not (text.isascii() and text.isdigit()):
            raise HttpProblem(400, "ValidationError", "Content-Length 无效", 3)
        if int(text) > limit:
            raise _too_big(limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _too_big(limit)
        chunks.append(chunk)
    body = b"".join(chunks)
    if declared and len(body) != int(declared[0]):
        raise HttpProblem(400, "ValidationError", "请求体长度与 Content-Length 不符", 3)
    return body


def _too_big(limit: int) -> HttpProblem:
    return HttpProblem(413, "ValidationError", f"请求体超过上限 {limit} 字节", 3)


def json_object(request: Request, body: bytes) -> dict[str, Any]:
    """The body as a JSON object (``{}`` when empty); 415 for another media type, 400 when it
    is not UTF-8 JSON or not an object."""
    if not body.strip():
        return {}
    media = request.headers.get("content-type", "application/json").split(";")[0].strip()
    if media.lower() != "application/json":
        raise HttpProblem(415, "ValidationError", "请求体应为 application/json", 3)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise HttpProblem(
            400, "ValidationError", f"请求体不是 UTF-8 编码（第 {exc.start + 1} 字节起）", 3
        ) from None
    try:
        data = json.loads(text)
        deep = depth(data) > limits.MAX_JSON_DEPTH  # as the channels bound a JSON record
    except RecursionError:  # deeper than the parser itself goes
        deep = True
    except ValueError as exc:
        raise HttpProblem(400, "ValidationError", f"请求体不是有效的 JSON：{exc}", 3) from None
    if deep:
        raise HttpProblem(400, "ValidationError", f"请求体嵌套超过 {limits.MAX_JSON_DEPTH} 层", 3)
    if not isinstance(data, dict):
        raise HttpProblem(400, "ValidationError", "请求体应为 JSON 对象", 3)
    return data
