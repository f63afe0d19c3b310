"""The cryptography: sealing personal values with each contact's key, opening them, blind indexes.

A contact's key is 64 random bytes: 32 for AES-256-GCM, 32 for the nonce.  A value is sealed
as ``{"c": contact id, "s": base64(nonce + ciphertext + tag)}`` with associated data binding
the contact and the kind of value (``phone``, ``note:联系电话`` ...), so an envelope moved to
another contact or field fails to open.  The nonce is a keyed BLAKE2b of the associated data and
the value (a synthetic IV, as in SIV modes): the same value of the same contact seals to the
same bytes, so an item's stored state carries exactly its events' envelopes and the audit
compares them without any key, while different values never share a nonce under one key.
A destroyed key opens every envelope of its contact as ``privacy.ERASED``.

Blind indexes (``storage.contacts``) are HMAC-SHA256 under a district secret kept in the key
store: the same phone gives the same index, so "same phone" still matches, and the index tells
nothing to whoever lacks the secret.  ``cryptography`` is imported when first needed (extra
``privacy``).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import secrets
from collections.abc import Callable, Collection, Iterable
from functools import lru_cache
from typing import Any

from appeal_adapters.errors import AdapterError, MissingExtra
from appeal_adapters.privacy.master import MasterKey
from appeal_core.ports import KeyStore
from appeal_core.privacy import ERASED

KEY_BYTES = 64
_KINDS = {k: k.encode() for k in ("contact", "phone", "extension")}
NONCE_BYTES = 12
#: The envelope's keys: contact id and sealed bytes.
CONTACT, SEALED = "c", "s"


class SealError(AdapterError, RuntimeError):
    """An envelope cannot be opened or a value cannot be sealed (a key missing, or bytes
    that do not open with their key: changed behind the library's back)."""


def aead() -> Any:
    """``cryptography``'s AES-GCM class, or ``MissingExtra`` naming the extra."""
    try:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    except ImportError as exc:
        raise MissingExtra("个人信息加密", "privacy", "cryptography") from exc
    return AESGCM


def invalid_tag() -> type[Exception]:
    """The exception AES-GCM raises for bytes that do not open with the key."""
    from cryptography.exceptions import InvalidTag

    return InvalidTag


def wrap(master: MasterKey, key_id: str, key: bytes, nonce: bytes | None = None) -> bytes:
    """``key`` encrypted with the master key (AES-256-GCM, a random nonce unless one is given,
    bound to ``key_id``)."""
    nonce = nonce or secrets.token_bytes(NONCE_BYTES)
    return nonce + bytes(_master_cipher(master.key).encrypt(nonce, key, _label(key_id)))


def wrap_many(master: MasterKey, keys: Iterable[tuple[str, bytes, bytes]]) -> list[bytes]:
    """``wrap`` of each ``(key id, key, nonce)``, the master key's cipher looked up once."""
    encrypt = _master_cipher(master.key).encrypt
    return [nonce + encrypt(nonce, key, _label(key_id)) for key_id, key, nonce in keys]


def unwrap(master: MasterKey, key_id: str, wrapped: bytes) -> bytes:
    """The key ``wrap`` encrypted; ``SealError`` when the master key is not the one used."""
    try:
        return bytes(
            _master_cipher(master.key).decrypt(
                wrapped[:NONCE_BYTES], wrapped[NONCE_BYTES:], _label(key_id)
            )
        )
    except invalid_tag():
        raise SealError(
            f"联系人密钥 {key_id} 无法用所给主密钥解开（主密钥不符，或密钥被改动）"
        ) from None


def _label(key_id: str) -> bytes:
    return b"appeal-contact-key\x00" + key_id.encode()


@lru_cache(maxsize=4)
def _master_cipher(key: bytes) -> Any:
    return aead()(key)


class Ring:
    """The contact keys one operation uses, fetched from the key store once, ciphers built once.

    ``load`` fetches keys in one call; ``seal`` and ``open_`` then work from memory.  Keys
    live only as long as the ring (one read or one transaction), so a key destroyed by another
    process is never used again once the next operation starts.
    """

    def __init__(self, keys: KeyStore, where: str = "") -> None:
        self.keys = keys
        self.where = where
        #: Per contact: (AES-GCM cipher, nonce key, associated-data prefix), or None when
        #: destroyed.
        self._ciphers: dict[str, tuple[Any, bytes, bytes] | None] = {}
        self._known: set[str] = set()
        #: Makes the key of a contact met for the first time, when first needed (``defer``).
        self._make: Callable[[str], bytes] | None = None
        self._deferred: set[str] = set()

    def defer(self, contacts: Iterable[str], make: Callable[[str], bytes]) -> None:
        """Keys to make only when first needed, by ``make(contact)``: a bulk ingest then makes
        them while it streams rows (PostgreSQL stores the rows before meanwhile)."""
        self._deferred.update(contacts)
        self._known.update(contacts)
        self._make = make

    def made(self, contact: str) -> bool:
        """Make the contact's deferred key now (False when it was not deferred)."""
        if contact not in self._deferred or self._make is None:
            return False
        self._deferred.discard(contact)
        self.add({contact: self._make(contact)})
        return True

    @property
    def deferred(self) -> tuple[str, ...]:
        """Contacts whose keys are still to make."""
        return tuple(self._deferred)

    def load(self, contacts: Iterable[str]) -> None:
        """Fetch the keys of ``contacts`` not fetched yet (one call to the key store)."""
        wanted = {c for c in contacts if c and c not in self._known}
        if not wanted:
            return
        found = self.keys.get_keys(wanted)
        self._known |= wanted
        cipher = aead()
        for contact, key in found.items():
            self._ciphers[contact] = None if key is None else _entry(cipher, contact, key)

    def add(self, keys: dict[str, bytes]) -> None:
        """Keys just created (``KeyStore.create_keys``)."""
        cipher, ciphers = aead(), self._ciphers
        self._known.update(keys)
        for contact, key in keys.items():
            ciphers[contact] = (cipher(key[:32]), key[32:], contact.encode() + b"\x00")

    def missing(self, contacts: Collection[str]) -> list[str]:
        """Those of ``contacts`` that have no key at all (never created), after loading them."""
        self.load(contacts)
        return [c for c in contacts if c and c not in self._ciphers]

    def destroyed(self, contact: str) -> bool:
        """True when the contact's key was destroyed (the contact erased)."""
        self.load((contact,))
        return contact in self._ciphers and self._ciphers[contact] is None

    def seal(self, contact: str, kind: str, text: str) -> Any:
        """``text`` sealed for ``contact`` (``ERASED`` and ``""`` stay as they are)."""
        if not text or text == ERASED:
            return text
        entry = self._ciphers.get(contact)
        if entry is None:
            if not self.made(contact):
                self.load((contact,))
            entry = self._ciphers.get(contact)
            if entry is None:
                if contact in self._ciphers:
                    raise SealError(
                        f"联系人 {contact} 的个人信息已删除（密钥已销毁），不能再记录其个人信息；"
                        "如需联系，请登记为新的联系人"
                    )
                raise SealError(f"联系人 {contact} 没有密钥（存储 {self.where}）")
        cipher, nonce_key, prefix = entry
        aad = prefix + (_KINDS.get(kind) or kind.encode())
        data = text.encode()
        iv = hashlib.blake2b(aad + b"\x00" + data, key=nonce_key, digest_size=NONCE_BYTES).digest()
        sealed = binascii.b2a_base64(iv + cipher.encrypt(iv, data, aad), newline=False)
        return {CONTACT: contact, SEALED: sealed.decode("ascii")}

    def open_(self, kind: str, value: Any) -> Any:
        """The text an envelope holds (``ERASED`` once its key is destroyed); text as it is."""
        if not isinstance(value, dict):
            return value
        contact, sealed = _parts(value)
        self.load((contact,))
        if contact not in self._ciphers:
            raise SealError(
                f"联系人 {contact} 的密钥不存在（存储 {self.where}），其个人信息无法读取"
            )
        cipher = self._ciphers[contact]
        if cipher is None:
            return ERASED
        raw = base64.b64decode(sealed)
        aad = cipher[2] + kind.encode()
        try:
            return bytes(cipher[0].decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], aad)).decode()
        except invalid_tag():
            raise SealError(
                f"联系人 {contact} 的一项个人信息（{kind}）无法解密：密文被改动，或被移到了别处"
            ) from None


