"""Who is told what, and when: the one place that turns the engine's transitions (and the step clocks, for the
reminders) into notifications. Plain Python over a session, no Flask.

- After a transition, the users who may act on the case's new current step are told: the step table's owner role
  and its `Actor` rule, through `sop.access.step_actors_clause` (Tugas Saya's `my_work_clause` for every user at
  once, the same rule as the guards). The team named in a new Surat Tugas is told it is assigned; a case sent back
  is announced with the reason.
- A high-risk assessment is told to whoever may issue the emergency referral (its role in the step table).
- Reminders (`remind`): 5 minutes before a minute standard is due, the day before a working-day standard is due,
  and once overdue (to the step's actors and to the head), each once per step run (the notification's `key`).
- The head's daily digest (`daily_digest`, also run by `flask remind`): at the time set in the settings, once a
  day, the open cases, those waiting for her, the overdue steps and those due today, as counts only.
- Never to the person who caused it. The in-app text may carry a return's reason (the recipient may see the
  case); what leaves the app (the outbox body) carries the case number, the step and a link only, never a
  victim's name or identifier.
"""

from __future__ import annotations

import datetime as dt
from typing import Callable, Iterable
from zoneinfo import ZoneInfo

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from admin_app.models import (
    AssignmentLetter,
    Case,
    CaseStatus,
    CaseStep,
    Channel,
    Notification,
    OutboxMessage,
    Role,
    RoleCode,
    TransitionAction,
    User,
    user_roles,
    utcnow,
)
from admin_app.sop.access import my_work_clause, step_actors_clause
from admin_app.sop.letters import letter_type_code
from admin_app.sop.requirements import active_assignment
from admin_app.sop.steps import EMERGENCY_REFERRAL, TimeUnit, step, step_issuing

# Where a notification leads: the case page (views/cases.py, endpoint `cases.details_view`; a test checks it),
# or for the digest the head's dashboard (`admin.index`).
CASE_LINK = "/admin/cases/details/?id={case_id}"
DASHBOARD_LINK = "/admin/"
DUE_SOON = dt.timedelta(minutes=5)


class Kind:
    WAITING = "menunggu"
    ASSIGNED = "ditugaskan"
    RETURNED = "dikembalikan"
    HIGH_RISK = "risiko_tinggi"
    DUE_SOON = "segera_jatuh_tempo"
    DUE_TOMORROW = "jatuh_tempo_besok"
    OVERDUE = "terlambat"
    DIGEST = "ringkasan_harian"


KIND_LABELS = {
    Kind.WAITING: "Kasus menunggu Anda",
    Kind.ASSIGNED: "Anda ditugaskan",
    Kind.RETURNED: "Kasus dikembalikan",
    Kind.HIGH_RISK: "Risiko tinggi dicatat",
    Kind.DUE_SOON: "Jatuh tempo 5 menit lagi",
    Kind.DUE_TOMORROW: "Jatuh tempo besok",
    Kind.OVERDUE: "Melewati batas waktu",
    Kind.DIGEST: "Ringkasan harian",
}


def digest_time(value: str) -> dt.time | None:
    """The digest's local time from its setting (`HH:MM`); None when the digest is switched off (empty)."""
    if not value:
        return None
    hours, minutes = value.split(":")
    return dt.time(int(hours), int(minutes))


def _active_with_role(role: RoleCode):
    return (select(User).join(user_roles, user_roles.c.user_id == User.id).join(Role, Role.id == user_roles.c.role_id)
            .where(Role.code == role.value, User.is_active_account.is_(True)).order_by(User.id))


def users_with_role(session: Session, role: RoleCode) -> list[User]:
    return list(session.execute(_active_with_role(role)).scalars().unique())


def actors_of_current_step(session: Session, case: Case) -> list[User]:
    """The users who may act on the case's current step now (Tugas Saya's rule), by the step table: one statement,
    not one per member of staff."""
    if case.status != CaseStatus.OPEN:
        return []
    current = step(case.current_step)
    may_act = select(Case.id).where(Case.id == case.id, step_actors_clause(current)).exists()
    return list(session.execute(_active_with_role(current.role).where(may_act)).scalars().unique())


