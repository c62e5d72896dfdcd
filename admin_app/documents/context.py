"""What each official document prints: one context builder per document type, and the registry of types.

A context is a plain dict of str / int / bool and lists of dicts of str: templates are written by staff, so they
must never receive a model object they could walk from (a Case reaches every table). Every builder is the same two
halves: `load_case_file` gathers rows from the database, and the per-type `_shape_*` function turns them into the
dict. Samples for previews run the very same `_shape_*` on rows built in memory, and the list of variables each
type provides is read from that output, so the variable list shown to staff cannot drift from what renders.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Callable, Iterable, Mapping, Sequence
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from admin_app.models import (
    AUTHORITY_LABELS,
    OUTCOME_LABELS,
    AmpkCategory,
    AssignmentLetter,
    AssignmentMember,
    Authority,
    BiopsychosocialAssessment,
    Case,
    CaseIdentification,
    CaseKind,
    Complaint,
    ConsentDecision,
    ConsentPurpose,
    Education,
    FollowUpInstruction,
    FollowUpRequest,
    IncidentPlace,
    InformedConsent,
    InstructionOutcome,
    IntakeChannel,
    InterventionPlan,
    InterventionPlanItem,
    Letter,
    LetterNature,
    LetterStatus,
    MaritalStatus,
    Occupation,
    OutcomeKind,
    Perpetrator,
    PerpetratorRelation,
    PlanItemStatus,
    ReferralLetter,
    Region,
    RegionLevel,
    Religion,
    Reporter,
    RiskAnswer,
    RiskAssessment,
    RiskIndicator,
    RiskLevel,
    ServiceType,
    Sex,
    SimfoniRecord,
    TransferLetter,
    Urgency,
    User,
    Victim,
    ViolenceType,
)
from admin_app.models.cases import PersonMixin
from admin_app.models.reference import ReferenceValue
from admin_app.settings import default_settings, get_settings

Context = dict[str, object]

# --- Indonesian formatting -------------------------------------------------------------------------------------

MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
          "November", "Desember")
DAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")  # date.weekday(): Monday is 0
EMPTY = "-"  # what a printed form shows for a field nobody filled
HEAD_POSITION = "Kepala UPTD PPA Kota Tangerang"  # the office a.n./Plt./Plh. signatures speak for
ZONE_NAMES = {"Asia/Jakarta": "WIB", "Asia/Pontianak": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}
# Who owns a case, as a letter names it ("... melainkan kewenangan UPTD PPA Provinsi Banten").
AUTHORITY_NAMES = {
    Authority.KOTA: "UPTD PPA Kota Tangerang",
    Authority.PROVINSI: "UPTD PPA Provinsi Banten",
    Authority.PUSAT: "Kementerian Pemberdayaan Perempuan dan Perlindungan Anak",
}
CASE_KIND_LABELS = {CaseKind.KTP: "KTP (Kekerasan Terhadap Perempuan)", CaseKind.KTA: "KTA (Kekerasan Terhadap Anak)"}

# The SOP's legal basis (Dasar Hukum) that an outreach assignment rests on, in the SOP's own words.
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


def tanggal_indonesia(day: dt.date | dt.datetime | None, *, with_day: bool = False) -> str:
    """`1 Agustus 2025`, or `Jumat, 1 Agustus 2025` with the day name; `-` when there is no date."""
    if day is None:
        return EMPTY
    text = f"{day.day} {MONTHS[day.month - 1]} {day.year}"
    return f"{DAYS[day.weekday()]}, {text}" if with_day else text


def format_nip(nip: str | None) -> str:
    """NIP as printed on letters: `19860926 201505 1 001` (birth date, appointment, sex, serial)."""
    if not nip:
        return EMPTY
    if len(nip) != 18 or not nip.isdigit():
        return nip
    return f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}"


def _text(value: object) -> str:
    if value is None:
        return EMPTY
    text = str(value).strip()
    return text or EMPTY


def _yes_no(value: bool | None) -> str:
    return "Ya" if value else "Tidak"


def _label(value: ReferenceValue | None) -> str:
    return value.label if value is not None else EMPTY


def _labels(values: Iterable[ReferenceValue]) -> str:
    return ", ".join(v.label for v in values) or EMPTY


def _sex(sex: Sex | None) -> str:
    return {Sex.PEREMPUAN: "Perempuan", Sex.LAKI_LAKI: "Laki-laki"}.get(sex, EMPTY) if sex else EMPTY


def _age(person: PersonMixin, on: dt.date) -> str:
    years = person.age_on(on)
    return f"{years} tahun" if years is not None else EMPTY


def _region(region: Region | None) -> str:
    """`Kelurahan Sukaasih, Kecamatan Tangerang, Kota Tangerang`, walking up the region tree."""
    prefixes = {RegionLevel.KELURAHAN: "Kelurahan", RegionLevel.KECAMATAN: "Kecamatan"}
    parts: list[str] = []
    while region is not None and region.level != RegionLevel.PROVINSI:
        prefix = prefixes.get(region.level)
        parts.append(f"{prefix} {region.name}" if prefix else region.name)
        region = region.parent
    return ", ".join(parts) or EMPTY


def _short_region(region: Region | None) -> str:
    """Kelurahan and kecamatan only: what an assignment letter says about where the victim is."""
    text = _region(region)
    return ", ".join(p for p in text.split(", ") if p.startswith(("Kelurahan", "Kecamatan"))) or text


def _address(person: PersonMixin) -> str:
    if person.address_outside_city:
        return ", ".join(p for p in (person.address, person.address_outside_city) if p)
    street = person.address or ""
    if person.rt or person.rw:
        street += f" RT {person.rt or EMPTY}/RW {person.rw or EMPTY}"
    parts = [street.strip(), _region(person.region) if person.region else ""]
    return ", ".join(p for p in parts if p) or EMPTY


def _birth(person: PersonMixin) -> str:
    if not person.birth_place and not person.birth_date:
        return EMPTY
    return f"{person.birth_place or EMPTY}, {tanggal_indonesia(person.birth_date)}"


def _enumerate_text(items: Sequence[str]) -> str:
    """`A`, `A dan B`, `A, B dan C`."""
    if len(items) <= 1:
        return "".join(items) or EMPTY
    return ", ".join(items[:-1]) + " dan " + items[-1]


def _numbered(lines: Iterable[str]) -> list[dict[str, str]]:
    return [{"no": str(i), "teks": line} for i, line in enumerate(lines, start=1)]


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _initials_described(victim: Victim, on: dt.date) -> str:
    """`R.A. (14 tahun, perempuan)`: how a letter leaving the office names a victim."""
    details = [d for d in (_age(victim, on), _sex(victim.sex).lower()) if d != EMPTY]
    return f"{victim.initials} ({', '.join(details)})" if details else victim.initials


def _redact(text: str | None, people: Sequence[PersonMixin]) -> str:
    """Replace victims' names inside free text with their initials.

    Letters that leave the office name victims by initials only, but chronology and condition are typed by staff
    and may carry a name; this is the safety net under that rule.
    """
    if not text or not text.strip():
        return EMPTY
    for person in people:
        names = [n for n in (person.full_name, person.alias) if n and n.strip()]
        tokens = {n.strip() for n in names}
        tokens |= {t for n in names for t in re.split(r"[\s.,]+", n) if len(t) >= 3}
        for token in sorted(tokens, key=len, reverse=True):  # the full name before its parts
            text = re.sub(rf"(?<!\w){re.escape(token)}(?!\w)", person.initials, text, flags=re.IGNORECASE)
    return text.strip()


def _level(level: RiskLevel | None) -> str:
    return level.value.capitalize() if level else EMPTY


# --- Gathering ---------------------------------------------------------------------------------------------------

SETTING_KEYS = ("kop.pemerintah", "kop.dinas", "kop.unit", "kop.alamat", "surat.tempat", "waktu.zona",
                "risiko.ambang_tinggi", "risiko.ambang_sedang")


@dataclass
class CaseFile:
    """Everything a document may print about one case, loaded once (or built in memory for samples)."""

    case: Case
    settings: Mapping[str, str]
    letter: Letter | None = None
    complaint: Complaint | None = None
    identifications: list[CaseIdentification] = field(default_factory=list)
    risk_assessments: list[RiskAssessment] = field(default_factory=list)
    consents: list[InformedConsent] = field(default_factory=list)
    biopsychosocial: BiopsychosocialAssessment | None = None
    plan: InterventionPlan | None = None
    simfoni: SimfoniRecord | None = None
    request: FollowUpRequest | None = None
    instruction: FollowUpInstruction | None = None

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.settings["waktu.zona"])

    @property
    def reference_day(self) -> dt.date:
        """Ages are taken at the incident (a child is under 18 then), else at the report."""
        return self.case.incident_date or self.case.reported_date

    def local(self, moment: dt.datetime) -> dt.datetime:
        return moment.astimezone(self.zone)


def load_case_file(session: Session, case: Case, letter: Letter | None = None) -> CaseFile:
    def one(model):
        return session.execute(select(model).where(model.case_id == case.id).order_by(model.id.desc())).scalars().first()

    def every(model):
        return list(session.execute(select(model).where(model.case_id == case.id).order_by(model.id)).scalars())

    return CaseFile(
        case=case,
        settings=get_settings(session, SETTING_KEYS),
        letter=letter,
        complaint=one(Complaint),
        identifications=every(CaseIdentification),
        risk_assessments=every(RiskAssessment),
        consents=every(InformedConsent),
        biopsychosocial=one(BiopsychosocialAssessment),
        plan=one(InterventionPlan),
        simfoni=one(SimfoniRecord),
        request=one(FollowUpRequest),  # the latest report, after any send-back
        instruction=one(FollowUpInstruction),
    )


# --- Shared parts of every context ------------------------------------------------------------------------------


def _common(f: CaseFile, now: dt.datetime) -> Context:
    return {
        "kop_pemerintah": f.settings["kop.pemerintah"],
        "kop_dinas": f.settings["kop.dinas"],
        "kop_unit": f.settings["kop.unit"],
        "kop_alamat": f.settings["kop.alamat"],
        "tempat": f.settings["surat.tempat"],
        "jabatan_kepala": HEAD_POSITION,
        "nomor_kasus": f.case.case_number,
        "tanggal_cetak": tanggal_indonesia(f.local(now)),
    }


def _signer(name: str | None, nip: str | None, rank: str | None, position: str | None, capacity: str | None) -> Context:
    """The signature block as tata naskah dinas writes it, including a.n./Plt./Plh. when the head delegates."""
    key = (capacity or "").replace(".", "").strip().lower()
    if key in ("plt", "plh"):
        lines = (f"{key.capitalize()}. {HEAD_POSITION},", "")
    elif key == "an":
        lines = (f"a.n. {HEAD_POSITION}", f"{position or EMPTY},")
    else:
        lines = (f"{position or HEAD_POSITION},", "")
    return {
        "ttd_kapasitas": {"plt": "Plt.", "plh": "Plh.", "an": "a.n."}.get(key, ""),
        "ttd_jabatan": lines[0],
        "ttd_jabatan_2": lines[1],
        "ttd_nama": _text(name),
        "ttd_pangkat": _text(rank),
        "ttd_nip": format_nip(nip),
    }


def _letter(f: CaseFile, kind: type[Letter]) -> Context:
    letter = f.letter
    if not isinstance(letter, kind):
        raise ValueError("Dokumen ini hanya dapat dibuat dari surat yang jenisnya sesuai.")
    if letter.case_id is not None and f.case.id is not None and letter.case_id != f.case.id:
        raise ValueError("Surat ini bukan milik kasus yang dicetak.")
    return {
        "nomor_surat": letter.number,
        "tanggal_surat": tanggal_indonesia(letter.letter_date),
        "surat_dibatalkan": letter.status == LetterStatus.CANCELLED,
        "alasan_pembatalan": _text(letter.cancel_reason) if letter.status == LetterStatus.CANCELLED else "",
        **_signer(letter.signer_name, letter.signer_nip, letter.signer_rank, letter.signer_position,
                  letter.signer_capacity),
    }


def _officer(user: User | None) -> Context:
    return {
        "petugas_nama": _text(user.full_name if user else None),
        "petugas_nip": format_nip(user.nip if user else None),
        "petugas_jabatan": _text(user.position if user else None),
    }


def _victims(f: CaseFile) -> list[dict[str, str]]:
    """Internal forms: full identity."""
    day = f.reference_day
    return [
        {
            "no": str(i),
            "nama": v.full_name,
            "alias": _text(v.alias),
            "jenis_kelamin": _sex(v.sex),
            "umur": _age(v, day),
            "tempat_tanggal_lahir": _birth(v),
            "nik": _text(v.nik),
            "no_kk": _text(v.family_card_number),
            "alamat": _address(v),
            "telepon": _text(v.phone),
            "agama": _label(v.religion),
            "pendidikan": _label(v.education),
            "pekerjaan": _label(v.occupation),
            "status_perkawinan": _label(v.marital_status),
            "kewarganegaraan": v.nationality.value if v.nationality else "WNI",
            "disabilitas": (_label(v.disability_kind) if v.disability_kind else "Ya") if v.has_disability else "Tidak",
            "hamil": _yes_no(v.is_pregnant),
        }
        for i, v in enumerate(f.case.victims, start=1)
    ]


def _victims_by_initials(f: CaseFile) -> list[dict[str, str]]:
    """Letters that leave the office: initials, age and sex only."""
    day = f.reference_day
    return [
        {"no": str(i), "inisial": v.initials, "umur": _age(v, day), "jenis_kelamin": _sex(v.sex)}
        for i, v in enumerate(f.case.victims, start=1)
    ]


def _victims_text(f: CaseFile) -> str:
    return _enumerate_text([_initials_described(v, f.reference_day) for v in f.case.victims])


def _perpetrators(f: CaseFile) -> list[dict[str, str]]:
    day = f.reference_day
    return [
        {
            "no": str(i),
            "nama": p.full_name,
            "jenis_kelamin": _sex(p.sex),
            "umur": _age(p, day),
            "hubungan": _label(p.relation),
            "tinggal_serumah": _yes_no(p.lives_with_victim),
            "pekerjaan": _label(p.occupation),
            "alamat": _address(p),
        }
        for i, p in enumerate(f.case.perpetrators, start=1)
    ]


def _reporters(f: CaseFile) -> list[dict[str, str]]:
    return [
        {
            "no": str(i),
            "nama": r.full_name,
            "hubungan": "Korban sendiri" if r.is_victim else _text(r.relation_to_victim),
            "instansi": _text(r.institution),
            "telepon": _text(r.phone),
            "alamat": _address(r),
        }
        for i, r in enumerate(f.case.reporters, start=1)
    ]


def _incident(f: CaseFile) -> Context:
    c = f.case
    return {
        "tanggal_kejadian": tanggal_indonesia(c.incident_date),
        "tempat_kejadian": _label(c.incident_place),
        "wilayah_kejadian": _region(c.incident_region),
        "alamat_kejadian": _text(c.incident_address),
        "kdrt": _yes_no(c.is_domestic_violence),
        "bentuk_kekerasan": _labels(c.violence_types),
    }


def _highest_risk(f: CaseFile) -> str:
    levels = [a.final_level or a.computed_level for a in f.risk_assessments]
    levels = [lv for lv in levels if lv is not None]
    return _level(max(levels, key=lambda lv: lv.rank)) if levels else EMPTY


def _plan_rows(f: CaseFile) -> list[dict[str, str]]:
    items = f.plan.items if f.plan else []
    return [
        {
            "no": str(i),
            "layanan": _label(item.service_type),
            "pelaksana": _text(item.provider),
            "penanggung_jawab": _text(item.responsible.full_name if item.responsible else None),
            "target": tanggal_indonesia(item.target_date),
            "status": item.status.value.capitalize() if item.status else EMPTY,
            "catatan": _text(item.notes),
        }
        for i, item in enumerate(items, start=1)
    ]


def _simfoni(f: CaseFile) -> Context:
    return {
        "nomor_simfoni": _text(f.simfoni.registration_number if f.simfoni else None),
        "tanggal_input_simfoni": tanggal_indonesia(f.simfoni.input_date if f.simfoni else None),
    }


def _external_letter(f: CaseFile, default_subject: str, default_nature: LetterNature) -> Context:
    """What referral and transfer letters share: the letter head fields and the beneficiary by initials."""
    letter = f.letter
    assert letter is not None  # _letter() has checked it
    victims = f.case.victims

    def redact(text: str | None) -> str:
        return _redact(text, victims)

    return {
        "sifat": (letter.nature or default_nature).value,
        "lampiran": _text(letter.attachment),
        "hal": redact(letter.subject) if letter.subject else default_subject,
        "kepada": _text(letter.recipient),
        "alamat_tujuan": _text(letter.recipient_address) if letter.recipient_address else "Tempat",
        "penerima_manfaat": _victims_by_initials(f),
        "korban_inisial": _victims_text(f),
        "bentuk_kekerasan": _labels(f.case.violence_types),
        "kronologi": redact(f.case.summary),
        "layanan_diberikan": redact(letter.services_given),
        "kondisi_terkini": redact(letter.current_condition),
        "tujuan": redact(letter.purpose),
        "dokumen_diserahkan": redact(letter.documents_handed_over),
        "narahubung": _text(letter.contact_person),
        "tembusan": _numbered(_lines(letter.copies_to)),
    }


# --- One shape per document type --------------------------------------------------------------------------------


def _shape_surat_tugas(f: CaseFile, now: dt.datetime) -> Context:
    letter = f.letter
    base = _letter(f, AssignmentLetter)
    assert isinstance(letter, AssignmentLetter)
    victims = f.case.victims
    region = next((v.region for v in victims if v.region is not None), None) or f.case.incident_region
    outside = next((v.address_outside_city for v in victims if v.address_outside_city), None)
    place = _short_region(region) if region is not None else _text(outside)
    when = tanggal_indonesia(letter.outreach_date or letter.letter_date, with_day=True)
    who = f"korban {_victims_text(f)}" if victims else f"korban sesuai informasi kasus nomor {f.case.case_number}"
    where = f" di {place}" if place != EMPTY else ""
    tasks = [
        f"Melaksanakan penjangkauan {who}{where} pada hari {when};",
        "Melakukan verifikasi data, identifikasi kasus, asesmen risiko, penyelamatan dan pengamanan korban serta "
        "dukungan psikososial awal sesuai SOP Layanan Penjangkauan Korban;",
        "Menjaga kerahasiaan identitas dan informasi korban;",
        f"Melaporkan hasil pelaksanaan tugas kepada {HEAD_POSITION}.",
    ]
    intake = f" melalui {f.case.intake_channel.label}" if f.case.intake_channel else ""
    basis = [*ASSIGNMENT_BASIS, f"Informasi kasus nomor {f.case.case_number} yang diterima pada tanggal "
             f"{tanggal_indonesia(f.local(f.case.received_at))}{intake}."]
    return {
        **_common(f, now),
        **base,
        "dasar": _numbered(basis),
        "anggota": [
            {"no": str(i), "nama": m.name, "pangkat": _text(m.rank), "nip": format_nip(m.nip),
             "jabatan": _text(m.position)}
            for i, m in enumerate(letter.members, start=1)
        ],
        "untuk": _numbered(tasks),
        "korban_inisial": _victims_text(f),
        "lokasi_penjangkauan": place,
        "tanggal_penjangkauan": when,
    }


def _shape_surat_rujukan(f: CaseFile, now: dt.datetime) -> Context:
    base = _letter(f, ReferralLetter)
    return {**_common(f, now), **base, **_external_letter(f, "Rujukan Layanan Kedaruratan", LetterNature.SEGERA)}


def _shape_surat_pelimpahan(f: CaseFile, now: dt.datetime) -> Context:
    base = _letter(f, TransferLetter)
    letter = f.letter
    assert letter is not None
    return {
        **_common(f, now),
        **base,
        **_external_letter(f, "Pelimpahan Kasus", LetterNature.RAHASIA),
        "kewenangan": AUTHORITY_NAMES[letter.authority] if letter.authority else EMPTY,
        "dasar_pelimpahan": _redact(letter.transfer_basis, f.case.victims),
    }


def _shape_formulir_pengaduan(f: CaseFile, now: dt.datetime) -> Context:
    c, complaint = f.case, f.complaint
    received = f.local(c.received_at)
    zone = ZONE_NAMES.get(f.settings["waktu.zona"], received.tzname() or "")

    def part(name: str) -> str:
        return _text(getattr(complaint, name) if complaint else None)

    return {
        **_common(f, now),
        **_incident(f),
        **_officer((complaint.filled_by if complaint else None) or c.registered_by),
        "tanggal_pengaduan": tanggal_indonesia((complaint.complaint_date if complaint else None) or c.reported_date),
        "tanggal_diterima": tanggal_indonesia(received, with_day=True),
        "jam_diterima": f"{received:%H.%M} {zone}".strip(),
        "kanal_pengaduan": _label(c.intake_channel),
        "urgensi": c.urgency.value.capitalize() if c.urgency else EMPTY,
        "pelapor": _reporters(f),
        "korban": _victims(f),
        "pelaku": _perpetrators(f),
        "layanan_dibutuhkan": _labels(c.services_needed),
        "ringkasan": _text(c.summary),
        "apa": part("what"),
        "siapa": part("who"),
        "kapan": part("when"),
        "dimana": part("where"),
        "mengapa": part("why"),
        "bagaimana": part("how"),
        "harapan": part("expectations"),
    }


def _shape_formulir_identifikasi(f: CaseFile, now: dt.datetime) -> Context:
    day = f.reference_day
    first = f.identifications[0] if f.identifications else None
    done = next((i.completed_at for i in f.identifications if i.completed_at), None)
    return {
        **_common(f, now),
        **_incident(f),
        **_officer(first.filled_by if first else None),
        "tanggal_identifikasi": tanggal_indonesia(f.local(done) if done else None),
        "korban": _victims(f),
        "pelaku": _perpetrators(f),
        "identifikasi": [
            {
                "no": str(n),
                "nama": i.victim.full_name,
                "umur": _age(i.victim, day),
                "jenis_kasus": CASE_KIND_LABELS[i.case_kind] if i.case_kind else EMPTY,
                "tppo": _yes_no(i.is_trafficking),
                "ampk": _label(i.ampk_category),
                "kewenangan": AUTHORITY_LABELS[i.authority] if i.authority else EMPTY,
                "kewenangan_tujuan": _text(i.belongs_to),
                "kebutuhan_disabilitas": _text(i.disability_needs),
                "catatan": _text(i.notes),
            }
            for n, i in enumerate(f.identifications, start=1)
        ],
    }


def _shape_formulir_asesmen_risiko(f: CaseFile, now: dt.datetime) -> Context:
    first = f.risk_assessments[0] if f.risk_assessments else None
    done = next((a.completed_at for a in f.risk_assessments if a.completed_at), None)
    answers = [(a, ans) for a in f.risk_assessments for ans in a.answers]
    return {
        **_common(f, now),
        **_officer(first.filled_by if first else None),
        "tanggal_asesmen": tanggal_indonesia(f.local(done) if done else None),
        "korban": _victims(f),
        "ambang_tinggi": f.settings["risiko.ambang_tinggi"],
        "ambang_sedang": f.settings["risiko.ambang_sedang"],
        "tingkat_risiko": _highest_risk(f),
        "indikator": [
            {
                "no": str(n),
                "korban": a.victim.full_name,
                "indikator": ans.indicator.label,
                "ada": _yes_no(ans.present),
                "bobot": str(ans.weight),
                "catatan": _text(ans.note),
            }
            for n, (a, ans) in enumerate(answers, start=1)
        ],
        "hasil": [
            {
                "no": str(n),
                "nama": a.victim.full_name,
                "skor": str(a.score),
                "tingkat_hitung": _level(a.computed_level),
                "tingkat_akhir": _level(a.final_level),
                "alasan_perubahan": _text(a.level_change_reason),
                "catatan": _text(a.notes),
            }
            for n, a in enumerate(f.risk_assessments, start=1)
        ],
    }


CONSENT_PURPOSES = {
    ConsentPurpose.SERVICE: "Persetujuan layanan",
    ConsentPurpose.PLAN: "Persetujuan rencana intervensi layanan",
}


def _consent_row(n: int, c: InformedConsent, f: CaseFile) -> dict[str, str]:
    victim = c.victim
    return {
        "no": str(n),
        "penerima_manfaat": victim.full_name if victim else EMPTY,
        "umur": _age(victim, f.reference_day) if victim else EMPTY,
        "jenis_kelamin": _sex(victim.sex) if victim else EMPTY,
        "tujuan": CONSENT_PURPOSES[c.purpose],
        "yang_menyatakan": _text(c.consenter_name),
        "hubungan": _text(c.consenter_relation) if c.consenter_is_guardian else "Penerima manfaat sendiri",
        "sebagai_wali": _yes_no(c.consenter_is_guardian),
        "setuju_layanan": _yes_no(c.consents_to_services),
        "setuju_berbagi_data": _yes_no(c.consents_to_data_sharing),
        "lembaga_berbagi_data": _text(c.sharing_institutions),
        "setuju_simfoni": _yes_no(c.consents_to_simfoni),
        "keputusan": {ConsentDecision.GIVEN: "SETUJU", ConsentDecision.REFUSED: "MENOLAK"}.get(c.decision, EMPTY)
        if c.decision else EMPTY,
        "tanggal": tanggal_indonesia(c.consent_date),
        "tempat": _text(c.place),
        "saksi": _text(c.witness_name),
        "catatan": _text(c.notes),
        "petugas": _text(c.filled_by.full_name if c.filled_by else None),
    }


def _shape_formulir_persetujuan(f: CaseFile, now: dt.datetime) -> Context:
    first = f.consents[0] if f.consents else None
    return {
        **_common(f, now),
        **_officer(first.filled_by if first else None),
        "persetujuan": [_consent_row(n, c, f) for n, c in enumerate(f.consents, start=1)],
    }


def _shape_laporan_kasus(f: CaseFile, now: dt.datetime) -> Context:
    bio, plan = f.biopsychosocial, f.plan

    def assessed(name: str) -> str:
        return _text(getattr(bio, name) if bio else None)

    return {
        **_common(f, now),
        **_incident(f),
        **_simfoni(f),
        **_officer((bio.filled_by if bio else None) or (plan.filled_by if plan else None)),
        "korban": _victims(f),
        "pelaku": _perpetrators(f),
        "ringkasan": _text(f.case.summary),
        "tingkat_risiko": _highest_risk(f),
        "tanggal_asesmen": tanggal_indonesia(bio.assessed_on if bio else None),
        "kondisi_fisik": assessed("physical"),
        "kondisi_psikologis": assessed("psychological"),
        "kondisi_sosial": assessed("social"),
        "kondisi_ekonomi": assessed("economic"),
        "kebutuhan_hukum": assessed("legal"),
        "kesimpulan_asesmen": assessed("summary"),
        "rencana_tujuan": _text(plan.goal if plan else None),
        "rencana_catatan": _text(plan.notes if plan else None),
        "rencana": _plan_rows(f),
    }


def _plan_consent_text(f: CaseFile) -> str:
    consents = [c for c in f.consents if c.purpose == ConsentPurpose.PLAN]
    if not consents:
        return "Belum ada persetujuan rencana intervensi."
    parts = []
    for c in consents:
        decision = "menyetujui" if c.decision == ConsentDecision.GIVEN else "menolak"
        parts.append(f"{_text(c.consenter_name)} {decision} rencana intervensi pada {tanggal_indonesia(c.consent_date)}")
    return "; ".join(parts) + "."


def _shape_laporan_permohonan_instruksi(f: CaseFile, now: dt.datetime) -> Context:
    req = f.request
    submitted = req.submitted_at if req else None
    return {
        **_common(f, now),
        **_simfoni(f),
        **_officer(req.submitted_by if req else None),
        "tanggal_laporan": tanggal_indonesia(f.local(submitted) if submitted else None),
        "korban": _victims(f),
        "bentuk_kekerasan": _labels(f.case.violence_types),
        "tingkat_risiko": _highest_risk(f),
        "laporan": _text(req.report if req else None),
        "permohonan": _text(req.request if req else None),
        "rencana": _plan_rows(f),
        "persetujuan_rencana": _plan_consent_text(f),
    }


def _outcome_row(n: int, o: InstructionOutcome) -> dict[str, str]:
    if o.kind == OutcomeKind.CLOSE:
        note = f"Alasan: {_text(o.close_reason)}"
    elif o.letter is not None:
        note = f"Surat nomor {o.letter.number}"
    else:
        note = EMPTY
    return {"no": str(n), "jenis": OUTCOME_LABELS[o.kind], "keterangan": note}


def _shape_instruksi_tindak_lanjut(f: CaseFile, now: dt.datetime) -> Context:
    ins, req = f.instruction, f.request
    head = ins.given_by if ins else None
    requester = req.submitted_by if req else None
    return {
        **_common(f, now),
        **_signer(head.full_name if head else None, head.nip if head else None, head.rank if head else None,
                  head.position if head else None, None),
        "tanggal_instruksi": tanggal_indonesia(f.local(ins.given_at) if ins else None),
        "kepada_nama": _text(requester.full_name if requester else None),
        "kepada_jabatan": _text(requester.position if requester else None),
        "korban": _victims(f),
        "tingkat_risiko": _highest_risk(f),
        "laporan": _text(req.report if req else None),
        "instruksi": _text(ins.instruction if ins else None),
        "tindak_lanjut": [_outcome_row(n, o) for n, o in enumerate(ins.outcomes if ins else [], start=1)],
    }


# --- What each variable means (shown to staff; a test checks it matches the shapes' output) ---------------------

_COMMON_VARS = {
    "kop_pemerintah": "Kop surat baris 1 (pengaturan kop.pemerintah), mis. PEMERINTAH KOTA TANGERANG",
    "kop_dinas": "Kop surat baris 2: nama dinas (pengaturan kop.dinas)",
    "kop_unit": "Kop surat baris 3: nama unit (pengaturan kop.unit)",
    "kop_alamat": "Alamat kantor pada kop surat (pengaturan kop.alamat)",
    "tempat": "Tempat penandatanganan (pengaturan surat.tempat), mis. Tangerang",
    "jabatan_kepala": "Jabatan kepala unit, mis. Kepala UPTD PPA Kota Tangerang",
    "nomor_kasus": "Nomor registrasi kasus, mis. PJK-2025-0001",
    "tanggal_cetak": "Tanggal dokumen dibuat, mis. 1 Agustus 2025",
}
_SIGNER_VARS = {
    "ttd_kapasitas": "a.n., Plt. atau Plh. bila penandatangan mewakili kepala; kosong bila tidak",
    "ttd_jabatan": "Baris jabatan di atas tanda tangan, mis. Kepala UPTD PPA Kota Tangerang, (atau a.n. ...)",
    "ttd_jabatan_2": "Baris jabatan kedua, hanya terisi untuk a.n. (jabatan penandatangan); kosong bila tidak",
    "ttd_nama": "Nama lengkap penandatangan dengan gelar",
    "ttd_pangkat": "Pangkat/golongan penandatangan, mis. Pembina (IV/a)",
    "ttd_nip": "NIP penandatangan, mis. 19720514 199803 2 004",
}
_LETTER_VARS = {
    "nomor_surat": "Nomor surat, mis. 800.1.11.1/001/ST/UPTD-PPA/VIII/2025",
    "tanggal_surat": "Tanggal surat, mis. 1 Agustus 2025",
    "surat_dibatalkan": "Ya/tidak: surat ini sudah dibatalkan (nomornya tetap, diberi tanda)",
    "alasan_pembatalan": "Alasan pembatalan surat; kosong bila surat tidak dibatalkan",
    **_SIGNER_VARS,
}
_OFFICER_VARS = {
    "petugas_nama": "Nama petugas layanan yang mengisi",
    "petugas_nip": "NIP petugas (tanda - bila non-PNS)",
    "petugas_jabatan": "Jabatan petugas",
}
_INCIDENT_VARS = {
    "tanggal_kejadian": "Tanggal kejadian",
    "tempat_kejadian": "Tempat kejadian (kategori Simfoni), mis. Rumah Tangga",
    "wilayah_kejadian": "Kelurahan, kecamatan dan kota tempat kejadian",
    "alamat_kejadian": "Alamat kejadian (jalan, RT/RW)",
    "kdrt": "Ya/Tidak: kekerasan dalam rumah tangga",
    "bentuk_kekerasan": "Bentuk kekerasan, dipisah koma, mis. Fisik, Psikis",
}
_VICTIM_VARS = {
    "korban": "Daftar korban, nama lengkap (baris tabel berulang: {%tr for k in korban %})",
    "korban.no": "Nomor urut",
    "korban.nama": "Nama lengkap",
    "korban.alias": "Nama panggilan",
    "korban.jenis_kelamin": "Perempuan / Laki-laki",
    "korban.umur": "Umur saat kejadian, mis. 14 tahun",
    "korban.tempat_tanggal_lahir": "Tempat, tanggal lahir",
    "korban.nik": "NIK",
    "korban.no_kk": "Nomor Kartu Keluarga",
    "korban.alamat": "Alamat lengkap",
    "korban.telepon": "Nomor telepon",
    "korban.agama": "Agama",
    "korban.pendidikan": "Pendidikan",
    "korban.pekerjaan": "Pekerjaan",
    "korban.status_perkawinan": "Status perkawinan",
    "korban.kewarganegaraan": "WNI / WNA",
    "korban.disabilitas": "Tidak, atau jenis disabilitas",
    "korban.hamil": "Ya/Tidak: sedang hamil",
}
_PERPETRATOR_VARS = {
    "pelaku": "Daftar terlapor/pelaku (baris tabel berulang: {%tr for p in pelaku %})",
    "pelaku.no": "Nomor urut",
    "pelaku.nama": "Nama lengkap",
    "pelaku.jenis_kelamin": "Perempuan / Laki-laki",
    "pelaku.umur": "Umur saat kejadian",
    "pelaku.hubungan": "Hubungan dengan korban",
    "pelaku.tinggal_serumah": "Ya/Tidak: tinggal serumah dengan korban",
    "pelaku.pekerjaan": "Pekerjaan",
    "pelaku.alamat": "Alamat",
}
_PLAN_VARS = {
    "rencana": "Baris rencana intervensi layanan (baris tabel berulang: {%tr for r in rencana %})",
    "rencana.no": "Nomor urut",
    "rencana.layanan": "Jenis layanan",
    "rencana.pelaksana": "Lembaga pelaksana",
    "rencana.penanggung_jawab": "Petugas penanggung jawab",
    "rencana.target": "Target tanggal",
    "rencana.status": "Status: Direncanakan, Berjalan, Selesai, Batal",
    "rencana.catatan": "Catatan",
}
_SIMFONI_VARS = {
    "nomor_simfoni": "Nomor registrasi kasus di Simfoni PPA",
    "tanggal_input_simfoni": "Tanggal input ke Simfoni PPA",
}
_EXTERNAL_LETTER_VARS = {
    "sifat": "Sifat surat: Segera / Rahasia / Biasa",
    "lampiran": "Lampiran, mis. 1 (satu) berkas",
    "hal": "Hal (perihal) surat",
    "kepada": "Penerima surat (setelah Yth.)",
    "alamat_tujuan": "Alamat penerima (setelah di), Tempat bila tidak diisi",
    "penerima_manfaat": "Penerima manfaat dengan inisial (baris tabel berulang: {%tr for k in penerima_manfaat %})",
    "penerima_manfaat.no": "Nomor urut",
    "penerima_manfaat.inisial": "Inisial nama, mis. R.A.",
    "penerima_manfaat.umur": "Umur, mis. 14 tahun",
    "penerima_manfaat.jenis_kelamin": "Perempuan / Laki-laki",
    "korban_inisial": "Korban dalam satu kalimat, inisial saja, mis. R.A. (14 tahun, perempuan)",
    "bentuk_kekerasan": "Bentuk kekerasan, dipisah koma",
    "kronologi": "Kronologi singkat kasus (nama korban diganti inisial)",
    "layanan_diberikan": "Layanan yang sudah diberikan",
    "kondisi_terkini": "Kondisi penerima manfaat saat ini",
    "tujuan": "Tujuan rujukan / maksud pelimpahan",
    "dokumen_diserahkan": "Dokumen yang diserahkan bersama surat",
    "narahubung": "Narahubung (nama dan nomor telepon)",
    "tembusan": "Tembusan (baris tabel berulang: {%tr for t in tembusan %})",
    "tembusan.no": "Nomor urut",
    "tembusan.teks": "Penerima tembusan",
}


def _rows_vars(name: str, description: str, columns: Mapping[str, str]) -> dict[str, str]:
    return {name: description, **{f"{name}.{col}": text for col, text in columns.items()}}


@dataclass(frozen=True)
class DocumentType:
    code: str
    title: str  # Indonesian, as staff read it
    letter_class: type[Letter] | None  # a letter needs its issued Letter row (number, signer)
    shape: Callable[[CaseFile, dt.datetime], Context]
    variables: Mapping[str, str]  # name -> description; list columns as `list.column`

    @property
    def is_letter(self) -> bool:
        return self.letter_class is not None

    def build(self, session: Session, case: Case, *, letter: Letter | None = None, now: dt.datetime) -> Context:
        """The context of this document for `case` (and its `letter`, for letters), as it is in the database now."""
        if self.is_letter and letter is None:
            raise ValueError(f"{self.title} hanya dapat dibuat dari surat yang sudah diterbitkan (bernomor).")
        return self.shape(load_case_file(session, case, letter if self.is_letter else None), now)


_TYPES = (
    DocumentType(
        "surat_tugas", "Surat Tugas Penjangkauan Korban", AssignmentLetter, _shape_surat_tugas,
        {
            **_COMMON_VARS, **_LETTER_VARS,
            **_rows_vars("dasar", "Dasar surat tugas (baris tabel berulang: {%tr for d in dasar %})",
                         {"no": "Nomor urut", "teks": "Bunyi dasar hukum"}),
            **_rows_vars("anggota", "Petugas yang ditugaskan (baris tabel berulang: {%tr for a in anggota %})",
                         {"no": "Nomor urut", "nama": "Nama lengkap dengan gelar", "pangkat": "Pangkat/golongan",
                          "nip": "NIP, mis. 19860926 201505 2 001", "jabatan": "Jabatan"}),
            **_rows_vars("untuk", "Tugas yang diberikan (baris tabel berulang: {%tr for u in untuk %})",
                         {"no": "Nomor urut", "teks": "Bunyi tugas (korban disebut dengan inisial)"}),
            "korban_inisial": "Korban dengan inisial, umur dan jenis kelamin, mis. R.A. (14 tahun, perempuan)",
            "lokasi_penjangkauan": "Kelurahan dan kecamatan lokasi penjangkauan",
            "tanggal_penjangkauan": "Hari dan tanggal penjangkauan, mis. Jumat, 1 Agustus 2025",
        },
    ),
    DocumentType(
        "formulir_pengaduan", "Formulir Pengaduan", None, _shape_formulir_pengaduan,
        {
            **_COMMON_VARS, **_INCIDENT_VARS, **_OFFICER_VARS, **_VICTIM_VARS, **_PERPETRATOR_VARS,
            "tanggal_pengaduan": "Tanggal pengaduan",
            "tanggal_diterima": "Hari dan tanggal informasi diterima",
            "jam_diterima": "Jam informasi diterima, mis. 08.15 WIB",
            "kanal_pengaduan": "Sumber informasi / kanal pengaduan, mis. Telepon SAPA 129",
            "urgensi": "Tingkat urgensi: Biasa, Segera, Darurat",
            **_rows_vars("pelapor", "Daftar pelapor (baris tabel berulang: {%tr for p in pelapor %})",
                         {"no": "Nomor urut", "nama": "Nama lengkap", "hubungan": "Hubungan dengan korban",
                          "instansi": "Instansi, bila pelapor lembaga", "telepon": "Nomor telepon",
                          "alamat": "Alamat"}),
            "layanan_dibutuhkan": "Layanan yang dibutuhkan, dipisah koma",
            "ringkasan": "Ringkasan informasi kasus sebagaimana diterima",
            "apa": "Kronologi: apa yang terjadi",
            "siapa": "Kronologi: siapa yang terlibat",
            "kapan": "Kronologi: kapan terjadi",
            "dimana": "Kronologi: di mana terjadi",
            "mengapa": "Kronologi: mengapa terjadi",
            "bagaimana": "Kronologi: bagaimana terjadi",
            "harapan": "Harapan korban/pelapor",
        },
    ),
    DocumentType(
        "formulir_identifikasi", "Formulir Identifikasi Penerima Manfaat KTP/KTA", None, _shape_formulir_identifikasi,
        {
            **_COMMON_VARS, **_INCIDENT_VARS, **_OFFICER_VARS, **_VICTIM_VARS, **_PERPETRATOR_VARS,
            "tanggal_identifikasi": "Tanggal identifikasi selesai",
            **_rows_vars("identifikasi", "Hasil identifikasi per korban (baris tabel berulang)",
                         {"no": "Nomor urut", "nama": "Nama korban", "umur": "Umur saat kejadian",
                          "jenis_kasus": "KTP (terhadap perempuan) / KTA (terhadap anak)",
                          "tppo": "Ya/Tidak: tindak pidana perdagangan orang",
                          "ampk": "Kategori anak memerlukan perlindungan khusus (AMPK)",
                          "kewenangan": "Kewenangan: Kota, Provinsi atau Pusat",
                          "kewenangan_tujuan": "Lembaga yang berwenang bila bukan UPTD PPA Kota",
                          "kebutuhan_disabilitas": "Penyesuaian layanan bagi korban penyandang disabilitas",
                          "catatan": "Catatan"}),
        },
    ),
    DocumentType(
        "formulir_asesmen_risiko", "Formulir Asesmen Risiko", None, _shape_formulir_asesmen_risiko,
        {
            **_COMMON_VARS, **_OFFICER_VARS, **_VICTIM_VARS,
            "tanggal_asesmen": "Tanggal asesmen risiko selesai",
            "ambang_tinggi": "Skor minimal risiko tinggi (pengaturan)",
            "ambang_sedang": "Skor minimal risiko sedang (pengaturan)",
            "tingkat_risiko": "Tingkat risiko tertinggi di antara korban: Tinggi, Sedang, Rendah",
            **_rows_vars("indikator", "Jawaban indikator risiko (baris tabel berulang: {%tr for i in indikator %})",
                         {"no": "Nomor urut", "korban": "Nama korban", "indikator": "Indikator risiko",
                          "ada": "Ya/Tidak: indikator ditemukan", "bobot": "Bobot indikator", "catatan": "Catatan"}),
            **_rows_vars("hasil", "Hasil asesmen per korban (baris tabel berulang: {%tr for h in hasil %})",
                         {"no": "Nomor urut", "nama": "Nama korban", "skor": "Jumlah bobot",
                          "tingkat_hitung": "Tingkat risiko menurut skor", "tingkat_akhir": "Tingkat risiko akhir",
                          "alasan_perubahan": "Alasan bila tingkat akhir berbeda", "catatan": "Catatan"}),
        },
    ),
    DocumentType(
        "formulir_persetujuan", "Formulir Persetujuan Layanan (Informed Consent)", None, _shape_formulir_persetujuan,
        {
            **_COMMON_VARS, **_OFFICER_VARS,
            **_rows_vars("persetujuan", "Pernyataan persetujuan, satu per penerima manfaat dan tujuan (berulang)",
                         {"no": "Nomor urut", "penerima_manfaat": "Nama lengkap penerima manfaat",
                          "umur": "Umur", "jenis_kelamin": "Jenis kelamin",
                          "tujuan": "Persetujuan layanan / persetujuan rencana intervensi layanan",
                          "yang_menyatakan": "Nama yang menandatangani persetujuan",
                          "hubungan": "Hubungan yang menyatakan dengan penerima manfaat",
                          "sebagai_wali": "Ya/Tidak: ditandatangani orang tua/wali",
                          "setuju_layanan": "Ya/Tidak: setuju menerima layanan",
                          "setuju_berbagi_data": "Ya/Tidak: setuju data dibagikan kepada lembaga rujukan",
                          "lembaga_berbagi_data": "Lembaga yang boleh menerima data",
                          "setuju_simfoni": "Ya/Tidak: setuju dicatat di Simfoni PPA",
                          "keputusan": "SETUJU / MENOLAK", "tanggal": "Tanggal pernyataan",
                          "tempat": "Tempat pernyataan", "saksi": "Nama saksi", "catatan": "Catatan",
                          "petugas": "Petugas yang menjelaskan"}),
        },
    ),
    DocumentType(
        "laporan_kasus", "Laporan Kasus (Asesmen Biopsikososial dan Rencana Intervensi)", None, _shape_laporan_kasus,
        {
            **_COMMON_VARS, **_INCIDENT_VARS, **_SIMFONI_VARS, **_OFFICER_VARS, **_VICTIM_VARS,
            **_PERPETRATOR_VARS, **_PLAN_VARS,
            "ringkasan": "Ringkasan kasus",
            "tingkat_risiko": "Tingkat risiko tertinggi: Tinggi, Sedang, Rendah",
            "tanggal_asesmen": "Tanggal asesmen biopsikososial",
            "kondisi_fisik": "Asesmen: kondisi fisik dan kesehatan",
            "kondisi_psikologis": "Asesmen: kondisi psikologis",
            "kondisi_sosial": "Asesmen: kondisi keluarga dan sosial",
            "kondisi_ekonomi": "Asesmen: kondisi ekonomi",
            "kebutuhan_hukum": "Asesmen: kebutuhan hukum",
            "kesimpulan_asesmen": "Kesimpulan asesmen",
            "rencana_tujuan": "Tujuan rencana intervensi",
            "rencana_catatan": "Catatan rencana intervensi",
        },
    ),
    DocumentType(
        "laporan_permohonan_instruksi", "Laporan dan Permohonan Instruksi Tindak Lanjut Layanan", None,
        _shape_laporan_permohonan_instruksi,
        {
            **_COMMON_VARS, **_SIMFONI_VARS, **_OFFICER_VARS, **_VICTIM_VARS, **_PLAN_VARS,
            "tanggal_laporan": "Tanggal laporan disampaikan",
            "bentuk_kekerasan": "Bentuk kekerasan, dipisah koma",
            "tingkat_risiko": "Tingkat risiko tertinggi: Tinggi, Sedang, Rendah",
            "laporan": "Laporan petugas atas penjangkauan",
            "permohonan": "Instruksi yang dimohonkan",
            "persetujuan_rencana": "Keterangan persetujuan rencana intervensi",
        },
    ),
    DocumentType(
        "instruksi_tindak_lanjut", "Instruksi Tindak Lanjut Layanan", None, _shape_instruksi_tindak_lanjut,
        {
            **_COMMON_VARS, **_SIGNER_VARS, **_VICTIM_VARS,
            "tanggal_instruksi": "Tanggal instruksi diberikan",
            "kepada_nama": "Petugas yang menerima instruksi",
            "kepada_jabatan": "Jabatan petugas yang menerima instruksi",
            "tingkat_risiko": "Tingkat risiko tertinggi: Tinggi, Sedang, Rendah",
            "laporan": "Laporan petugas yang menjadi dasar instruksi",
            "instruksi": "Bunyi instruksi kepala",
            **_rows_vars("tindak_lanjut", "Tindak lanjut yang diputuskan (baris tabel berulang)",
                         {"no": "Nomor urut", "jenis": "Jenis tindak lanjut",
                          "keterangan": "Nomor surat rujukan/pelimpahan atau alasan penutupan"}),
        },
    ),
    DocumentType(
        "surat_rujukan", "Surat Rujukan Layanan Kedaruratan", ReferralLetter, _shape_surat_rujukan,
        {**_COMMON_VARS, **_LETTER_VARS, **_EXTERNAL_LETTER_VARS},
    ),
    DocumentType(
        "surat_pelimpahan", "Surat Pelimpahan Kasus", TransferLetter, _shape_surat_pelimpahan,
        {
            **_COMMON_VARS, **_LETTER_VARS, **_EXTERNAL_LETTER_VARS,
            "kewenangan": "Pihak yang berwenang menangani kasus, mis. UPTD PPA Provinsi Banten",
            "dasar_pelimpahan": "Dasar pelimpahan kasus",
        },
    ),
)

DOCUMENT_TYPES: dict[str, DocumentType] = {t.code: t for t in _TYPES}


def build_context(doc_type: str, session: Session, case: Case, *, letter: Letter | None = None,
                  now: dt.datetime) -> Context:
    return DOCUMENT_TYPES[doc_type].build(session, case, letter=letter, now=now)


def flatten_names(context: Mapping[str, object]) -> set[str]:
    """Variable names of a context: top-level keys, plus `list.column` for each column of a list of rows."""
    names: set[str] = set()
    for key, value in context.items():
        names.add(key)
        if isinstance(value, list):
            names |= {f"{key}.{col}" for row in value for col in row}
    return names


def provided_names(doc_type: str) -> set[str]:
    """Top-level variables a template of `doc_type` may use: what the builder really outputs."""
    return set(sample_context(doc_type))


# --- Samples: realistic but invented, run through the real shapes, no database ----------------------------------

SAMPLE_NOW = dt.datetime(2025, 8, 1, 2, 30, tzinfo=dt.timezone.utc)  # Jumat, 1 Agustus 2025, 09.30 WIB


def _sample_case_file(doc_type: str) -> CaseFile:
    def ref(cls: type[ReferenceValue], label: str) -> ReferenceValue:
        return cls(label=label, code=label.lower())

    banten = Region(code="36", name="Banten", level=RegionLevel.PROVINSI)
    city = Region(code="36.71", name="Kota Tangerang", level=RegionLevel.KOTA, parent=banten)
    district = Region(code="36.71.01", name="Tangerang", level=RegionLevel.KECAMATAN, parent=city)
    village = Region(code="36.71.01.1001", name="Sukaasih", level=RegionLevel.KELURAHAN, parent=district)
    head = User(username="kepala", full_name="Dra. Hj. Siti Nurjanah, M.Si.", nip="197205141998032004",
                rank="Pembina (IV/a)", position=HEAD_POSITION)
    officer = User(username="petugas1", full_name="Rina Marlina, S.Psi.", nip="198609262015052001",
                   rank="Penata (III/c)", position="Psikolog Klinis / Petugas Layanan PPA")
    officer2 = User(username="petugas2", full_name="Dedi Kurniawan, S.Sos.", nip=None, rank=None,
                    position="Pekerja Sosial / Petugas Layanan PPA")
    victim = Victim(
        full_name="Rahma Aulia", alias="Rara", sex=Sex.PEREMPUAN, birth_place="Tangerang",
        birth_date=dt.date(2011, 3, 14), nik="3671015403110002", family_card_number="3671010101090007",
        phone="+6281234567890", address="Jl. Kisamaun Gg. Mawar No. 12", rt="003", rw="005", region=village,
        religion=ref(Religion, "Islam"), education=ref(Education, "SLTP"), occupation=ref(Occupation, "Pelajar"),
        marital_status=ref(MaritalStatus, "Belum Kawin"), has_disability=False, is_pregnant=False,
    )
    perpetrator = Perpetrator(
        full_name="Bambang Supriyadi", sex=Sex.LAKI_LAKI, age_estimate=42, relation=ref(PerpetratorRelation, "Orang Tua"),
        lives_with_victim=True, occupation=ref(Occupation, "Swasta/Buruh"), address="Jl. Kisamaun Gg. Mawar No. 12",
        rt="003", rw="005", region=village,
    )
    reporter = Reporter(full_name="Sri Wahyuni", relation_to_victim="Bibi", phone="+6281398765432",
                        address="Jl. Daan Mogot No. 45", rt="002", rw="001", region=village)
    case = Case(
        case_number="PJK-2025-0001", received_at=dt.datetime(2025, 8, 1, 1, 15, tzinfo=dt.timezone.utc),
        reported_date=dt.date(2025, 8, 1), incident_date=dt.date(2025, 7, 30),
        intake_channel=ref(IntakeChannel, "Telepon SAPA 129"), incident_place=ref(IncidentPlace, "Rumah Tangga"),
        incident_region=village, incident_address="Jl. Kisamaun Gg. Mawar No. 12 RT 003/RW 005",
        summary="Rahma Aulia mengalami pemukulan dan ancaman oleh ayah tirinya di rumah pada 30 Juli 2025; "
                "bibi korban melapor melalui SAPA 129.",
        is_domestic_violence=True, registered_by=officer, urgency=Urgency.DARURAT,
        violence_types=[ref(ViolenceType, "Fisik"), ref(ViolenceType, "Psikis")],
        services_needed=[ref(ServiceType, "Kesehatan"), ref(ServiceType, "Rehabilitasi Sosial")],
        victims=[victim], perpetrators=[perpetrator], reporters=[reporter],
    )
    settings = default_settings(SETTING_KEYS)
    done = dt.datetime(2025, 8, 2, 7, 0, tzinfo=dt.timezone.utc)
    indicators = [
        RiskIndicator(code="nyawa_terancam", label="Nyawa korban terancam oleh pelaku", weight=40, forces_high=True),
        RiskIndicator(code="pelaku_serumah", label="Pelaku tinggal serumah atau mudah menjangkau korban", weight=20),
        RiskIndicator(code="hamil", label="Korban sedang hamil", weight=15),
    ]
    plan = InterventionPlan(
        goal="Korban aman, pulih secara fisik dan psikologis, dan mendapat pendampingan hukum.",
        notes="Dievaluasi setiap pekan.", filled_by=officer,
        items=[
            InterventionPlanItem(service_type=ref(ServiceType, "Kesehatan"), provider="RSUD Kota Tangerang",
                                 responsible=officer2, target_date=dt.date(2025, 8, 4), notes="Visum et repertum",
                                 status=PlanItemStatus.IN_PROGRESS),
            InterventionPlanItem(service_type=ref(ServiceType, "Rehabilitasi Sosial"), provider="UPTD PPA Kota Tangerang",
                                 responsible=officer, target_date=dt.date(2025, 8, 15), notes="Konseling psikologis",
                                 status=PlanItemStatus.PLANNED),
        ],
    )
    consents = [
        InformedConsent(victim=victim, purpose=purpose, consenter_name="Sri Wahyuni", consenter_is_guardian=True,
                        consenter_relation="Bibi (wali)", consents_to_services=True, consents_to_data_sharing=True,
                        sharing_institutions="RSUD Kota Tangerang; Unit PPA Polres Metro Tangerang Kota",
                        consents_to_simfoni=True, decision=ConsentDecision.GIVEN, consent_date=day,
                        place="Tangerang", witness_name="Dedi Kurniawan, S.Sos.", filled_by=officer)
        for purpose, day in ((ConsentPurpose.SERVICE, dt.date(2025, 8, 1)), (ConsentPurpose.PLAN, dt.date(2025, 8, 2)))
    ]
    instruction = FollowUpInstruction(
        instruction="Segera rujuk korban ke RSUD Kota Tangerang untuk pemeriksaan dan visum; lanjutkan pendampingan "
                    "psikologis oleh UPTD PPA.",
        given_by=head, given_at=dt.datetime(2025, 8, 4, 3, 0, tzinfo=dt.timezone.utc),
        outcomes=[InstructionOutcome(kind=OutcomeKind.REFERRAL), InstructionOutcome(kind=OutcomeKind.CASE_MANAGEMENT)],
    )
    f = CaseFile(
        case=case,
        settings=settings,
        complaint=Complaint(
            complaint_date=dt.date(2025, 8, 1), what="Pemukulan dan ancaman", who="Ayah tiri korban",
            when="30 Juli 2025 malam", where="Rumah korban", why="Pelaku marah karena korban pulang terlambat",
            how="Dipukul dengan tangan dan diancam", expectations="Korban aman dan pelaku diproses hukum",
            filled_by=officer,
        ),
        identifications=[CaseIdentification(victim=victim, case_kind=CaseKind.KTA, is_trafficking=False,
                                            ampk_category=ref(AmpkCategory, "Anak korban kekerasan fisik dan/atau psikis"),
                                            authority=Authority.KOTA, filled_by=officer, completed_at=done)],
        risk_assessments=[RiskAssessment(
            victim=victim, score=60, computed_level=RiskLevel.TINGGI, final_level=RiskLevel.TINGGI,
            filled_by=officer, completed_at=done,
            answers=[RiskAnswer(indicator=ind, present=ind.code != "hamil", weight=ind.weight) for ind in indicators],
        )],
        consents=consents,
        biopsychosocial=BiopsychosocialAssessment(
            assessed_on=dt.date(2025, 8, 2), physical="Memar di lengan kiri dan punggung.",
            psychological="Cemas, sulit tidur, takut pulang ke rumah.", social="Tinggal bersama ibu dan ayah tiri.",
            economic="Ibu bekerja sebagai buruh pabrik.", legal="Pendampingan pelaporan ke Unit PPA Polres.",
            summary="Korban membutuhkan layanan kesehatan, pendampingan psikologis dan hukum.", filled_by=officer,
        ),
        plan=plan,
        simfoni=SimfoniRecord(registration_number="SIMFONI-3671-2025-00123", input_date=dt.date(2025, 8, 4)),
        request=FollowUpRequest(
            report="Penjangkauan dilaksanakan pada 1 Agustus 2025; korban ditemukan di rumah bibinya dan dalam keadaan "
                   "cemas. Asesmen risiko: tinggi.",
            request="Mohon instruksi rujukan ke RSUD Kota Tangerang dan pendampingan hukum.",
            submitted_by=officer, submitted_at=dt.datetime(2025, 8, 4, 2, 30, tzinfo=dt.timezone.utc),
        ),
        instruction=instruction,
    )
    letter_fields = dict(
        case=case, year=2025, serial=1, letter_date=dt.date(2025, 8, 1), status=LetterStatus.ISSUED,
        signer=head, signer_name=head.full_name, signer_nip=head.nip, signer_rank=head.rank,
        signer_position=HEAD_POSITION, signer_capacity=None,
    )
    if doc_type == "surat_tugas":
        f.letter = AssignmentLetter(
            number="800.1.11.1/001/ST/UPTD-PPA/VIII/2025", outreach_date=dt.date(2025, 8, 1), **letter_fields,
            members=[AssignmentMember(user=u, position_in_list=i, name=u.full_name, nip=u.nip, rank=u.rank,
                                      position=u.position) for i, u in enumerate((officer, officer2), start=1)],
        )
    elif doc_type == "surat_rujukan":
        f.letter = ReferralLetter(
            number="400.10.2/001/RJK/UPTD-PPA/VIII/2025", nature=LetterNature.SEGERA, attachment="1 (satu) berkas",
            subject="Rujukan Layanan Kedaruratan", recipient="Direktur RSUD Kota Tangerang",
            recipient_address="Jl. Pulau Putri Raya, Kelapa Indah, Kota Tangerang",
            services_given="Penjangkauan, pengamanan dan dukungan psikososial awal.",
            current_condition="Memar di lengan kiri dan punggung, cemas, sulit tidur.",
            purpose="Pemeriksaan kesehatan, visum et repertum dan penanganan medis.",
            documents_handed_over="Salinan formulir pengaduan\nSalinan hasil asesmen risiko",
            contact_person="Rina Marlina, S.Psi. (0812-3456-7890)",
            copies_to="Kepala Dinas DP3AP2KB Kota Tangerang\nArsip", **letter_fields,
        )
        instruction.outcomes[0].letter = f.letter
    elif doc_type == "surat_pelimpahan":
        f.letter = TransferLetter(
            number="400.10.2/001/PLK/UPTD-PPA/VIII/2025", nature=LetterNature.RAHASIA, attachment="1 (satu) berkas",
            subject="Pelimpahan Kasus", recipient="Kepala UPTD PPA Provinsi Banten",
            recipient_address="Jl. Syech Nawawi Al Bantani, Kota Serang",
            services_given="Penjangkauan, pengamanan, asesmen risiko dan dukungan psikososial awal.",
            current_condition="Korban berada di rumah aman sementara dalam keadaan stabil.",
            purpose="Penanganan lanjutan oleh UPTD PPA Provinsi Banten.",
            documents_handed_over="Salinan formulir pengaduan\nSalinan laporan kasus",
            contact_person="Rina Marlina, S.Psi. (0812-3456-7890)", authority=Authority.PROVINSI,
            transfer_basis="Pelaku dan korban berdomisili lintas kabupaten/kota dalam Provinsi Banten.",
            copies_to="Kepala Dinas DP3AP2KB Kota Tangerang\nArsip", **letter_fields,
        )
    return f


def sample_context(doc_type: str) -> Context:
    """A realistic invented context for previews: the real shape of `doc_type` over rows built in memory."""
    return DOCUMENT_TYPES[doc_type].shape(_sample_case_file(doc_type), SAMPLE_NOW)
