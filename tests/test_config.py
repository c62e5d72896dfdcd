"""Settings come from the environment; production refuses to start without a secret."""

import pytest

from admin_app import create_app
from admin_app.config import ConfigError, build_config


def test_production_refuses_to_start_without_secret_key(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("JANGKAU_ENV", "production")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.sqlite3'}")
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app()


def test_production_refuses_to_start_without_encryption_keys(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    monkeypatch.setenv("JANGKAU_ENV", "production")
    monkeypatch.delenv("JANGKAU_DATA_KEYS", raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.sqlite3'}")
    with pytest.raises(ConfigError, match="JANGKAU_DATA_KEYS"):
        create_app()


def test_production_starts_with_secret_key_and_no_debug(monkeypatch, tmp_path):
    from admin_app.models.encryption import generate_key

    monkeypatch.setenv("JANGKAU_DATA_KEYS", f"p1:{generate_key()}")
    monkeypatch.setenv("JANGKAU_HMAC_KEY", generate_key())
    monkeypatch.setenv("JANGKAU_AUDIT_KEY", generate_key())
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    monkeypatch.setenv("JANGKAU_ENV", "production")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.sqlite3'}")
    app = create_app()
    assert app.config["SECRET_KEY"] == "x" * 64
    assert app.debug is False
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["DEMO_ALLOWED"] is False


def test_production_refuses_to_start_without_the_audit_key(monkeypatch, tmp_path):
    from admin_app.models.encryption import generate_key

    monkeypatch.setenv("JANGKAU_DATA_KEYS", f"p1:{generate_key()}")
    monkeypatch.setenv("JANGKAU_HMAC_KEY", generate_key())
    monkeypatch.delenv("JANGKAU_AUDIT_KEY", raising=False)
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    monkeypatch.setenv("JANGKAU_ENV", "production")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.sqlite3'}")
    with pytest.raises(ConfigError, match="JANGKAU_AUDIT_KEY"):
        create_app()


def test_development_creates_secret_once_and_keeps_it(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("JANGKAU_ENV", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    first = build_config(str(tmp_path))
    second = build_config(str(tmp_path))
    assert first["SECRET_KEY"] == second["SECRET_KEY"]
    assert len(first["SECRET_KEY"]) >= 64
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    assert first["DEBUG"] is False
    assert first["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'jangkau.sqlite3'}"


@pytest.mark.parametrize(
    "given, expected",
    [
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:////var/lib/jangkau.db", "sqlite:////var/lib/jangkau.db"),
    ],
)
def test_database_url_from_environment(monkeypatch, tmp_path, given, expected):
    monkeypatch.setenv("DATABASE_URL", given)
    assert build_config(str(tmp_path), {"TESTING": True})["SQLALCHEMY_DATABASE_URI"] == expected


def test_unknown_environment_is_refused(monkeypatch, tmp_path):
    monkeypatch.setenv("JANGKAU_ENV", "staging")
    with pytest.raises(ConfigError):
        build_config(str(tmp_path))
