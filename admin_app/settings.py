"""Settings the administrator may change without a programmer: what they are, their defaults, their checks.

Values live in the `settings` table; a missing row means the default. This module sits below `sop` and
`documents` (it imports only the models), so both read settings from one place: the time policies and the risk
thresholds (read into policies by `sop.policy`), the letterhead and signature lines (read by `documents`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from typing import Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.orm import Session

from admin_app.models import Setting


class SettingError(ValueError):
    pass


class MinutesPolicy(str, Enum):
    WALL_CLOCK = "jam_dinding"  # minutes run day and night, every day (DOMAIN default)
    WORKING_DAYS_ONLY = "hari_kerja"  # a clock started on a day off starts at the next working day's beginning


class DaysPolicy(str, Enum):
    WORKING_DAYS = "hari_kerja"  # skip weekends, national holidays and cuti bersama (DOMAIN default)
    CALENDAR_DAYS = "hari_kalender"


# How a policy reads on the settings screen.
CHOICE_LABELS = {
    MinutesPolicy.WALL_CLOCK: "Jam dinding (terus berjalan siang-malam, juga hari libur)",
    MinutesPolicy.WORKING_DAYS_ONLY: "Mulai pada hari kerja berikutnya bila informasi masuk pada hari libur",
    DaysPolicy.WORKING_DAYS: "Hari kerja (tanpa Sabtu, Minggu, libur nasional dan cuti bersama)",
    DaysPolicy.CALENDAR_DAYS: "Hari kalender",
}


def _choice(enum_cls) -> Callable[[str], str]:
    def check(value: str) -> str:
        value = value.strip()
        allowed = [m.value for m in enum_cls]
        if value not in allowed:
            raise SettingError("Pilih salah satu: " + "; ".join(CHOICE_LABELS[m] for m in enum_cls) + ".")
        return value

    check.choices = [(m.value, CHOICE_LABELS[m]) for m in enum_cls]  # type: ignore[attr-defined]
    return check


def _timezone(value: str) -> str:
    value = value.strip()
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingError("Zona waktu tidak dikenal (contoh yang benar: Asia/Jakarta).") from None
    return value


def _text(max_len: int) -> Callable[[str], str]:
    def check(value: str) -> str:
        value = value.strip()
        if not value:
            raise SettingError("Nilai tidak boleh kosong.")
        if len(value) > max_len:
            raise SettingError(f"Nilai paling panjang {max_len} karakter.")
        return value

    return check


def _optional(max_len: int, pattern: str | None = None, message: str = "") -> Callable[[str], str]:
    """A value that may be left empty (nothing is printed for it); when given, `pattern` must match."""
    def check(value: str) -> str:
        value = (value or "").strip()
        if len(value) > max_len:
            raise SettingError(f"Nilai paling panjang {max_len} karakter.")
        if value and pattern and not re.fullmatch(pattern, value):
            raise SettingError(message)
        return value

    return check


def _int_range(low: int, high: int) -> Callable[[str], str]:
    def check(value: str) -> str:
        value = value.strip()
        if not value.isdigit() or not low <= int(value) <= high:
            raise SettingError(f"Nilai harus bilangan bulat dari {low} sampai {high}.")
        return str(int(value))

    return check


def _lines(max_len: int) -> Callable[[str], str]:
    """Several lines (e.g. the Dasar of a letter): blank lines dropped, at least one kept."""
    def check(value: str) -> str:
        lines = [line.strip() for line in (value or "").splitlines() if line.strip()]
        if not lines:
            raise SettingError("Isi minimal satu baris.")
        joined = "\n".join(lines)
        if len(joined) > max_len:
            raise SettingError(f"Nilai paling panjang {max_len} karakter.")
        return joined

    return check


# The legal basis printed under "Dasar" on the Surat Tugas, one per line (the case's own line is added below them).
ASSIGNMENT_BASIS = (
    "Undang-Undang Nomor 23 Tahun 2004 tentang Penghapusan Kekerasan Dalam Rumah Tangga;",
    "Undang-Undang Nomor 35 Tahun 2014 tentang Perlindungan Anak;",
    "Peraturan Presiden Nomor 55 Tahun 2024 tentang Unit Pelaksana Teknis Daerah Perlindungan Perempuan dan Anak;",
    "Peraturan Menteri Pemberdayaan Perempuan dan Perlindungan Anak Nomor 2 Tahun 2022 tentang Standar Layanan "
    "Perlindungan Perempuan dan Anak;",
    "Peraturan Wali Kota Tangerang Nomor 31 Tahun 2022 tentang Pembentukan, Kedudukan, Susunan Organisasi, Tugas, "
    "Fungsi, dan Tata Kerja Unit Pelaksana Teknis Daerah Perlindungan Perempuan dan Anak;",
    "Standar Operasional Prosedur Nomor 695 Tahun 2025 tentang Layanan Penjangkauan Korban;",
)


DIGEST_SETTING = "pemberitahuan.ringkasan_harian"  # the head's daily digest time (flask remind)


@dataclass(frozen=True)
class SettingDef:
    key: str
    default: str
    description: str
    check: Callable[[str], str]


SETTINGS: tuple[SettingDef, ...] = (
    SettingDef(
        "waktu.kebijakan_menit",
        MinutesPolicy.WALL_CLOCK.value,
        "Cara menghitung mutu baku dalam menit: terus berjalan (layanan darurat), atau mulai pada hari kerja "
        "berikutnya bila informasi masuk pada hari libur.",
        _choice(MinutesPolicy),
    ),
    SettingDef(
        "waktu.kebijakan_hari",
        DaysPolicy.WORKING_DAYS.value,
        "Cara menghitung mutu baku dalam hari: hari kerja (tanpa Sabtu, Minggu, libur nasional dan cuti bersama) "
        "atau hari kalender.",
        _choice(DaysPolicy),
    ),
    SettingDef("waktu.zona", "Asia/Jakarta", "Zona waktu kantor untuk tanggal dan batas waktu.", _timezone),
    SettingDef(DIGEST_SETTING, "07:30",
               "Jam ringkasan harian untuk kepala unit (JJ:MM, waktu kantor): kasus terbuka, yang menunggu, yang "
               "terlambat dan yang jatuh tempo hari ini. Kosongkan bila ringkasan tidak dikirim.",
               _optional(5, r"([01]\d|2[0-3]):[0-5]\d", "Isi jam dengan format JJ:MM, mis. 07:30.")),
    SettingDef(
        "risiko.ambang_tinggi",
        "50",
        "Skor asesmen risiko (jumlah bobot indikator) mulai dari nilai ini berarti risiko tinggi.",
        _int_range(1, 1000),
    ),
    SettingDef(
        "risiko.ambang_sedang",
        "20",
        "Skor asesmen risiko mulai dari nilai ini (dan di bawah ambang tinggi) berarti risiko sedang.",
        _int_range(1, 1000),
    ),
    SettingDef("kop.pemerintah", "PEMERINTAH KOTA TANGERANG", "Baris pertama kop surat.", _text(150)),
    SettingDef(
        "kop.dinas",
        "DINAS PEMBERDAYAAN PEREMPUAN, PERLINDUNGAN ANAK, PENGENDALIAN PENDUDUK DAN KELUARGA BERENCANA",
        "Baris kedua kop surat.",
        _text(200),
    ),
    SettingDef("kop.unit", "UPTD PERLINDUNGAN PEREMPUAN DAN ANAK", "Baris ketiga kop surat.", _text(150)),
    SettingDef(
        "kop.alamat",
        "Jl. Satria Sudirman No. 1, Sukaasih, Kec. Tangerang, Kota Tangerang, Banten",
        "Alamat pada kop surat.",
        _text(250),
    ),
    SettingDef("kop.kode_pos", "15111", "Kode pos kantor pada kop surat (kosongkan bila tidak dicetak).",
               _optional(5, r"\d{5}", "Kode pos terdiri dari 5 angka.")),
    SettingDef("kop.telepon", "", "Nomor telepon kantor pada kop surat, mis. (021) 5555 1234 (kosongkan bila tidak ada).",
               _optional(60, r"[0-9()+\-\s./,a-zA-Z]+", "Nomor telepon hanya memuat angka, spasi, tanda kurung, +, - "
                         "dan titik.")),
    SettingDef("kop.email", "", "Alamat pos-el (e-mail) kantor pada kop surat (kosongkan bila tidak ada).",
               _optional(120, r"[^@\s]+@[^@\s]+\.[^@\s]+", "Alamat pos-el tidak valid (contoh: uptdppa@contoh.go.id).")),
    SettingDef("surat.tempat", "Tangerang", "Tempat penandatanganan surat.", _text(60)),
    SettingDef(
        "surat.jabatan_kepala",
        "Kepala UPTD PPA Kota Tangerang",
        "Jabatan kepala unit pada tanda tangan surat (juga setelah a.n., Plt. dan Plh.).",
        _text(150),
    ),
    SettingDef(
        "surat.dasar_tugas",
        "\n".join(ASSIGNMENT_BASIS),
        "Dasar hukum pada Surat Tugas, satu per baris (baris informasi kasus ditambahkan otomatis).",
        _lines(4000),
    ),
)

SETTINGS_BY_KEY = {s.key: s for s in SETTINGS}


def validate_setting(key: str, value: str | None) -> str:
    definition = SETTINGS_BY_KEY.get(key)
    if definition is None:
        raise SettingError("Pengaturan ini tidak dikenal.")
    return definition.check(value or "")


def get_setting(session: Session, key: str) -> str:
    value = session.execute(select(Setting.value).where(Setting.key == key)).scalar_one_or_none()
    return value if value is not None else SETTINGS_BY_KEY[key].default


def choices_of(key: str) -> list[tuple[str, str]] | None:
    """(value, label) of a setting that is one of a list; None for free values."""
    definition = SETTINGS_BY_KEY.get(key)
    return getattr(definition.check, "choices", None) if definition else None


def value_label(key: str, value: str | None) -> str:
    return dict(choices_of(key) or []).get(value or "", value or "-")


def get_settings(session: Session, keys) -> dict[str, str]:
    """Several settings in one query, defaults filled in."""
    keys = list(keys)
    stored = dict(session.execute(select(Setting.key, Setting.value).where(Setting.key.in_(keys))).all())
    return {key: stored.get(key, SETTINGS_BY_KEY[key].default) for key in keys}


def default_settings(keys) -> dict[str, str]:
    return {key: SETTINGS_BY_KEY[key].default for key in keys}
