"""The migrations build the schema from nothing, and what they build is what the models say."""

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from admin_app.extensions import db
from admin_app.models import Base
from admin_app.search import alembic_include_name


def test_migrations_and_models_agree(app):
    # `app` runs on a database built by `flask db upgrade` (see conftest.build_schema).
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "render_as_batch": True,
                                                         "include_name": alembic_include_name})
        diff = compare_metadata(context, Base.metadata)
    assert diff == [], f"models and migrations differ: {diff}"


def test_every_table_exists(app):
    tables = set(sa.inspect(db.engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    assert "alembic_version" in tables


def test_sqlite_pragmas(app):
    if db.engine.dialect.name != "sqlite":
        return
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000


def test_foreign_keys_are_enforced(app):
    from sqlalchemy.exc import IntegrityError

    from admin_app.models import Region, RegionLevel

    db.session.add(Region(code="99.99", name="Tidak Ada", level=RegionLevel.KOTA, parent_id=999999))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
    else:  # pragma: no cover - the assertion below reports it
        raise AssertionError("a region with a missing parent was stored: foreign keys are off")


def test_a_letter_may_be_sangat_rahasia_and_nothing_else_new(app, builder):
    """Migration 0008: the widened column takes "Sangat Rahasia" and its check still refuses anything else."""
    import sqlalchemy as sa
    from sqlalchemy.exc import IntegrityError

    from admin_app.extensions import db
    from admin_app.models import Letter

    case = builder.walk(builder.register(), 3)
    db.session.commit()
    letter_id = db.session.execute(sa.select(Letter.id).where(Letter.case_id == case.id)).scalar_one()
    db.session.execute(sa.text("UPDATE letters SET nature = 'Sangat Rahasia' WHERE id = :i"), {"i": letter_id})
    db.session.commit()
    with pytest.raises(IntegrityError):
        db.session.execute(sa.text("UPDATE letters SET nature = 'Penting' WHERE id = :i"), {"i": letter_id})
    db.session.rollback()


def _append_only_guards() -> set[str]:
    """The database objects that make signed_scans append-only (migration 0009)."""
    if db.engine.dialect.name == "sqlite":
        sql = "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'signed_scans'"
    else:
        sql = ("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgrelid = 'signed_scans'::regclass "
               "UNION SELECT proname FROM pg_proc WHERE proname = 'signed_scans_append_only'")
    with db.engine.connect() as conn:
        return set(conn.exec_driver_sql(sql).scalars())


def test_migration_0009_signed_scans_downgrades_and_upgrades_again(app):
    """0009 adds the table of signed scans with its append-only triggers; its downgrade takes both away (nothing
    of it is left behind, e.g. the PostgreSQL function), and upgrading again restores them."""
    from flask_migrate import downgrade, upgrade

    guards = _append_only_guards()
    assert guards == ({"signed_scans_no_update", "signed_scans_no_delete"} if db.engine.dialect.name == "sqlite"
                      else {"signed_scans_no_change", "signed_scans_append_only"}), guards
    db.session.remove()
    downgrade(revision="0008")
    db.engine.dispose()
    assert "signed_scans" not in sa.inspect(db.engine).get_table_names()
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == "0008"
        if db.engine.dialect.name == "postgresql":
            assert not conn.exec_driver_sql("SELECT 1 FROM pg_proc WHERE proname = 'signed_scans_append_only'").first()
    upgrade()
    db.engine.dispose()
    assert "signed_scans" in sa.inspect(db.engine).get_table_names()
    assert _append_only_guards() == guards
