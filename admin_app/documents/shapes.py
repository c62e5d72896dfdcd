"""One shape per document type: a CaseFile in, the plain dict its template prints out (str/int/bool and lists of dicts)."""

from __future__ import annotations

import datetime as dt

from admin_app.documents.casefile import CaseFile, Context
from admin_app.documents.formatting import (
    AUTHORITY_NAMES,
    CASE_KIND_LABELS,
    EMPTY,
    ZONE_NAMES,
    age_label,
    format_nip,
    initials_only,
    label_of,
    labels_of,
    level_label,
    numbered,
    sex_label,
    short_region_label,
    shown,
    tanggal_indonesia,
    yes_no,
)
from admin_app.documents.parts import (
    common_fields,
    external_letter_fields,
    highest_risk,
    incident_fields,
    letter_fields,
    name_and_position,
    officer_fields,
    perpetrator_rows,
    plan_rows,
    reporter_rows,
    signer_fields,
    simfoni_fields,
    victim_rows,
    victims_text,
)
from admin_app.models import (
    AUTHORITY_LABELS,
    OUTCOME_LABELS,
    AssignmentLetter,
    ConsentDecision,
    ConsentPurpose,
    InformedConsent,
    InstructionOutcome,
    LetterNature,
    OutcomeKind,
    ReferralLetter,
    TransferLetter,
)

# --- One shape per document type --------------------------------------------------------------------------------


def shape_surat_tugas(f: CaseFile, now: dt.datetime) -> Context:
    letter = f.letter
    base = letter_fields(f, AssignmentLetter)
    assert isinstance(letter, AssignmentLetter)
    victims = f.case.victims
    region = next((v.region for v in victims if v.region is not None), None) or f.case.incident_region
    outside = next((v.address_outside_city for v in victims if v.address_outside_city), None)
    place = short_region_label(region) if region is not None else shown(outside)
    start = letter.outreach_date or letter.letter_date
    when = tanggal_indonesia(start, with_day=True)
    until = letter.outreach_until
    period = (f"{when} sampai dengan {tanggal_indonesia(until, with_day=True)}" if until and until != start
              else when)
    who = f"korban {victims_text(f)}" if victims else f"korban sesuai informasi kasus nomor {f.case.case_number}"
    where = f" di {place}" if place != EMPTY else ""
    head = f.settings["surat.jabatan_kepala"]
    # What the head typed ("Untuk / maksud penugasan") comes first, as written; then where, when and the duties
    # every outreach team carries.
    purpose = (letter.purpose or "").strip().rstrip(".;") or "Melaksanakan penjangkauan korban"
    tasks = [
        f"{purpose};",
        f"Melaksanakan penjangkauan {who}{where} pada {period};",
        "Menjaga kerahasiaan identitas dan informasi korban;",
        f"Melaporkan hasil pelaksanaan tugas kepada {head}.",
    ]
    intake = f" melalui {f.case.intake_channel.label}" if f.case.intake_channel else ""
    basis = [*f.settings["surat.dasar_tugas"].splitlines(), f"Informasi kasus nomor {f.case.case_number} yang "
             f"diterima pada tanggal {tanggal_indonesia(f.local(f.case.received_at))}{intake}."]
    return {
        **common_fields(f, now),
        **base,
        "dasar": numbered(basis),
        "anggota": [
            {"no": str(i), "nama": m.name, "pangkat": shown(m.rank), "nip": format_nip(m.nip),
             "jabatan": shown(m.position)}
            for i, m in enumerate(letter.members, start=1)
        ],
        "untuk": numbered(tasks),
        "korban_inisial": victims_text(f),
        "lokasi_penjangkauan": place,
        "tanggal_penjangkauan": when,
        "masa_tugas": period,
    }


def shape_surat_rujukan(f: CaseFile, now: dt.datetime) -> Context:
    base = letter_fields(f, ReferralLetter)
    return {**common_fields(f, now), **base, **external_letter_fields(f, "Rujukan Layanan Kedaruratan", LetterNature.SEGERA)}


