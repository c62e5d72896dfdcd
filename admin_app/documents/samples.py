"""Samples for previews and upload checks: realistic but invented rows, run through the real shapes, no database.

The list of variables each type provides is read from that output, so the list shown to staff cannot drift from
what renders."""

from __future__ import annotations

import datetime as dt

from admin_app.documents.casefile import SETTING_KEYS, CaseFile, Context
from admin_app.documents.registry import DOCUMENT_TYPES
from admin_app.models import (
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
    LetterNature,
    LetterStatus,
    MaritalStatus,
    Occupation,
    OutcomeKind,
    OutreachLog,
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
    VerificationSource,
    Victim,
    ViolenceType,
)
from admin_app.models.reference import ReferenceValue
from admin_app.settings import default_settings

HEAD_POSITION = default_settings(["surat.jabatan_kepala"])["surat.jabatan_kepala"]

# --- Samples: realistic but invented, run through the real shapes, no database ----------------------------------

SAMPLE_NOW = dt.datetime(2025, 8, 1, 2, 30, tzinfo=dt.timezone.utc)  # Jumat, 1 Agustus 2025, 09.30 WIB


def sample_case_file(doc_type: str) -> CaseFile:
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
    # The preview shows the contact line too; these are marked as examples, never printed on a real letter.
    settings = {**default_settings(SETTING_KEYS), "kop.telepon": "(021) 0000 0000 (contoh)",
                "kop.email": "uptdppa@contoh.go.id"}
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
        number="400.10.2/001/INS/UPTD-PPA/VIII/2025",
        outcomes=[InstructionOutcome(kind=OutcomeKind.REFERRAL), InstructionOutcome(kind=OutcomeKind.CASE_MANAGEMENT)],
    )
    f = CaseFile(
        case=case,
        settings=settings,
        outreach_log=OutreachLog(
            verification_notes="Alamat dan identitas dicocokkan dengan lurah dan ketua RT 003.",
            address_traced="Jl. Melati No. 12 RT 003/RW 002, Sukaasih",
            departed_at=dt.datetime(2025, 8, 1, 2, 0, tzinfo=dt.timezone.utc),
            arrived_at=dt.datetime(2025, 8, 1, 2, 40, tzinfo=dt.timezone.utc),
            returned_at=dt.datetime(2025, 8, 1, 5, 0, tzinfo=dt.timezone.utc),
            team_present="Rina Marlina, S.Psi.", companions="Unit PPA Polres Metro Tangerang Kota",
            rescue_actions="Korban dijemput dari rumah dan diantar ke rumah bibinya.",
            safety_actions="Korban tinggal sementara di rumah bibi; pelaku tidak mengetahui alamatnya.",
            initial_support="Konseling awal dan penguatan psikologis.", filled_by=officer,
            verification_sources=[ref(VerificationSource, "Kelurahan")],
        ),
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
            number="400.10.2/001/LAP/UPTD-PPA/VIII/2025",
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
    letter_class = DOCUMENT_TYPES[doc_type].letter_class
    if letter_class is not None:
        # A letter type without its own sample fields still previews: the fields every letter has.
        extra = _SAMPLE_LETTERS.get(letter_class, lambda people: {})((officer, officer2))
        f.letter = letter_class(**{"number": "000/001/UPTD-PPA/VIII/2025", **letter_fields, **extra})
        if letter_class is ReferralLetter:
            instruction.outcomes[0].letter = f.letter
    return f


_SAMPLE_LETTERS = {
    AssignmentLetter: lambda team: dict(
        number="800.1.11.1/001/ST/UPTD-PPA/VIII/2025", outreach_date=dt.date(2025, 8, 1),
        members=[AssignmentMember(user=u, position_in_list=i, name=u.full_name, nip=u.nip, rank=u.rank,
                                  position=u.position) for i, u in enumerate(team, start=1)],
    ),
    ReferralLetter: lambda team: dict(
        number="400.10.2/001/RJK/UPTD-PPA/VIII/2025", nature=LetterNature.SEGERA, attachment="1 (satu) berkas",
        subject="Rujukan Layanan Kedaruratan", recipient="Direktur RSUD Kota Tangerang",
        recipient_address="Jl. Pulau Putri Raya, Kelapa Indah, Kota Tangerang",
        services_given="Penjangkauan, pengamanan dan dukungan psikososial awal.",
        current_condition="Memar di lengan kiri dan punggung, cemas, sulit tidur.",
        purpose="Pemeriksaan kesehatan, visum et repertum dan penanganan medis.",
        documents_handed_over="Salinan formulir pengaduan\nSalinan hasil asesmen risiko",
        contact_person="Rina Marlina, S.Psi. (0812-3456-7890)",
        copies_to="Kepala Dinas DP3AP2KB Kota Tangerang\nArsip",
    ),
    TransferLetter: lambda team: dict(
        number="400.10.2/001/PLK/UPTD-PPA/VIII/2025", nature=LetterNature.RAHASIA, attachment="1 (satu) berkas",
        subject="Pelimpahan Kasus", recipient="Kepala UPTD PPA Provinsi Banten",
        recipient_address="Jl. Syech Nawawi Al Bantani, Kota Serang",
        services_given="Penjangkauan, pengamanan, asesmen risiko dan dukungan psikososial awal.",
        current_condition="Korban berada di rumah aman sementara dalam keadaan stabil.",
        purpose="Penanganan lanjutan oleh UPTD PPA Provinsi Banten.",
        documents_handed_over="Salinan formulir pengaduan\nSalinan laporan kasus",
        contact_person="Rina Marlina, S.Psi. (0812-3456-7890)", authority=Authority.PROVINSI,
        transfer_basis="Pelaku dan korban berdomisili lintas kabupaten/kota dalam Provinsi Banten.",
        copies_to="Kepala Dinas DP3AP2KB Kota Tangerang\nArsip",
    ),
}


def sample_context(doc_type: str) -> Context:
    """A realistic invented context for previews: the real shape of `doc_type` over rows built in memory."""
    return DOCUMENT_TYPES[doc_type].shape(sample_case_file(doc_type), SAMPLE_NOW)


def provided_names(doc_type: str) -> set[str]:
    """Top-level variables a template of `doc_type` may use: what the builder really outputs."""
    return set(sample_context(doc_type))
