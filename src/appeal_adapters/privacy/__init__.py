"""Personal data at rest: the master key, the contacts' keys and the sealing of personal values
(docs/privacy.md).  The rules (what is personal, who reads it) are the core's
``appeal_core.privacy``; this package does the cryptography, with ``cryptography``'s AES-GCM."""

from appeal_adapters.privacy.master import (
    MASTER_ENV,
    MASTER_FILE_ENV,
    MasterKey,
    MasterKeyError,
    MasterKeyInvalid,
    MasterKeyMismatch,
    MasterKeyMissing,
    write_key_file,
)
from appeal_adapters.privacy.vault import SealError

__all__ = [
    "MASTER_ENV",
    "MASTER_FILE_ENV",
    "MasterKey",
    "MasterKeyError",
    "MasterKeyInvalid",
    "MasterKeyMismatch",
    "MasterKeyMissing",
    "SealError",
    "write_key_file",
]