class Notifier:
    def __init__(self, session: Session, zone: ZoneInfo, clock: Callable[[], dt.datetime] = utcnow):
        self.session = session
        self.zone = zone
        self.clock = clock

    # ------------------------------------------------------------------ wording
    def when(self, moment: dt.datetime) -> str:
        """`HH:MM WIB` today, else with the date: `Rabu 04-11-2026 16:00 WIB`."""
        local = moment.astimezone(self.zone)
        zone = local.tzname() or ""
        if local.date() == self.clock().astimezone(self.zone).date():
            return f"{local:%H:%M} {zone}".strip()
        return f"{local:%d-%m-%Y %H:%M} {zone}".strip()

    def _waiting(self, case: Case, run: CaseStep) -> str:
        s = step(run.step_no)
        return f"Kasus {case.case_number} menunggu Anda di langkah {s.number} ({s.title}), batas waktu {self.when(run.due_at)}."

    # ------------------------------------------------------------------ the one entry of the engine
    def after_transition(self, case: Case, actor: User, action: TransitionAction, from_step: int,
                         to_step: int | None, note: str | None) -> list[Notification]:
        """Called by the engine (`CaseProcess._log`) for every transition it records."""
        if to_step is None or case.status != CaseStatus.OPEN:
            return []
        self.session.flush()
        run = _open_run(case)
        if run is None:  # pragma: no cover - the engine always starts the next run first
            return []
        s = step(to_step)
        sent = []
        for user in actors_of_current_step(self.session, case):
            if user.id == actor.id:
                continue
            if action is TransitionAction.RETURN:
                text = (f"Kasus {case.case_number} dikembalikan kepada Anda ke langkah {s.number} ({s.title}): "
                        f"{note or '-'}. Batas waktu {self.when(run.due_at)}.")
                external = (f"Kasus {case.case_number} dikembalikan kepada Anda ke langkah {s.number}; alasannya "
                            "dapat dibaca di aplikasi.")
                sent.append(self.send(user, Kind.RETURNED, case, text, external))
            elif from_step == _assignment_step() and (letter := active_assignment(self.session, case)) is not None \
                    and any(m.user_id == user.id for m in letter.members):
                text = (f"Anda ditugaskan dalam Surat Tugas {letter.number} untuk kasus {case.case_number}; "
                        f"langkah {s.number} ({s.title}) batas waktu {self.when(run.due_at)}.")
                sent.append(self.send(user, Kind.ASSIGNED, case, text, text))
            else:
                text = self._waiting(case, run)
                sent.append(self.send(user, Kind.WAITING, case, text, text))
        return [n for n in sent if n is not None]

    def high_risk(self, case: Case, actor: User, assessment_id: int) -> list[Notification]:
        """A victim's risk assessment says tinggi: whoever may issue the emergency referral is told, once per
        assessment."""
        text = (f"Risiko tinggi dicatat untuk korban kasus {case.case_number}: layanan darurat lebih dahulu; "
                "rujukan darurat dapat diterbitkan dari halaman kasus.")
        sent = [self.send(u, Kind.HIGH_RISK, case, text, text, key=f"{Kind.HIGH_RISK}:{assessment_id}:{u.id}")
                for u in users_with_role(self.session, EMERGENCY_REFERRAL.role) if u.id != actor.id]
        return [n for n in sent if n is not None]

    # ------------------------------------------------------------------ reminders (flask remind)
    def remind(self, now: dt.datetime | None = None) -> list[Notification]:
        """Due-soon, due-tomorrow and overdue notices for every open step run, each once per run and person."""
        now = now or self.clock()
        rows = self.session.execute(
            select(CaseStep, Case).join(Case, Case.id == CaseStep.case_id)
            .where(Case.status == CaseStatus.OPEN, CaseStep.completed_at.is_(None), CaseStep.step_no == Case.current_step)
            .order_by(CaseStep.due_at)
        ).all()
        sent: list[Notification | None] = []
        heads = None
        for run, case in rows:
            s = step(run.step_no)
            actors = actors_of_current_step(self.session, case)
            if now >= run.due_at:
                heads = heads if heads is not None else users_with_role(self.session, RoleCode.KEPALA)
                text = (f"Langkah {s.number} ({s.title}) kasus {case.case_number} melewati batas waktu "
                        f"{self.when(run.due_at)}.")
                sent += [self.send(u, Kind.OVERDUE, case, text, text, key=f"{Kind.OVERDUE}:{run.id}:{u.id}")
                         for u in _unique([*actors, *heads])]
            elif s.time_standard.unit is TimeUnit.MINUTES and run.due_at - now <= DUE_SOON:
                text = (f"Kasus {case.case_number} jatuh tempo 5 menit lagi di langkah {s.number} ({s.title}), "
                        f"batas waktu {self.when(run.due_at)}.")
                sent += [self.send(u, Kind.DUE_SOON, case, text, text, key=f"{Kind.DUE_SOON}:{run.id}:{u.id}")
                         for u in actors]
            elif s.time_standard.unit is TimeUnit.WORKING_DAYS and (
                    run.due_at.astimezone(self.zone).date() - now.astimezone(self.zone).date() == dt.timedelta(days=1)):
                text = (f"Kasus {case.case_number} jatuh tempo besok di langkah {s.number} ({s.title}), "
                        f"batas waktu {self.when(run.due_at)}.")
                sent += [self.send(u, Kind.DUE_TOMORROW, case, text, text,
                                   key=f"{Kind.DUE_TOMORROW}:{run.id}:{u.id}") for u in actors]
        return [n for n in sent if n is not None]

    # ------------------------------------------------------------------ the head's daily digest (flask remind)
    def daily_digest(self, at: dt.time | None, now: dt.datetime | None = None) -> list[Notification]:
        """Once a day at `at` (local time) or the first run after it: each head gets the day's figures, counts
        only (nothing that names a case or a victim, so the copy may leave the app as it is)."""
        now = now or self.clock()
        local = now.astimezone(self.zone)
        if at is None or local.time() < at:
            return []
        open_runs = (select(CaseStep.due_at).join(Case, Case.id == CaseStep.case_id)
                     .where(Case.status == CaseStatus.OPEN, CaseStep.completed_at.is_(None),
                            CaseStep.step_no == Case.current_step).subquery())
        end_of_day = dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time(), tzinfo=self.zone)
        overdue, due_today = self.session.execute(select(
            func.count().filter(open_runs.c.due_at <= now),
            func.count().filter(open_runs.c.due_at > now, open_runs.c.due_at < end_of_day))).one()
        open_cases = self.session.execute(
            select(func.count()).select_from(Case).where(Case.status == CaseStatus.OPEN)).scalar_one()
        new_cases = self.session.execute(select(func.count()).select_from(Case).where(
            Case.received_at > now - dt.timedelta(days=1))).scalar_one()
        sent = []
        for head in users_with_role(self.session, RoleCode.KEPALA):
            mine = my_work_clause(head)
            waiting = 0 if mine is None else self.session.execute(
                select(func.count()).select_from(Case).where(mine)).scalar_one()
            text = (f"Ringkasan harian {local:%d-%m-%Y}: {open_cases} kasus terbuka, "
                    f"{waiting} menunggu Anda, {overdue} langkah melewati batas waktu, {due_today} jatuh tempo "
                    f"hari ini, {new_cases} laporan baru dalam 24 jam terakhir.")
            sent.append(self.send(head, Kind.DIGEST, None, text, text,
                                  key=f"{Kind.DIGEST}:{local.date().isoformat()}:{head.id}"))
        return [n for n in sent if n is not None]

    # ------------------------------------------------------------------ one notification and its copies
    def send(self, user: User, kind: str, case: Case | None, text: str, external: str, *,
             key: str | None = None) -> Notification | None:
        """Store the notification and queue its copies for the channels the user chose; None if `key` was sent.
        Without a case (the digest) it leads to the dashboard."""
        if key is not None and self.session.execute(select(exists().where(Notification.key == key))).scalar():
            return None
        link = CASE_LINK.format(case_id=case.id) if case is not None else DASHBOARD_LINK
        notification = Notification(recipient_id=user.id, kind=kind, case_id=case.id if case else None, text=text,
                                    link=link, key=key, created_at=self.clock())
        about = case.case_number if case is not None else f"{self.clock().astimezone(self.zone):%d-%m-%Y}"
        subject = f"[Jangkau] {KIND_LABELS.get(kind, 'Pemberitahuan')} - {about}"
        for channel, wanted, address in ((Channel.EMAIL, user.notify_email, user.email),
                                         (Channel.WEBHOOK, user.notify_whatsapp, user.phone)):
            if wanted and address:
                notification.outbox.append(OutboxMessage(channel=channel, address=address, subject=subject,
                                                         body=external, next_attempt_at=self.clock()))
        self.session.add(notification)
        self.session.flush()
        return notification


def _open_run(case: Case) -> CaseStep | None:
    runs = [r for r in case.steps if r.step_no == case.current_step and r.completed_at is None]
    return max(runs, key=lambda r: r.attempt) if runs else None


def _assignment_step() -> int:
    return step_issuing(letter_type_code(AssignmentLetter)).number


def _unique(users: Iterable[User]) -> list[User]:
    return list({u.id: u for u in users}.values())
