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

# Written out (no string formatting): the table is victims_name_fts, its triggers victims_name_fts_<event>.
SQLITE_UP = (
    "CREATE VIRTUAL TABLE victims_name_fts USING fts5(full_name, content='victims', content_rowid='id', "
    "tokenize='trigram')",
    "INSERT INTO victims_name_fts(victims_name_fts) VALUES ('rebuild')",
    "CREATE TRIGGER victims_name_fts_insert AFTER INSERT ON victims BEGIN "
    "INSERT INTO victims_name_fts(rowid, full_name) VALUES (new.id, new.full_name); END",
    "CREATE TRIGGER victims_name_fts_delete AFTER DELETE ON victims BEGIN "
    "INSERT INTO victims_name_fts(victims_name_fts, rowid, full_name) VALUES ('delete', old.id, old.full_name); END",
    "CREATE TRIGGER victims_name_fts_update AFTER UPDATE OF full_name ON victims BEGIN "
    "INSERT INTO victims_name_fts(victims_name_fts, rowid, full_name) VALUES ('delete', old.id, old.full_name); "
    "INSERT INTO victims_name_fts(rowid, full_name) VALUES (new.id, new.full_name); END",
)
SQLITE_DOWN = ("DROP TRIGGER victims_name_fts_update", "DROP TRIGGER victims_name_fts_delete",
               "DROP TRIGGER victims_name_fts_insert", "DROP TABLE victims_name_fts")
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
