"""Time standards (mutu baku waktu): when a step is due, on the wall clock or in Indonesian working days.

Plain Python: the caller hands in the holiday overrides and the policies (settings), so this is testable alone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from admin_app.settings import DaysPolicy, MinutesPolicy
from admin_app.sop.steps import TimeStandard, TimeUnit

__all__ = ["DaysPolicy", "DeadlinePolicy", "MinutesPolicy", "StepTiming", "WorkingCalendar", "format_duration"]


@lru_cache(maxsize=64)
def _national_holidays(year: int) -> dict[dt.date, str]:
    calendar = holidays.country_holidays("ID", years=year, categories=("public", "government"), language="id")
    return dict(calendar.items())


@dataclass(frozen=True)
class WorkingCalendar:
    """Indonesian working days: Monday to Friday, minus national holidays and cuti bersama, with overrides."""

    # date -> True (a day off added by the administrator) or False (a working day after all)
    overrides: dict[dt.date, bool] = field(default_factory=dict)

    def holiday_name(self, day: dt.date) -> str | None:
        if self.overrides.get(day) is False:
            return None
        if self.overrides.get(day) is True:
            return "Libur (ditetapkan administrator)"
        return _national_holidays(day.year).get(day)

    def is_working_day(self, day: dt.date) -> bool:
        override = self.overrides.get(day)
        if override is not None:
            return not override
        return day.weekday() < 5 and day not in _national_holidays(day.year)

    def next_working_day_start(self, moment: dt.datetime) -> dt.datetime:
        """`moment` itself on a working day, else midnight of the next working day (same zone)."""
        day = moment.date()
        if self.is_working_day(day):
            return moment
        while not self.is_working_day(day):
            day += dt.timedelta(days=1)
        return dt.datetime.combine(day, dt.time(0, 0), tzinfo=moment.tzinfo)


@dataclass(frozen=True)
class DeadlinePolicy:
    timezone: str = "Asia/Jakarta"
    minutes: MinutesPolicy = MinutesPolicy.WALL_CLOCK
    days: DaysPolicy = DaysPolicy.WORKING_DAYS
    calendar: WorkingCalendar = field(default_factory=WorkingCalendar)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def due_at(self, started_at: dt.datetime, standard: TimeStandard) -> dt.datetime:
        """When a step started at `started_at` (aware) is due under `standard`; returned in UTC."""
        if started_at.tzinfo is None:
            raise ValueError("started_at must be timezone-aware")
        local = started_at.astimezone(ZoneInfo(self.timezone))
        if standard.unit is TimeUnit.MINUTES:
            if self.minutes is MinutesPolicy.WORKING_DAYS_ONLY:
                local = self.calendar.next_working_day_start(local)
            due = local + dt.timedelta(minutes=standard.amount)
        elif self.days is DaysPolicy.CALENDAR_DAYS:
            due = local + dt.timedelta(days=standard.amount)
        else:
            due = self._add_working_days(local, standard.amount)
        return due.astimezone(dt.timezone.utc)

    def _add_working_days(self, local: dt.datetime, count: int) -> dt.datetime:
        # The clock keeps its time of day and moves only across working days: started Friday 15:00 with two
        # working days, it is due on the second working day after at 15:00. Started on a day off, it starts
        # at the beginning of the next working day.
        moment = self.calendar.next_working_day_start(local)
        day = moment.date()
        remaining = count
        while remaining > 0:
            day += dt.timedelta(days=1)
            if self.calendar.is_working_day(day):
                remaining -= 1
        naive = dt.datetime.combine(day, moment.timetz().replace(tzinfo=None))
        return naive.replace(tzinfo=moment.tzinfo)


@dataclass(frozen=True)
class StepTiming:
    """How one step run measures against its standard, for timelines and lists."""

    started_at: dt.datetime
    due_at: dt.datetime
    completed_at: dt.datetime | None

    def taken(self, now: dt.datetime) -> dt.timedelta:
        return (self.completed_at or now) - self.started_at

    def is_late(self, now: dt.datetime) -> bool:
        return (self.completed_at or now) > self.due_at

    def within_standard(self) -> bool | None:
        """True/False once completed; None while still running."""
        if self.completed_at is None:
            return None
        return self.completed_at <= self.due_at


def format_duration(delta: dt.timedelta) -> str:
    """A duration as staff read it: "1 hari 2 jam 5 menit"."""
    total_minutes = int(delta.total_seconds() // 60)
    if total_minutes < 0:
        return "-" + format_duration(-delta)
    days, rest = divmod(total_minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = []
    if days:
        parts.append(f"{days} hari")
    if hours:
        parts.append(f"{hours} jam")
    if minutes or not parts:
        parts.append(f"{minutes} menit")
    return " ".join(parts)
