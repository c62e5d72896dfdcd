"""case list: the step filter and the open cases in the list's order (cases by current_step, then received_at;
by status, then received_at), so a filtered page reads its rows from one index range instead of walking every
case newest first

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04 23:10:00

"""
from alembic import op


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


INDEXES = (
    ("ix_cases_step_received", ["current_step", "received_at"]),
    ("ix_cases_status_received", ["status", "received_at"]),
)


def upgrade():
    for name, columns in INDEXES:
        op.create_index(name, "cases", columns, unique=False)


def downgrade():
    for name, _columns in INDEXES:
        op.drop_index(name, table_name="cases")
