"""Login and logout (Flask-Login), hardened: throttling, lockout, password policy, one-time passwords and
two-factor login (TOTP). Every failure is audited.

Decisions (see also tests/test_login_hardening.py):
- Throttling (Flask-Limiter) counts only failed attempts, per address and per account; its storage is a setting
  (`RATELIMIT_STORAGE_URI`, Redis in production so every app server counts together). Over the limit: HTTP 429.
- The account lockout lives in the database (`failed_login_count`, `locked_until`), so it holds on every server.
- A locked account gets the same generic refusal as a wrong password, also when the password is right: telling
  "locked" only after a correct password would let an attacker keep guessing during the lockout and learn when a
  guess was right. The refusal text and the login page name the lockout as a possibility, the owner is told at
  the next successful login how many failed attempts there were, every lockout is audited ("locked"), and the
  sysadmin can lift it (Pengguna > Buka kunci akun).
- With two-factor login the password step does not log in: the session is authenticated only after the code.

Length (about 550 lines): one job, the account pages and their one login flow (password, lockout, 2FA, recovery
codes); the rules are interleaved and read best in one place.
"""

from __future__ import annotations

import datetime as dt
import logging

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from sqlalchemy import func, or_, select, update
from wtforms import HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from admin_app.extensions import db, write_intent
from admin_app.models import User, utcnow
from admin_app.models.users import RecoveryCode
from admin_app.security import totp
from admin_app.security.passwords import MAX_LENGTH, hash_password, needs_rehash, password_problem, verify_password
from admin_app.views.auditing import audit
from admin_app.views.base import form_translations, local_path, seconds_now

log = logging.getLogger(__name__)

bp = Blueprint("auth", __name__)

LOGIN_FAILED = (
    "Nama pengguna atau kata sandi salah, akun tidak aktif, atau akun sedang dikunci sementara karena terlalu "
    "banyak percobaan yang gagal."
)
CODE_FAILED = "Kode salah, kedaluwarsa, atau sudah pernah dipakai. Periksa jam di ponsel Anda lalu coba lagi."
PENDING_EXPIRED = "Waktu untuk memasukkan kode verifikasi habis. Silakan masuk kembali."
OLD_PASSWORD_WRONG = "Kata sandi lama salah."  # a message, not a password # nosec B105
SAME_PASSWORD = "Kata sandi baru harus berbeda dari kata sandi lama."  # a message, not a password # nosec B105
PASSWORD_CHANGED = "Kata sandi berhasil diganti. Sesi Anda di perangkat lain telah diakhiri."  # a message, not a password # nosec B105
MUST_CHANGE = "Kata sandi Anda adalah kata sandi sementara dari administrator. Gantilah sebelum melanjutkan."
MUST_ENROL = "Peran Anda wajib memakai verifikasi dua langkah. Aktifkan sekarang sebelum melanjutkan."

_PENDING = "pending_2fa"  # the session key of a login waiting for its second step
_USERS = User.__table__

# Flask-Limiter, bound to each app when this blueprint is registered (see `_init_limiter` below).
limiter = Limiter(key_func=get_remote_address)


def _failed(response) -> bool:
    """Only failed attempts use up the allowance (HTTP 401); a user who logs in fine is never throttled."""
    return response.status_code == 401


def _pending_login() -> dict | None:
    pending = session.get(_PENDING)
    return pending if isinstance(pending, dict) else None


def _account_key() -> str:
    pending = _pending_login()
    name = pending.get("username", "") if pending else request.form.get("username", "")
    return "akun:" + str(name).strip().lower()[:64]


def _address_key() -> str:
    return "alamat:" + (get_remote_address() or "-")


def _user_key() -> str:
    return f"pengguna:{current_user.get_id() if current_user.is_authenticated else '-'}"


def _login_throttled(limit) -> None:
    pending = _pending_login()
    username = (pending or {}).get("username") or request.form.get("username", "")
    audit("login_failed", username=str(username).strip().lower()[:64] or None, outcome="refused",
          detail={"alasan": "terlalu banyak percobaan gagal (dibatasi)", "batas": str(limit.limit)})


