"""The master key: given by the deployment, never stored beside the data it protects.

``APPEAL_MASTER_KEY`` holds it as base64 of 32 random bytes, or ``APPEAL_MASTER_KEY_FILE``
names a file holding that text (e.g. a mounted secret).  It wraps (encrypts) each contact's key
in the default key store; a store remembers only its *check value* (a keyed hash that tells
whether a key is the right one and reveals nothing of it).  ``appeal privacy keygen`` makes one.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import secrets
from collections.abc import Mapping
from pathlib import Path

import attrs

from appeal_adapters.errors import AdapterError

MASTER_ENV = "APPEAL_MASTER_KEY"
MASTER_FILE_ENV = "APPEAL_MASTER_KEY_FILE"
KEY_BYTES = 32
_CHECK = b"appeal master key check value"


class MasterKeyError(AdapterError, RuntimeError):
    """Root of the master key's errors: missing, malformed, or not this store's."""


class MasterKeyMissing(MasterKeyError):
    """Personal data is to be encrypted or read, and no master key is given."""

    def __init__(self, where: str) -> None:
        super().__init__(
            f"存储 {where} 中的联系人个人信息已加密（或即将加密），需要主密钥：请设置环境变量 "
            f"{MASTER_ENV}（32 字节随机数的 base64），或用 {MASTER_FILE_ENV} 指定保存它的文件；"
            "新建主密钥可运行 appeal privacy keygen --file 文件名（主密钥不得与数据库放在一起，"
            "丢失则个人信息无法恢复）"
        )


class MasterKeyInvalid(MasterKeyError, ValueError):
    """The given master key is not base64 of 32 bytes."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(
            f"{source} 中的主密钥无效：{reason}（应为 32 字节随机数的 base64，"
            "可用 appeal privacy keygen 生成）"
        )


class MasterKeyMismatch(MasterKeyError):
    """The given master key is not the one this store's keys are wrapped with."""

    def __init__(self, where: str, source: str) -> None:
        super().__init__(
            f"{source} 中的主密钥不是存储 {where} 所用的主密钥（校验值不符）：请换用正确的主密钥；"
            "如已轮换主密钥，请使用轮换后的新密钥"
        )


@attrs.frozen(repr=False)
class MasterKey:
    """32 secret bytes and where they came from (``source``, for messages only)."""

    key: bytes = attrs.field(eq=False)
    source: str = attrs.field(default="主密钥", eq=False)

    def __attrs_post_init__(self) -> None:
        if len(self.key) != KEY_BYTES:
            raise MasterKeyInvalid(self.source, f"长度为 {len(self.key)} 字节，应为 {KEY_BYTES}")

    def __repr__(self) -> str:
        return f"MasterKey(check={self.check}, source={self.source!r})"

    @property
    def check(self) -> str:
        """The check value stored beside the wrapped keys: tells a wrong key, reveals nothing."""
        return hmac.new(self.key, _CHECK, hashlib.sha256).hexdigest()[:16]

    @classmethod
    def parse(cls, text: str, source: str = "主密钥") -> MasterKey:
        """The key from its base64 text (surrounding blanks ignored)."""
        try:
            raw = base64.b64decode("".join(text.split()), validate=True)
        except (binascii.Error, ValueError):
            raise MasterKeyInvalid(source, "不是 base64 文本") from None
        return cls(raw, source)

    @classmethod
    def from_file(cls, path: str | Path) -> MasterKey:
        """The key from a file holding its base64 text."""
        source = f"文件 {path}"
        try:
            text = Path(path).read_text(encoding="ascii")
        except (OSError, UnicodeDecodeError) as exc:
            raise MasterKeyInvalid(source, f"无法读取（{exc}）") from None
        return cls.parse(text, source)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> MasterKey | None:
        """The key ``APPEAL_MASTER_KEY`` gives, else the file ``APPEAL_MASTER_KEY_FILE`` names;
        None when neither is set."""
        env = os.environ if environ is None else environ
        if env.get(MASTER_ENV, "").strip():
            return cls.parse(env[MASTER_ENV], f"环境变量 {MASTER_ENV}")
        if env.get(MASTER_FILE_ENV, "").strip():
            return cls.from_file(env[MASTER_FILE_ENV].strip())
        return None

    @classmethod
    def generate(cls) -> MasterKey:
        """A new random key."""
        return cls(secrets.token_bytes(KEY_BYTES), "新生成的主密钥")

    @property
    def text(self) -> str:
        """The key as base64 text (what ``APPEAL_MASTER_KEY`` holds)."""
        return base64.b64encode(self.key).decode("ascii")


def write_key_file(path: str | Path) -> MasterKey:
    """A new master key written to ``path`` (readable by its owner only); an existing file is
    never replaced: losing the key it holds would lose every contact's data."""
    target = Path(path)
    key = MasterKey.generate()
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise MasterKeyError(f"文件 {target} 已存在：不会覆盖已有的主密钥") from None
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key.text + "\n")
    return attrs.evolve(key, source=f"文件 {target}")
