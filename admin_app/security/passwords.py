"""Password hashing with Argon2id (argon2-cffi), with transparent re-hashing when parameters change, and the
password policy every screen and command applies when a password is set."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

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


# --- Password policy (ASVS 5.0 V6.2 / NIST SP 800-63B): length and a list of common passwords, no composition rules.

MIN_LENGTH = 12
MAX_LENGTH = 128
COMMON_PASSWORDS_FILE = Path(__file__).resolve().parent / "common_passwords.txt"
# Words that belong to this service: a password built from them is the first thing an attacker tries here.
CONTEXT_WORDS = frozenset({"jangkau", "uptdppa", "uptd", "ppa", "tangerang", "kotatangerang", "penjangkauan"})
_SEQUENCES = (
    "01234567890123456789",
    "abcdefghijklmnopqrstuvwxyz",
    "qwertyuiopasdfghjklzxcvbnm",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
)
_EDGE = re.compile(r"^[\W\d_]+|[\W\d_]+$")

MSG_TOO_SHORT = f"Kata sandi minimal {MIN_LENGTH} karakter. Gunakan beberapa kata yang mudah Anda ingat."
MSG_TOO_LONG = f"Kata sandi maksimal {MAX_LENGTH} karakter."
MSG_COMMON = (
    "Kata sandi ini terlalu umum atau mudah ditebak. Pilih yang lain, misalnya gabungan tiga atau empat kata "
    "acak yang mudah Anda ingat."
)
MSG_CONTEXT = "Kata sandi tidak boleh berupa nama pengguna atau nama layanan ini. Pilih kata sandi lain."


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("# "))


def _is_sequence_or_repetition(text: str) -> bool:
    if len(set(text)) <= 3:  # "aaaaaaaaaaaa", "abababababab"
        return True
    return any(text in seq or text in seq[::-1] for seq in _SEQUENCES)


def password_problem(password: str, *, username: str | None = None) -> str | None:
    """Why `password` may not be used (a message in Bahasa Indonesia), or None when it is acceptable.

    The one policy for every place a password is set: the sysadmin's user screen, the user's own change screen
    and `flask create-user`. Any character is allowed (spaces, Unicode); nothing is required but length.
    """
    password = unicodedata.normalize("NFKC", password or "")
    if len(password) < MIN_LENGTH:
        return MSG_TOO_SHORT
    if len(password) > MAX_LENGTH:
        return MSG_TOO_LONG
    folded = password.casefold()
    compact = re.sub(r"\s+", "", folded)
    base = _EDGE.sub("", compact)  # "Bismillah12345!" -> "bismillah"
    letters = re.sub(r"[\W\d_]+", "", compact)
    common = common_passwords()
    if folded in common or compact in common or (len(base) >= 4 and base in common):
        return MSG_COMMON
    if _is_sequence_or_repetition(compact) or (base and _is_sequence_or_repetition(base) and len(base) >= 4):
        return MSG_COMMON
    names = set(CONTEXT_WORDS)
    if username:
        names.add(re.sub(r"[\W\d_]+", "", username.casefold()))
    if letters in names or base in names:
        return MSG_CONTEXT
    return None