def _change_throttled(limit) -> None:
    audit("password_changed", object_type="users", object_id=current_user.id, outcome="refused",
          detail={"alasan": "terlalu banyak percobaan gagal (dibatasi)", "batas": str(limit.limit)})


def _init_limiter(state) -> None:
    app = state.app
    if app.config.get("ENVIRONMENT") == "production" and str(app.config.get("RATELIMIT_STORAGE_URI", "")).startswith("memory"):
        log.warning("RATELIMIT_STORAGE_URI is memory://: each app process throttles logins on its own. "
                    "Use Redis (redis://...) when running more than one process or server.")
    limiter.init_app(app)


bp.record_once(_init_limiter)


# --- forms ---

class _Form(FlaskForm):
    class Meta:
        def get_translations(self, form):
            return form_translations("id")


class LoginForm(_Form):
    username = StringField("Nama pengguna", validators=[DataRequired(), Length(max=64)])
    password = PasswordField("Kata sandi", validators=[DataRequired(), Length(max=MAX_LENGTH)])
    next = HiddenField()


class CodeForm(_Form):
    code = StringField("Kode verifikasi", validators=[DataRequired(), Length(max=32)])


def _policy(form, field):
    username = current_user.username if current_user.is_authenticated else None
    problem = password_problem(field.data or "", username=username)
    if problem:
        raise ValidationError(problem)


class ChangePasswordForm(_Form):
    old_password = PasswordField("Kata sandi lama", validators=[DataRequired(), Length(max=MAX_LENGTH)])
    new_password = PasswordField("Kata sandi baru", validators=[DataRequired(), _policy])
    confirm = PasswordField(
        "Ulangi kata sandi baru",
        validators=[DataRequired(), EqualTo("new_password", message="Kata sandi baru dan ulangannya tidak sama.")],
    )


class PasswordConfirmForm(_Form):
    password = PasswordField("Kata sandi Anda", validators=[DataRequired(), Length(max=MAX_LENGTH)])


# --- helpers ---

def safe_next(target: str | None) -> str:
    """Follow `next` only to a path of this app; anything else lands on the home screen."""
    return local_path(target) or url_for("admin.index")


def _fast() -> bool:
    return current_app.config.get("PASSWORD_HASH_FAST", False)


def two_factor_required(user) -> bool:
    return bool(current_app.config.get("REQUIRE_2FA_ROLES_ENABLED")) and user.has_role(
        *current_app.config.get("REQUIRE_2FA_ROLES", ())
    )


def _register_failure(user: User, reason: str, *, action: str = "login_failed") -> bool:
    """Count a failed attempt against the account in the database; lock it at every Nth failure in a row.
    Returns True when this failure locked the account. Core UPDATEs: bookkeeping, not an edit of the record
    (the row version stays, so a sysadmin's open edit form is not made stale by someone mistyping)."""
    threshold = int(current_app.config.get("LOGIN_LOCKOUT_THRESHOLD", 5))
    minutes = int(current_app.config.get("LOGIN_LOCKOUT_MINUTES", 15))
    db.session.execute(
        update(_USERS).where(_USERS.c.id == user.id).values(failed_login_count=_USERS.c.failed_login_count + 1)
    )
    count = db.session.execute(select(_USERS.c.failed_login_count).where(_USERS.c.id == user.id)).scalar_one()
    locked_until = None
    if threshold > 0 and count % threshold == 0:
        locked_until = utcnow() + dt.timedelta(minutes=minutes)
        db.session.execute(update(_USERS).where(_USERS.c.id == user.id).values(locked_until=locked_until))
    username = user.username
    user_id = user.id
    db.session.commit()
    audit(action, username=username, object_type="users", object_id=user_id, outcome="failed",
          detail={"alasan": reason, "gagal_berturut_turut": count})
    if locked_until is not None:
        audit("locked", username=username, object_type="users", object_id=user_id, outcome="failed",
              detail={"alasan": f"{count} kali gagal berturut-turut", "dikunci_menit": minutes,
                      "sampai": locked_until.isoformat(timespec="seconds")})
    return locked_until is not None


