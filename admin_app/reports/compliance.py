"""SOP compliance for a period: for each of the six steps, how many runs started, how many were done within the
time standard, the median and 90th percentile of how long they took, the late runs and how late, the returns;
the same per person who completed the step; the month-by-month share on time; the whole service time against
the SOP's total (2 days 1 hour 30 minutes).

A run is one `CaseStep` row (a returned step starts a new run). It belongs to the period of its start. It is on
time when it ended (completed or returned) by its `due_at`, which the engine fixed when its clock started with the
calendar in force then. It is late when it ended after `due_at`, or is still open past it. A run still open and
not yet due is undecided and left out of the share. Percentiles are nearest-rank (the smallest duration at least
p % of the runs do not exceed), computed in SQL with window functions on both databases.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from admin_app.models import Case, CaseStatus, CaseStep, User
from admin_app.reports.periods import Period, month_label
from admin_app.reports.recaps import Row, Table
from admin_app.reports.sql import month_of, seconds_between
from admin_app.sop.deadlines import format_duration
from admin_app.sop.steps import STEPS, Step, total_service_time

LATE_LIST_LIMIT = 200  # late runs listed by name; the count above the list is always complete
PERCENTILES = (50, 90)


@dataclass(frozen=True)
class Durations:
    count: int
    median: float | None  # seconds
    p90: float | None


@dataclass(frozen=True)
class RunCounts:
    runs: int  # started in the period
    ended: int  # completed or returned
    on_time: int  # ended by the due time
    late: int  # ended after the due time, or open and past it
    open_late: int
    returned: int

    @property
    def decided(self) -> int:
        return self.on_time + self.late

    @property
    def on_time_share(self) -> float | None:
        return self.on_time / self.decided if self.decided else None


@dataclass(frozen=True)
class StepFigures:
    step: Step
    counts: RunCounts
    durations: Durations


@dataclass(frozen=True)
class PersonFigures:
    user_id: int
    name: str
    counts: RunCounts
    durations: Durations


@dataclass(frozen=True)
class LateRun:
    case_id: int
    case_number: str
    step: Step
    attempt: int
    due_at: dt.datetime
    ended_at: dt.datetime | None  # None: still open
    late_by: dt.timedelta


@dataclass(frozen=True)
class MonthFigures:
    label: str
    counts: RunCounts


@dataclass(frozen=True)
class ServiceTime:
    standard: dt.timedelta
    finished: int  # cases finished in the period
    within: int
    durations: Durations

    @property
    def within_share(self) -> float | None:
        return self.within / self.finished if self.finished else None


@dataclass(frozen=True)
class Compliance:
    period: Period
    now: dt.datetime
    steps: tuple[StepFigures, ...]
    people: tuple[PersonFigures, ...]
    months: tuple[MonthFigures, ...]
    late_runs: tuple[LateRun, ...]
    late_total: int
    service: ServiceTime


def _counts(now: dt.datetime):
    """The aggregate columns of RunCounts over CaseStep rows."""
    ended = CaseStep.completed_at.is_not(None)
    on_time = and_(ended, CaseStep.completed_at <= CaseStep.due_at)
    open_late = and_(CaseStep.completed_at.is_(None), CaseStep.due_at < now)
    late = or_(and_(ended, CaseStep.completed_at > CaseStep.due_at), open_late)
    returned = CaseStep.returned.is_(True)

    def total(condition):
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    return [total(CaseStep.id.is_not(None)), total(ended), total(on_time), total(late), total(open_late),
            total(returned)]


def _run_counts(row) -> RunCounts:
    return RunCounts(*(int(v or 0) for v in row))


def _percentiles(session: Session, durations) -> dict[object, Durations]:
    """Nearest-rank median and 90th percentile of `durations` (a subquery with columns grp, dur) per group."""
    ranked = select(
        durations.c.grp, durations.c.dur,
        func.row_number().over(partition_by=durations.c.grp, order_by=durations.c.dur).label("rn"),
        func.count().over(partition_by=durations.c.grp).label("n"),
    ).subquery("ranked")
    picks = [func.min(case((ranked.c.rn * 100 >= p * ranked.c.n, ranked.c.dur))) for p in PERCENTILES]
    rows = session.execute(select(ranked.c.grp, func.count(), *picks).group_by(ranked.c.grp)).all()
    return {grp: Durations(int(n), median, p90) for grp, n, median, p90 in rows}


def _in_period(column, period: Period, zone: ZoneInfo):
    begin, end = period.utc_bounds(zone)
    return and_(column >= begin, column < end)


def build_compliance(session: Session, period: Period, *, now: dt.datetime, zone: ZoneInfo) -> Compliance:
    in_period = _in_period(CaseStep.started_at, period, zone)
    duration = seconds_between(CaseStep.completed_at, CaseStep.started_at)
    completed = and_(in_period, CaseStep.completed_at.is_not(None), CaseStep.returned.is_(False))

    # -- per step
    by_step = {n: _run_counts(rest) for n, *rest in session.execute(
        select(CaseStep.step_no, *_counts(now)).where(in_period).group_by(CaseStep.step_no)).all()}
    step_durations = _percentiles(session, select(CaseStep.step_no.label("grp"), duration.label("dur"))
                                  .where(completed).subquery("durations"))
    empty = RunCounts(0, 0, 0, 0, 0, 0)
    nothing = Durations(0, None, None)
    steps = tuple(StepFigures(s, by_step.get(s.number, empty), step_durations.get(s.number, nothing)) for s in STEPS)

    # -- per person who completed the runs (open runs have nobody yet: they are in the step figures only)
    people_rows = session.execute(
        select(CaseStep.completed_by_id, User.full_name, *_counts(now))
        .join(User, User.id == CaseStep.completed_by_id)
        .where(in_period).group_by(CaseStep.completed_by_id, User.full_name).order_by(User.full_name)
    ).all()
    person_durations = _percentiles(session, select(CaseStep.completed_by_id.label("grp"), duration.label("dur"))
                                    .where(completed).subquery("durations"))
    people = tuple(PersonFigures(uid, name, _run_counts(rest), person_durations.get(uid, nothing))
                   for uid, name, *rest in people_rows)

    # -- month by month: each run's local month from the months' bounds (local midnights in UTC)
    month_list = period.months()
    month_key = month_of(CaseStep.started_at, month_list,
                         [Period.month(y, m).utc_bounds(zone) for y, m in month_list])
    by_month = {int(key): _run_counts(rest) for key, *rest in session.execute(
        select(month_key, *_counts(now)).where(in_period).group_by(month_key)).all() if key is not None}
    months = tuple(MonthFigures(month_label(y, m), by_month.get(y * 100 + m, empty)) for y, m in month_list)

    # -- the late runs, latest first
    late = or_(CaseStep.completed_at > CaseStep.due_at, and_(CaseStep.completed_at.is_(None), CaseStep.due_at < now))
    late_total = session.execute(select(func.count()).select_from(CaseStep).where(in_period, late)).scalar_one()
    late_rows = session.execute(
        select(CaseStep.case_id, Case.case_number, CaseStep.step_no, CaseStep.attempt, CaseStep.due_at,
               CaseStep.completed_at)
        .join(Case, Case.id == CaseStep.case_id).where(in_period, late)
        .order_by(CaseStep.due_at.desc(), CaseStep.id.desc()).limit(LATE_LIST_LIMIT)
    ).all()
    by_number = {s.number: s for s in STEPS}
    late_runs = tuple(LateRun(cid, number, by_number[no], attempt, due, ended, (ended or now) - due)
                      for cid, number, no, attempt, due, ended in late_rows)

    # -- the whole service: from the information received to the follow-up instruction
    standard = total_service_time()
    finished = and_(_in_period(Case.finished_at, period, zone), Case.status == CaseStatus.FINISHED)
    whole = seconds_between(Case.finished_at, Case.received_at)
    finished_count, within = session.execute(
        select(func.count(), func.coalesce(func.sum(case((whole <= standard.total_seconds(), 1), else_=0)), 0))
        .select_from(Case).where(finished)
    ).one()
    service_durations = _percentiles(session, select(Case.status.label("grp"), whole.label("dur"))
                                     .where(finished).subquery("durations"))
    service = ServiceTime(standard, int(finished_count), int(within),
                          next(iter(service_durations.values()), nothing))
    return Compliance(period, now, steps, people, months, late_runs, int(late_total), service)


# ---------------------------------------------------------------------------------------- as tables (XLSX)
def _share(share: float | None) -> str:
    return "-" if share is None else f"{share * 100:.0f}%"


def _duration(seconds: float | None) -> str:
    return "-" if seconds is None else format_duration(dt.timedelta(seconds=seconds))


def _count_cells(counts: RunCounts) -> tuple:
    return (counts.runs, counts.on_time, counts.late, _share(counts.on_time_share), counts.returned)


COUNT_COLUMNS = ("Dijalankan", "Tepat waktu", "Terlambat", "% tepat waktu", "Dikembalikan")


def compliance_tables(report: Compliance, zone: ZoneInfo) -> list[Table]:
    """The report's figures as plain tables (the workbook's sheets; the screen shows the same numbers)."""
    def local(moment: dt.datetime | None) -> str:
        return "masih berjalan" if moment is None else moment.astimezone(zone).strftime("%d-%m-%Y %H:%M")

    steps = Table("langkah", "Kepatuhan per langkah", ("Langkah", "Mutu baku waktu", *COUNT_COLUMNS, "Median",
                                                       "Persentil 90"),
                  tuple(Row(f"{f.step.number}. {f.step.title}", (f.step.time_standard.label, *_count_cells(f.counts),
                                                                  _duration(f.durations.median),
                                                                  _duration(f.durations.p90)))
                        for f in report.steps))
    people = Table("pelaksana", "Per pelaksana (yang menyelesaikan langkah)",
                   ("Nama", *COUNT_COLUMNS, "Median", "Persentil 90"),
                   tuple(Row(p.name, (*_count_cells(p.counts), _duration(p.durations.median),
                                      _duration(p.durations.p90))) for p in report.people), sheet="Per pelaksana")
    months = Table("bulanan", "Tren bulanan", ("Bulan", *COUNT_COLUMNS),
                   tuple(Row(m.label, _count_cells(m.counts)) for m in report.months))
    service = report.service
    whole = Table("layanan", "Waktu layanan keseluruhan", ("Ukuran", "Nilai"), (
        Row("Standar SOP", (format_duration(service.standard),)),
        Row("Kasus selesai dalam periode", (service.finished,)),
        Row("Selesai dalam standar", (service.within,)),
        Row("% dalam standar", (_share(service.within_share),)),
        Row("Median", (_duration(service.durations.median),)),
        Row("Persentil 90", (_duration(service.durations.p90),)),
    ))
    late = Table("terlambat", "Langkah terlambat", ("Kasus", "Langkah", "Percobaan", "Batas waktu", "Selesai",
                                                     "Terlambat"),
                 tuple(Row(r.case_number, (f"{r.step.number}. {r.step.title}", r.attempt, local(r.due_at),
                                           local(r.ended_at), format_duration(r.late_by)))
                       for r in report.late_runs),
                 note=(f"{report.late_total} langkah terlambat; {len(report.late_runs)} ditampilkan."
                       if report.late_total > len(report.late_runs) else None))
    return [steps, people, months, whole, late]
