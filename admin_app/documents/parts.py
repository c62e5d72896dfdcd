"""The parts several documents share: letterhead, signature block, letter head fields, people tables, incident, plan."""

from __future__ import annotations

import datetime as dt

from admin_app.documents.casefile import CaseFile, Context
from admin_app.documents.formatting import (
    EMPTY,
    address_label,
    age_label,
    birth_label,
    enumerate_text,
    format_nip,
    initials_described,
    initials_only,
    label_of,
    labels_of,
    level_label,
    numbered,
    region_label,
    sex_label,
    shown,
    split_lines,
    tanggal_indonesia,
    yes_no,
)
from admin_app.models import (
    Case,
    Complaint,
    Letter,
    LetterNature,
    LetterStatus,
    User,
)

# --- Shared parts of every context ------------------------------------------------------------------------------


def kop_address(settings) -> str:
    """The letterhead's address line: the address, then the post code when one is set."""
    code = settings["kop.kode_pos"].strip()
    return settings["kop.alamat"] + (f" {code}" if code else "")


def kop_contacts(settings) -> str:
    """The letterhead's contact line (telephone, e-mail), empty when neither is set."""
    parts = [f"{label} {settings[key].strip()}" for key, label in (("kop.telepon", "Telepon"), ("kop.email", "Pos-el"))
             if settings[key].strip()]
    return "  \u2022  ".join(parts)


def common_fields(f: CaseFile, now: dt.datetime) -> Context:
    return {
        "kop_pemerintah": f.settings["kop.pemerintah"],
        "kop_dinas": f.settings["kop.dinas"],
        "kop_unit": f.settings["kop.unit"],
        "kop_alamat": kop_address(f.settings),
        "kop_kontak": kop_contacts(f.settings),
        "tempat": f.settings["surat.tempat"],
        "jabatan_kepala": f.settings["surat.jabatan_kepala"],
        "nomor_kasus": f.case.case_number,
        "tanggal_cetak": tanggal_indonesia(f.local(now)),
    }


def signer_fields(name: str | None, nip: str | None, rank: str | None, position: str | None, capacity: str | None,
                  head_position: str) -> Context:
    """The signature block as tata naskah dinas writes it, including a.n./Plt./Plh. when the head delegates;
    `head_position` is the office they speak for (setting `surat.jabatan_kepala`)."""
    key = (capacity or "").replace(".", "").strip().lower()
    if key in ("plt", "plh"):
        lines = (f"{key.capitalize()}. {head_position},", "")
    elif key == "an":
        lines = (f"a.n. {head_position}", f"{position or EMPTY},")
    else:
        lines = (f"{position or head_position},", "")
    return {
        "ttd_kapasitas": {"plt": "Plt.", "plh": "Plh.", "an": "a.n."}.get(key, ""),
        "ttd_jabatan": lines[0],
        "ttd_jabatan_2": lines[1],
        "ttd_nama": shown(name),
        "ttd_pangkat": shown(rank),
        "ttd_nip": format_nip(nip),
    }


def letter_fields(f: CaseFile, kind: type[Letter]) -> Context:
    letter = f.letter
    if not isinstance(letter, kind):
        raise ValueError("Dokumen ini hanya dapat dibuat dari surat yang jenisnya sesuai.")
    if letter.case_id is not None and f.case.id is not None and letter.case_id != f.case.id:
        raise ValueError("Surat ini bukan milik kasus yang dicetak.")
    return {
        "nomor_surat": letter.number,
        "tanggal_surat": tanggal_indonesia(letter.letter_date),
        "surat_dibatalkan": letter.status == LetterStatus.CANCELLED,
        "alasan_pembatalan": shown(letter.cancel_reason) if letter.status == LetterStatus.CANCELLED else "",
        **signer_fields(letter.signer_name, letter.signer_nip, letter.signer_rank, letter.signer_position,
                        letter.signer_capacity, f.settings["surat.jabatan_kepala"]),
    }


def name_and_position(user: User | None) -> str:
    """"Rina Marlina, S.Psi. (Pekerja Sosial)": the position only when the user has one."""
    if user is None:
        return EMPTY
    return f"{user.full_name} ({user.position})" if user.position and user.position.strip() else user.full_name


def officer_fields(user: User | None) -> Context:
    return {
        "petugas_nama": shown(user.full_name if user else None),
        "petugas_nip": format_nip(user.nip if user else None),
        "petugas_jabatan": shown(user.position if user else None),
    }


def victim_rows(f: CaseFile) -> list[dict[str, str]]:
    """Internal forms: full identity."""
    day = f.reference_day
    return [
        {
            "no": str(i),
            "nama": v.full_name,
            "alias": (v.alias or "").strip(),  # empty: the form prints no "(...)" after the name
            "jenis_kelamin": sex_label(v.sex),
            "umur": age_label(v, day),
            "tempat_tanggal_lahir": birth_label(v),
            "nik": shown(v.nik),
            "no_kk": shown(v.family_card_number),
            "alamat": address_label(v),
            "telepon": shown(v.phone),
            "agama": label_of(v.religion),
            "pendidikan": label_of(v.education),
            "pekerjaan": label_of(v.occupation),
            "status_perkawinan": label_of(v.marital_status),
            "kewarganegaraan": v.nationality.value if v.nationality else "WNI",
            "disabilitas": (label_of(v.disability_kind) if v.disability_kind else "Ya") if v.has_disability else "Tidak",
            "hamil": yes_no(v.is_pregnant),
        }
        for i, v in enumerate(f.case.victims, start=1)
    ]


