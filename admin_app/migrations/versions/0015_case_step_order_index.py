"""case list: the step filter in the list's order (cases by current_step, then received_at), so a filtered page
reads its rows from one index range instead of walking every case newest first

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04 23:10:00

"""
from alembic import op


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_cases_step_received", "cases", ["current_step", "received_at"], unique=False)


def downgrade():
    op.drop_index("ix_cases_step_received", table_name="cases")
