"""Identifiers encrypted at rest: NIK, No. KK and phone numbers of victims, reporters and perpetrators.

AES-256-GCM with a random 96-bit nonce per value; the stored text is `v1:<key id>:<base64(nonce|ciphertext)>`,
so keys can be rotated: new values use the current key, old ones stay readable while their key is configured,
and `flask keys rotate` re-encrypts everything with the current key. The column name is bound into each value
as associated data, so a ciphertext cannot be moved to another column. A keyed hash (HMAC-SHA256, its own key)
is stored beside the NIK so exact search and duplicate detection work without decrypting.

Keys come from the environment: JANGKAU_DATA_KEYS="k1:<base64 32 bytes>,k2:..." , JANGKAU_DATA_KEY_ID="k2",
JANGKAU_HMAC_KEY="<base64 32 bytes>". Development generates them once into the instance folder.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import String
from sqlalchemy.types import TypeDecorator

PREFIX = "v1"


class KeyError_(RuntimeError):
    """Keys missing or wrong: the app must not run (or must not read identifiers) without them."""


def _b64decode_key(text: str, what: str) -> bytes:
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except (ValueError, base64.binascii.Error):
        raise KeyError_(f"{what} bukan base64 yang sah.") from None
    if len(key) != 32:
        raise KeyError_(f"{what} harus 32 byte (256 bit).")
    return key


@dataclass
class Keyring:
    keys: dict[str, bytes] = field(default_factory=dict)
    current_id: str = ""
    hmac_key: bytes = b""
    audit_key: bytes = b""  # seals the audit trail (HMAC chain); kept outside the database like the data keys

    @classmethod
    def from_settings(cls, data_keys: str, current_id: str, hmac_key: str, audit_key: str | None = None) -> Keyring:
        keys = {}
        for part in filter(None, (p.strip() for p in data_keys.split(","))):
            if ":" not in part:
                raise KeyError_("JANGKAU_DATA_KEYS berformat id:kunci_base64, dipisah koma.")
            key_id, encoded = part.split(":", 1)
            keys[key_id.strip()] = _b64decode_key(encoded, f"Kunci data {key_id.strip()}")
        if not keys:
            raise KeyError_("JANGKAU_DATA_KEYS belum diatur.")
        current_id = current_id or next(iter(keys))
        if current_id not in keys:
            raise KeyError_(f"JANGKAU_DATA_KEY_ID {current_id!r} tidak ada di JANGKAU_DATA_KEYS.")
        return cls(keys=keys, current_id=current_id, hmac_key=_b64decode_key(hmac_key, "JANGKAU_HMAC_KEY"),
                   audit_key=_b64decode_key(audit_key, "JANGKAU_AUDIT_KEY") if audit_key else b"")

    def encrypt(self, plaintext: str, context: str) -> str:
        nonce = secrets.token_bytes(12)
        sealed = AESGCM(self.keys[self.current_id]).encrypt(nonce, plaintext.encode(), context.encode())
        return f"{PREFIX}:{self.current_id}:{base64.b64encode(nonce + sealed).decode()}"

    def decrypt(self, stored: str, context: str) -> str:
        try:
            prefix, key_id, payload = stored.split(":", 2)
        except ValueError:
            raise KeyError_("Nilai terenkripsi rusak.") from None
        if prefix != PREFIX or key_id not in self.keys:
            raise KeyError_(f"Kunci {key_id!r} untuk membuka data ini tidak tersedia.")
        raw = base64.b64decode(payload)
        try:
            return AESGCM(self.keys[key_id]).decrypt(raw[:12], raw[12:], context.encode()).decode()
        except InvalidTag:
            raise KeyError_("Nilai terenkripsi tidak cocok dengan kuncinya (rusak atau dipindah).") from None

    def key_id_of(self, stored: str) -> str | None:
        parts = stored.split(":", 2)
        return parts[1] if len(parts) == 3 and parts[0] == PREFIX else None

    def blind_index(self, value: str, purpose: str) -> str:
        return hmac.new(self.hmac_key, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()


_keyring: Keyring | None = None


def configure(keyring: Keyring) -> None:
    global _keyring
    _keyring = keyring


def keyring() -> Keyring:
    if _keyring is None:
        raise KeyError_("Kunci enkripsi belum dimuat (create_app belum dijalankan).")
    return _keyring


def is_encrypted(value: str | None) -> bool:
    return bool(value) and value.startswith(PREFIX + ":")


class EncryptedString(TypeDecorator):
    """A text column stored encrypted; Python code sees the plaintext."""

    impl = String(160)
    cache_ok = True

    def __init__(self, context: str, length: int = 160):
        super().__init__(length)
        self.context = context

    def process_bind_param(self, value, dialect):
        if value is None or value == "":
            return None
        return keyring().encrypt(value, self.context)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if not is_encrypted(value):
            return value  # written before encryption was switched on; `flask keys rotate` encrypts it
        return keyring().decrypt(value, self.context)


def nik_index(nik: str | None) -> str | None:
    return keyring().blind_index(nik, "nik") if nik else None


def mask(value: str | None, visible: int = 4) -> str:
    """Lists show identifiers masked: `************1234`."""
    if not value:
        return "-"
    return "*" * max(len(value) - visible, 0) + value[-visible:]


def generate_key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


def development_keys(instance_path: Path) -> dict[str, str]:
    """Keys kept in the instance folder for development (created once, owner-only)."""
    path = instance_path / "data_keys"
    if not path.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        content = f"JANGKAU_DATA_KEYS=dev1:{generate_key()}\nJANGKAU_DATA_KEY_ID=dev1\nJANGKAU_HMAC_KEY={generate_key()}\n"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(content)
    values = {}
    for line in path.read_text().splitlines():
        if "=" in line:
            name, value = line.split("=", 1)
            values[name.strip()] = value.strip()
    if "JANGKAU_AUDIT_KEY" not in values:  # a key file from before the audit seal: add it once
        with open(path, "a") as handle:
            values["JANGKAU_AUDIT_KEY"] = generate_key()
            handle.write(f"JANGKAU_AUDIT_KEY={values['JANGKAU_AUDIT_KEY']}\n")
    return values