def victims_by_initials(f: CaseFile) -> list[dict[str, str]]:
    """Letters that leave the office: initials, age and sex only."""
    day = f.reference_day
    return [
        {"no": str(i), "inisial": v.initials, "umur": age_label(v, day), "jenis_kelamin": sex_label(v.sex)}
        for i, v in enumerate(f.case.victims, start=1)
    ]


def victims_text(f: CaseFile) -> str:
    return enumerate_text([initials_described(v, f.reference_day) for v in f.case.victims])


def perpetrator_rows(f: CaseFile) -> list[dict[str, str]]:
    day = f.reference_day
    return [
        {
            "no": str(i),
            "nama": p.full_name,
            "jenis_kelamin": sex_label(p.sex),
            "umur": age_label(p, day),
            "hubungan": label_of(p.relation),
            "tinggal_serumah": yes_no(p.lives_with_victim),
            "pekerjaan": label_of(p.occupation),
            "alamat": address_label(p),
        }
        for i, p in enumerate(f.case.perpetrators, start=1)
    ]


def reporter_rows(f: CaseFile) -> list[dict[str, str]]:
    return [
        {
            "no": str(i),
            "nama": r.full_name,
            "hubungan": "Korban sendiri" if r.is_victim else shown(r.relation_to_victim),
            "instansi": shown(r.institution),
            "telepon": shown(r.phone),
            "alamat": address_label(r),
        }
        for i, r in enumerate(f.case.reporters, start=1)
    ]


def incident_fields(f: CaseFile) -> Context:
    c = f.case
    return {
        "tanggal_kejadian": tanggal_indonesia(c.incident_date),
        "tempat_kejadian": label_of(c.incident_place),
        "wilayah_kejadian": region_label(c.incident_region),
        "alamat_kejadian": shown(c.incident_address),
        "kdrt": yes_no(c.is_domestic_violence),
        "bentuk_kekerasan": labels_of(c.violence_types),
    }


def highest_risk(f: CaseFile) -> str:
    levels = [a.final_level or a.computed_level for a in f.risk_assessments]
    levels = [lv for lv in levels if lv is not None]
    return level_label(max(levels, key=lambda lv: lv.rank)) if levels else EMPTY


def plan_rows(f: CaseFile) -> list[dict[str, str]]:
    items = f.plan.items if f.plan else []
    return [
        {
            "no": str(i),
            "layanan": label_of(item.service_type),
            "pelaksana": shown(item.provider),
            "penanggung_jawab": shown(item.responsible.full_name if item.responsible else None),
            "target": tanggal_indonesia(item.target_date),
            "status": item.status.value.capitalize() if item.status else EMPTY,
            "catatan": shown(item.notes),
        }
        for i, item in enumerate(items, start=1)
    ]


def simfoni_fields(f: CaseFile) -> Context:
    return {
        "nomor_simfoni": shown(f.simfoni.registration_number if f.simfoni else None),
        "tanggal_input_simfoni": tanggal_indonesia(f.simfoni.input_date if f.simfoni else None),
    }


def recipient_chronology(case: Case, complaint: Complaint | None) -> str:
    """"Kronologi singkat" as a letter's recipient reads it: what happened and how (the complaint's 5W+1H), else
    the case summary; victims and perpetrators by initials. The referral and transfer forms prefill it; the head
    edits it; the letter prints what was issued."""
    told = [t.strip() for t in ([complaint.what, complaint.how] if complaint else []) if t and t.strip()]
    text = " ".join(t if t.endswith((".", "!", "?")) else t + "." for t in told) or (case.summary or "")
    return initials_only(text, [*case.victims, *case.perpetrators])


def di_line(address: str | None) -> str:
    """The "di" line under "Yth.": the recipient's town (the last part of the address), never a street address."""
    parts = [p.strip() for p in (address or "").replace("\n", ",").split(",") if p.strip()]
    return parts[-1] if parts else "Tempat"


def external_letter_fields(f: CaseFile, default_subject: str, default_nature: LetterNature) -> Context:
    """What referral and transfer letters share: the letter head fields and the beneficiary by initials."""
    letter = f.letter
    assert letter is not None  # letter_fields() has checked it
    victims = f.case.victims

    def masked(text: str | None) -> str:
        return initials_only(text, [*victims, *f.case.perpetrators])

    return {
        "sifat": (letter.nature or default_nature).value,
        "lampiran": shown(letter.attachment),
        "hal": masked(letter.subject) if letter.subject else default_subject,
        "kepada": shown(letter.recipient),
        "alamat_tujuan": shown(letter.recipient_address) if letter.recipient_address else "Tempat",
        "di": di_line(letter.recipient_address),
        "penerima_manfaat": victims_by_initials(f),
        "korban_inisial": victims_text(f),
        "bentuk_kekerasan": labels_of(f.case.violence_types),
        # Letters issued before the chronology was a field print what the complaint tells, masked.
        "kronologi": masked(letter.chronology) if letter.chronology else recipient_chronology(f.case, f.complaint),
        "layanan_diberikan": masked(letter.services_given),
        "kondisi_terkini": masked(letter.current_condition),
        "tujuan": masked(letter.purpose),
        "dokumen_diserahkan": masked(letter.documents_handed_over),
        "narahubung": shown(letter.contact_person),
        "tembusan": numbered(split_lines(letter.copies_to)),
    }
