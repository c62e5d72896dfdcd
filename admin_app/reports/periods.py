"""A reporting period (month, quarter, year or a custom range of days) in the unit's own calendar.

A case belongs to the period of its report date (`Case.reported_date`, the day in the unit's time zone the
information reached the unit); timestamps (a step's start) are compared with the period's bounds in UTC, which
begin and end at midnight in the unit's zone (WIB).
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from admin_app.documents.formatting import MONTHS, tanggal_indonesia

ROMAN_QUARTERS = ("I", "II", "III", "IV")
LONGEST_RANGE_DAYS = 3700  # about ten years: a custom range longer than that is a typing error
EARLIEST_YEAR = 2000


class PeriodKind(str, enum.Enum):
    MONTH = "bulan"
    QUARTER = "triwulan"
    YEAR = "tahun"
    RANGE = "rentang"


PERIOD_KIND_LABELS = {PeriodKind.MONTH: "Bulan", PeriodKind.QUARTER: "Triwulan", PeriodKind.YEAR: "Tahun",
                      PeriodKind.RANGE: "Rentang tanggal"}


class PeriodError(ValueError):
    """A period that cannot be read; the message says why, in Indonesian."""


def _month_end(year: int, month: int) -> dt.date:
    first_next = dt.date(year + (month == 12), month % 12 + 1, 1)
    return first_next - dt.timedelta(days=1)


@dataclass(frozen=True)
class Period:
    start: dt.date  # first day, included
    end: dt.date  # last day, included
    kind: PeriodKind = PeriodKind.RANGE

    def __post_init__(self):
        if self.end < self.start:
            raise PeriodError("Tanggal akhir periode tidak boleh sebelum tanggal awal.")
        if (self.end - self.start).days > LONGEST_RANGE_DAYS:
            raise PeriodError("Periode paling panjang sepuluh tahun.")

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        return cls(dt.date(year, month, 1), _month_end(year, month), PeriodKind.MONTH)

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        first = 3 * (quarter - 1) + 1
        return cls(dt.date(year, first, 1), _month_end(year, first + 2), PeriodKind.QUARTER)

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31), PeriodKind.YEAR)

    @property
    def label(self) -> str:
        if self.kind is PeriodKind.MONTH:
            return f"{MONTHS[self.start.month - 1]} {self.start.year}"
        if self.kind is PeriodKind.QUARTER:
            return f"Triwulan {ROMAN_QUARTERS[(self.start.month - 1) // 3]} {self.start.year}"
        if self.kind is PeriodKind.YEAR:
            return f"Tahun {self.start.year}"
        return f"{tanggal_indonesia(self.start)} s.d. {tanggal_indonesia(self.end)}"

    def utc_bounds(self, zone: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
        """[start, end) in UTC: local midnight of the first day to local midnight after the last day."""
        begin = dt.datetime.combine(self.start, dt.time(0, 0), tzinfo=zone)
        finish = dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time(0, 0), tzinfo=zone)
        return begin.astimezone(dt.timezone.utc), finish.astimezone(dt.timezone.utc)

    def months(self) -> list[tuple[int, int]]:
        """(year, month) of every month the period touches, in order (the trend's rows)."""
        result, year, month = [], self.start.year, self.start.month
        while (year, month) <= (self.end.year, self.end.month):
            result.append((year, month))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return result

    def previous(self) -> Period:
        """The period of the same kind just before (for a month: the month before)."""
        if self.kind is PeriodKind.MONTH:
            last = self.start - dt.timedelta(days=1)
            return Period.month(last.year, last.month)
        if self.kind is PeriodKind.QUARTER:
            last = self.start - dt.timedelta(days=1)
            return Period.quarter(last.year, (last.month - 1) // 3 + 1)
        if self.kind is PeriodKind.YEAR:
            return Period.year(self.start.year - 1)
        length = self.end - self.start
        return Period(self.start - length - dt.timedelta(days=1), self.start - dt.timedelta(days=1))

    def as_args(self) -> dict[str, str]:
        """The query-string arguments `parse_period` reads back (links to the same period)."""
        args = {"periode": self.kind.value, "tahun": str(self.start.year)}
        if self.kind is PeriodKind.MONTH:
            args["bulan"] = str(self.start.month)
        elif self.kind is PeriodKind.QUARTER:
            args["triwulan"] = str((self.start.month - 1) // 3 + 1)
        elif self.kind is PeriodKind.RANGE:
            args = {"periode": self.kind.value, "dari": self.start.isoformat(), "sampai": self.end.isoformat()}
        return args


def month_label(year: int, month: int) -> str:
    return f"{MONTHS[month - 1]} {year}"


def _int(args, name: str, low: int, high: int, what: str, default: int) -> int:
    raw = (args.get(name) or "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise PeriodError(f"{what} harus angka {low} sampai {high}.")
    return int(raw)


def _date(args, name: str, what: str) -> dt.date:
    raw = (args.get(name) or "").strip()
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise PeriodError(f"Isi {what} dengan tanggal yang benar (contoh 2026-01-31).") from None


def parse_period(args, today: dt.date) -> Period:
    """The period the request's arguments name; without arguments the current month. Raises PeriodError."""
    raw_kind = (args.get("periode") or PeriodKind.MONTH.value).strip()
    try:
        kind = PeriodKind(raw_kind)
    except ValueError:
        raise PeriodError("Jenis periode tidak dikenal: pilih bulan, triwulan, tahun atau rentang tanggal.") from None
    if kind is PeriodKind.RANGE:
        start, end = _date(args, "dari", "tanggal awal"), _date(args, "sampai", "tanggal akhir")
        if start.year < EARLIEST_YEAR or end.year > today.year + 1:
            raise PeriodError(f"Rentang tanggal harus di antara tahun {EARLIEST_YEAR} dan {today.year + 1}.")
        return Period(start, end)
    year = _int(args, "tahun", EARLIEST_YEAR, today.year + 1, "Tahun", today.year)
    if kind is PeriodKind.MONTH:
        return Period.month(year, _int(args, "bulan", 1, 12, "Bulan", today.month))
    if kind is PeriodKind.QUARTER:
        return Period.quarter(year, _int(args, "triwulan", 1, 4, "Triwulan", (today.month - 1) // 3 + 1))
    return Period.year(year)
