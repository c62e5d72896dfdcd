"""Glue around every request: who is logged in, login required everywhere, security headers, error pages,
and the health check."""

from __future__ import annotations

import logging
import secrets
from pathlib import Path
from urllib.parse import urlencode

from flask import Blueprint, Flask, abort, flash, jsonify, redirect, render_template, request, session, url_for
from flask_login import LoginManager, current_user, logout_user
from sqlalchemy import select, text
from sqlalchemy.orm import joinedload
from werkzeug.exceptions import HTTPException

from admin_app.extensions import db, write_intent
from admin_app.models import User
from admin_app.security.headers import apply_security_headers
from admin_app.views.auditing import AuditUnavailable, audit, flush_request_audit
from admin_app.views.base import local_path, seconds_now

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"

bp = Blueprint("web", __name__)

# Endpoints reachable without login.
PUBLIC_ENDPOINTS = {"auth.login", "static", "admin.static", "web.healthz", "web.readyz", "web.favicon"}

# Endpoints the page calls by itself (the bell's poll): they check the session limits like any request but do
# not count as activity, so an unattended screen is still logged out after the idle time; when the session has
# ended they answer 401 and the page reloads onto the login form.
PASSIVE_ENDPOINTS = {"notifications.count"}

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}

ERROR_TEXTS = {
    400: ("Permintaan tidak valid", "Permintaan tidak dapat diproses. Periksa isian Anda lalu coba lagi."),
    401: ("Perlu masuk", "Silakan masuk terlebih dahulu."),
    403: ("Akses ditolak", "Anda tidak berwenang membuka halaman atau data ini."),
    404: ("Tidak ditemukan", "Halaman atau data yang Anda cari tidak ada."),
    405: ("Cara akses tidak diizinkan", "Halaman ini tidak dapat dibuka dengan cara tersebut."),
    413: ("Data terlalu besar", "Berkas atau data yang dikirim melebihi batas ukuran."),
    414: ("Alamat terlalu panjang", "Alamat halaman atau kata pencarian terlalu panjang. Persingkat lalu coba lagi."),
    429: ("Terlalu banyak percobaan", "Terlalu banyak permintaan. Tunggu sebentar lalu coba lagi."),
    500: ("Terjadi kesalahan", "Terjadi kesalahan pada sistem. Tidak ada data yang berubah. Silakan coba lagi."),
    503: ("Sementara tidak tersedia", "Akses ini tidak dapat dicatat di log audit saat ini, sehingga demi kerahasiaan "
                                      "korban datanya tidak ditampilkan. Coba lagi sebentar lagi; bila berulang, "
                                      "hubungi administrator sistem."),
}


@bp.route("/")
def root():
    return redirect(url_for("admin.index"))


@bp.route("/favicon.ico")
def favicon():
    # Browsers ask for /favicon.ico on every page whatever the <link rel="icon"> says: no 404 in the log for it.
    return redirect(url_for("static", filename="favicon.svg"), code=301)