def shape_surat_pelimpahan(f: CaseFile, now: dt.datetime) -> Context:
    base = letter_fields(f, TransferLetter)
    letter = f.letter
    assert letter is not None
    return {
        **common_fields(f, now),
        **base,
        **external_letter_fields(f, "Pelimpahan Kasus", LetterNature.RAHASIA),
        "kewenangan": AUTHORITY_NAMES[letter.authority] if letter.authority else EMPTY,
        "dasar_pelimpahan": initials_only(letter.transfer_basis, f.case.victims),
    }


def shape_formulir_pengaduan(f: CaseFile, now: dt.datetime) -> Context:
    c, complaint = f.case, f.complaint
    received = f.local(c.received_at)
    zone = ZONE_NAMES.get(f.settings["waktu.zona"], received.tzname() or "")

    def part(name: str) -> str:
        return shown(getattr(complaint, name) if complaint else None)

    return {
        **common_fields(f, now),
        **incident_fields(f),
        **officer_fields((complaint.filled_by if complaint else None) or c.registered_by),
        "tanggal_pengaduan": tanggal_indonesia((complaint.complaint_date if complaint else None) or c.reported_date),
        "tanggal_diterima": tanggal_indonesia(received, with_day=True),
        "jam_diterima": f"{received:%H.%M} {zone}".strip(),
        "kanal_pengaduan": label_of(c.intake_channel),
        "urgensi": c.urgency.value.capitalize() if c.urgency else EMPTY,
        "pelapor": reporter_rows(f),
        # The reporter signs on the left; a blank line to write on when nobody is recorded.
        "pelapor_ttd": c.reporters[0].full_name if c.reporters else "(................................)",
        "korban": victim_rows(f),
        "pelaku": perpetrator_rows(f),
        "layanan_dibutuhkan": labels_of(c.services_needed),
        "ringkasan": shown(c.summary),
        "apa": part("what"),
        "siapa": part("who"),
        "kapan": part("when"),
        "dimana": part("where"),
        "mengapa": part("why"),
        "bagaimana": part("how"),
        "harapan": part("expectations"),
    }


def shape_formulir_identifikasi(f: CaseFile, now: dt.datetime) -> Context:
    day = f.reference_day
    first = f.identifications[0] if f.identifications else None
    done = next((i.completed_at for i in f.identifications if i.completed_at), None)
    return {
        **common_fields(f, now),
        **incident_fields(f),
        **officer_fields(first.filled_by if first else None),
        "tanggal_identifikasi": tanggal_indonesia(f.local(done) if done else None),
        "korban": victim_rows(f),
        "pelaku": perpetrator_rows(f),
        "identifikasi": [
            {
                "no": str(n),
                "nama": i.victim.full_name,
                "umur": age_label(i.victim, day),
                "jenis_kasus": CASE_KIND_LABELS[i.case_kind] if i.case_kind else EMPTY,
                "tppo": yes_no(i.is_trafficking),
                "ampk": label_of(i.ampk_category),
                "kewenangan": AUTHORITY_LABELS[i.authority] if i.authority else EMPTY,
                "kewenangan_tujuan": shown(i.belongs_to),
                "kebutuhan_disabilitas": shown(i.disability_needs),
                "catatan": shown(i.notes),
            }
            for n, i in enumerate(f.identifications, start=1)
        ],
    }


