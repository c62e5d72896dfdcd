"""Password hashing with Argon2id (argon2-cffi), with transparent re-hashing when parameters change."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_STRONG = PasswordHasher()  # library defaults follow RFC 9106's recommendations
# Only for the test suite (PASSWORD_HASH_FAST): thousands of logins must not take minutes.
_FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)

# A hash to verify against when the user does not exist, so a wrong username costs the same time.
_DUMMY_HASH = _STRONG.hash("jangkau-no-such-user")


def _hasher(fast: bool) -> PasswordHasher:
    return _FAST if fast else _STRONG


def hash_password(password: str, *, fast: bool = False) -> str:
    return _hasher(fast).hash(password)


def verify_password(password_hash: str | None, password: str, *, fast: bool = False) -> bool:
    hasher = _hasher(fast)
    try:
        return hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str, *, fast: bool = False) -> bool:
    try:
        return _hasher(fast).check_needs_rehash(password_hash)
    except InvalidHashError:
        return True