def _start_session(user: User) -> None:
    session.clear()  # a new session at login (and after a password change): nothing carried over from before
    login_user(user)
    session["login_at"] = session["seen_at"] = seconds_now()


def _complete_login(user: User, next_url: str | None, *, factor: str | None = None):
    previous_failures = user.failed_login_count or 0
    values = {"failed_login_count": 0, "locked_until": None, "last_login_at": utcnow()}
    db.session.execute(update(_USERS).where(_USERS.c.id == user.id).values(**values))
    db.session.commit()
    _start_session(user)
    audit("login", object_type="users", object_id=user.id, **({"detail": {"faktor_kedua": factor}} if factor else {}))
    if previous_failures:
        # ASVS: tell the owner about failed attempts on the account (the refusal itself told nobody anything).
        flash(
            f"Sejak Anda terakhir masuk ada {previous_failures} percobaan masuk yang gagal ke akun Anda. "
            "Jika itu bukan Anda, segera ganti kata sandi dan beri tahu administrator sistem.",
            "warning",
        )
    return redirect(safe_next(next_url))


def _accept_totp(user: User, code: str) -> bool:
    counter = totp.matching_counter(user.totp_secret or "", code)
    if counter is None:
        return False
    # Only a time step after the last accepted one: the same code cannot be used twice, also not by two
    # servers at once (the UPDATE's condition decides, atomically).
    result = db.session.execute(
        update(_USERS)
        .where(_USERS.c.id == user.id, or_(_USERS.c.totp_last_counter.is_(None), _USERS.c.totp_last_counter < counter))
        .values(totp_last_counter=counter)
    )
    return result.rowcount == 1


def _use_recovery_code(user: User, code: str) -> bool:
    code = totp.normalise_code(code)
    if len(code) != 10 or not code.isalnum():
        return False
    unused = db.session.execute(
        select(RecoveryCode).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    ).scalars().all()
    for row in unused:
        if totp.recovery_code_matches(row.code_hash, code, fast=_fast()):
            table = RecoveryCode.__table__
            result = db.session.execute(
                update(table).where(table.c.id == row.id, table.c.used_at.is_(None)).values(used_at=utcnow())
            )
            return result.rowcount == 1
    return False


def _remaining_recovery_codes(user_id: int) -> int:
    return db.session.execute(
        select(func.count()).select_from(RecoveryCode).where(RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_(None))
    ).scalar_one()


def _issue_recovery_codes(user: User) -> list[str]:
    db.session.query(RecoveryCode).filter(RecoveryCode.user_id == user.id).delete(synchronize_session=False)
    codes = totp.new_recovery_codes()
    for code in codes:
        db.session.add(RecoveryCode(user_id=user.id, code_hash=totp.hash_recovery_code(code, fast=_fast())))
    return codes


# --- login: step 1 (password) and, for enrolled users, step 2 (code) at the same address ---

@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT_ADDRESS"], key_func=_address_key, methods=["POST"],
               deduct_when=_failed, on_breach=_login_throttled, scope="login-alamat")
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT_ACCOUNT"], key_func=_account_key, methods=["POST"],
               deduct_when=_failed, on_breach=_login_throttled, scope="login-akun")
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    pending = _pending_login()
    if pending is not None and request.method == "POST" and "batal" in request.form:
        if _Form().validate_on_submit():  # only its CSRF token
            session.pop(_PENDING, None)
        return redirect(url_for("auth.login"))
    if pending is not None:
        if seconds_now() - pending.get("at", 0) <= current_app.config["TWO_FACTOR_PENDING_SECONDS"]:
            return _second_step(pending)
        session.pop(_PENDING, None)
        flash(PENDING_EXPIRED, "info")
        if request.method == "POST" and "code" in request.form:
            return redirect(url_for("auth.login"))
    return _first_step()


