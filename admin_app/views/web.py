"""Glue around every request: who is logged in, login required everywhere, security headers, error pages,
and the health check."""

from __future__ import annotations

import logging
import time
from pathlib import Path

from flask import Blueprint, Flask, flash, jsonify, redirect, render_template, request, session, url_for
from flask_login import LoginManager, current_user, logout_user
from sqlalchemy import text
from werkzeug.exceptions import HTTPException

from admin_app.extensions import db, write_intent
from admin_app.models import User
from admin_app.views.auditing import audit, flush_request_audit

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"

bp = Blueprint("web", __name__)

# Endpoints reachable without login.
PUBLIC_ENDPOINTS = {"auth.login", "static", "admin.static", "web.healthz"}

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}

ERROR_TEXTS = {
    400: ("Permintaan tidak valid", "Permintaan tidak dapat diproses. Periksa isian Anda lalu coba lagi."),
    401: ("Perlu masuk", "Silakan masuk terlebih dahulu."),
    403: ("Akses ditolak", "Anda tidak berwenang membuka halaman atau data ini."),
    404: ("Tidak ditemukan", "Halaman atau data yang Anda cari tidak ada."),
    405: ("Cara akses tidak diizinkan", "Halaman ini tidak dapat dibuka dengan cara tersebut."),
    413: ("Berkas terlalu besar", "Berkas atau data yang dikirim melebihi batas ukuran."),
    429: ("Terlalu banyak percobaan", "Terlalu banyak permintaan. Tunggu sebentar lalu coba lagi."),
    500: ("Terjadi kesalahan", "Terjadi kesalahan pada sistem. Tidak ada data yang berubah. Silakan coba lagi."),
}


@bp.route("/")
def root():
    return redirect(url_for("admin.index"))


@bp.route("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any failure means unhealthy; details go to the log only
        log.exception("health check failed")
        db.session.rollback()
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok")


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
        user = db.session.get(User, user_id)
        if user is None or not user.is_active or user.session_version != version:
            return None
        return user


def _enforce_session_limits(app: Flask):
    """Idle and absolute session time limits, checked on the server at every request."""
    now = time.time()
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
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    session["seen_at"] = now
    return None


def init_request_hooks(app: Flask) -> None:
    @app.before_request
    def _before():
        write_intent.set(request.method not in SAFE_METHODS)
        endpoint = request.endpoint or ""
        if endpoint in PUBLIC_ENDPOINTS or endpoint.endswith(".static"):
            return None
        if not current_user.is_authenticated:
            if request.endpoint is None:
                return None  # unknown URL: let it be a 404
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return _enforce_session_limits(app)

    @app.after_request
    def _headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Content-Security-Policy", "frame-ancestors 'none'")
        if current_user.is_authenticated and not (request.endpoint or "").endswith("static"):
            # Pages behind login may show victim data: never keep them in a cache.
            response.headers["Cache-Control"] = "no-store"
        return response

    app.teardown_request(flush_request_audit)

    @app.teardown_request
    def _reset(_exc):
        write_intent.set(False)


def init_error_pages(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        code = exc.code or 500
        title, message = ERROR_TEXTS.get(code, (exc.name, "Permintaan tidak dapat diproses."))
        if code == 400 and "CSRF" in (exc.description or ""):
            message = "Formulir kedaluwarsa atau tidak sah (token keamanan). Muat ulang halaman lalu kirim lagi."
        return render_template("errors/error.html", code=code, title=title, message=message), code

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        if isinstance(exc, HTTPException):
            return _http_error(exc)
        log.exception("unhandled error on %s %s", request.method, request.path)
        db.session.rollback()
        if app.config.get("RAISE_UNEXPECTED_VIEW_ERRORS"):
            raise exc
        title, message = ERROR_TEXTS[500]
        return render_template("errors/error.html", code=500, title=title, message=message), 500
