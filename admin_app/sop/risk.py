"""Risk level from the checklist: the sum of the weights of the indicators present, with thresholds from the
settings; an indicator marked `forces_high` makes the level high on its own. The officer may raise the level;
lowering it needs a written reason (never lowered silently)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from admin_app.models import RiskLevel


@dataclass(frozen=True)
class IndicatorAnswer:
    weight: int
    forces_high: bool
    present: bool


@dataclass(frozen=True)
class RiskThresholds:
    high: int = 50
    medium: int = 20


def risk_score(answers: Iterable[IndicatorAnswer]) -> int:
    return sum(a.weight for a in answers if a.present)


def computed_level(answers: Iterable[IndicatorAnswer], thresholds: RiskThresholds) -> RiskLevel:
    answers = list(answers)
    if any(a.present and a.forces_high for a in answers):
        return RiskLevel.TINGGI
    score = risk_score(answers)
    if score >= thresholds.high:
        return RiskLevel.TINGGI
    if score >= thresholds.medium:
        return RiskLevel.SEDANG
    return RiskLevel.RENDAH


def level_change_problem(computed: RiskLevel, final: RiskLevel | None, reason: str | None) -> str | None:
    """A message when the officer lowers the level without a reason; None when the choice is acceptable."""
    if final is None or final.rank >= computed.rank:
        return None
    if reason and len(reason.strip()) >= 5:
        return None
    return (
        f"Tingkat risiko hasil perhitungan adalah {computed.value}. Menurunkan tingkat risiko menjadi "
        f"{final.value} wajib disertai alasan."
    )
