"""API tokens: bearer tokens per actor, kept as SHA-256 digests in the ``@D:tokens`` stream.

A token is 32 random bytes (``secrets``), shown once when issued.  The store keeps only its
SHA-256 digest: a token has 256 bits of entropy, so nobody can guess one from its digest, and a
slow password hash (bcrypt, Argon2) would add nothing but a cost on every request.  Issuing and
revoking are journal events (who, when, for whom), so they are audited on every store, memory,
SQLite and PostgreSQL alike, with no table of their own.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

import attrs

from appeal_core import Actor, Desk
from appeal_core.errors import ValidationError
from appeal_core.journal import TokenIssued, TokenRevoked, stream_key

__all__ = ["PREFIX", "TokenInfo", "digest", "issue_token", "revoke_token", "token_actor", "tokens"]

#: Every token starts with this, so a leaked one is recognisable (secret scanners, logs).
PREFIX = "appeal_"


def tokens_stream(district: str) -> str:
    """The district's token stream: ``@HM:tokens``."""
    return stream_key(district, "tokens")


def digest(token: str) -> str:
    """The SHA-256 digest (hex) of a token: what the store keeps."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


@attrs.frozen(kw_only=True)
class TokenInfo:
    """One token as listed: its id, whose it is, when and by whom issued, and if revoked."""

    token_id: str
    actor: Actor
    issued_at: datetime
    issued_by: Actor
    note: str = ""
    revoked_at: datetime | None = None

    @property
    def active(self) -> bool:
        """True until revoked."""
        return self.revoked_at is None


def tokens(desk: Desk) -> tuple[TokenInfo, ...]:
    """Every token ever issued in the desk's district, oldest first (revoked ones marked)."""
    found: dict[str, TokenInfo] = {}
    for event in desk.stream(tokens_stream(desk.district)):
        if isinstance(event, TokenIssued):
            found[event.token_id] = TokenInfo(
                token_id=event.token_id, actor=event.actor, issued_at=event.at,
                issued_by=event.by, note=event.note,
            )  # fmt: skip
        elif isinstance(event, TokenRevoked) and event.token_id in found:
            found[event.token_id] = attrs.evolve(found[event.token_id], revoked_at=event.at)
    return tuple(found.values())


def token_actor(desk: Desk, token: str) -> Actor | None:
    """Who bears ``token``: the actor it was issued to, or None (unknown or revoked)."""
    wanted = digest(token)
    actor: Actor | None = None
    token_id = ""
    for event in desk.stream(tokens_stream(desk.district)):
        if isinstance(event, TokenIssued) and hmac.compare_digest(event.digest, wanted):
            actor, token_id = event.actor, event.token_id
        elif isinstance(event, TokenRevoked) and actor is not None and event.token_id == token_id:
            actor = None
    return actor


def issue_token(
    desk: Desk, actor: Actor, *, at: datetime, by: Actor, note: str = ""
) -> tuple[str, TokenInfo]:
    """A new token for ``actor``: the token itself (shown once, never stored) and its record."""
    if by.role.value != "desk":
        raise ValidationError("by", str(by), "只有区服务企业办可以签发令牌")
    stream = tokens_stream(desk.district)
    token = PREFIX + secrets.token_urlsafe(32)
    event = TokenIssued(stream=stream, at=at, by=by, token_id=secrets.token_hex(4),
                        digest=digest(token), actor=actor, note=note)  # fmt: skip
    with desk.store.unit_of_work() as uow:
        uow.append_journal(stream, len(uow.journal(stream)), (event,))
    info = TokenInfo(token_id=event.token_id, actor=actor, issued_at=at, issued_by=by, note=note)
    return token, info


def revoke_token(desk: Desk, token_id: str, *, at: datetime, by: Actor, reason: str = "") -> None:
    """Revoke a token by its id; ``ValidationError`` when no active token has that id."""
    if by.role.value != "desk":
        raise ValidationError("by", str(by), "只有区服务企业办可以吊销令牌")
    if not any(t.token_id == token_id and t.active for t in tokens(desk)):
        raise ValidationError("token_id", token_id, "没有这个有效令牌（appeal token list 查看）")
    stream = tokens_stream(desk.district)
    event = TokenRevoked(stream=stream, at=at, by=by, token_id=token_id, reason=reason)
    with desk.store.unit_of_work() as uow:
        uow.append_journal(stream, len(uow.journal(stream)), (event,))