def _first_step():
    form = LoginForm(next=request.args.get("next", ""))
    error = None
    if form.validate_on_submit():
        username = form.username.data.strip().lower()
        user = db.session.execute(select(User).where(func.lower(User.username) == username)).scalar_one_or_none()
        # Always verify (against a dummy hash for unknown users): every refusal costs the same time.
        password_ok = verify_password(user.password_hash if user else None, form.password.data, fast=_fast())
        if user is None:
            audit("login_failed", username=username[:64], outcome="failed", detail={"alasan": "nama pengguna tidak dikenal"})
        elif user.is_locked(utcnow()):
            audit("login_failed", username=user.username, object_type="users", object_id=user.id, outcome="failed",
                  detail={"alasan": "akun sedang dikunci sementara",
                          "sampai": user.locked_until.isoformat(timespec="seconds")})
        elif not password_ok:
            _register_failure(user, "kata sandi salah")
        elif not user.is_active:
            audit("login_failed", username=user.username, object_type="users", object_id=user.id, outcome="failed",
                  detail={"alasan": "akun tidak aktif"})
        else:
            if needs_rehash(user.password_hash, fast=_fast()):
                db.session.execute(update(_USERS).where(_USERS.c.id == user.id)
                                   .values(password_hash=hash_password(form.password.data, fast=_fast())))
                db.session.commit()
            if user.two_factor_enabled:
                session.clear()
                session[_PENDING] = {"uid": user.id, "ver": user.session_version, "username": user.username,
                                     "at": seconds_now(), "next": form.next.data or ""}
                return redirect(url_for("auth.login"))
            return _complete_login(user, form.next.data)
        error = LOGIN_FAILED
    elif request.method == "POST":
        error = LOGIN_FAILED
    status = 200 if error is None else 401
    return render_template("auth/login.html", form=form, error=error, **_lockout_settings()), status


def _lockout_settings() -> dict:
    return {"lockout_threshold": current_app.config.get("LOGIN_LOCKOUT_THRESHOLD", 5),
            "lockout_minutes": current_app.config.get("LOGIN_LOCKOUT_MINUTES", 15)}


def _second_step(pending: dict):
    user = db.session.get(User, pending.get("uid"))
    if user is None or not user.is_active or user.session_version != pending.get("ver") or not user.two_factor_enabled:
        session.pop(_PENDING, None)
        return redirect(url_for("auth.login"))
    form = CodeForm()
    error = None
    if request.method == "POST" and "code" not in request.form:
        form.validate_on_submit()  # a password form posted while a code is awaited: only check its CSRF token
        error = CODE_FAILED
    elif form.validate_on_submit():
        if user.is_locked(utcnow()):
            audit("2fa_failed", username=user.username, object_type="users", object_id=user.id, outcome="failed",
                  detail={"alasan": "akun sedang dikunci sementara"})
            session.pop(_PENDING, None)
            form_login = LoginForm(next=pending.get("next", ""))
            return render_template("auth/login.html", form=form_login, error=LOGIN_FAILED, **_lockout_settings()), 401
        code = totp.normalise_code(form.code.data)
        if totp.looks_like_totp(code):
            ok, factor = _accept_totp(user, code), "kode aplikasi autentikator"
        else:
            ok, factor = _use_recovery_code(user, code), "kode pemulihan"
        if ok:
            session.pop(_PENDING, None)
            response = _complete_login(user, pending.get("next"), factor=factor)
            if factor == "kode pemulihan":
                left = _remaining_recovery_codes(user.id)
                flash(f"Anda masuk dengan kode pemulihan; kode itu tidak berlaku lagi. Sisa kode pemulihan: {left}. "
                      "Buat kode baru di halaman Verifikasi Dua Langkah bila hampir habis.", "warning")
            return response
        db.session.rollback()
        locked = _register_failure(user, f"{factor} salah atau sudah dipakai", action="2fa_failed")
        if locked:
            session.pop(_PENDING, None)
            form_login = LoginForm(next=pending.get("next", ""))
            return render_template("auth/login.html", form=form_login, error=LOGIN_FAILED, **_lockout_settings()), 401
        error = CODE_FAILED
    elif request.method == "POST":
        error = CODE_FAILED
    status = 200 if error is None else 401
    return render_template("auth/login_code.html", form=form, error=error, username=user.username), status


