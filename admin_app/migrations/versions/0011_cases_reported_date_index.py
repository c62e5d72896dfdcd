"""cases are counted by report date (the head's dashboard, monthly intake, the recaps): an index on reported_date

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 16:00:00

"""
from alembic import op


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index('ix_cases_reported_date', ['reported_date'], unique=False)


def downgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_reported_date')
