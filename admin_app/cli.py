"""`flask --app admin_app ...` commands: seed, create-user, keys, audit (verify, anchor), backup, restore, notify run,
remind."""

from __future__ import annotations

import getpass

import click
from flask import Flask, current_app
from sqlalchemy import select

from admin_app.extensions import db, write_intent
from admin_app.models import Role, RoleCode, User
from admin_app.models.encryption import generate_key
from admin_app.security.audit_seal import SYSLOG, anchor_head, read_anchors, verify_chain
from admin_app.security.passwords import hash_password, password_problem
from admin_app.security.rotation import rotate
from admin_app.seeding.reference import load_reference_data


def register(app: Flask) -> None:
    app.cli.add_command(seed_command)
    app.cli.add_command(create_user_command)
    app.cli.add_command(audit_group)
    app.cli.add_command(keys_group)
    from admin_app.backup import iter_commands as backup_commands  # backup, restore

    for command in backup_commands():
        app.cli.add_command(command)
    from admin_app.delivery import iter_commands as delivery_commands  # notify run, remind

    for command in delivery_commands():
        app.cli.add_command(command)


@click.group("keys")
def keys_group() -> None:
    """Kunci enkripsi NIK, No. KK dan telepon."""


@keys_group.command("generate")
def keys_generate_command() -> None:
    """Cetak kunci acak baru (base64, 256 bit) untuk JANGKAU_DATA_KEYS atau JANGKAU_HMAC_KEY."""
    click.echo(generate_key())


@keys_group.command("rotate")
def keys_rotate_command() -> None:
    """Enkripsi ulang semua identitas dengan kunci aktif (JANGKAU_DATA_KEY_ID)."""
    write_intent.set(True)
    counts = rotate(db.session)
    db.session.commit()
    click.echo("Dienkripsi ulang: " + ", ".join(f"{table} {n}" for table, n in counts.items()))


@click.group("audit")
def audit_group() -> None:
    """Log audit."""


@audit_group.command("verify")
@click.option("--anchors", "anchors_path", type=click.Path(dir_okay=False),
              help="Berkas jangkar (salinan yang disimpan di luar server). Bawaan: JANGKAU_AUDIT_ANCHOR.")
def audit_verify_command(anchors_path: str | None) -> None:
    """Periksa segel log audit: entri yang diubah, dihapus, disisipkan, atau ujung log yang dipotong."""
    path = anchors_path or current_app.config.get("AUDIT_ANCHOR")
    anchors = []
    if path and path != SYSLOG:
        try:
            anchors = read_anchors(open(path, encoding="utf-8"))
        except FileNotFoundError:
            click.echo(f"Berkas jangkar {path} tidak ada: pemotongan ujung log tidak dapat diperiksa.", err=True)
    checked, problems = verify_chain(db.session, anchors)
    for problem in problems:
        click.echo(f"Entri #{problem.event_id}: {problem.problem}", err=True)
    if problems:
        raise click.ClickException(f"Log audit TIDAK UTUH: {len(problems)} masalah pada {checked} entri.")
    last = max((a.id for a in anchors if a.valid), default=None)
    checked_against = f", cocok dengan {len(anchors)} jangkar (terakhir #{last})" if anchors else ""
    click.echo(f"Log audit utuh: {checked} entri diperiksa{checked_against}.")


@audit_group.command("anchor")
def audit_anchor_command() -> None:
    """Catat ujung rantai log audit (nomor dan segel entri terakhir) di luar basis data (JANGKAU_AUDIT_ANCHOR)."""
    if not current_app.config.get("AUDIT_ANCHOR"):
        raise click.ClickException("JANGKAU_AUDIT_ANCHOR belum diatur (jalur berkas atau 'syslog').")
    anchor = anchor_head(db.session)
    if anchor is None:
        click.echo("Log audit masih kosong: tidak ada yang dijangkarkan.")
        return
    click.echo(f"Jangkar dicatat: entri #{anchor['id']} ({current_app.config['AUDIT_ANCHOR']}).")


@click.command("seed")
@click.option("--demo", is_flag=True, help="Juga buat pengguna dan kasus contoh (tidak untuk produksi).")
def seed_command(demo: bool) -> None:
    """Muat data referensi dari seeds/ (boleh dijalankan berulang)."""
    write_intent.set(True)
    if demo and not current_app.config["DEMO_ALLOWED"]:
        raise click.ClickException(
            "Data demo tidak boleh dibuat pada konfigurasi produksi (JANGKAU_ENV=production)."
        )
    report = load_reference_data(db.session)
    db.session.commit()
    click.echo(str(report))
    if demo:
        from admin_app.seeding.demo import DEMO_PASSWORD, load_demo_data

        demo_report = load_demo_data(db.session, fast_hash=current_app.config.get("PASSWORD_HASH_FAST", False))
        db.session.commit()
        click.echo(demo_report)
        click.echo(f"Login demo (kata sandi semua: {DEMO_PASSWORD}): kepala, petugas1, petugas2, administrasi, sysadmin")


@click.command("create-user")
@click.argument("username")
@click.option("--full-name", required=True, help="Nama lengkap dengan gelar, seperti pada tanda tangan surat.")
@click.option(
    "--role",
    "roles",
    multiple=True,
    required=True,
    type=click.Choice([r.value for r in RoleCode]),
    help="Peran; boleh diulang.",
)
@click.option("--nip", default=None, help="NIP 18 digit (kosongkan untuk non-PNS).")
def create_user_command(username: str, full_name: str, roles: tuple[str, ...], nip: str | None) -> None:
    """Buat akun pengguna (kata sandi ditanyakan, tidak ditampilkan)."""
    write_intent.set(True)
    username = username.strip().lower()
    if db.session.execute(select(User.id).where(User.username == username)).first():
        raise click.ClickException(f"Nama pengguna {username!r} sudah dipakai.")
    password = getpass.getpass("Kata sandi (min. 12 karakter): ")
    if (problem := password_problem(password, username=username)) is not None:
        raise click.ClickException(problem)
    if password != getpass.getpass("Ulangi kata sandi: "):
        raise click.ClickException("Kata sandi tidak sama.")
    role_rows = db.session.execute(select(Role).where(Role.code.in_(roles))).scalars().all()
    if len(role_rows) != len(set(roles)):
        raise click.ClickException("Peran belum ada di basis data: jalankan dulu `flask --app admin_app seed`.")
    digits = (nip or "").replace(" ", "") or None
    if digits is not None and (len(digits) != 18 or not digits.isdigit()):
        raise click.ClickException("NIP harus 18 digit angka.")
    db.session.add(
        User(
            username=username,
            full_name=full_name,
            nip=digits,
            password_hash=hash_password(password),
            roles=role_rows,
        )
    )
    db.session.commit()
    click.echo(f"Pengguna {username} dibuat dengan peran {', '.join(roles)}.")
