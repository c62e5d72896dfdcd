"""letters carry the chronology written for their recipient; the officer's report (step 5) and the head's
instruction (step 6) get numbers of their own letter types, and the instruction records the signer's capacity
(a.n. / Plt. / Plh.)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 11:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

# The numbering of the two memos, as seeds/letter_types.csv declares them (the number pattern screen edits them).
MEMO_TYPES = (
    ("laporan_permohonan_instruksi", "Laporan dan Permohonan Instruksi Tindak Lanjut", "400.10.2",
     "{klasifikasi}/{urut:03d}/LAP/UPTD-PPA/{bulan_romawi}/{tahun}"),
    ("instruksi_tindak_lanjut", "Instruksi Tindak Lanjut Layanan", "400.10.2",
     "{klasifikasi}/{urut:03d}/INS/UPTD-PPA/{bulan_romawi}/{tahun}"),
)


def upgrade():
    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.add_column(sa.Column('chronology', sa.Text(), nullable=True))
    with op.batch_alter_table('follow_up_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('number', sa.String(length=120), nullable=True))
        batch_op.create_unique_constraint(op.f('uq_follow_up_requests_number'), ['number'])
    with op.batch_alter_table('follow_up_instructions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('number', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('signer_capacity', sa.String(length=20), nullable=True))
        batch_op.create_unique_constraint(op.f('uq_follow_up_instructions_number'), ['number'])
    letter_types = sa.table('letter_types', sa.column('code', sa.String), sa.column('name', sa.String),
                            sa.column('classification', sa.String), sa.column('number_pattern', sa.String))
    bind = op.get_bind()
    existing = set(bind.execute(sa.select(letter_types.c.code)).scalars())
    rows = [dict(code=c, name=n, classification=k, number_pattern=p) for c, n, k, p in MEMO_TYPES if c not in existing]
    if rows:
        op.bulk_insert(letter_types, rows)


def downgrade():
    codes = tuple(c for c, _, _, _ in MEMO_TYPES)
    op.execute(sa.text("DELETE FROM letter_counters WHERE letter_type_id IN "
                       "(SELECT id FROM letter_types WHERE code IN :codes)").bindparams(sa.bindparam('codes', expanding=True, value=list(codes))))
    op.execute(sa.text("DELETE FROM letter_types WHERE code IN :codes").bindparams(
        sa.bindparam('codes', expanding=True, value=list(codes))))
    with op.batch_alter_table('follow_up_instructions', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('uq_follow_up_instructions_number'), type_='unique')
        batch_op.drop_column('signer_capacity')
        batch_op.drop_column('number')
    with op.batch_alter_table('follow_up_requests', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('uq_follow_up_requests_number'), type_='unique')
        batch_op.drop_column('number')
    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.drop_column('chronology')