def _entry(cipher: Any, contact: str, key: bytes) -> tuple[Any, bytes, bytes]:
    """A contact's cipher, nonce key (BLAKE2b's, the key's second half) and associated-data
    prefix (contact id, then the kind)."""
    return cipher(key[:32]), key[32:], contact.encode() + b"\x00"


def _parts(value: dict[str, Any]) -> tuple[str, str]:
    contact, sealed = value.get(CONTACT), value.get(SEALED)
    if not isinstance(contact, str) or not isinstance(sealed, str) or len(value) != 2:
        raise SealError(f"个人信息密文的格式不对：{sorted(value)}")
    return contact, sealed


def envelope_contacts(value: Any) -> str:
    """The contact an envelope names ("" for text)."""
    return _parts(value)[0] if isinstance(value, dict) else ""


class Tokens:
    """Opens envelopes *without keys* into stand-in texts, and seals the stand-ins back.

    The audit folds events whose personal values are stand-ins, then seals the folded state
    with ``seal`` and compares bytes with the stored state: no key is needed, and an erased
    contact verifies like any other.
    """

    def __init__(self) -> None:
        self._tag = secrets.token_hex(3)
        self._by_token: dict[str, dict[str, Any]] = {}
        self._by_sealed: dict[str, str] = {}

    def open_(self, kind: str, value: Any) -> Any:
        """A stand-in for an envelope (the same for the same envelope); text as it is."""
        if not isinstance(value, dict):
            return value
        sealed = _parts(value)[1]
        token = self._by_sealed.get(sealed)
        if token is None:
            token = f"⟦{self._tag}:{len(self._by_token)}⟧"
            self._by_sealed[sealed] = token
            self._by_token[token] = value
        return token

    def seal(self, contact: str, kind: str, text: str) -> Any:
        """The envelope a stand-in came from; any other text as it is."""
        return self._by_token.get(text, text)

    def contact(self, text: str) -> str:
        """The contact of the envelope a stand-in came from ("" for other text)."""
        found = self._by_token.get(text)
        return envelope_contacts(found) if found is not None else ""


#: A sealer turns (contact, kind, text) into what is stored; an opener (kind, stored) into text.
Sealer = Callable[[str, str, str], Any]
Opener = Callable[[str, Any], Any]
