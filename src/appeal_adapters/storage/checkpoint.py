"""Checkpoints: the chain head written down outside the database it protects.

Whoever can write the database can delete its last events and move ``chain_head`` back: the
chain that is left is intact.  A checkpoint the desk keeps elsewhere (last sequence, last hash,
event count, time, the store's first hash) shows it: ``verify(against=checkpoint)`` refuses a
log that no longer holds the checkpointed row with its hash.  With a key (the environment
variable ``APPEAL_CHECKPOINT_KEY``) the file is signed with HMAC-SHA256, so whoever cannot read
the key cannot forge a checkpoint to match a shortened log.  See docs/storage.md.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from datetime import datetime
from pathlib import Path
from typing import Any

import attrs

from appeal_adapters import serialization as ser
from appeal_adapters.storage import sql

FORMAT = "appeal-checkpoint/1"
KEY_ENV = "APPEAL_CHECKPOINT_KEY"
SCHEME = "hmac-sha256"
_FIELDS = ("store", "first_hash", "last_seq", "last_hash", "count", "at")


class CheckpointError(sql.StorageError, ValueError):
    """A checkpoint file cannot be read or trusted (malformed, unsigned, signature wrong)."""


def key_from_env() -> bytes | None:
    """The signing key from ``APPEAL_CHECKPOINT_KEY`` (UTF-8), or None when it is not set."""
    value = os.environ.get(KEY_ENV, "")
    return value.encode() if value else None


@attrs.frozen(kw_only=True)
class Checkpoint:
    """The chain head of one store at one moment, as written to the desk's file.

    ``store`` says where it was taken (path, or URL without password; informative only),
    ``first_hash`` identifies the store's log (its first row's hash), ``count`` is the number of
    event rows then.  ``signature`` is ``hmac-sha256:<hex>`` over the other fields, or "".
    """

    store: str
    first_hash: str
    last_seq: int
    last_hash: str
    count: int
    at: datetime
    signature: str = ""

    def _payload(self) -> bytes:
        data = {name: getattr(self, name) for name in _FIELDS}
        data["at"] = self.at.isoformat()
        data["format"] = FORMAT
        return ser.dumps(data).encode()

    def signed(self, key: bytes) -> Checkpoint:
        """This checkpoint signed with ``key``."""
        digest = hmac.new(key, self._payload(), hashlib.sha256).hexdigest()
        return attrs.evolve(self, signature=f"{SCHEME}:{digest}")

    def check_signature(self, key: bytes | None, where: str = "检查点") -> None:
        """Refuse (``CheckpointError``) a signature that does not match, a signed file without
        the key, or an unsigned file when a key is set (it may have replaced a signed one)."""
        if not self.signature:
            if key is not None:
                raise CheckpointError(
                    f"{where} 没有签名，但已设置 {KEY_ENV}：签名的检查点可能被未签名的替换，"
                    "请用保存的原件核对"
                )
            return
        if key is None:
            raise CheckpointError(f"{where} 已签名：请设置 {KEY_ENV} 为签名时的密钥后再核对")
        if not hmac.compare_digest(self.signature, self.signed(key).signature):
            raise CheckpointError(
                f"{where} 的签名不符：文件被改动过，或 {KEY_ENV} 不是签名时的密钥"
            )

    def to_json(self) -> str:
        """The file's text (indented JSON, one field a line)."""
        data: dict[str, Any] = {"format": FORMAT}
        data.update({name: getattr(self, name) for name in _FIELDS})
        data["at"] = self.at.isoformat()
        data["signature"] = self.signature
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"

    @classmethod
    def from_json(cls, text: str, where: str = "检查点") -> Checkpoint:
        """Parse a checkpoint file's text; ``CheckpointError`` naming what is wrong."""
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise CheckpointError(f"{where} 不是有效的 JSON：{exc}") from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise CheckpointError(f"{where} 不是 appeal 的检查点文件（应有 format: {FORMAT}）")
        try:
            return cls(
                store=str(data["store"]),
                first_hash=_hex(data["first_hash"], "first_hash", empty=True),
                last_seq=_count(data["last_seq"], "last_seq"),
                last_hash=_hex(data["last_hash"], "last_hash"),
                count=_count(data["count"], "count"),
                at=ser.instant(str(data["at"])),
                signature=str(data.get("signature", "")),
            )
        except KeyError as exc:
            raise CheckpointError(f"{where} 缺少字段 {exc}") from None
        except (TypeError, ValueError) as exc:
            raise CheckpointError(f"{where} 的内容有误：{exc}") from None


