"""Settings read from the environment, with defaults that run on a laptop.

`JANGKAU_ENV` chooses the profile: ``development`` (the default of `make run`), ``testing`` or ``production``.
Production refuses to start without a ``SECRET_KEY``; development creates one once and keeps it in the
instance folder so sessions survive a restart.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any, Mapping

from admin_app.models.encryption import development_keys, generate_key
from admin_app.models.users import RoleCode

ENVIRONMENTS = ("development", "testing", "production")


# One set of keys per test process: every app the test suite builds can read what another wrote.
_TEST_KEYS = {"JANGKAU_DATA_KEYS": f"t1:{generate_key()}", "JANGKAU_DATA_KEY_ID": "t1", "JANGKAU_HMAC_KEY": generate_key(),
              "JANGKAU_AUDIT_KEY": generate_key()}
KEY_NAMES = ("JANGKAU_DATA_KEYS", "JANGKAU_DATA_KEY_ID", "JANGKAU_HMAC_KEY", "JANGKAU_AUDIT_KEY")


class ConfigError(RuntimeError):
    """The app cannot start with the settings it was given."""


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "ya"}


def _development_secret(instance_path: Path) -> str:
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    # Written with owner-only permissions: the key signs every session cookie.
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def build_config(instance_path: str, overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Return the app's settings: environment first, then `overrides` (used by tests and scripts)."""
    overrides = dict(overrides or {})
    env = os.environ
    testing = bool(overrides.get("TESTING", _bool(env.get("JANGKAU_TESTING"))))
    environment = overrides.get("ENVIRONMENT") or env.get("JANGKAU_ENV") or ("testing" if testing else "development")
    if environment not in ENVIRONMENTS:
        raise ConfigError(f"JANGKAU_ENV harus salah satu dari {', '.join(ENVIRONMENTS)}, bukan {environment!r}")
    production = environment == "production"
    instance = Path(instance_path)

    database_url = overrides.get("SQLALCHEMY_DATABASE_URI") or env.get("DATABASE_URL")
    if not database_url:
        instance.mkdir(parents=True, exist_ok=True)
        database_url = f"sqlite:///{instance / 'jangkau.sqlite3'}"
    # Some providers still hand out the old scheme; SQLAlchemy 2 only knows postgresql://, and we use psycopg 3.
    if database_url.startswith("postgres://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgres://"):]
    elif database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgresql://"):]

    secret_key = overrides.get("SECRET_KEY") or env.get("SECRET_KEY")
    if not secret_key:
        if environment == "development":
            secret_key = _development_secret(instance)
        elif environment == "testing":
            secret_key = secrets.token_hex(32)
        else:
            raise ConfigError(
                "SECRET_KEY belum diatur. Di produksi aplikasi tidak mau berjalan tanpa SECRET_KEY "
                "(isi variabel lingkungan SECRET_KEY dengan string acak panjang)."
            )

    data_keys = {name: overrides.get(name) or env.get(name) for name in KEY_NAMES}
    if not data_keys["JANGKAU_DATA_KEYS"] or not data_keys["JANGKAU_HMAC_KEY"] or not data_keys["JANGKAU_AUDIT_KEY"]:
        if environment == "development":
            data_keys.update({k: v for k, v in development_keys(instance).items() if not data_keys.get(k)})
        elif environment == "testing":
            data_keys.update({k: v for k, v in _TEST_KEYS.items() if not data_keys.get(k)})
        else:
            raise ConfigError(
                "JANGKAU_DATA_KEYS, JANGKAU_HMAC_KEY dan JANGKAU_AUDIT_KEY belum diatur. Di produksi aplikasi tidak mau "
                "berjalan tanpa kunci enkripsi NIK/KK/telepon dan kunci segel log audit (lihat README, bagian Kunci "
                "enkripsi)."
            )

    config: dict[str, Any] = {
        "ENVIRONMENT": environment,
        "TESTING": testing,
        "DEBUG": False,
        "SECRET_KEY": secret_key,
        **data_keys,
        "SQLALCHEMY_DATABASE_URI": database_url,
        # hide_parameters: a failed statement's error (and so the log) never carries the values it was given.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "hide_parameters": True},
        "SQLITE_BUSY_TIMEOUT_MS": int(env.get("SQLITE_BUSY_TIMEOUT_MS", "15000")),
        # PostgreSQL's planner cost of a random read, set per connection (extensions.configure_postgresql); 0 keeps
        # the server's own setting.
        "PG_RANDOM_PAGE_COST": float(env.get("JANGKAU_PG_RANDOM_PAGE_COST", "1.1")),
        "WTF_CSRF_ENABLED": True,
        "WTF_CSRF_TIME_LIMIT": None,
        "BABEL_DEFAULT_LOCALE": "id",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production or _bool(env.get("SESSION_COOKIE_SECURE")),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "SESSION_IDLE_MINUTES": int(env.get("SESSION_IDLE_MINUTES", "30")),
        "SESSION_ABSOLUTE_HOURS": int(env.get("SESSION_ABSOLUTE_HOURS", "12")),
        "MAX_CONTENT_LENGTH": int(env.get("MAX_CONTENT_LENGTH", str(16 * 1024 * 1024))),
        # A form without files (whole body) or one text field of a multipart form; more gets the 413 page.
        "MAX_FORM_MEMORY_SIZE": int(env.get("MAX_FORM_MEMORY_SIZE", str(500 * 1024))),
        # Fields (parts) per form: the longest field document has well under 200.
        "MAX_FORM_PARTS": int(env.get("MAX_FORM_PARTS", "1000")),
        # One signed scan (PDF, JPG, PNG) at most this many bytes; keep it below MAX_CONTENT_LENGTH (and nginx's
        # client_max_body_size), so a bigger scan gets the upload's own message instead of the 413 page.
        "SCAN_MAX_BYTES": int(env.get("JANGKAU_SCAN_MAX_BYTES", str(10 * 1024 * 1024))),
        "FLASK_ADMIN_SWATCH": "default",
        # Demo data (users with a known password) may only ever be created outside production.
        "DEMO_ALLOWED": not production,
        # Cheaper password hashing keeps the test suite fast; never outside testing.
        "PASSWORD_HASH_FAST": False,
        "RAISE_UNEXPECTED_VIEW_ERRORS": False,
        # Number of reverse proxies in front (nginx: 1) whose X-Forwarded-For/-Proto headers are trusted.
        "TRUSTED_PROXIES": int(env.get("JANGKAU_TRUSTED_PROXIES", "0")),
        # --- Login hardening (views/auth.py) ---
        # Flask-Limiter's counters. "memory://" counts per process; with several app servers (or gunicorn workers)
        # use one shared Redis, e.g. RATELIMIT_STORAGE_URI=redis://127.0.0.1:6379/0, so they throttle together.
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_STRATEGY": "moving-window",
        "RATELIMIT_KEY_PREFIX": env.get("RATELIMIT_KEY_PREFIX", "jangkau"),
        # If Redis is down, count in memory instead of refusing logins (the lockout in the database still holds).
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_SWALLOW_ERRORS": True,
        # Failed attempts (wrong password or code) allowed before HTTP 429; only failures count.
        "LOGIN_RATE_LIMIT_ADDRESS": env.get("LOGIN_RATE_LIMIT_ADDRESS", "30 per 15 minutes"),
        "LOGIN_RATE_LIMIT_ACCOUNT": env.get("LOGIN_RATE_LIMIT_ACCOUNT", "10 per 15 minutes"),
        "PASSWORD_CHANGE_RATE_LIMIT": env.get("PASSWORD_CHANGE_RATE_LIMIT", "5 per 15 minutes"),
        # Account lockout kept in the database (holds across servers): N failures in a row -> locked M minutes.
        "LOGIN_LOCKOUT_THRESHOLD": int(env.get("LOGIN_LOCKOUT_THRESHOLD", "5")),
        "LOGIN_LOCKOUT_MINUTES": int(env.get("LOGIN_LOCKOUT_MINUTES", "15")),
        # Two-factor login: required for these roles when enabled (production default), optional for everyone.
        "REQUIRE_2FA_ROLES_ENABLED": _bool(env.get("REQUIRE_2FA_ROLES_ENABLED"), default=production),
        "REQUIRE_2FA_ROLES": (RoleCode.KEPALA, RoleCode.SYSADMIN),
        "TOTP_ISSUER": env.get("TOTP_ISSUER", "Jangkau UPTD PPA"),
        # A staff template must render within this many seconds (documents/bounded.py).
        "TEMPLATE_TIME_LIMIT": float(env.get("JANGKAU_TEMPLATE_TIME_LIMIT", "5")),
        # The audit chain's head is anchored outside the database: a file the operator ships elsewhere, or syslog.
        "AUDIT_ANCHOR": env.get("JANGKAU_AUDIT_ANCHOR") or (None if testing else str(instance / "audit_anchors.jsonl")),
        "AUDIT_ANCHOR_EVERY": int(env.get("JANGKAU_AUDIT_ANCHOR_EVERY", "100")),
        "TWO_FACTOR_PENDING_SECONDS": int(env.get("TWO_FACTOR_PENDING_SECONDS", "300")),
        # The app's log (admin_app/logs.py): one JSON object a line in production, readable text elsewhere.
        "LOG_FORMAT": env.get("JANGKAU_LOG_FORMAT") or ("json" if production else "text"),
        "LOG_LEVEL": (env.get("JANGKAU_LOG_LEVEL") or "INFO").upper(),
        # --- Notifications outside the app (admin_app/delivery.py, `flask notify run`; docs/notifications.md) ---
        # The address staff open the app at: the links in e-mails and WhatsApp messages start with it.
        "PUBLIC_BASE_URL": env.get("JANGKAU_PUBLIC_BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
        # E-mail over SMTP; no host: e-mails stay queued. Security: "starttls" (port 587), "tls" (465) or "none".
        "SMTP_HOST": env.get("JANGKAU_SMTP_HOST", ""),
        "SMTP_PORT": int(env.get("JANGKAU_SMTP_PORT", "587")),
        "SMTP_USER": env.get("JANGKAU_SMTP_USER", ""),
        "SMTP_PASSWORD": env.get("JANGKAU_SMTP_PASSWORD", ""),
        "SMTP_FROM": env.get("JANGKAU_SMTP_FROM", "jangkau@localhost"),
        "SMTP_SECURITY": env.get("JANGKAU_SMTP_SECURITY", "starttls").strip().lower(),
        "SMTP_CA_FILE": env.get("JANGKAU_SMTP_CA_FILE", ""),  # the mail server's CA when it is not a public one
        # The WhatsApp gateway's webhook: JSON signed with HMAC-SHA256 of the secret; no URL: messages stay queued.
        "WHATSAPP_WEBHOOK_URL": env.get("JANGKAU_WHATSAPP_WEBHOOK_URL", ""),
        "WHATSAPP_WEBHOOK_SECRET": env.get("JANGKAU_WHATSAPP_WEBHOOK_SECRET", ""),
        "NOTIFY_TIMEOUT_SECONDS": float(env.get("JANGKAU_NOTIFY_TIMEOUT_SECONDS", "15")),
        "NOTIFY_MAX_ATTEMPTS": int(env.get("JANGKAU_NOTIFY_MAX_ATTEMPTS", "8")),
        "NOTIFY_POLL_SECONDS": float(env.get("JANGKAU_NOTIFY_POLL_SECONDS", "10")),
        # How often an open page asks for the bell's unread count (0: only when a page loads).
        "BELL_POLL_SECONDS": int(env.get("JANGKAU_BELL_POLL_SECONDS", "30")),
    }
    config.update(overrides)
    if config["ENVIRONMENT"] != "testing":
        config["PASSWORD_HASH_FAST"] = False
    return config
