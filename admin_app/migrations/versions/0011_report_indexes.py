"""reports: indexes for the period filters of the recap (cases.reported_date) and of the compliance report
(case_steps.started_at, cases.finished_at)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 17:00:00

"""
from alembic import op


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

INDEXES = (
    ("ix_cases_reported_date", "cases", "reported_date"),
    ("ix_cases_finished_at", "cases", "finished_at"),
    ("ix_case_steps_started_at", "case_steps", "started_at"),
)


def upgrade():
    for name, table, column in INDEXES:
        op.create_index(name, table, [column], unique=False)


def downgrade():
    for name, table, _ in INDEXES:
        op.drop_index(name, table_name=table)
