"""case_officers: the officers each case concerns (its team now, named on an issued Surat Tugas, and the one who
registered it), one row per case and officer with the case's date: the need-to-know rule is one primary-key lookup
per case instead of two through the letters, and an officer's list reads her cases newest first from her own
index range; filled here from the letters and cases already there, kept in step by the app (sop/team.py)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 14:00:00

"""
import sqlalchemy as sa

import admin_app.models.base
from alembic import op


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "case_officers",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("received_at", admin_app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("on_team", sa.Boolean(), nullable=False),
        sa.Column("registered", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_case_officers_case_id_cases"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_case_officers_user_id_users"),
                                ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("case_id", "user_id", name=op.f("pk_case_officers")),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_case_officers_user_received", "case_officers", ["user_id", "received_at"], unique=False)
    # The rows of every case, as sop/team.py:officer_rows makes them.
    op.execute(
        "INSERT INTO case_officers (case_id, user_id, received_at, on_team, registered) "
        "SELECT x.case_id, x.user_id, cases.received_at, max(x.on_team) = 1, max(x.registered) = 1 FROM ("
        " SELECT letters.case_id AS case_id, assignment_members.user_id AS user_id, 1 AS on_team, 0 AS registered"
        " FROM letters JOIN assignment_members ON assignment_members.letter_id = letters.id"
        " WHERE letters.kind = 'surat_tugas' AND letters.status = 'terbit'"
        " UNION ALL SELECT cases.id, cases.registered_by_id, 0, 1 FROM cases"
        ") AS x JOIN cases ON cases.id = x.case_id GROUP BY x.case_id, x.user_id, cases.received_at"
    )


def downgrade():
    op.drop_index("ix_case_officers_user_received", table_name="case_officers")
    op.drop_table("case_officers")
