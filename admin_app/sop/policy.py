"""The policies the engine runs under, read from the administrator's settings: how time standards are counted
(with the holiday overrides) and the risk thresholds."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from admin_app.models import HolidayOverride, Setting
from admin_app.settings import SETTINGS_BY_KEY, DaysPolicy, MinutesPolicy, get_setting
from admin_app.sop.deadlines import DeadlinePolicy, WorkingCalendar
from admin_app.sop.risk import RiskThresholds


def load_risk_thresholds(session: Session) -> RiskThresholds:
    high = int(get_setting(session, "risiko.ambang_tinggi"))
    medium = int(get_setting(session, "risiko.ambang_sedang"))
    return RiskThresholds(high=high, medium=min(medium, high))


class HolidayOverrides(Mapping):
    """The administrator's holiday overrides, read when a working day is first counted: most pages need the policy
    only for its time zone (a list's dates), and do not read them at all."""

    def __init__(self, session: Session):
        self._session = session
        self._loaded: dict[dt.date, bool] | None = None

    def _data(self) -> dict[dt.date, bool]:
        if self._loaded is None:
            self._loaded = dict(self._session.execute(select(HolidayOverride.date, HolidayOverride.is_holiday)).all())
        return self._loaded

    def __getitem__(self, day: dt.date) -> bool:
        return self._data()[day]

    def __iter__(self):
        return iter(self._data())

    def __len__(self) -> int:
        return len(self._data())


def load_deadline_policy(session: Session) -> DeadlinePolicy:
    values = dict(session.execute(select(Setting.key, Setting.value).where(Setting.key.like("waktu.%"))).all())
    overrides = HolidayOverrides(session)

    def value(key: str) -> str:
        return values.get(key, SETTINGS_BY_KEY[key].default)

    return DeadlinePolicy(
        timezone=value("waktu.zona"),
        minutes=MinutesPolicy(value("waktu.kebijakan_menit")),
        days=DaysPolicy(value("waktu.kebijakan_hari")),
        calendar=WorkingCalendar(overrides=overrides),
    )
