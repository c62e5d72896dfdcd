"""Demo users (password `jangkau-demo`) and about 30 demo cases spread over every SOP step. Never in production.

Cases are moved through the SOP by the real process engine with a clock set in the past, so their timelines,
deadlines and letter numbers are what the app itself would have produced; some steps are completed late on
purpose. The same builders give the test suite cases at any step (`CaseBuilder`).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from admin_app.models import (
    BiopsychosocialAssessment,
    Case,
    CaseIdentification,
    CaseKind,
    Complaint,
    ConsentDecision,
    ConsentPurpose,
    DocumentStatus,
    IncidentPlace,
    InformedConsent,
    IntakeChannel,
    InterventionPlan,
    InterventionPlanItem,
    OutcomeKind,
    OutreachLog,
    Perpetrator,
    PerpetratorRelation,
    Region,
    RegionLevel,
    Reporter,
    RiskAnswer,
    RiskAssessment,
    RiskIndicator,
    RiskLevel,
    Role,
    ServiceType,
    Sex,
    Urgency,
    User,
    Victim,
    ViolenceType,
    utcnow,
)
from admin_app.models.letters import Authority
from admin_app.security.passwords import hash_password
from admin_app.sop.process import CaseProcess, OutcomeRequest
from admin_app.sop.settings import load_deadline_policy

DEMO_PASSWORD = "jangkau-demo"

DEMO_USERS = (
    # username, full name, NIP, rank, position, roles
    ("kepala", "Dra. Hj. Siti Nurjanah, M.Si.", "197205141998032004", "Pembina (IV/a)", "Kepala UPTD PPA Kota Tangerang", ("kepala",)),
    ("petugas1", "Rina Marlina, S.Psi.", "198609262015052001", "Penata (III/c)", "Psikolog Klinis", ("petugas",)),
    ("petugas2", "Dedi Kurniawan, S.Sos.", None, None, "Pekerja Sosial (non-PNS)", ("petugas",)),
    ("administrasi", "Yuliana Putri, A.Md.", "199107182019032009", "Pengatur (II/c)", "Kasubag TU UPTD PPA", ("administrasi",)),
    ("sysadmin", "Agus Setiawan, S.Kom.", None, None, "Administrator Sistem", ("sysadmin",)),
)

WOMEN = ("Siti Aisyah", "Dewi Lestari", "Nur Hasanah", "Putri Ramadhani", "Ayu Wulandari", "Sri Rahayu", "Fitri Handayani",
         "Indah Permatasari", "Ratna Sari", "Wulan Septiani", "Aulia Rahma", "Nabila Zahra", "Citra Kirana", "Lina Marlina")
GIRLS = ("Zahra Aulia", "Keisha Putri", "Alya Nadhira", "Salsabila", "Naura Azzahra", "Cahaya Ramadhani", "Azka Maharani")
BOYS = ("Muhammad Rizky", "Fajar Pratama", "Rafi Ahmad", "Dimas Saputra", "Arkan Hidayat")
MEN = ("Budi Santoso", "Agus Salim", "Joko Susilo", "Hendra Gunawan", "Rudi Hartono", "Andi Wijaya", "Slamet Riyadi")
STORIES = (
    ("Korban dipukul oleh suaminya di rumah setelah bertengkar soal uang belanja; tetangga mendengar teriakan.", True),
    ("Anak perempuan dilaporkan guru karena sering datang dengan memar dan tampak ketakutan pulang ke rumah.", True),
    ("Korban mengaku dilecehkan oleh rekan kerja di pabrik dan diancam akan dipecat bila melapor.", False),
    ("Anak ditinggal orang tuanya tanpa pengasuh selama dua minggu; dilaporkan ketua RT.", True),
    ("Remaja perempuan dijanjikan pekerjaan di luar kota oleh kenalan media sosial, keluarga curiga perdagangan orang.", False),
    ("Istri diusir dari rumah bersama dua anaknya dan tidak diberi nafkah; mengalami tekanan psikis berat.", True),
    ("Anak laki-laki mengalami kekerasan fisik dari ayah tirinya; luka di lengan terlihat oleh wali kelas.", True),
    ("Korban kekerasan seksual oleh tetangga; keluarga takut melapor ke polisi.", False),
)


def load_demo_users(session: Session, *, fast_hash: bool = False) -> dict[str, User]:
    roles = {r.code: r for r in session.execute(select(Role)).scalars()}
    users: dict[str, User] = {}
    for username, full_name, nip, rank, position, role_codes in DEMO_USERS:
        user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
        if user is None:
            user = User(
                username=username,
                full_name=full_name,
                nip=nip,
                rank=rank,
                position=position,
                password_hash=hash_password(DEMO_PASSWORD, fast=fast_hash),
                roles=[roles[c] for c in role_codes],
            )
            session.add(user)
        users[username] = user
    session.flush()
    return users


class MovableClock:
    """A clock the builder sets: cases get realistic past timestamps from the real engine."""

    def __init__(self, now: dt.datetime):
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta) -> dt.datetime:
        self.now += dt.timedelta(**delta)
        return self.now


def _ref(session: Session, model, code: str):
    return session.execute(select(model).where(model.code == code)).scalar_one()


@dataclass
class Team:
    kepala: User
    officers: list[User]
    administrasi: User


class CaseBuilder:
    """Builds complete, realistic cases and moves them through the SOP with the real engine."""

    def __init__(self, session: Session, team: Team, clock: MovableClock, rng: random.Random | None = None):
        self.session = session
        self.team = team
        self.clock = clock
        self.rng = rng or random.Random(695)
        self.process = CaseProcess(session, load_deadline_policy(session), clock=clock)

    # -- step 1
    def register(self, *, story: int | None = None, child: bool | None = None, urgency: Urgency | None = None) -> Case:
        rng = self.rng
        text, domestic = STORIES[story if story is not None else rng.randrange(len(STORIES))]
        kelurahan = self.session.execute(
            select(Region).where(Region.level == RegionLevel.KELURAHAN).order_by(Region.code)
        ).scalars().all()
        region = rng.choice(kelurahan)
        channel = rng.choice(self.session.execute(select(IntakeChannel)).scalars().all())
        received = self.clock()
        case = self.process.register_case(
            self.team.officers[0],
            summary=text,
            received_at=received,
            intake_channel_id=channel.id,
            incident_date=(received - dt.timedelta(days=rng.randint(0, 20))).date(),
            incident_place_id=_ref(self.session, IncidentPlace, "rumah_tangga" if domestic else "fasilitas_umum").id,
            incident_region_id=region.id,
            incident_address=f"Jl. {rng.choice(['Mawar', 'Melati', 'Kenanga', 'Anggrek', 'Flamboyan'])} No. {rng.randint(1, 90)}, "
            f"RT {rng.randint(1, 12):03d}/RW {rng.randint(1, 9):03d}",
            victim_hint="Perempuan dewasa" if child is False else "Anak, usia sekolah",
            urgency=urgency or rng.choice(list(Urgency)),
            is_domestic_violence=domestic,
        )
        self._add_people(case, child=child if child is not None else rng.random() < 0.45)
        return case

    def _add_people(self, case: Case, *, child: bool) -> None:
        rng = self.rng
        incident = case.incident_date or case.reported_date
        if child:
            girl = rng.random() < 0.75
            name = rng.choice(GIRLS if girl else BOYS)
            birth = incident - dt.timedelta(days=rng.randint(5, 16) * 365 + rng.randint(0, 300))
            sex = Sex.PEREMPUAN if girl else Sex.LAKI_LAKI
        else:
            name = rng.choice(WOMEN)
            birth = incident - dt.timedelta(days=rng.randint(19, 48) * 365 + rng.randint(0, 300))
            sex = Sex.PEREMPUAN
        victim = Victim(
            full_name=name,
            sex=sex,
            birth_date=birth,
            birth_place="Tangerang",
            region_id=case.incident_region_id,
            address=case.incident_address,
            phone=None if child else f"+62812{rng.randint(10000000, 99999999)}",
        )
        case.victims.append(victim)
        case.reporters.append(
            Reporter(full_name=rng.choice(WOMEN + MEN), relation_to_victim=rng.choice(["Tetangga", "Ketua RT", "Guru", "Kakak"]),
                     phone=f"+62813{rng.randint(10000000, 99999999)}")
        )
        relation_code = "orang_tua" if child else "suami_istri"
        case.perpetrators.append(
            Perpetrator(full_name=rng.choice(MEN), sex=Sex.LAKI_LAKI, relation_id=_ref(self.session, PerpetratorRelation, relation_code).id,
                        lives_with_victim=case.is_domestic_violence)
        )
        self.session.flush()

    # -- step 3 documents
    def fill_field_documents(self, case: Case, officer: User, *, high_risk: bool = False, consent_sharing: bool = True) -> None:
        session, rng, now = self.session, self.rng, self.clock()
        session.add(
            OutreachLog(
                case_id=case.id, filled_by_id=officer.id, status=DocumentStatus.COMPLETE, completed_at=now,
                verification_notes="Data dicocokkan dengan kelurahan dan ketua RT setempat.",
                address_traced=case.incident_address, departed_at=now - dt.timedelta(hours=5),
                arrived_at=now - dt.timedelta(hours=4), returned_at=now - dt.timedelta(hours=1),
                team_present=officer.full_name, companions="Unit PPA Polres Metro Tangerang Kota",
                rescue_actions="Korban dipindahkan ke rumah kerabat yang aman.",
                safety_actions="Koordinasi dengan ketua RT untuk pemantauan.",
                initial_support="Konseling awal dan penguatan psikologis.",
            )
        )
        case.violence_types = [_ref(session, ViolenceType, rng.choice(["fisik", "psikis", "seksual", "penelantaran"]))]
        case.services_needed = [_ref(session, ServiceType, "kesehatan"), _ref(session, ServiceType, "bantuan_hukum")]
        session.add(
            Complaint(
                case_id=case.id, filled_by_id=officer.id, status=DocumentStatus.COMPLETE, completed_at=now,
                complaint_date=case.reported_date, what=case.summary, who="Korban dan terlapor",
                when=str(case.incident_date), where=case.incident_address, why="Konflik dalam keluarga",
                how="Diceritakan korban kepada petugas", expectations="Korban aman dan mendapat pendampingan",
            )
        )
        indicators = session.execute(select(RiskIndicator).where(RiskIndicator.active.is_(True))).scalars().all()
        incident = case.incident_date or case.reported_date
        for victim in case.victims:
            child = (victim.age_on(incident) or 18) < 18
            session.add(
                CaseIdentification(
                    case_id=case.id, victim_id=victim.id, filled_by_id=officer.id, status=DocumentStatus.COMPLETE,
                    completed_at=now, case_kind=CaseKind.KTA if child else CaseKind.KTP, authority=Authority.KOTA,
                )
            )
            assessment = RiskAssessment(
                case_id=case.id, victim_id=victim.id, filled_by_id=officer.id, status=DocumentStatus.COMPLETE, completed_at=now
            )
            for indicator in indicators:
                present = (indicator.code == "nyawa_terancam" and high_risk) or (indicator.code == "pelaku_serumah" and case.is_domestic_violence)
                assessment.answers.append(RiskAnswer(indicator_id=indicator.id, present=present, weight=indicator.weight))
            assessment.score = sum(a.weight for a in assessment.answers if a.present)
            level = RiskLevel.TINGGI if high_risk else (RiskLevel.SEDANG if assessment.score >= 20 else RiskLevel.RENDAH)
            assessment.computed_level = assessment.final_level = level
            session.add(assessment)
            for purpose in (ConsentPurpose.SERVICE, ConsentPurpose.PLAN):
                session.add(
                    InformedConsent(
                        case_id=case.id, victim_id=victim.id, purpose=purpose, filled_by_id=officer.id,
                        status=DocumentStatus.COMPLETE, completed_at=now,
                        consenter_name="Ibu kandung korban" if child else victim.full_name,
                        consenter_is_guardian=child, consenter_relation="Ibu kandung" if child else None,
                        consents_to_services=True, consents_to_data_sharing=consent_sharing,
                        sharing_institutions="RSUD Kota Tangerang; Unit PPA Polres" if consent_sharing else None,
                        consents_to_simfoni=True, decision=ConsentDecision.GIVEN, consent_date=case.reported_date,
                        place="Tangerang", witness_name=officer.full_name,
                    )
                )
        session.add(
            BiopsychosocialAssessment(
                case_id=case.id, filled_by_id=officer.id, status=DocumentStatus.COMPLETE, completed_at=now,
                assessed_on=now.date(), physical="Memar ringan, perlu pemeriksaan dokter.",
                psychological="Cemas dan sulit tidur sejak kejadian.", social="Tinggal bersama keluarga; dukungan tetangga baik.",
                economic="Bergantung pada penghasilan terlapor.", legal="Korban ingin melapor ke kepolisian.",
                summary="Perlu layanan kesehatan, pendampingan psikologis dan bantuan hukum.",
            )
        )
        plan = InterventionPlan(
            case_id=case.id, filled_by_id=officer.id, status=DocumentStatus.COMPLETE, completed_at=now,
            goal="Korban aman, pulih dan mendapat keadilan.",
        )
        plan.items.append(
            InterventionPlanItem(service_type_id=_ref(session, ServiceType, "kesehatan").id, provider="RSUD Kota Tangerang",
                                 responsible_id=officer.id, target_date=now.date() + dt.timedelta(days=3))
        )
        plan.items.append(
            InterventionPlanItem(service_type_id=_ref(session, ServiceType, "bantuan_hukum").id, provider="LBH APIK",
                                 responsible_id=officer.id, target_date=now.date() + dt.timedelta(days=7))
        )
        session.add(plan)
        session.flush()
        session.expire(case, ["violence_types", "services_needed"])

    # -- moving through the steps
    def walk(self, case: Case, to_step: int, *, officers: list[User] | None = None, late_step: int | None = None,
             outcomes: list[OutcomeRequest] | None = None) -> Case:
        """Move `case` forward until it sits at `to_step` (7 = finished). `late_step` is completed past its standard."""
        officers = officers or self.team.officers[:1]
        process, clock = self.process, self.clock

        def spend(step_no: int, minutes: int) -> None:
            run = process.current_run(case)
            if late_step == step_no:
                clock.now = max(clock.now, run.due_at + dt.timedelta(minutes=minutes + 30))
            else:
                clock.advance(minutes=minutes)

        while case.status.value == "terbuka" and case.current_step < to_step:
            number = case.current_step
            if number == 1:
                spend(1, 6)
                process.submit_case_information(case.registered_by, case)
            elif number == 2:
                spend(2, 12)
                process.instruct_outreach(
                    self.team.kepala, case, officers=officers, purpose="Melakukan penjangkauan dan asesmen awal korban",
                    outreach_date=clock().astimezone(process.policy.zone).date(),
                )
            elif number == 3:
                spend(3, 60 * 20)
                self.fill_field_documents(case, officers[0])
                process.complete_field_work(officers[0], case)
            elif number == 4:
                spend(4, 15)
                process.record_simfoni(
                    self.team.administrasi, case, registration_number=f"3671-{case.id:05d}-{clock().year}",
                    input_date=clock().astimezone(process.policy.zone).date(),
                )
            elif number == 5:
                spend(5, 8)
                process.submit_report(
                    officers[0], case, report="Penjangkauan selesai; korban aman dan sudah diasesmen.",
                    request="Mohon instruksi tindak lanjut sesuai rencana intervensi.",
                )
            elif number == 6:
                spend(6, 20)
                process.give_instruction(
                    self.team.kepala, case, instruction="Lanjutkan layanan sesuai rencana intervensi.",
                    outcomes=outcomes or [OutcomeRequest(OutcomeKind.CASE_MANAGEMENT)],
                )
        return case


def load_demo_cases(session: Session, users: dict[str, User], *, count: int = 30, seed: int = 695) -> int:
    """About `count` cases over every step; skipped when cases already exist (the seed is re-runnable)."""
    if session.execute(select(func.count()).select_from(Case)).scalar_one():
        return 0
    rng = random.Random(seed)
    p1, p2 = users["petugas1"], users["petugas2"]
    team = Team(kepala=users["kepala"], officers=[p1], administrasi=users["administrasi"])
    start = utcnow().replace(second=0, microsecond=0) - dt.timedelta(days=40)
    clock = MovableClock(start)
    builder = CaseBuilder(session, team, clock, rng)
    # (target step, team, late step): 7 means finished.
    plan = []
    for index in range(count):
        target = (1, 2, 3, 3, 4, 5, 6, 7, 7, 3)[index % 10]
        officers = ([p1], [p2], [p1, p2])[index % 3]
        late = rng.choice([None, None, None, 1, 3, 4]) if target > 1 else None
        received = start + dt.timedelta(days=rng.randint(0, 35), hours=rng.randint(0, 9))
        plan.append((received, target, officers, late))
    plan.sort(key=lambda row: row[0])  # letters then get their numbers roughly in date order
    for received, target, officers, late in plan:
        clock.now = received
        builder.team.officers = officers
        case = builder.register()
        outcomes = None
        if target == 7 and rng.random() < 0.5:
            outcomes = [OutcomeRequest(OutcomeKind.REFERRAL, recipient="RSUD Kota Tangerang", purpose="Pemeriksaan dan visum",
                                       contact_person=f"{officers[0].full_name}")]
        builder.walk(case, target, officers=officers, late_step=late, outcomes=outcomes)
    session.flush()
    return len(plan)


def load_demo_data(session: Session, *, fast_hash: bool = False) -> str:
    users = load_demo_users(session, fast_hash=fast_hash)
    cases = load_demo_cases(session, users)
    return f"Pengguna demo: {len(users)}. Kasus demo baru: {cases}."
