"""Letter numbers: a pattern per letter type, a counter per type and year, given in the issuing transaction.

The counter row is incremented with UPDATE ... RETURNING, which locks it until the transaction ends: two people
issuing at the same moment queue on that row, and a failed issue rolls the increment back, so numbers are unique
and without gaps. A cancelled letter keeps its number; a number is never given twice.
"""

from __future__ import annotations

import datetime as dt
import string

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from admin_app.models import LetterCounter, LetterType

ROMAN_MONTHS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
PLACEHOLDERS = ("klasifikasi", "urut", "bulan", "bulan_romawi", "tahun")


class NumberPatternError(ValueError):
    pass


def format_number(pattern: str, *, classification: str, serial: int, day: dt.date) -> str:
    try:
        return pattern.format(
            klasifikasi=classification,
            urut=serial,
            bulan=f"{day.month:02d}",
            bulan_romawi=ROMAN_MONTHS[day.month - 1],
            tahun=day.year,
        )
    except (KeyError, IndexError, ValueError) as exc:
        raise NumberPatternError(f"Pola nomor surat tidak dapat dipakai: {exc}") from None


def validate_pattern(pattern: str) -> None:
    """Refuse a pattern that names unknown placeholders or cannot tell two serials apart."""
    try:
        fields = [name for _, name, _, _ in string.Formatter().parse(pattern) if name is not None]
    except ValueError as exc:
        raise NumberPatternError(f"Pola nomor surat tidak valid: {exc}") from None
    unknown = sorted({f for f in fields if f not in PLACEHOLDERS})
    if unknown:
        raise NumberPatternError(
            "Pola nomor surat memakai penanda yang tidak dikenal: "
            + ", ".join("{" + u + "}" for u in unknown)
            + ". Penanda yang tersedia: "
            + ", ".join("{" + p + "}" for p in PLACEHOLDERS)
            + "."
        )
    if "urut" not in fields:
        raise NumberPatternError("Pola nomor surat harus memuat {urut} (nomor urut), agar setiap nomor berbeda.")
    if "tahun" not in fields:
        raise NumberPatternError("Pola nomor surat harus memuat {tahun}, karena nomor urut dimulai lagi setiap tahun.")
    format_number(pattern, classification="000", serial=1, day=dt.date(2000, 1, 1))


def next_serial(session: Session, letter_type: LetterType, year: int) -> int:
    """Take the next serial for (type, year) inside the caller's transaction."""
    counter_filter = (LetterCounter.letter_type_id == letter_type.id, LetterCounter.year == year)
    exists = session.execute(select(LetterCounter.id).where(*counter_filter)).scalar_one_or_none()
    if exists is None:
        try:
            with session.begin_nested():
                session.add(LetterCounter(letter_type_id=letter_type.id, year=year, last_serial=0))
        except IntegrityError:
            pass  # someone else created it first; the UPDATE below queues behind them
    serial = session.execute(
        update(LetterCounter)
        .where(*counter_filter)
        .values(last_serial=LetterCounter.last_serial + 1)
        .returning(LetterCounter.last_serial)
    ).scalar_one()
    return serial


def issue_number(session: Session, letter_type: LetterType, day: dt.date) -> tuple[str, int]:
    """The number and serial of a new letter of `letter_type` dated `day`."""
    serial = next_serial(session, letter_type, day.year)
    number = format_number(letter_type.number_pattern, classification=letter_type.classification, serial=serial, day=day)
    return number, serial
