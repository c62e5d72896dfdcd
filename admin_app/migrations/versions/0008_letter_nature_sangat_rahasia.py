"""letters: Sifat may also be "Sangat Rahasia" (the column widens and its check constraint lists the new value);
the assignment letter's period ends on `outreach_until`

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 17:15:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

OLD = ("Segera", "Rahasia", "Biasa")
NEW = ("Biasa", "Segera", "Rahasia", "Sangat Rahasia")


def _check(values) -> str:
    return "nature IN (" + ", ".join(f"'{v}'" for v in values) + ")"


def upgrade():
    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_letters_letter_nature'), type_='check')
        batch_op.alter_column('nature', existing_type=sa.String(length=7), type_=sa.String(length=14),
                              existing_nullable=True)
        batch_op.create_check_constraint(op.f('ck_letters_letter_nature'), _check(NEW))
        batch_op.add_column(sa.Column('outreach_until', sa.Date(), nullable=True))


def downgrade():
    op.execute("UPDATE letters SET nature = 'Rahasia' WHERE nature = 'Sangat Rahasia'")
    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.drop_column('outreach_until')
        batch_op.drop_constraint(op.f('ck_letters_letter_nature'), type_='check')
        batch_op.alter_column('nature', existing_type=sa.String(length=14), type_=sa.String(length=7),
                              existing_nullable=True)
        batch_op.create_check_constraint(op.f('ck_letters_letter_nature'), _check(OLD))
