"""``appeal token create|list|revoke``: the HTTP service's bearer tokens (docs/http.md)."""

from __future__ import annotations

import click

from appeal_adapters.cli.app import cli
from appeal_adapters.cli.items import pass_session
from appeal_adapters.cli.session import Session, instant, parse_actor
from appeal_adapters.tokens import issue_token, revoke_token, tokens


@cli.group("token", help="HTTP 服务的访问令牌。Bearer tokens of the HTTP service.")
def token() -> None:
    pass


@token.command(
    "create",
    help="为某一身份签发令牌（只显示一次，存储中只保存其 SHA-256 摘要）。Issue a token.",
)
@click.option(
    "--as",
    "holder",
    required=True,
    metavar="ROLE[:DEPARTMENT or NAME]",
    help="令牌代表的身份：desk:姓名、department:部门名称、leader:姓名",
)
@click.option("--note", default="", help="备注（如使用令牌的系统）")
@pass_session
def create(session: Session, holder: str, note: str) -> None:
    actor = parse_actor(holder)
    secret, info = issue_token(session.desk, actor, at=instant(None), by=session.actor, note=note)
    session.say(
        f"已签发令牌 {info.token_id}（{actor}）。令牌只显示这一次，请妥善保存：\n{secret}",
        {"token_id": info.token_id, "token": secret, "actor": str(actor)},
    )


@token.command("list", help="列出令牌（不含令牌本身）。List tokens.")
@pass_session
def listing(session: Session) -> None:
    found = tokens(session.reader)
    rows = [
        {"token_id": t.token_id, "actor": str(t.actor), "issued_at": t.issued_at.isoformat(),
         "issued_by": str(t.issued_by), "note": t.note, "active": t.active,
         "revoked_at": t.revoked_at.isoformat() if t.revoked_at else None}
        for t in found
    ]  # fmt: skip
    lines = [
        f"{t.token_id}  {t.actor}  {t.issued_at:%Y-%m-%d %H:%M}  "
        + ("有效" if t.revoked_at is None else f"已吊销 {t.revoked_at:%Y-%m-%d %H:%M}")
        + (f"  {t.note}" if t.note else "")
        for t in found
    ]
    session.say("\n".join(lines) or "没有令牌", rows)


@token.command("revoke", help="吊销令牌。Revoke a token by its id.")
@click.argument("token_id")
@click.option("--reason", default="", help="理由")
@pass_session
def revoke(session: Session, token_id: str, reason: str) -> None:
    revoke_token(session.desk, token_id, at=instant(None), by=session.actor, reason=reason)
    session.say(f"令牌 {token_id} 已吊销")
