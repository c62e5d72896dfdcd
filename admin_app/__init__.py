"""Jangkau: case management for the victim outreach service of UPTD PPA Kota Tangerang (SOP 695/2025)."""

from __future__ import annotations

from typing import Any, Mapping

from flask import Flask

from admin_app.config import build_config


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app: settings, extensions, blueprints, admin views; nothing else."""
    from admin_app.security import request_limits

    app = Flask(__name__, instance_relative_config=False)
    request_limits.init_app(app)  # first: size, character and id limits before anything reads a request
    app.config.update(build_config(app.instance_path, config))
    from admin_app import logs

    logs.init_app(app)  # before the other hooks: every request gets its id first, every response its access line
    from admin_app.models import encryption as crypto

    crypto.configure(
        crypto.Keyring.from_settings(
            app.config["JANGKAU_DATA_KEYS"], app.config["JANGKAU_DATA_KEY_ID"] or "", app.config["JANGKAU_HMAC_KEY"],
            app.config["JANGKAU_AUDIT_KEY"],
        )
    )
    from admin_app.documents import bounded
    from admin_app.security.audit_seal import configure_anchors

    bounded.configure(app.config["TEMPLATE_TIME_LIMIT"])
    configure_anchors(app.config["AUDIT_ANCHOR"], app.config["AUDIT_ANCHOR_EVERY"])
    if app.config["TRUSTED_PROXIES"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]

    from admin_app import cli
    from admin_app.extensions import babel, configure_postgresql, configure_sqlite, csrf, db, login_manager, migrate
    from admin_app.views import init_admin, web

    db.init_app(app)
    with app.app_context():
        configure_sqlite(db.engine, app.config["SQLITE_BUSY_TIMEOUT_MS"])
        configure_postgresql(db.engine, app.config["PG_RANDOM_PAGE_COST"])
    migrate.init_app(app, db, directory=str(web.MIGRATIONS_DIR), render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    from admin_app.views.base import unit_zone

    # The office time zone has one source: the setting `waktu.zona` (read once per request).
    babel.init_app(app, locale_selector=lambda: "id", timezone_selector=lambda: str(unit_zone()))
    web.init_login(app, login_manager)
    web.init_request_hooks(app)
    web.init_error_pages(app)
    app.register_blueprint(web.bp)
    from admin_app.views.auth import bp as auth_bp

    app.register_blueprint(auth_bp)
    from admin_app.views import notifications

    notifications.init_app(app)  # the bell, the list, the channels on the account page
    admin = init_admin(app)  # after Babel: Flask-Admin needs it
    from admin_app.security import headers

    headers.init_app(app, admin)  # CSP nonce for our templates and Flask-Admin's (csp_nonce_generator)
    cli.register(app)
    return app
