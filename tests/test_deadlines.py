"""Time standards: minutes on the wall clock, days in Indonesian working days (weekends, national holidays,
cuti bersama from `holidays`, plus the administrator's overrides); both policies are settings."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from admin_app.sop.deadlines import DaysPolicy, DeadlinePolicy, MinutesPolicy, WorkingCalendar, format_duration
from admin_app.sop.steps import TimeStandard, TimeUnit

WIB = ZoneInfo("Asia/Jakarta")
TWO_DAYS = TimeStandard(2, TimeUnit.WORKING_DAYS)


def wib(*args):
    return dt.datetime(*args, tzinfo=WIB)


def due(start, standard=TWO_DAYS, **policy):
    return DeadlinePolicy(**policy).due_at(start, standard).astimezone(WIB)


def test_minutes_run_on_the_wall_clock_also_at_night_and_on_sunday():
    sunday_night = wib(2026, 11, 1, 23, 55)
    assert due(sunday_night, TimeStandard(10, TimeUnit.MINUTES)) == wib(2026, 11, 2, 0, 5)


def test_minutes_policy_working_days_starts_on_the_next_working_day():
    sunday = wib(2026, 11, 1, 10, 0)
    result = due(sunday, TimeStandard(10, TimeUnit.MINUTES), minutes=MinutesPolicy.WORKING_DAYS_ONLY)
    assert result == wib(2026, 11, 2, 0, 10)


def test_two_working_days_over_an_ordinary_weekend():
    friday = wib(2026, 11, 6, 15, 0)
    assert due(friday) == wib(2026, 11, 10, 15, 0)  # Tuesday


def test_friday_before_a_long_weekend_with_a_national_holiday():
    # Fri 29 May 2026; Sat, Sun 31 May (Waisak), Mon 1 June (Hari Lahir Pancasila).
    friday = wib(2026, 5, 29, 14, 0)
    assert due(friday) == wib(2026, 6, 3, 14, 0)  # Wednesday


def test_cuti_bersama_counts_as_a_day_off():
    # Wed 13 May 2026: Thu 14 Kenaikan Isa Almasih, Fri 15 cuti bersama.
    assert due(wib(2026, 5, 13, 10, 0)) == wib(2026, 5, 19, 10, 0)


def test_lebaran_week():
    # 18-24 March 2026: Nyepi and Idul Fitri with cuti bersama.
    assert due(wib(2026, 3, 17, 9, 0)) == wib(2026, 3, 26, 9, 0)


def test_started_on_a_day_off_counts_from_the_next_working_day():
    saturday = wib(2026, 11, 7, 10, 0)
    assert due(saturday) == wib(2026, 11, 11, 0, 0)  # two full working days: Mon and Tue


def test_administrator_adds_a_holiday():
    calendar = WorkingCalendar(overrides={dt.date(2026, 6, 2): True})
    assert due(wib(2026, 5, 29, 14, 0), calendar=calendar) == wib(2026, 6, 4, 14, 0)


def test_administrator_turns_a_cuti_bersama_into_a_working_day():
    calendar = WorkingCalendar(overrides={dt.date(2026, 5, 15): False})
    assert due(wib(2026, 5, 13, 10, 0), calendar=calendar) == wib(2026, 5, 18, 10, 0)


def test_calendar_days_policy():
    friday = wib(2026, 11, 6, 15, 0)
    assert due(friday, days=DaysPolicy.CALENDAR_DAYS) == wib(2026, 11, 8, 15, 0)


def test_due_time_is_returned_in_utc_and_needs_an_aware_start():
    result = DeadlinePolicy().due_at(wib(2026, 11, 6, 15, 0), TWO_DAYS)
    assert result.tzinfo == dt.timezone.utc
    with pytest.raises(ValueError):
        DeadlinePolicy().due_at(dt.datetime(2026, 11, 6, 15, 0), TWO_DAYS)


@pytest.mark.parametrize(
    "delta, text",
    [
        (dt.timedelta(minutes=7), "7 menit"),
        (dt.timedelta(hours=2, minutes=5), "2 jam 5 menit"),
        (dt.timedelta(days=1, hours=3), "1 hari 3 jam"),
        (dt.timedelta(0), "0 menit"),
    ],
)
def test_durations_read_as_staff_read_them(delta, text):
    assert format_duration(delta) == text
