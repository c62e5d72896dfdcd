"""The few SQL expressions the reports need that SQLite and PostgreSQL spell differently: days between two dates,
seconds between two timestamps, a person's age in whole years. Everything else is portable SQLAlchemy."""

from __future__ import annotations

from sqlalchemy import Integer, case, extract, func
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import Float


class days_between(FunctionElement):  # noqa: N801 - reads like the SQL function it stands for
    """Whole days from the second date to the first (`later - earlier`)."""

    type = Integer()
    inherit_cache = True
    name = "days_between"


@compiles(days_between)
def _days_between_default(element, compiler, **kw):
    later, earlier = list(element.clauses)
    return f"({compiler.process(later, **kw)} - {compiler.process(earlier, **kw)})"


@compiles(days_between, "sqlite")
def _days_between_sqlite(element, compiler, **kw):
    later, earlier = list(element.clauses)
    return (f"CAST(julianday({compiler.process(later, **kw)}) - julianday({compiler.process(earlier, **kw)}) "
            "AS INTEGER)")


class seconds_between(FunctionElement):  # noqa: N801
    """Seconds from the second timestamp to the first (`later - earlier`), fractional."""

    type = Float()
    inherit_cache = True
    name = "seconds_between"


@compiles(seconds_between)
def _seconds_between_default(element, compiler, **kw):
    later, earlier = list(element.clauses)
    return f"EXTRACT(EPOCH FROM ({compiler.process(later, **kw)} - {compiler.process(earlier, **kw)}))"


@compiles(seconds_between, "sqlite")
def _seconds_between_sqlite(element, compiler, **kw):
    later, earlier = list(element.clauses)
    return (f"((julianday({compiler.process(later, **kw)}) - julianday({compiler.process(earlier, **kw)})) "
            "* 86400.0)")


class date_number(FunctionElement):  # noqa: N801
    """A date as the integer YYYYMMDD: (on - born) // 10000 of two of them is the age in whole years."""

    type = Integer()
    inherit_cache = True
    name = "date_number"


@compiles(date_number)
def _date_number_default(element, compiler, **kw):
    (day,) = list(element.clauses)
    return f"CAST(to_char({compiler.process(day, **kw)}, 'YYYYMMDD') AS INTEGER)"


@compiles(date_number, "sqlite")
def _date_number_sqlite(element, compiler, **kw):
    (day,) = list(element.clauses)
    return f"CAST(strftime('%Y%m%d', {compiler.process(day, **kw)}) AS INTEGER)"


def age_years(birth_date, age_estimate, on_date):
    """Age in whole years on `on_date` from the birth date, else the recorded estimate (NULL when neither).
    Integer division of the YYYYMMDD difference: exact, birthdays included, and two date conversions per row."""
    from_birth = (date_number(on_date) - date_number(birth_date)) // 10000
    return case((birth_date.is_(None), age_estimate), else_=from_birth)


def year_month(date_column):
    """`YYYYMM` as an integer: the month a date falls in."""
    return func.cast(extract("year", date_column) * 100 + extract("month", date_column), Integer)


def month_of(timestamp, months: list[tuple[int, int]], bounds: list[tuple[object, object]]):
    """`YYYYMM` of the local month a UTC timestamp falls in, as a CASE over the months' UTC bounds: exact for any
    time zone (the bounds are local midnights) and the same SQL on both databases. NULL outside the months."""
    whens = [(timestamp < end, year * 100 + month) for (year, month), (_, end) in zip(months, bounds)]
    return case((timestamp < bounds[0][0], None), *whens, else_=None) if months else None
