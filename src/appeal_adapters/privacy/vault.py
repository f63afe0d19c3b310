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
from functools import cache, lru_cache
from typing import Any

from appeal_adapters.errors import AdapterError, MissingExtra
from appeal_adapters.privacy.master import MasterKey
from appeal_core.ports import KeyStore
from appeal_core.privacy import ERASED

KEY_BYTES = 64
_KINDS = {k: k.encode() for k in ("contact", "phone", "extension")}
NONCE_BYTES = 12
#: Ciphers a ring keeps, the latest contacts' (a ring holds every contact's key).
_CIPHERS_KEPT = 256
#: The envelope's keys: contact id and sealed bytes.
CONTACT, SEALED = "c", "s"


class SealError(AdapterError, RuntimeError):
    """An envelope cannot be opened or a value cannot be sealed (a key missing, or bytes
    that do not open with their key: changed behind the library's back)."""


@cache
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


def wrapper(master: MasterKey) -> Callable[[str, bytes, bytes], bytes]:
    """``wrap`` of one ``(key id, key, nonce)``, the master key's cipher looked up once."""
    encrypt = _master_cipher(master.key).encrypt
    return lambda key_id, key, nonce: nonce + encrypt(nonce, key, _label(key_id))


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
    """The contact keys one operation uses, fetched from the key store once.

    ``load`` fetches keys in one call; ``seal`` and ``open_`` then work from memory.  Keys
    live only as long as the ring (one read or one transaction), so a key destroyed by another
    process is never used again once the next operation starts.  Only the latest contacts'
    AES-GCM ciphers are kept (about 3 KB each): a bulk ingest of 200,000 new people holds
    their keys, not 600 MB of ciphers, and making a cipher costs less than keeping it.
    """

    def __init__(self, keys: KeyStore, where: str = "") -> None:
        self.keys = keys
        self.where = where
        #: Per contact: (AES-GCM key, nonce key, associated-data prefix), or None when
        #: destroyed.
        self.entries: dict[str, tuple[bytes, bytes, bytes] | None] = {}
        self._known: set[str] = set()
        self._ciphers: dict[str, Any] = {}
        #: Envelopes of the contacts sealed more than once (``recurring``), by (kind, text).
        self._recurring: set[str] = set()
        self._sealed: dict[str, dict[tuple[str, str], str]] = {}

    def load(self, contacts: Iterable[str]) -> None:
        """Fetch the keys of ``contacts`` not fetched yet (one call to the key store)."""
        wanted = {c for c in contacts if c and c not in self._known}
        if not wanted:
            return
        found = self.keys.get_keys(wanted)
        self._known |= wanted
        for contact, key in found.items():
            self.entries[contact] = None if key is None else entry(contact, key)

    def add(self, keys: dict[str, bytes]) -> None:
        """Keys just created (``KeyStore.create_keys``)."""
        for contact, key in keys.items():
            self.put(contact, key)

    def put(self, contact: str, key: bytes) -> None:
        """A key just created."""
        self._known.add(contact)
        self.entries[contact] = (key[:32], key[32:], contact.encode() + b"\x00")  # as ``entry``

    def missing(self, contacts: Collection[str]) -> list[str]:
        """Those of ``contacts`` that have no key at all (never created), after loading them."""
        self.load(contacts)
        return [c for c in contacts if c and c not in self.entries]

    def destroyed(self, contact: str) -> bool:
        """True when the contact's key was destroyed (the contact erased)."""
        self.load((contact,))
        return contact in self.entries and self.entries[contact] is None

    def _cipher(self, contact: str, key: bytes) -> Any:
        """The contact's AES-GCM cipher, made when not among the latest kept."""
        ciphers = self._ciphers
        if len(ciphers) >= _CIPHERS_KEPT:
            ciphers.clear()
        cipher = ciphers[contact] = aead()(key)
        return cipher

    def seal(self, contact: str, kind: str, text: str) -> Any:
        """``text`` sealed for ``contact`` (``ERASED`` and ``""`` stay as they are)."""
        if not text or text == ERASED:
            return text
        found = self.entries.get(contact)
        if found is None:
            self.load((contact,))
            found = self.entries.get(contact)
            if found is None:
                if contact in self.entries:
                    raise SealError(
                        f"联系人 {contact} 的个人信息已删除（密钥已销毁），不能再记录其个人信息；"
                        "如需联系，请登记为新的联系人"
                    )
                raise SealError(f"联系人 {contact} 没有密钥（存储 {self.where}）")
        memo = self._sealed.get(contact) if contact in self._recurring else None
        if memo is not None and (kind, text) in memo:  # deterministic: sealed the same again
            return {CONTACT: contact, SEALED: memo[(kind, text)]}
        key, nonce_key, prefix = found
        cipher = self._ciphers.get(contact) or self._cipher(contact, key)
        aad = prefix + (_KINDS.get(kind) or kind.encode())
        data = text.encode()
        iv = hashlib.blake2b(aad + b"\x00" + data, key=nonce_key, digest_size=NONCE_BYTES).digest()
        sealed = binascii.b2a_base64(iv + cipher.encrypt(iv, data, aad), newline=False)
        if memo is not None:
            memo[(kind, text)] = sealed.decode("ascii")
        return {CONTACT: contact, SEALED: sealed.decode("ascii")}

    def recurring(self, contacts: Iterable[str]) -> None:
        """Contacts whose values this operation seals more than once (a person's several
        items, a state beside its events): their envelopes are remembered and reused."""
        for contact in contacts:
            self._recurring.add(contact)
            self._sealed.setdefault(contact, {})

    def open_(self, kind: str, value: Any) -> Any:
        """The text an envelope holds (``ERASED`` once its key is destroyed); text as it is."""
        if not isinstance(value, dict):
            return value
        contact, sealed = _parts(value)
        self.load((contact,))
        if contact not in self.entries:
            raise SealError(
                f"联系人 {contact} 的密钥不存在（存储 {self.where}），其个人信息无法读取"
            )
        found = self.entries[contact]
        if found is None:
            return ERASED
        cipher = self._ciphers.get(contact) or self._cipher(contact, found[0])
        raw = base64.b64decode(sealed)
        aad = found[2] + kind.encode()
        try:
            return bytes(cipher.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], aad)).decode()
        except invalid_tag():
            raise SealError(
                f"联系人 {contact} 的一项个人信息（{kind}）无法解密：密文被改动，或被移到了别处"
            ) from None


def entry(contact: str, key: bytes) -> tuple[bytes, bytes, bytes]:
    """A contact's AES-GCM key, nonce key (BLAKE2b's, the key's second half) and
    associated-data prefix (contact id, then the kind)."""
    return key[:32], key[32:], contact.encode() + b"\x00"


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