def shape_formulir_asesmen_risiko(f: CaseFile, now: dt.datetime) -> Context:
    first = f.risk_assessments[0] if f.risk_assessments else None
    done = next((a.completed_at for a in f.risk_assessments if a.completed_at), None)
    answers = [(a, ans) for a in f.risk_assessments for ans in a.answers]
    return {
        **common_fields(f, now),
        **officer_fields(first.filled_by if first else None),
        "tanggal_asesmen": tanggal_indonesia(f.local(done) if done else None),
        "korban": victim_rows(f),
        "ambang_tinggi": f.settings["risiko.ambang_tinggi"],
        "ambang_sedang": f.settings["risiko.ambang_sedang"],
        "tingkat_risiko": highest_risk(f),
        "indikator": [
            {
                "no": str(n),
                "korban": a.victim.full_name,
                "indikator": ans.indicator.label,
                "ada": yes_no(ans.present),
                "bobot": str(ans.weight),
                "catatan": shown(ans.note),
            }
            for n, (a, ans) in enumerate(answers, start=1)
        ],
        "hasil": [
            {
                "no": str(n),
                "nama": a.victim.full_name,
                "skor": str(a.score),
                "tingkat_hitung": level_label(a.computed_level),
                "tingkat_akhir": level_label(a.final_level),
                "alasan_perubahan": shown(a.level_change_reason),
                "catatan": shown(a.notes),
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
        "umur": age_label(victim, f.reference_day) if victim else EMPTY,
        "jenis_kelamin": sex_label(victim.sex) if victim else EMPTY,
        "tujuan": CONSENT_PURPOSES[c.purpose],
        "untuk_rencana": c.purpose == ConsentPurpose.PLAN,
        "yang_menyatakan": shown(c.consenter_name),
        "hubungan": shown(c.consenter_relation) if c.consenter_is_guardian else "Penerima manfaat sendiri",
        "sebagai_wali": yes_no(c.consenter_is_guardian),
        "setuju_layanan": yes_no(c.consents_to_services),
        "setuju_berbagi_data": yes_no(c.consents_to_data_sharing),
        "lembaga_berbagi_data": shown(c.sharing_institutions),
        "setuju_simfoni": yes_no(c.consents_to_simfoni),
        "keputusan": {ConsentDecision.GIVEN: "SETUJU", ConsentDecision.REFUSED: "MENOLAK"}.get(c.decision, EMPTY)
        if c.decision else EMPTY,
        "tanggal": tanggal_indonesia(c.consent_date),
        "tempat": shown(c.place),
        "saksi": shown(c.witness_name),
        "catatan": shown(c.notes),
        "petugas": shown(c.filled_by.full_name if c.filled_by else None),
    }


def shape_formulir_persetujuan(f: CaseFile, now: dt.datetime) -> Context:
    first = f.consents[0] if f.consents else None
    return {
        **common_fields(f, now),
        **officer_fields(first.filled_by if first else None),
        "persetujuan": [_consent_row(n, c, f) for n, c in enumerate(f.consents, start=1)],
        # What a plan consent consents to: the plan itself, printed with it.
        "rencana": plan_rows(f),
    }


def shape_laporan_kasus(f: CaseFile, now: dt.datetime) -> Context:
    bio, plan, log = f.biopsychosocial, f.plan, f.outreach_log

    def assessed(name: str) -> str:
        return shown(getattr(bio, name) if bio else None)

    def logged(name: str) -> str:
        return shown(getattr(log, name) if log else None)

    def at(moment: dt.datetime | None) -> str:
        return f.local(moment).strftime("%d-%m-%Y %H:%M") if moment else EMPTY

    # A document of record keeps its date: the day of the assessment it reports, never the day it is printed.
    reported = (bio.assessed_on if bio else None) or f.local(now).date()
    return {
        "tanggal_laporan_kasus": tanggal_indonesia(reported),
        # SOP step 3 a and c: how the victim was found and verified, rescued, secured and first supported.
        "penjangkauan_sumber_verifikasi": ", ".join(v.label for v in log.verification_sources) if log and
        log.verification_sources else EMPTY,
        "penjangkauan_verifikasi": logged("verification_notes"),
        "penjangkauan_alamat": logged("address_traced"),
        "penjangkauan_waktu": (f"berangkat {at(log.departed_at)}, tiba {at(log.arrived_at)}, kembali "
                               f"{at(log.returned_at)}") if log else EMPTY,
        "penjangkauan_tim": logged("team_present"),
        "penjangkauan_pendamping": logged("companions"),
        "penjangkauan_penyelamatan": logged("rescue_actions"),
        "penjangkauan_pengamanan": logged("safety_actions"),
        "penjangkauan_dukungan_awal": logged("initial_support"),
        **common_fields(f, now),
        **incident_fields(f),
        **simfoni_fields(f),
        **officer_fields((bio.filled_by if bio else None) or (plan.filled_by if plan else None)),
        "korban": victim_rows(f),
        "pelaku": perpetrator_rows(f),
        "ringkasan": shown(f.case.summary),
        "tingkat_risiko": highest_risk(f),
        "tanggal_asesmen": tanggal_indonesia(bio.assessed_on if bio else None),
        "kondisi_fisik": assessed("physical"),
        "kondisi_psikologis": assessed("psychological"),
        "kondisi_sosial": assessed("social"),
        "kondisi_ekonomi": assessed("economic"),
        "kebutuhan_hukum": assessed("legal"),
        "kesimpulan_asesmen": assessed("summary"),
        "rencana_tujuan": shown(plan.goal if plan else None),
        "rencana_catatan": shown(plan.notes if plan else None),
        "rencana": plan_rows(f),
    }


def _plan_consent_text(f: CaseFile) -> str:
    consents = [c for c in f.consents if c.purpose == ConsentPurpose.PLAN]
    if not consents:
        return "Belum ada persetujuan rencana intervensi."
    parts = []
    for c in consents:
        decision = "menyetujui" if c.decision == ConsentDecision.GIVEN else "menolak"
        parts.append(f"{shown(c.consenter_name)} {decision} rencana intervensi pada {tanggal_indonesia(c.consent_date)}")
    return "; ".join(parts) + "."


def shape_laporan_permohonan_instruksi(f: CaseFile, now: dt.datetime) -> Context:
    req = f.request
    submitted = req.submitted_at if req else None
    return {
        **common_fields(f, now),
        **simfoni_fields(f),
        **officer_fields(req.submitted_by if req else None),
        "tanggal_laporan": tanggal_indonesia(f.local(submitted) if submitted else None),
        "nomor_surat": shown(req.number if req else None),
        "dari": name_and_position(req.submitted_by if req else None),
        "korban": victim_rows(f),
        "bentuk_kekerasan": labels_of(f.case.violence_types),
        "tingkat_risiko": highest_risk(f),
        "laporan": shown(req.report if req else None),
        "permohonan": shown(req.request if req else None),
        "rencana": plan_rows(f),
        "persetujuan_rencana": _plan_consent_text(f),
    }


def _outcome_row(n: int, o: InstructionOutcome) -> dict[str, str]:
    if o.kind == OutcomeKind.CLOSE:
        note = f"Alasan: {shown(o.close_reason)}"
    elif o.letter is not None:
        note = f"Surat nomor {o.letter.number}"
    else:
        note = EMPTY
    return {"no": str(n), "jenis": OUTCOME_LABELS[o.kind], "keterangan": note}


def shape_instruksi_tindak_lanjut(f: CaseFile, now: dt.datetime) -> Context:
    ins, req = f.instruction, f.request
    head = ins.given_by if ins else None
    requester = req.submitted_by if req else None
    return {
        **common_fields(f, now),
        **signer_fields(head.full_name if head else None, head.nip if head else None, head.rank if head else None,
                        head.position if head else None, ins.signer_capacity if ins else None,
                        f.settings["surat.jabatan_kepala"]),
        "tanggal_instruksi": tanggal_indonesia(f.local(ins.given_at) if ins else None),
        "nomor_surat": shown(ins.number if ins else None),
        "kepada": name_and_position(requester),
        "kepada_nama": shown(requester.full_name if requester else None),
        "kepada_jabatan": shown(requester.position if requester else None),
        "korban": victim_rows(f),
        "tingkat_risiko": highest_risk(f),
        "laporan": shown(req.report if req else None),
        "instruksi": shown(ins.instruction if ins else None),
        "tindak_lanjut": [_outcome_row(n, o) for n, o in enumerate(ins.outcomes if ins else [], start=1)],
    }
