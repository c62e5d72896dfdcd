"""signed scans: the scan of a generated document after it was signed on paper; append-only like the archive

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 09:00:00

"""
from alembic import op
import sqlalchemy as sa

import admin_app.models.base


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

MESSAGE = "signed_scans is append-only"


def upgrade():
    op.create_table('signed_scans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('generated_document_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('scan_no', sa.Integer(), nullable=False),
    sa.Column('mime_type', sa.String(length=40), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=True),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('page_count', sa.Integer(), nullable=True),
    sa.Column('note', sa.String(length=200), nullable=True),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
    sa.Column('uploaded_at', admin_app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_signed_scans_case_id_cases'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['generated_document_id'], ['generated_documents.id'], name=op.f('fk_signed_scans_generated_document_id_generated_documents'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_signed_scans_uploaded_by_id_users'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_signed_scans')),
    sa.UniqueConstraint('generated_document_id', 'scan_no', name='uq_signed_scans_document_scan_no')
    )
    with op.batch_alter_table('signed_scans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_signed_scans_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_signed_scans_generated_document_id'), ['generated_document_id'], unique=False)

    # Like generated_documents (migration 0005): the database itself refuses to change or delete a stored scan.
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(
            f"""
            CREATE FUNCTION signed_scans_append_only() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION '{MESSAGE}';
            END;
            $$ LANGUAGE plpgsql;
            """
        )
        op.execute(
            "CREATE TRIGGER signed_scans_no_change BEFORE UPDATE OR DELETE ON signed_scans "
            "FOR EACH ROW EXECUTE FUNCTION signed_scans_append_only()"
        )
    elif dialect == "sqlite":
        op.execute(
            f"CREATE TRIGGER signed_scans_no_update BEFORE UPDATE ON signed_scans "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;"
        )
        op.execute(
            f"CREATE TRIGGER signed_scans_no_delete BEFORE DELETE ON signed_scans "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;"
        )


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS signed_scans_no_change ON signed_scans")
        op.execute("DROP FUNCTION IF EXISTS signed_scans_append_only()")
    elif dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS signed_scans_no_update")
        op.execute("DROP TRIGGER IF EXISTS signed_scans_no_delete")
    with op.batch_alter_table('signed_scans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_signed_scans_generated_document_id'))
        batch_op.drop_index(batch_op.f('ix_signed_scans_case_id'))

    op.drop_table('signed_scans')
