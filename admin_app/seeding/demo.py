"""Demo users (password `jangkau-demo`) and about 30 demo cases spread over every SOP step. Never in production.

Cases are written by `seeding.casework` and moved through the SOP by the real process engine with a clock set in
the past, so their timelines, deadlines and letter numbers are what the app itself would have produced; some
steps are completed late on purpose.
"""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from admin_app.documents.archive import DocumentUnavailable, generate_document
from admin_app.models import Case, Letter, LetterNature, LetterStatus, OutcomeKind, Role, RoleCode, User, utcnow
from admin_app.security.passwords import hash_password
from admin_app.seeding.casework import CaseWriter, SettableClock, Team
from admin_app.sop.letters import letter_type_code
from admin_app.sop.process import OutcomeRequest

DEMO_PASSWORD = "jangkau-demo"

DEMO_USERS = (
    # username, full name, NIP, rank, position, roles
    ("kepala", "Dra. Hj. Siti Nurjanah, M.Si.", "197205141998032004", "Pembina (IV/a)", "Kepala UPTD PPA Kota Tangerang",
     (RoleCode.KEPALA,)),
    ("petugas1", "Rina Marlina, S.Psi.", "198609262015052001", "Penata (III/c)", "Psikolog Klinis", (RoleCode.PETUGAS,)),
    ("petugas2", "Dedi Kurniawan, S.Sos.", None, None, "Pekerja Sosial (non-PNS)", (RoleCode.PETUGAS,)),
    ("administrasi", "Yuliana Putri, A.Md.", "199107182019032009", "Pengatur (II/c)", "Kasubag TU UPTD PPA",
     (RoleCode.ADMINISTRASI,)),
    ("sysadmin", "Agus Setiawan, S.Kom.", None, None, "Administrator Sistem", (RoleCode.SYSADMIN,)),
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
                roles=[roles[c.value] for c in role_codes],
            )
            session.add(user)
        users[username] = user
    session.flush()
    return users


def load_demo_cases(session: Session, users: dict[str, User], *, count: int = 30, seed: int = 695) -> int:
    """About `count` cases over every step; skipped when cases already exist (the seed is re-runnable)."""
    if session.execute(select(func.count()).select_from(Case)).scalar_one():
        return 0
    rng = random.Random(seed)
    p1, p2 = users["petugas1"], users["petugas2"]
    team = Team(kepala=users["kepala"], officers=[p1], administrasi=users["administrasi"])
    start = utcnow().replace(second=0, microsecond=0) - dt.timedelta(days=40)
    clock = SettableClock(start)
    builder = CaseWriter(session, team, clock, rng)
    # (target step, team, late step): 7 means finished.
    plan = []
    for index in range(count):
        target = (1, 2, 3, 3, 4, 5, 6, 7, 7, 3)[index % 10]
        officers = ([p1], [p2], [p1, p2])[index % 3]
        late = rng.choice([None, None, None, 1, 3, 4]) if target > 1 else None
        received = start + dt.timedelta(days=rng.randint(0, 35), hours=rng.randint(0, 9))
        plan.append((received, target, officers, late))
    plan.sort(key=lambda row: row[0])  # letters then get their numbers roughly in date order
    for index, (received, target, officers, late) in enumerate(plan):
        clock.now = received
        builder.team.officers = officers
        case = builder.register()
        for victim in case.victims:  # identity numbers as the KTP and Kartu Keluarga carry them (invented)
            victim.nik = f"3671{rng.randint(10, 99)}{rng.randint(1, 28):02d}{rng.randint(1, 12):02d}{rng.randint(70, 99)}" \
                         f"{rng.randint(1, 9999):04d}"
            victim.family_card_number = f"3671{rng.randint(10, 99)}{rng.randint(10 ** 9, 10 ** 10 - 1)}"
        outcomes = None
        if target == 7 and rng.random() < 0.5:
            outcomes = [OutcomeRequest(OutcomeKind.REFERRAL, recipient="RSUD Kota Tangerang", purpose="Pemeriksaan dan visum",
                                       services_given="Konseling awal dan pendampingan oleh petugas UPTD PPA",
                                       current_condition="Korban aman di rumah kerabat; memar di lengan kiri",
                                       documents_handed_over="Formulir pengaduan\nHasil asesmen risiko",
                                       nature=LetterNature.SEGERA, contact_person=f"{officers[0].full_name}")]
        # One case waiting for its report was recorded at high risk: the head sees it at once on Tugas Saya.
        high_risk = target == 5 and index == next(i for i, row in enumerate(plan) if row[1] == 5)
        builder.walk(case, target, officers=officers, late_step=late, outcomes=outcomes, high_risk=high_risk)
    # The last hour's reports, still within their standards: the head's dashboard shows what is due soon.
    now = utcnow().replace(second=0, microsecond=0)
    fresh = ((dt.timedelta(minutes=4), 1), (dt.timedelta(minutes=9), 2), (dt.timedelta(minutes=14), 2))
    for ago, target in fresh:
        clock.now = now - ago
        builder.team.officers = [p1]
        builder.walk(builder.register(), target, officers=[p1])
    session.flush()
    archive_issued_letters(session)
    return len(plan) + len(fresh)


def archive_issued_letters(session: Session) -> int:
    """Every letter the demo issued gets its document in the archive, as issuing it on the screens does."""
    made = 0
    letters = session.execute(select(Letter).where(Letter.status == LetterStatus.ISSUED).order_by(Letter.id)).scalars()
    for letter in letters.all():
        try:
            generate_document(session, case=letter.case, doc_type=letter_type_code(type(letter)), letter=letter,
                              user=letter.issued_by, now=letter.issued_at)
            made += 1
        except DocumentUnavailable:
            continue  # e.g. a Surat Tugas replaced by a newer one
    session.flush()
    return made


def load_demo_data(session: Session, *, fast_hash: bool = False) -> str:
    users = load_demo_users(session, fast_hash=fast_hash)
    cases = load_demo_cases(session, users)
    return f"Pengguna demo: {len(users)}. Kasus demo baru: {cases}."
