"""Two-factor login with time-based one-time passwords (TOTP, RFC 6238, via pyotp) and one-time recovery codes.

Plain Python, no Flask: the views decide when to call these and store what they return.
"""

from __future__ import annotations

import hmac
import re
import secrets
import time

import pyotp
import segno

from admin_app.security.passwords import hash_password, verify_password

DIGITS = 6
INTERVAL = 30
# Codes of the previous and next 30-second step are accepted too: phones' clocks drift.
VALID_WINDOW = 1
RECOVERY_CODE_COUNT = 10
# No 0/o, 1/l/i: codes are read off paper and typed by hand. 10 characters of 31 = about 49 bits each;
# they are hashed with Argon2, good once, and their use is throttled and locked out like a password.
_RECOVERY_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
_RECOVERY_LENGTH = 10
_CODE_RE = re.compile(r"^\d{6}$")


def new_secret() -> str:
    return pyotp.random_base32()  # 32 base32 characters = 160 bits, as RFC 4226 recommends


def provisioning_uri(secret: str, account: str, issuer: str) -> str:
    return pyotp.TOTP(secret, digits=DIGITS, interval=INTERVAL).provisioning_uri(name=account, issuer_name=issuer)


def qr_svg(uri: str) -> str:
    """The enrolment QR code as an inline <svg> element (drawn here: nothing leaves the server)."""
    return segno.make(uri, error="m").svg_inline(scale=5, dark="#000", light="#fff", border=2, omitsize=False)


def grouped(secret: str) -> str:
    """The secret as people type it into an authenticator app: groups of four."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def normalise_code(code: str | None) -> str:
    return re.sub(r"[\s-]+", "", code or "").lower()


def looks_like_totp(code: str) -> bool:
    return bool(_CODE_RE.match(code))


def matching_counter(secret: str, code: str, *, now: float | None = None) -> int | None:
    """The time step whose code equals `code` (within the drift window), or None. The caller must refuse a step
    at or before the last one accepted, so a code seen over someone's shoulder cannot be used again."""
    code = normalise_code(code)
    if not looks_like_totp(code):
        return None
    totp = pyotp.TOTP(secret, digits=DIGITS, interval=INTERVAL)
    now = time.time() if now is None else now
    found = None
    for offset in range(-VALID_WINDOW, VALID_WINDOW + 1):
        at = now + offset * INTERVAL
        # Compare every candidate (no early exit) in constant time.
        if hmac.compare_digest(totp.at(at), code):
            found = int(at) // INTERVAL
    return found


def new_recovery_codes(count: int = RECOVERY_CODE_COUNT) -> list[str]:
    codes = []
    for _ in range(count):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_LENGTH))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    return codes


def hash_recovery_code(code: str, *, fast: bool = False) -> str:
    return hash_password(normalise_code(code), fast=fast)


def recovery_code_matches(code_hash: str, code: str, *, fast: bool = False) -> bool:
    return verify_password(code_hash, normalise_code(code), fast=fast)