@bp.route("/logout", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        audit("logout", object_type="users", object_id=current_user.id)
        user = db.session.get(User, current_user.id)
        # Ends every session of this user, also copies of the cookie elsewhere.
        user.session_version = (user.session_version or 0) + 1
        db.session.commit()
    logout_user()
    session.clear()  # also a login that waited for its second step
    flash("Anda telah keluar. Sampai jumpa.", "success")
    return redirect(url_for("auth.login"))


# --- the user's own account: password and two-factor login ---

def _this_user() -> User:
    return db.session.get(User, current_user.id)


@bp.route("/akun/kata-sandi", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["PASSWORD_CHANGE_RATE_LIMIT"], key_func=_user_key, methods=["POST"],
               deduct_when=_failed, on_breach=_change_throttled, scope="ganti-kata-sandi")
def change_password():
    user = _this_user()
    form = ChangePasswordForm()
    status = 200
    if form.validate_on_submit():
        if not verify_password(user.password_hash, form.old_password.data, fast=_fast()):
            form.old_password.errors.append(OLD_PASSWORD_WRONG)
            audit("password_changed", object_type="users", object_id=user.id, outcome="failed",
                  detail={"alasan": "kata sandi lama salah"})
            status = 401
        elif verify_password(user.password_hash, form.new_password.data, fast=_fast()):
            form.new_password.errors.append(SAME_PASSWORD)
            status = 400
        else:
            was_temporary = bool(user.must_change_password)
            user.password_hash = hash_password(form.new_password.data, fast=_fast())
            user.must_change_password = False
            user.password_changed_at = utcnow()
            user.failed_login_count = 0
            user.locked_until = None
            # Every other session of this user ends; this one goes on as a fresh session.
            user.session_version = (user.session_version or 0) + 1
            db.session.commit()
            _start_session(user)
            audit("password_changed", object_type="users", object_id=user.id,
                  detail={"tindakan": "mengganti kata sandi sementara" if was_temporary else "mengganti kata sandi sendiri"})
            flash(PASSWORD_CHANGED, "success")
            return redirect(url_for("admin.index"))
    elif request.method == "POST":
        status = 400
    return render_template("auth/change_password.html", form=form, user=user, forced=bool(user.must_change_password)), status


@bp.route("/akun/2fa", methods=["GET", "POST"])
def two_factor():
    user = _this_user()
    required = two_factor_required(user)
    if user.two_factor_enabled:
        return render_template(
            "auth/two_factor.html", user=user, required=required, remaining=_remaining_recovery_codes(user.id),
            regenerate_form=PasswordConfirmForm(prefix="ulang"), disable_form=PasswordConfirmForm(prefix="matikan"),
        )
    if not user.totp_secret:
        # A new, unconfirmed secret: the row keeps it (not the cookie, which is signed but readable). A GET that
        # writes: end the read transaction and start a writing one (SQLite: BEGIN IMMEDIATE, see extensions.py).
        db.session.rollback()
        write_intent.set(True)
        user = _this_user()
        if not user.totp_secret:
            user.totp_secret = totp.new_secret()
        db.session.commit()
    form = CodeForm()
    status = 200
    if form.validate_on_submit():
        counter = totp.matching_counter(user.totp_secret, form.code.data)
        if counter is not None:
            user.totp_enabled_at = utcnow()
            user.totp_last_counter = counter  # the confirming code cannot then log in a second time
            codes = _issue_recovery_codes(user)
            db.session.commit()
            audit("2fa_enrolled", object_type="users", object_id=user.id, detail={"kode_pemulihan": len(codes)})
            return render_template("auth/recovery_codes.html", codes=codes, first=True)
        form.code.errors.append(CODE_FAILED)
        audit("2fa_failed", object_type="users", object_id=user.id, outcome="failed",
              detail={"alasan": "kode konfirmasi pendaftaran salah"})
        status = 400
    elif request.method == "POST":
        status = 400
    uri = totp.provisioning_uri(user.totp_secret, user.username, current_app.config["TOTP_ISSUER"])
    return render_template(
        "auth/two_factor.html", user=user, required=required, form=form,
        qr_svg=totp.qr_svg(uri), secret=totp.grouped(user.totp_secret),
    ), status


def _confirm_password(form: PasswordConfirmForm, user: User, what: str) -> bool:
    if not form.validate_on_submit():
        return False
    if verify_password(user.password_hash, form.password.data, fast=_fast()):
        return True
    form.password.errors.append("Kata sandi salah.")
    audit("2fa_failed", object_type="users", object_id=user.id, outcome="failed",
          detail={"alasan": f"kata sandi salah saat {what}"})
    return False


@bp.route("/akun/2fa/kode-pemulihan", methods=["POST"])
@limiter.limit(lambda: current_app.config["PASSWORD_CHANGE_RATE_LIMIT"], key_func=_user_key,
               deduct_when=lambda r: r.status_code == 400, on_breach=_change_throttled, scope="2fa-akun")
def regenerate_recovery_codes():
    user = _this_user()
    if not user.two_factor_enabled:
        return redirect(url_for("auth.two_factor"))
    form = PasswordConfirmForm(prefix="ulang")
    if not _confirm_password(form, user, "membuat ulang kode pemulihan"):
        return render_template(
            "auth/two_factor.html", user=user, required=two_factor_required(user),
            remaining=_remaining_recovery_codes(user.id), regenerate_form=form,
            disable_form=PasswordConfirmForm(prefix="matikan", formdata=None),
        ), 400
    codes = _issue_recovery_codes(user)
    db.session.commit()
    audit("2fa_enrolled", object_type="users", object_id=user.id,
          detail={"tindakan": "kode pemulihan dibuat ulang", "kode_pemulihan": len(codes)})
    return render_template("auth/recovery_codes.html", codes=codes, first=False)


@bp.route("/akun/2fa/nonaktifkan", methods=["POST"])
@limiter.limit(lambda: current_app.config["PASSWORD_CHANGE_RATE_LIMIT"], key_func=_user_key,
               deduct_when=lambda r: r.status_code == 400, on_breach=_change_throttled, scope="2fa-akun")
def disable_two_factor():
    user = _this_user()
    if two_factor_required(user):
        audit("refused", object_type="users", object_id=user.id, outcome="refused",
              detail={"alasan": "mematikan verifikasi dua langkah yang wajib untuk perannya"})
        abort(403)
    if not user.two_factor_enabled:
        return redirect(url_for("auth.two_factor"))
    form = PasswordConfirmForm(prefix="matikan")
    if not _confirm_password(form, user, "mematikan verifikasi dua langkah"):
        return render_template(
            "auth/two_factor.html", user=user, required=False, remaining=_remaining_recovery_codes(user.id),
            regenerate_form=PasswordConfirmForm(prefix="ulang", formdata=None), disable_form=form,
        ), 400
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_counter = None
    db.session.query(RecoveryCode).filter(RecoveryCode.user_id == user.id).delete(synchronize_session=False)
    db.session.commit()
    audit("2fa_disabled", object_type="users", object_id=user.id)
    flash("Verifikasi dua langkah dimatikan.", "success")
    return redirect(url_for("auth.two_factor"))


# --- called from views/web.py before every request of a logged-in user ---

_PASSWORD_STEP_ENDPOINTS = frozenset({"auth.change_password", "auth.logout"})
_ENROL_STEP_ENDPOINTS = _PASSWORD_STEP_ENDPOINTS | {"auth.two_factor", "auth.regenerate_recovery_codes"}


def required_account_step(endpoint: str):
    """A redirect while the user must first change a one-time password or enrol in two-factor login."""
    if endpoint.endswith("static"):
        return None
    user = current_user
    if user.must_change_password:
        if endpoint in _PASSWORD_STEP_ENDPOINTS:
            return None
        return redirect(url_for("auth.change_password"))  # the page says why (MUST_CHANGE)
    if not user.two_factor_enabled and two_factor_required(user):
        if endpoint in _ENROL_STEP_ENDPOINTS:
            return None
        return redirect(url_for("auth.two_factor"))  # the page says why (MUST_ENROL)
    return None