def _hex(value: Any, name: str, *, empty: bool = False) -> str:
    text = str(value)
    if (empty and not text) or (len(text) == 64 and all(c in "0123456789abcdef" for c in text)):
        return text
    raise ValueError(f"{name} 应为 64 位十六进制的哈希")


def _count(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{name} 应为非负整数")
    return value


def write_checkpoint(checkpoint: Checkpoint, path: str | Path) -> None:
    """Write ``checkpoint`` to ``path`` (replacing it atomically)."""
    target = Path(path)
    partial = target.with_name(target.name + ".partial")
    partial.write_text(checkpoint.to_json(), encoding="utf-8")
    partial.replace(target)


def read_checkpoint(path: str | Path, key: bytes | None = None) -> Checkpoint:
    """Read a checkpoint file and check its signature with ``key`` (see ``check_signature``)."""
    where = f"检查点文件 {path}"
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CheckpointError(f"无法读取{where}：{exc}") from exc
    checkpoint = Checkpoint.from_json(text, where)
    checkpoint.check_signature(key, where)
    return checkpoint


def take(cur: Any, where: str, at: datetime) -> Checkpoint:
    """The checkpoint of the log ``cur`` sees (run it inside one snapshot)."""
    cur.execute(HEAD)
    last_seq, last_hash = cur.fetchone()
    cur.execute("SELECT count(*) FROM events")
    count = int(cur.fetchone()[0])
    return Checkpoint(store=where, first_hash=_first_hash(cur), last_seq=int(last_seq),
                      last_hash=str(last_hash), count=count, at=at)  # fmt: skip


def compare(cur: Any, dialect: sql.Dialect, checkpoint: Checkpoint, count: int) -> sql.VerifyReport:
    """The log ``cur`` sees against ``checkpoint``: still holding its last row, with its hash,
    after the same first row?  ``count`` is the chain's row count, carried into the report."""
    if checkpoint.last_seq == 0:
        return sql.VerifyReport(True, count)  # taken on an empty store: nothing to hold
    first = _first_hash(cur)
    if first != checkpoint.first_hash:
        detail = "第 1 条事件的哈希与检查点不同：检查点不属于该存储，或日志自第 1 条起被改写"
        return sql.VerifyReport(False, count, 1, None, "diverged", detail)
    cur.execute(
        dialect.sql("SELECT number, hash FROM events WHERE seq = ?"), (checkpoint.last_seq,)
    )
    row = cur.fetchone()
    cur.execute(HEAD)
    head_seq = int(cur.fetchone()[0])
    when = f"检查点取于 {checkpoint.at:%Y-%m-%d %H:%M}，当时共 {checkpoint.count} 条"
    if row is None:
        detail = f"{when}；链头现为第 {head_seq} 条"
        return sql.VerifyReport(False, count, checkpoint.last_seq, None, "truncated", detail)
    if row[1] != checkpoint.last_hash:
        detail = (
            f"第 {checkpoint.last_seq} 条的哈希与检查点不同（{when}）：该条或它之前的事件"
            "被改写后重算了哈希链"
        )
        return sql.VerifyReport(False, count, checkpoint.last_seq, row[0], "diverged", detail)
    return sql.VerifyReport(True, count)


def _first_hash(cur: Any) -> str:
    cur.execute("SELECT hash FROM events ORDER BY seq LIMIT 1")
    row = cur.fetchone()
    return "" if row is None else str(row[0])


HEAD = "SELECT last_seq, last_hash FROM chain_head WHERE id = 1"


def explain_rewrite(cur: Any, report: sql.VerifyReport, checkpoint: Checkpoint) -> sql.VerifyReport:
    """``report`` (a checkpoint not held) with the reason when the log was re-chained after the
    checkpoint was taken (a schema conversion, ``chain_rewrites``): take a new checkpoint."""
    cur.execute("SELECT at, old_seq, old_hash, new_hash, reason FROM chain_rewrites ORDER BY id")
    for at, old_seq, old_hash, new_hash, reason in cur.fetchall():
        if checkpoint.last_seq <= int(old_seq) and checkpoint.at.isoformat() <= str(at):
            detail = (
                f"检查点取于 {checkpoint.at:%Y-%m-%d %H:%M}，早于 {str(at)[:16]} 的哈希链重算"
                f"（{reason}；旧链头 {str(old_hash)[:12]}…，新链头 {str(new_hash)[:12]}…）："
                "转换前的检查点不再适用，请核对转换记录后重新取检查点（appeal audit checkpoint）"
            )
            return attrs.evolve(report, what="diverged", detail=detail)
    return report
