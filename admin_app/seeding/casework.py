"""Realistic case files moved through the SOP by the real process engine: the demo seed and the test factories
(`tests/factories.py`) both write cases with this, so a demo case and a test case are made the same way.

The clock is settable: cases get past timestamps and the engine computes their deadlines and letter numbers as
it would have then; a step can be completed late on purpose.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from admin_app.documents.formatting import tanggal_indonesia
from admin_app.models import (
    BiopsychosocialAssessment,
    Case,
    CaseIdentification,
    CaseKind,
    CaseStatus,
    Complaint,
    ConsentDecision,
    ConsentPurpose,
    DisabilityKind,
    DocumentStatus,
    Education,
    IncidentPlace,
    InformedConsent,
    IntakeChannel,
    InterventionPlan,
    InterventionPlanItem,
    MaritalStatus,
    Occupation,
    OutcomeKind,
    OutreachLog,
    Perpetrator,
    PerpetratorRelation,
    Region,
    RegionLevel,
    Religion,
    Reporter,
    RiskAnswer,
    RiskAssessment,
    RiskIndicator,
    RoleCode,
    ServiceType,
    Sex,
    Urgency,
    User,
    Victim,
    ViolenceType,
)
from admin_app.models.letters import Authority
from admin_app.sop.policy import load_deadline_policy, load_risk_thresholds
from admin_app.sop.process import CaseProcess, OutcomeRequest
from admin_app.sop.risk import IndicatorAnswer, computed_level, risk_score
from admin_app.sop.steps import Actor, step

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


# What each story is, as the complaint would classify it.
STORY_VIOLENCE = dict(zip((text for text, _ in STORIES),
                          ("fisik", "fisik", "seksual", "penelantaran", "trafficking", "psikis", "fisik", "seksual")))


class SettableClock:
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


class CaseWriter:
    """Writes complete, realistic cases and moves them through the SOP with the real engine."""

    def __init__(self, session: Session, team: Team, clock: SettableClock, rng: random.Random | None = None):
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
        age = victim.age_on(incident)
        # Drawn from a generator of their own: the main one's sequence (names, places, times) stays as it was.
        traits = random.Random(f"{case.case_number}-{name}")
        if child:
            education = "paud_tk" if age < 6 else "sd" if age < 13 else "sltp" if age < 16 else "slta"
            victim.education_id = _ref(self.session, Education, education).id
            victim.occupation_id = _ref(self.session, Occupation, "pelajar").id if age >= 6 else None
            victim.marital_status_id = _ref(self.session, MaritalStatus, "belum_kawin").id
        else:
            victim.education_id = _ref(self.session, Education, traits.choice(["sd", "sltp", "slta", "slta", "perguruan_tinggi"])).id
            victim.occupation_id = _ref(self.session, Occupation, traits.choice(
                ["ibu_rumah_tangga", "ibu_rumah_tangga", "swasta_buruh", "tidak_bekerja", "pedagang_tani_nelayan"])).id
            victim.marital_status_id = _ref(self.session, MaritalStatus, traits.choice(["kawin", "kawin", "cerai_hidup"])).id
        victim.religion_id = _ref(self.session, Religion, traits.choice(["islam"] * 8 + ["kristen", "katolik"])).id
        if traits.random() < 0.1:
            victim.has_disability = True
            victim.disability_kind_id = _ref(self.session, DisabilityKind, traits.choice(["fisik", "rungu_wicara", "intelektual"])).id
        case.victims.append(victim)
        reporter = rng.choice(WOMEN + MEN)
        case.reporters.append(
            Reporter(full_name=reporter, relation_to_victim=rng.choice(["Tetangga", "Ketua RT", "Guru", "Kakak"]),
                     phone=f"+62813{rng.randint(10000000, 99999999)}",
                     sex=Sex.LAKI_LAKI if reporter in MEN else Sex.PEREMPUAN)
        )
        relation_code = "orang_tua" if child else "suami_istri"
        case.perpetrators.append(
            Perpetrator(full_name=rng.choice(MEN), sex=Sex.LAKI_LAKI, relation_id=_ref(self.session, PerpetratorRelation, relation_code).id,
                        lives_with_victim=case.is_domestic_violence, age_estimate=traits.randint(25, 55),
                        education_id=_ref(self.session, Education, traits.choice(["sd", "sltp", "slta"])).id,
                        occupation_id=_ref(self.session, Occupation, traits.choice(
                            ["swasta_buruh", "pedagang_tani_nelayan", "tidak_bekerja", "lainnya"])).id)
        )
        self.session.flush()

    # -- step 3 documents
    def fill_field_documents(self, case: Case, officer: User, *, high_risk: bool = False, consent_sharing: bool = True) -> None:
        session, rng, now = self.session, self.rng, self.clock()
        local_today = now.astimezone(self.process.policy.zone).date()  # the day of the field work, in the unit's time
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
        picked = rng.choice(["fisik", "psikis", "seksual", "penelantaran"])  # drawn always: the demo stays the same
        case.violence_types = [_ref(session, ViolenceType, STORY_VIOLENCE.get(case.summary, picked))]
        case.services_needed = [_ref(session, ServiceType, "kesehatan"), _ref(session, ServiceType, "bantuan_hukum")]
        session.add(
            Complaint(
                case_id=case.id, filled_by_id=officer.id, status=DocumentStatus.COMPLETE, completed_at=now,
                complaint_date=case.reported_date, what=case.summary, who="Korban dan terlapor",
                when=tanggal_indonesia(case.incident_date), where=case.incident_address, why="Konflik dalam keluarga",
                how="Diceritakan korban kepada petugas", expectations="Korban aman dan mendapat pendampingan",
            )
        )
        indicators = session.execute(select(RiskIndicator).where(RiskIndicator.active.is_(True))).scalars().all()
        thresholds = load_risk_thresholds(session)
        incident = case.incident_date or case.reported_date
        for victim in case.victims:
            child = (victim.age_on(incident) or 18) < 18
            session.add(
                CaseIdentification(
                    case_id=case.id, victim_id=victim.id, filled_by_id=officer.id, status=DocumentStatus.COMPLETE,
                    completed_at=now, case_kind=CaseKind.KTA if child else CaseKind.KTP, authority=Authority.KOTA,
                    disability_needs="Pendamping yang memahami kebutuhan disabilitas korban" if victim.has_disability else None,
                )
            )
            assessment = RiskAssessment(
                case_id=case.id, victim_id=victim.id, filled_by_id=officer.id, status=DocumentStatus.COMPLETE, completed_at=now
            )
            for indicator in indicators:
                present = (indicator.code == "nyawa_terancam" and high_risk) or (indicator.code == "pelaku_serumah" and case.is_domestic_violence)
                assessment.answers.append(RiskAnswer(indicator_id=indicator.id, present=present, weight=indicator.weight))
            answers = [IndicatorAnswer(i.weight, i.forces_high, a.present) for i, a in zip(indicators, assessment.answers)]
            assessment.score = risk_score(answers)
            assessment.computed_level = assessment.final_level = computed_level(answers, thresholds)
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
                        consents_to_simfoni=True, decision=ConsentDecision.GIVEN, consent_date=local_today,
                        place="Tangerang", witness_name="Suryani (Ketua RT 003)",
                    )
                )
        session.add(
            BiopsychosocialAssessment(
                case_id=case.id, filled_by_id=officer.id, status=DocumentStatus.COMPLETE, completed_at=now,
                assessed_on=local_today, physical="Memar ringan, perlu pemeriksaan dokter.",
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
             outcomes: list[OutcomeRequest] | None = None, high_risk: bool = False) -> Case:
        """Move `case` forward until it sits at `to_step` (past the last step = finished), taking each step's
        action from the step table; `late_step` is completed past its time standard; `high_risk`: the field
        work records the victim at high risk."""
        officers = officers or self.team.officers[:1]
        process, clock = self.process, self.clock
        today = lambda: clock().astimezone(process.policy.zone).date()  # noqa: E731
        by_role = {RoleCode.KEPALA: self.team.kepala, RoleCode.ADMINISTRASI: self.team.administrasi,
                   RoleCode.PETUGAS: officers[0]}
        # Per action of the table: how long it takes the demo staff, and what they enter.
        work = {
            "submit_information": (6, lambda: {}),
            "instruct_outreach": (12, lambda: dict(officers=officers, outreach_date=today(),
                                                   purpose="Melakukan penjangkauan dan asesmen awal korban")),
            "complete_field_work": (60 * 20, lambda: self.fill_field_documents(case, officers[0], high_risk=high_risk)
                                    or {}),
            "record_simfoni": (15, lambda: dict(registration_number=f"3671-{case.id:05d}-{clock().year}",
                                                input_date=today())),
            "submit_report": (8, lambda: dict(report="Penjangkauan selesai; korban aman dan sudah diasesmen.",
                                              request="Mohon instruksi tindak lanjut sesuai rencana intervensi.")),
            "give_instruction": (20, lambda: dict(instruction="Lanjutkan layanan sesuai rencana intervensi.",
                                                  outcomes=outcomes or [OutcomeRequest(OutcomeKind.CASE_MANAGEMENT)])),
        }
        while case.status == CaseStatus.OPEN and case.current_step < to_step:
            current = step(case.current_step)
            minutes, values = work[current.action.code]
            run = process.current_run(case)
            if late_step == current.number:
                clock.now = max(clock.now, run.due_at + dt.timedelta(minutes=minutes + 30))
            else:
                clock.advance(minutes=minutes)
            actor = case.registered_by if current.actor is Actor.REGISTRANT else by_role[current.role]
            process.perform(current.action.code, actor, case, **values())
        return case
