"""``Idempotency-Key`` on the POSTs that create: a retry gets the first answer again.

Keys live in the district's ``@D:idempotency`` journal stream (no table, no migration; every
store): the request is *claimed* (``RequestClaimed``, appended at the stream's expected
version, so two processes racing on one key cannot both win) before the command runs, and its
answer recorded (``RequestAnswered``) after.  A retry with the same key and the same body gets
that answer; with another body, 422; while the first is still running, 409.  Answers of 5xx and
409 are not kept: a retry runs again.  Keys are scoped to the caller (an actor's key never
replays another's answer).
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from appeal_adapters.http.errors import HttpProblem
from appeal_core import Actor, Desk
from appeal_core.errors import ConcurrencyConflict
from appeal_core.journal import RequestAnswered, RequestClaimed, stream_key

#: Longest key accepted (UUIDs are 36 characters).
KEY_LIMIT = 200
#: A claim with no answer after this long is taken as abandoned (the process died).
ABANDONED = timedelta(minutes=5)


def fingerprint(method: str, path: str, body: bytes) -> str:
    """The request's identity for comparing a retry with the first request."""
    return hashlib.sha256(f"{method} {path}\n".encode() + body).hexdigest()


def scoped(key: str, actor: Actor) -> str:
    """The stored key: the caller's key under the caller's identity."""
    key = key.strip()
    if not key or len(key) > KEY_LIMIT or not key.isprintable():
        raise HttpProblem(
            400, "ValidationError", f"Idempotency-Key 应为 1 至 {KEY_LIMIT} 个可见字符", 3
        )
    return f"{actor.role.value}:{actor.department}:{actor.name}:{key}"


def _stream(desk: Desk) -> str:
    return stream_key(desk.district, "idempotency")


def claim(desk: Desk, key: str, print_: str, *, at: datetime, by: Actor) -> tuple[int, str] | None:
    """The earlier answer to replay, or None after claiming ``key`` for this request."""
    stream = _stream(desk)
    for _ in range(5):
        try:
            with desk.store.unit_of_work() as uow:
                events = uow.journal(stream)
                last = next((x for x in reversed(events) if getattr(x, "key", None) == key), None)
                if isinstance(last, RequestAnswered):
                    if last.status < 500 and last.status != 409:
                        claimed = _claim_of(events, key)
                        if claimed is not None and claimed.fingerprint != print_:
                            raise HttpProblem(
                                422, "ValidationError",
                                "同一 Idempotency-Key 已用于另一个请求（请求体不同）", 3,
                            )  # fmt: skip
                        return last.status, last.body
                elif isinstance(last, RequestClaimed) and at - last.at < ABANDONED:
                    raise HttpProblem(
                        409,
                        "ConcurrencyConflict",
                        "同一 Idempotency-Key 的请求正在处理，请稍后重试",
                        7,
                    )
                mine = RequestClaimed(stream=stream, at=at, by=by, key=key, fingerprint=print_)
                uow.append_journal(stream, len(events), (mine,))
                return None
        except ConcurrencyConflict:
            continue  # someone else wrote the stream meanwhile: read it again
    raise HttpProblem(409, "ConcurrencyConflict", "请求过于频繁，请稍后重试", 7)


def _claim_of(events: tuple[object, ...], key: str) -> RequestClaimed | None:
    return next(
        (x for x in reversed(events) if isinstance(x, RequestClaimed) and x.key == key), None
    )


def answer(desk: Desk, key: str, status: int, body: str, *, at: datetime, by: Actor) -> None:
    """Record the answer to a claimed request (retried on a concurrent append)."""
    stream = _stream(desk)
    event = RequestAnswered(stream=stream, at=at, by=by, key=key, status=status, body=body)
    for _ in range(5):
        try:
            with desk.store.unit_of_work() as uow:
                uow.append_journal(stream, len(uow.journal(stream)), (event,))
            return
        except ConcurrencyConflict:
            continue
