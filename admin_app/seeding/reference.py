"""Idempotent loading of the reference data in `seeds/`: rows are matched by their natural key, missing ones
are added, existing ones are left as the administrator edited them."""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from admin_app.models import (
    REFERENCE_LISTS,
    ROLE_LABELS,
    LetterType,
    Region,
    RegionLevel,
    RiskIndicator,
    Role,
    RoleCode,
    Setting,
)
from admin_app.seeding.templates import load_default_templates
from admin_app.settings import SETTINGS

DEFAULT_SEEDS_DIR = Path(__file__).resolve().parents[2] / "seeds"

ROLE_DESCRIPTIONS = {
    RoleCode.PETUGAS: "Menerima informasi kasus, melakukan penjangkauan, mengisi formulir lapangan, melapor.",
    RoleCode.KEPALA: "Memberi instruksi penjangkauan (Surat Tugas) dan instruksi tindak lanjut.",
    RoleCode.ADMINISTRASI: "Mencatat kasus ke Simfoni PPA dan menyimpan berkas.",
    RoleCode.SYSADMIN: "Mengelola pengguna, data referensi dan templat; tidak melihat data korban.",
}


@dataclass
class SeedReport:
    added: dict[str, int] = field(default_factory=dict)

    def count(self, what: str, n: int = 1) -> None:
        self.added[what] = self.added.get(what, 0) + n

    def __str__(self) -> str:
        if not any(self.added.values()):
            return "Data referensi sudah lengkap; tidak ada yang ditambahkan."
        return "Ditambahkan: " + ", ".join(f"{k} {v}" for k, v in self.added.items() if v)


def seeds_dir() -> Path:
    return Path(os.environ.get("JANGKAU_SEEDS_DIR", DEFAULT_SEEDS_DIR))


def _rows(name: str) -> list[dict[str, str]]:
    with open(seeds_dir() / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def load_roles(session: Session, report: SeedReport) -> None:
    existing = set(session.execute(select(Role.code)).scalars())
    for code in RoleCode:
        if code.value not in existing:
            session.add(Role(code=code.value, name=ROLE_LABELS[code], description=ROLE_DESCRIPTIONS[code]))
            report.count("peran")


def load_reference_values(session: Session, report: SeedReport) -> None:
    by_list = {cls.__mapper__.polymorphic_identity: cls for cls in REFERENCE_LISTS}
    for row in _rows("reference_values.csv"):
        cls = by_list.get(row["list_code"])
        if cls is None:
            raise ValueError(f"reference_values.csv: daftar tidak dikenal {row['list_code']!r}")
        found = session.execute(select(cls.id).where(cls.code == row["code"])).scalar_one_or_none()
        if found is None:
            session.add(cls(code=row["code"], label=row["label"], sort_order=int(row["sort_order"])))
            report.count("nilai referensi")


def load_regions(session: Session, report: SeedReport) -> None:
    known = dict(session.execute(select(Region.code, Region)).all())
    for row in _rows("regions.csv"):  # parents come before children in the file
        if row["code"] in known:
            continue
        parent = known.get(row["parent_code"]) if row["parent_code"] else None
        region = Region(code=row["code"], name=row["name"], level=RegionLevel(row["level"]), parent=parent)
        session.add(region)
        known[row["code"]] = region
        report.count("wilayah")


def load_risk_indicators(session: Session, report: SeedReport) -> None:
    existing = set(session.execute(select(RiskIndicator.code)).scalars())
    for row in _rows("risk_indicators.csv"):
        if row["code"] not in existing:
            session.add(
                RiskIndicator(
                    code=row["code"],
                    label=row["label"],
                    weight=int(row["weight"]),
                    forces_high=row["forces_high"] == "1",
                    sort_order=int(row["sort_order"]),
                )
            )
            report.count("indikator risiko")


def load_letter_types(session: Session, report: SeedReport) -> None:
    existing = set(session.execute(select(LetterType.code)).scalars())
    for row in _rows("letter_types.csv"):
        if row["code"] not in existing:
            session.add(
                LetterType(
                    code=row["code"],
                    name=row["name"],
                    classification=row["classification"],
                    number_pattern=row["number_pattern"],
                )
            )
            report.count("jenis surat")


def load_settings(session: Session, report: SeedReport) -> None:
    existing = set(session.execute(select(Setting.key)).scalars())
    for definition in SETTINGS:
        if definition.key not in existing:
            session.add(Setting(key=definition.key, value=definition.default, description=definition.description))
            report.count("pengaturan")


def load_reference_data(session: Session) -> SeedReport:
    report = SeedReport()
    for loader in (load_roles, load_reference_values, load_regions, load_risk_indicators, load_letter_types, load_settings,
                   load_default_templates):
        loader(session, report)
        session.flush()
    return report
