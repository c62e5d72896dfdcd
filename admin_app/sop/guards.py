"""Who may act on a case now: the checks every transition and every edit runs first, in this order: the actor's
role for the step, the case's current step, that the actor may act on this case (the step's `Actor` rule: the
registrant, the team of the Surat Tugas, or anyone of the role who may see the case). All read the step table."""

from __future__ import annotations

from sqlalchemy.orm import Session

from admin_app.models import Case, CaseStatus, RoleCode, User
from admin_app.models.users import ROLE_LABELS
from admin_app.sop.access import can_view_case, is_on_team
from admin_app.sop.errors import ProcessError
from admin_app.sop.steps import EDIT_PEOPLE, Actor, Step, StepAction, editable_in, step

MSG_FINISHED = "Kasus ini sudah selesai diproses menurut SOP; tidak ada langkah yang dapat dilakukan."


class Guards:
    def __init__(self, session: Session):
        self.session = session

    def require_role(self, user: User, role: RoleCode) -> None:
        if not user.has_role(role):
            raise ProcessError(f"Langkah ini hanya dapat dilakukan oleh {ROLE_LABELS[role]}.")

    def require_open(self, case: Case) -> None:
        if case.status != CaseStatus.OPEN:
            raise ProcessError(MSG_FINISHED)

    def require_open_step(self, case: Case, number: int) -> None:
        self.require_open(case)
        if case.current_step != number:
            raise ProcessError(
                f"Kasus sedang berada pada langkah {case.current_step} ({step(case.current_step).title}); "
                f"langkah {number} tidak dapat dilakukan sekarang."
            )

    def require_visible(self, user: User, case: Case) -> None:
        if not can_view_case(self.session, user, case.id):
            raise ProcessError("Anda tidak berwenang atas kasus ini.")

    def require_team(self, user: User, case: Case) -> None:
        if not is_on_team(self.session, user, case.id):
            raise ProcessError("Hanya petugas yang ditugaskan dalam Surat Tugas kasus ini yang dapat melakukan langkah ini.")

    def require_actor(self, user: User, case: Case, s: Step) -> None:
        """The step's `Actor` rule for this user and case."""
        if s.actor is Actor.TEAM:
            self.require_team(user, case)
        elif s.actor is Actor.REGISTRANT:
            # After a return to the first step, the team of the Surat Tugas may correct it too.
            if case.registered_by_id != user.id and not is_on_team(self.session, user, case.id):
                raise ProcessError("Hanya petugas yang mencatat informasi kasus ini yang dapat mengajukannya.")
        else:
            self.require_visible(user, case)

    def step_action(self, user: User, case: Case, number: int) -> None:
        """May `user` take the completing action of step `number` on `case` now?"""
        s = step(number)
        self.require_role(user, s.role)
        self.require_open_step(case, number)
        self.require_actor(user, case, s)

    def side_action(self, user: User, case: Case, action: StepAction) -> None:
        """A side action (e.g. an emergency referral) is offered during the steps that declare it."""
        self.require_open(case)
        current = step(case.current_step)
        if action not in current.side_actions:
            where = ", ".join(str(s.number) for s in _steps_offering(action))
            raise ProcessError(f"{action.label} hanya dapat dilakukan pada langkah {where}.")
        self.require_role(user, action.role or current.role)
        self.require_visible(user, case)

    def editable(self, user: User, case: Case, code: str, *, what: str) -> None:
        """May `user` change `code` (a field document, or an EDIT_* area) of `case` now? `what` names it for the
        messages, e.g. "Dokumen ini"."""
        steps = editable_in(code)
        roles = list(dict.fromkeys(s.role for s in steps))
        if not any(user.has_role(r) for r in roles):
            raise ProcessError(f"{what} diisi oleh {' atau '.join(ROLE_LABELS[r] for r in roles)} yang ditugaskan.")
        if case.status != CaseStatus.OPEN:
            raise ProcessError(f"Kasus sudah selesai; {what[0].lower() + what[1:]} tidak dapat diubah lagi.")
        current = next((s for s in steps if s.number == case.current_step), None)
        if current is None:
            where = " atau ".join(str(s.number) for s in steps)
            raise ProcessError(
                f"{what} hanya dapat diisi atau diubah pada langkah {where}; kasus sedang pada langkah {case.current_step}."
            )
        self.require_role(user, current.role)
        if code == EDIT_PEOPLE and current.actor is Actor.REGISTRANT and case.registered_by_id != user.id:
            raise ProcessError("Hanya petugas yang mencatat informasi kasus ini yang dapat mengubahnya.")
        self.require_actor(user, case, current)


def _steps_offering(action: StepAction) -> list[Step]:
    from admin_app.sop.steps import STEPS

    return [s for s in STEPS if action in s.side_actions]
