"""How every screen reads: one declaration of the Indonesian label of each column, and one formatter per type.

`SecureModelView` picks these up for every list, details page, form and export, so a view declares only what is
particular to it. Values read as people read them: enums by their label (Laki-laki, Lengkap), booleans Ya /
Tidak, dates `2 Desember 2026`, times in office time without seconds (`02-12-2026 08:01 WIB`), people by name,
nothing as `None`.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from markupsafe import Markup

from admin_app.documents.formatting import ZONE_NAMES, tanggal_indonesia
from admin_app.models import (
    AUTHORITY_LABELS,
    GRANT_STATUS_LABELS,
    OUTCOME_LABELS,
    ROLE_LABELS,
    CaseKind,
    CaseStatus,
    ConsentDecision,
    ConsentPurpose,
    DocumentStatus,
    GrantStatus,
    LetterNature,
    LetterStatus,
    Nationality,
    PlanItemStatus,
    RegionLevel,
    RiskLevel,
    RoleCode,
    Sex,
    TransitionAction,
    Urgency,
)
from admin_app.models.cases import OutcomeKind
from admin_app.models.letters import Authority
from admin_app.views.request_policy import unit_zone

EMPTY = "-"

ENUM_LABELS: dict[type[enum.Enum], dict[Any, str]] = {
    Sex: {Sex.LAKI_LAKI: "Laki-laki", Sex.PEREMPUAN: "Perempuan"},
    Nationality: {Nationality.WNI: "WNI", Nationality.WNA: "WNA"},
    CaseStatus: {CaseStatus.OPEN: "Dalam proses", CaseStatus.FINISHED: "Selesai"},
    Urgency: {Urgency.BIASA: "Biasa", Urgency.SEGERA: "Segera", Urgency.DARURAT: "Darurat"},
    DocumentStatus: {DocumentStatus.DRAFT: "Draf", DocumentStatus.COMPLETE: "Lengkap"},
    RiskLevel: {RiskLevel.RENDAH: "Rendah", RiskLevel.SEDANG: "Sedang", RiskLevel.TINGGI: "Tinggi"},
    CaseKind: {CaseKind.KTP: "KTP (Kekerasan Terhadap Perempuan)", CaseKind.KTA: "KTA (Kekerasan Terhadap Anak)"},
    ConsentPurpose: {ConsentPurpose.SERVICE: "Persetujuan layanan",
                     ConsentPurpose.PLAN: "Persetujuan rencana intervensi"},
    ConsentDecision: {ConsentDecision.GIVEN: "Setuju", ConsentDecision.REFUSED: "Menolak"},
    PlanItemStatus: {PlanItemStatus.PLANNED: "Direncanakan", PlanItemStatus.IN_PROGRESS: "Berjalan",
                     PlanItemStatus.DONE: "Selesai", PlanItemStatus.CANCELLED: "Batal"},
    LetterStatus: {LetterStatus.ISSUED: "Terbit", LetterStatus.CANCELLED: "Dibatalkan"},
    LetterNature: {n: n.value for n in LetterNature},
    Authority: AUTHORITY_LABELS,
    OutcomeKind: OUTCOME_LABELS,
    TransitionAction: {TransitionAction.SUBMIT: "Diajukan ke langkah berikutnya",
                       TransitionAction.RETURN: "Dikembalikan", TransitionAction.FINISH: "Selesai"},
    RegionLevel: {RegionLevel.PROVINSI: "Provinsi", RegionLevel.KOTA: "Kota", RegionLevel.KECAMATAN: "Kecamatan",
                  RegionLevel.KELURAHAN: "Kelurahan"},
    GrantStatus: GRANT_STATUS_LABELS,
    RoleCode: ROLE_LABELS,
}


def enum_label(value: enum.Enum | None) -> str:
    if value is None:
        return EMPTY
    return ENUM_LABELS.get(type(value), {}).get(value) or str(value.value)


def enum_choices(enum_cls: type[enum.Enum], *, exclude: tuple = ()) -> list[tuple[str, str]]:
    """(value, label) pairs for a select field or a filter."""
    return [(m.value, ENUM_LABELS[enum_cls][m]) for m in enum_cls if m not in exclude]


def yes_no(value: bool | None) -> str:
    return "Ya" if value else "Tidak"


def date_text(value: dt.date | None) -> str:
    return tanggal_indonesia(value) if value else EMPTY


def time_text(value: dt.datetime | None, zone) -> str:
    """`02-12-2026 08:01 WIB`: office time, no seconds, the zone named as staff know it."""
    if value is None:
        return EMPTY
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    local = value.astimezone(zone)
    return f"{local:%d-%m-%Y %H:%M} {ZONE_NAMES.get(str(zone), local.tzname() or '')}".strip()


def _zone():
    return unit_zone()


def _list(view, values, name):
    return ", ".join(str(v) for v in values) or EMPTY


TYPE_FORMATTERS = {
    type(None): lambda view, value, name: EMPTY,
    bool: lambda view, value, name: yes_no(value),
    enum.Enum: lambda view, value, name: enum_label(value),
    dt.datetime: lambda view, value, name: time_text(value, _zone()),
    dt.date: lambda view, value, name: date_text(value),
    list: _list,
    tuple: _list,
}
EXPORT_FORMATTERS = {**TYPE_FORMATTERS, type(None): lambda view, value, name: ""}


# The Indonesian label of a column, by its name: the same name means the same thing on every screen.
COMMON_LABELS = {
    "id": "Nomor",
    "case": "Kasus",
    "case_id": "Kasus",
    "victim": "Korban",
    "status": "Status",
    "created_at": "Dibuat",
    "updated_at": "Diubah",
    "completed_at": "Ditandai lengkap",
    "filled_by": "Diisi oleh",
    "version": "Versi data",
    "notes": "Catatan",
    "note": "Catatan",
    "description": "Keterangan",
    "active": "Aktif",
    "sort_order": "Urutan",
    "code": "Kode",
    "label": "Label",
    "name": "Nama",
    "full_name": "Nama lengkap",
    "alias": "Nama panggilan/alias",
    "sex": "Jenis kelamin",
    "birth_place": "Tempat lahir",
    "birth_date": "Tanggal lahir",
    "age_estimate": "Perkiraan umur (tahun)",
    "nik": "NIK",
    "family_card_number": "Nomor KK",
    "phone": "Nomor telepon",
    "nationality": "Kewarganegaraan",
    "address": "Alamat (jalan, nomor rumah)",
    "rt": "RT",
    "rw": "RW",
    "region": "Kelurahan (Kota Tangerang)",
    "address_outside_city": "Alamat di luar Kota Tangerang",
    "religion": "Agama",
    "education": "Pendidikan",
    "occupation": "Pekerjaan",
    "marital_status": "Status perkawinan",
    "user": "Pengguna",
    "role": "Peran",
    "roles": "Peran",
    "date": "Tanggal",
    "value": "Nilai",
    "key": "Nama pengaturan",
}

# Never shown: machine fields (the row version travels as a hidden form field; ids and hashes are internal).
HIDDEN_COLUMNS = ("version", "nik_hash", "password_hash", "session_version", "totp_secret", "totp_last_counter",
                  "list_code", "content")


def person(value) -> str:
    return getattr(value, "full_name", None) or (str(value) if value is not None else EMPTY)


def badge(text: str, kind: str = "secondary") -> Markup:
    from markupsafe import escape

    return Markup(f'<span class="badge badge-{kind}">{escape(text)}</span>')
