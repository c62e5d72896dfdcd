"""roles carry a row version; the archive of generated documents refuses UPDATE and DELETE

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

MESSAGE = "generated_documents is append-only"


def upgrade():
    with op.batch_alter_table("roles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(
            f"""
            CREATE FUNCTION generated_documents_append_only() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION '{MESSAGE}';
            END;
            $$ LANGUAGE plpgsql;
            """
        )
        op.execute(
            "CREATE TRIGGER generated_documents_no_change BEFORE UPDATE OR DELETE ON generated_documents "
            "FOR EACH ROW EXECUTE FUNCTION generated_documents_append_only()"
        )
    elif dialect == "sqlite":
        op.execute(
            f"CREATE TRIGGER generated_documents_no_update BEFORE UPDATE ON generated_documents "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;"
        )
        op.execute(
            f"CREATE TRIGGER generated_documents_no_delete BEFORE DELETE ON generated_documents "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;"
        )


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS generated_documents_no_change ON generated_documents")
        op.execute("DROP FUNCTION IF EXISTS generated_documents_append_only()")
    elif dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS generated_documents_no_update")
        op.execute("DROP TRIGGER IF EXISTS generated_documents_no_delete")
    with op.batch_alter_table("roles", schema=None) as batch_op:
        batch_op.drop_column("version")
