"""case_team: the officers on each case's team now (named on an issued Surat Tugas), one row per case and officer,
so the need-to-know rule is one primary-key lookup per case instead of two lookups through the letters; filled
here from the letters already issued, kept in step by the app (sop/team.py)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 14:00:00

"""
import sqlalchemy as sa
from alembic import op


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "case_team",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_case_team_case_id_cases"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_case_team_user_id_users"), ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("case_id", "user_id", name=op.f("pk_case_team")),
        sqlite_with_rowid=False,
    )
    op.create_index(op.f("ix_case_team_user_id"), "case_team", ["user_id"], unique=False)
    op.execute(
        "INSERT INTO case_team (case_id, user_id) "
        "SELECT DISTINCT letters.case_id, assignment_members.user_id FROM letters "
        "JOIN assignment_members ON assignment_members.letter_id = letters.id "
        "WHERE letters.kind = 'surat_tugas' AND letters.status = 'terbit'"
    )


def downgrade():
    op.drop_index(op.f("ix_case_team_user_id"), table_name="case_team")
    op.drop_table("case_team")
