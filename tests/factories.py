"""Test factories: the unit's staff (`Team`), a clock the test moves (`MovableClock`) and `CaseBuilder`, which
writes realistic cases and moves them through the SOP with the real engine (the demo seed writes its cases the
same way, through `admin_app.seeding.casework`)."""

from __future__ import annotations

from admin_app.seeding.casework import CaseWriter, SettableClock, Team

__all__ = ["CaseBuilder", "MovableClock", "Team"]


class MovableClock(SettableClock):
    """A clock set by the test: `clock.now = ...` or `clock.advance(minutes=5)`."""


class CaseBuilder(CaseWriter):
    """`register()` a case at step 1, `walk(case, n)` it to step n (past the last step: finished),
    `fill_field_documents(case, officer, high_risk=..., consent_sharing=...)` for step 3."""
