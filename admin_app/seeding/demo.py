"""Demo users (password `jangkau-demo`) and demo cases spread over every SOP step. Never in production."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from admin_app.models import Role, User
from admin_app.security.passwords import hash_password

DEMO_PASSWORD = "jangkau-demo"

DEMO_USERS = (
    # username, full name, NIP, rank, position, roles
    ("kepala", "Dra. Hj. Siti Nurjanah, M.Si.", "197205141998032004", "Pembina (IV/a)", "Kepala UPTD PPA Kota Tangerang", ("kepala",)),
    ("petugas1", "Rina Marlina, S.Psi.", "198609262015052001", "Penata (III/c)", "Psikolog Klinis / Petugas Layanan PPA", ("petugas",)),
    ("petugas2", "Dedi Kurniawan, S.Sos.", None, None, "Pekerja Sosial / Petugas Layanan PPA (non-PNS)", ("petugas",)),
    ("administrasi", "Yuliana Putri, A.Md.", "199107182019032009", "Pengatur (II/c)", "Kasubag TU UPTD PPA", ("administrasi",)),
    ("sysadmin", "Agus Setiawan, S.Kom.", None, None, "Administrator Sistem", ("sysadmin",)),
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


def load_demo_data(session: Session, *, fast_hash: bool = False) -> str:
    users = load_demo_users(session, fast_hash=fast_hash)
    return f"Pengguna demo: {len(users)}."