@bp.route("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any failure means unhealthy; details go to the log only
        log.exception("health check failed")
        db.session.rollback()
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok")


@bp.route("/readyz")
def readyz():
    """Ready for traffic: database, the login throttle's Redis (if configured), schema at the migration head.
    503 names the failed check by a word; the reasons are in the server log (admin_app/readiness.py)."""
    from flask import current_app

    from admin_app.readiness import readiness

    db.session.remove()  # the checks use a connection of their own; never a session left half-open
    result = readiness(db.engine, MIGRATIONS_DIR, current_app.config.get("RATELIMIT_STORAGE_URI"))
    body = {"status": "ready" if result.ready else "not ready", **result.checks}
    if not result.ready:
        log.warning("not ready: %s", ", ".join(f"{k}={v}" for k, v in result.checks.items()))
    return jsonify(body), (200 if result.ready else 503)


def init_login(app: Flask, login_manager: LoginManager) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Silakan masuk untuk membuka halaman ini."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(user_key: str):
        # The session carries "id:session_version"; a raised version (logout, deactivation) kills old cookies.
        try:
            user_id, version = (int(part) for part in user_key.split(":", 1))
        except (ValueError, AttributeError):
            return None
        # The user and her roles in one statement (every request asks both).
        user = db.session.execute(select(User).options(joinedload(User.roles)).where(User.id == user_id)
                                  ).unique().scalar_one_or_none()
        if user is None or not user.is_active or user.session_version != version:
            return None
        return user


def _enforce_session_limits(app: Flask):
    """Idle and absolute session time limits, checked on the server at every request."""
    now = seconds_now()
    login_at = session.get("login_at", 0)
    seen_at = session.get("seen_at", 0)
    idle = app.config["SESSION_IDLE_MINUTES"] * 60
    absolute = app.config["SESSION_ABSOLUTE_HOURS"] * 3600
    if not login_at or now - login_at > absolute or now - seen_at > idle:
        reason = "tidak aktif terlalu lama" if login_at and now - login_at <= absolute else "melewati batas waktu"
        audit("logout", object_type="users", object_id=current_user.id, detail={"alasan": f"sesi {reason}"})
        logout_user()
        session.clear()
        flash(f"Sesi Anda berakhir karena {reason}. Silakan masuk kembali.", "info")
        if request.endpoint in PASSIVE_ENDPOINTS:
            return jsonify({"login": url_for("auth.login")}), 401
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    if request.endpoint not in PASSIVE_ENDPOINTS:
        session["seen_at"] = now
    return None


def init_request_hooks(app: Flask) -> None:
    from admin_app.models import RoleCode
    from admin_app.views.presentation import date_text, enum_label

    app.jinja_env.globals["RoleCode"] = RoleCode  # templates check roles by the enum, never by a literal
    app.jinja_env.globals["enum_label"] = enum_label  # and show enums by their label
    app.jinja_env.globals["fmt_date"] = date_text

    @app.before_request
    def _before():
        write_intent.set(request.method not in SAFE_METHODS)
        back = request.args.get("url")
        if back is not None and local_path(back) is None:
            # A back link (Flask-Admin's "Batal", our "<- Kasus") may only lead into this app: drop a foreign one.
            args = request.args.copy()
            args.pop("url")
            if request.method in SAFE_METHODS:
                return redirect(request.path + (f"?{urlencode(list(args.items(multi=True)))}" if args else ""))
            abort(400)
        endpoint = request.endpoint or ""
        if endpoint in PUBLIC_ENDPOINTS or endpoint.endswith(".static"):
            return None
        if not current_user.is_authenticated:
            if request.endpoint is None:
                return None  # unknown URL: let it be a 404
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        ended = _enforce_session_limits(app)
        if ended is not None:
            return ended
        # --- login hardening (views/auth.py): a one-time password must be changed and, where the role requires
        # it, two-factor login enrolled before any other page opens ---
        from admin_app.views.auth import required_account_step

        return required_account_step(endpoint)
        # --- end login hardening ---

    @app.after_request
    def _headers(response):
        # CSP with this request's nonce, framing, sniffing, referrer, caching: see security/headers.py.
        return apply_security_headers(response)

    app.teardown_request(flush_request_audit)

    @app.teardown_request
    def _reset(_exc):
        write_intent.set(False)


def init_error_pages(app: Flask) -> None:
    """Every error is a page in Bahasa Indonesia with the status code and nothing from inside the server."""

    def _page(code: int, title: str, message: str, reference: str | None = None):
        try:
            html = render_template("errors/error.html", code=code, title=title, message=message, reference=reference)
        except Exception:  # noqa: BLE001 - the error page itself failed: a bare page, still without internals
            log.exception("error page %s could not be rendered", code)
            html = f'<!DOCTYPE html><html lang="id"><title>{title}</title><h1>{title} ({code})</h1><p>{message}</p></html>'
        return html, code

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        code = exc.code or 500
        title, message = ERROR_TEXTS.get(code, ("Permintaan tidak dapat diproses", "Permintaan tidak dapat diproses."))
        if code == 400 and "CSRF" in (exc.description or ""):
            message = "Formulir kedaluwarsa atau tidak sah (token keamanan). Muat ulang halaman lalu kirim lagi."
        message = getattr(exc, "user_message", None) or message  # our own refusals say why, in Indonesian
        if code == 413:
            message = (
                f"{message} Batas satu pengiriman {_size_text(app.config.get('MAX_CONTENT_LENGTH'))}, satu isian teks "
                f"{_size_text(app.config.get('MAX_FORM_MEMORY_SIZE'))}. Perkecil berkas atau isian lalu coba lagi."
            )
        body, status = _page(code, title, message)
        response = app.make_response((body, status))
        valid_methods = getattr(exc, "valid_methods", None)
        if code == 405 and valid_methods:
            response.headers["Allow"] = ", ".join(valid_methods)
        return response

    @app.errorhandler(AuditUnavailable)
    def _audit_unavailable(exc: AuditUnavailable):
        body, status = _page(503, *ERROR_TEXTS[503])
        response = app.make_response((body, status))
        response.headers["Retry-After"] = "5"
        return response

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        if isinstance(exc, HTTPException):
            return _http_error(exc)
        # A short reference the user can quote to the administrator; the details are only in the server log.
        reference = secrets.token_hex(4)
        log.exception("unhandled error on %s %s (kode kejadian %s)", request.method, request.path, reference)
        try:
            db.session.rollback()
        except Exception:  # noqa: BLE001 - the database may be what failed
            log.exception("rollback after an unhandled error failed")
        if app.config.get("RAISE_UNEXPECTED_VIEW_ERRORS"):
            raise exc
        title, message = ERROR_TEXTS[500]
        return _page(500, title, message, reference)


def _size_text(limit: int | None) -> str:
    if not limit:
        return "tidak diketahui"
    if limit >= 1024 * 1024:
        return f"{limit / (1024 * 1024):.0f} MB"
    return f"{max(1, limit // 1024)} KB"
