"""at most one open quiz attempt per person and module, one open dispute per audit

Revision ID: 0003_one_open_row
Revises: 0002_areas
Create Date: 2026-12-02 03:55:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0003_one_open_row'
down_revision = '0002_areas'
branch_labels = None
depends_on = None


def upgrade():
    # Close duplicates left by the old race before the index can hold: keep the newest open attempt.
    op.execute(
        "DELETE FROM quiz_attempts WHERE submitted_at IS NULL AND id NOT IN ("
        " SELECT max_id FROM (SELECT max(id) AS max_id FROM quiz_attempts WHERE submitted_at IS NULL"
        " GROUP BY user_id, course_id, module_key) AS newest)")
    with op.batch_alter_table('quiz_attempts', schema=None) as batch_op:
        batch_op.create_index('uq_quiz_attempts_one_open', ['user_id', 'course_id', 'module_key'], unique=True,
                              sqlite_where=sa.text('submitted_at IS NULL'),
                              postgresql_where=sa.text('submitted_at IS NULL'))
    with op.batch_alter_table('disputes', schema=None) as batch_op:
        batch_op.create_index('uq_disputes_one_open', ['audit_id'], unique=True,
                              sqlite_where=sa.text('resolution IS NULL'),
                              postgresql_where=sa.text('resolution IS NULL'))


def downgrade():
    with op.batch_alter_table('disputes', schema=None) as batch_op:
        batch_op.drop_index('uq_disputes_one_open')
    with op.batch_alter_table('quiz_attempts', schema=None) as batch_op:
        batch_op.drop_index('uq_quiz_attempts_one_open')
