"""name search that does not scan: SQLite FTS5 trigram table over victims.full_name kept by triggers;
PostgreSQL pg_trgm GIN index on victims.full_name (see admin_app/search.py)

The extension pg_trgm is "trusted" (PostgreSQL 13+): the database's owner may create it.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 19:00:00

"""
from alembic import op


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

FTS = "victims_name_fts"
SQLITE_UP = (
    f"CREATE VIRTUAL TABLE {FTS} USING fts5(full_name, content='victims', content_rowid='id', tokenize='trigram')",
    f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')",
    f"CREATE TRIGGER {FTS}_insert AFTER INSERT ON victims BEGIN "
    f"INSERT INTO {FTS}(rowid, full_name) VALUES (new.id, new.full_name); END",
    f"CREATE TRIGGER {FTS}_delete AFTER DELETE ON victims BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, full_name) VALUES ('delete', old.id, old.full_name); END",
    f"CREATE TRIGGER {FTS}_update AFTER UPDATE OF full_name ON victims BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, full_name) VALUES ('delete', old.id, old.full_name); "
    f"INSERT INTO {FTS}(rowid, full_name) VALUES (new.id, new.full_name); END",
)
SQLITE_DOWN = (f"DROP TRIGGER {FTS}_update", f"DROP TRIGGER {FTS}_delete", f"DROP TRIGGER {FTS}_insert",
               f"DROP TABLE {FTS}")
INDEX = "ix_victims_full_name_trgm"


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_UP:
            op.execute(statement)
        # the model declares the index for PostgreSQL; on SQLite it is a plain index, kept so both agree
        op.create_index(INDEX, "victims", ["full_name"])
    else:
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.create_index(INDEX, "victims", ["full_name"], postgresql_using="gin",
                        postgresql_ops={"full_name": "gin_trgm_ops"})


def downgrade():
    op.drop_index(INDEX, table_name="victims")
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_DOWN:
            op.execute(statement)
