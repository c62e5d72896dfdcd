"""case list: an index for its default sort (cases.received_at, newest first), so page 1 of a large list reads
its 20 rows from the index instead of sorting every case

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 18:30:00

"""
from alembic import op


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

INDEXES = (
    ("ix_cases_received_at", "cases", "received_at"),
)


def upgrade():
    for name, table, column in INDEXES:
        op.create_index(name, table, [column], unique=False)


def downgrade():
    for name, table, _ in INDEXES:
        op.drop_index(name, table_name=table)
