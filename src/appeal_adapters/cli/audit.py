"""The audit from the command line: verify the log (and a checkpoint), write a checkpoint."""

from __future__ import annotations

from typing import Any

import click

from appeal_adapters.cli.app import cli
from appeal_adapters.cli.items import pass_session
from appeal_adapters.cli.session import Session
from appeal_adapters.storage.checkpoint import (
    KEY_ENV,
    key_from_env,
    read_checkpoint,
    write_checkpoint,
)
from appeal_adapters.storage.sql import VerifyReport

#: Exit code of a log that does not verify (docs/cli.md).
BROKEN = 11


@cli.group("audit", help="审计：事件日志、当前状态和检查点的校验。The audit trail.")
def audit() -> None:
    """Audit commands."""


def _data(report: VerifyReport) -> dict[str, Any]:
    return {
        "ok": report.ok,
        "count": report.count,
        "items": report.items,
        "first_bad": report.first_bad,
        "number": report.number,
        "what": report.what,
        "what_label": report.label,
        "detail": report.detail,
        "message": str(report),
    }


def _verify(session: Session, against: str | None, chain_only: bool) -> VerifyReport | None:
    """The store's report (None for a store without a hash chain)."""
    check = getattr(session.reader.store, "verify", None)
    if check is None:
        return None
    checkpoint = read_checkpoint(against, key_from_env()) if against else None
    report: VerifyReport = check(against=checkpoint, items=not chain_only)
    return report


@audit.command(
    "verify",
    help="校验事件日志（哈希链）、每件事项的当前状态与统计数据，及可选的检查点。"
    "Verify the hash chain, every item's state and report rows, and a checkpoint.",
)
@click.option(
    "--against",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help=f"与此前保存的检查点文件核对（已签名时须设置 {KEY_ENV}）",
)
@click.option("--chain-only", is_flag=True, help="只校验哈希链（大库更快），不核对当前状态")
@pass_session
def audit_verify(session: Session, against: str | None, chain_only: bool) -> None:
    report = _verify(session, against, chain_only)
    if report is None:
        session.say(
            "该存储没有哈希链（内存存储），无需校验", {"ok": True, "count": 0, "chained": False}
        )
        return
    text = str(report)
    if report.ok and against:
        text += f"；与检查点 {against} 相符"
    session.say(text, _data(report))
    if not report.ok:
        raise SystemExit(BROKEN)


@audit.command(
    "checkpoint",
    help="校验后写出检查点（链头：最后序号、哈希、条数、时间），另行保存以便日后核对。"
    "Write the chain head to a file to keep outside the database.",
)
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="检查点文件")
@click.option("--skip-verify", is_flag=True, help="不先校验（大库校验较慢时）")
@pass_session
def audit_checkpoint(session: Session, out: str, skip_verify: bool) -> None:
    store = session.reader.store
    take = getattr(store, "checkpoint", None)
    if take is None:
        session.say("该存储没有哈希链（内存存储），无法写出检查点", {"ok": False})
        raise SystemExit(BROKEN)
    if not skip_verify:
        report: VerifyReport = store.verify()  # type: ignore[attr-defined]
        if not report.ok:
            session.say(f"未写出检查点：{report}", _data(report))
            raise SystemExit(BROKEN)
    key = key_from_env()
    checkpoint = take(key=key)
    write_checkpoint(checkpoint, out)
    signed = "已签名" if key else f"未签名（设置 {KEY_ENV} 可签名）"
    session.say(
        f"已写出检查点 {out}：第 {checkpoint.last_seq} 条，共 {checkpoint.count} 条，{signed}。"
        "请把它保存在数据库之外（另一台电脑、U 盘或打印存档），日后用 "
        f"appeal audit verify --against {out} 核对",
        {
            "file": out,
            "last_seq": checkpoint.last_seq,
            "last_hash": checkpoint.last_hash,
            "count": checkpoint.count,
            "at": checkpoint.at.isoformat(),
            "signed": bool(key),
        },
    )
