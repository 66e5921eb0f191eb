"""item analysis running sums (per module row, scope and question), back-filled from the submitted attempts

Revision ID: speed_item_sums
Revises: 0004_control_baselines
Create Date: 2026-12-02 07:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'speed_item_sums'
down_revision = '0004_control_baselines'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('quiz_first_attempts',
    sa.Column('module_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('attempt_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['attempt_id'], ['quiz_attempts.id'], name=op.f('fk_quiz_first_attempts_attempt_id_quiz_attempts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['module_id'], ['course_modules.id'], name=op.f('fk_quiz_first_attempts_module_id_course_modules')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_quiz_first_attempts_user_id_users')),
    sa.PrimaryKeyConstraint('module_id', 'user_id', name=op.f('pk_quiz_first_attempts'))
    )
    op.create_table('quiz_module_sums',
    sa.Column('module_id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.String(length=8), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('passed', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['module_id'], ['course_modules.id'], name=op.f('fk_quiz_module_sums_module_id_course_modules')),
    sa.PrimaryKeyConstraint('module_id', 'scope', name=op.f('pk_quiz_module_sums'))
    )
    op.create_table('quiz_item_sums',
    sa.Column('module_id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.String(length=8), nullable=False),
    sa.Column('question_key', sa.String(length=80), nullable=False),
    sa.Column('n', sa.BigInteger(), nullable=False),
    sa.Column('correct', sa.BigInteger(), nullable=False),
    sa.Column('rest_sum', sa.BigInteger(), nullable=False),
    sa.Column('rest_squares', sa.BigInteger(), nullable=False),
    sa.Column('correct_rest', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['module_id'], ['course_modules.id'], name=op.f('fk_quiz_item_sums_module_id_course_modules')),
    sa.PrimaryKeyConstraint('module_id', 'scope', 'question_key', name=op.f('pk_quiz_item_sums'))
    )
    op.create_table('quiz_item_tallies',
    sa.Column('module_id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.String(length=8), nullable=False),
    sa.Column('question_key', sa.String(length=80), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('value_hash', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.Column('count', sa.BigInteger(), nullable=False),
    sa.Column('correct', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['module_id'], ['course_modules.id'], name=op.f('fk_quiz_item_tallies_module_id_course_modules')),
    sa.PrimaryKeyConstraint('module_id', 'scope', 'question_key', 'kind', 'value_hash', name=op.f('pk_quiz_item_tallies'))
    )
    # Back-fill from the attempts already submitted (SQL grouped per module and question; see
    # bro.training.itemsums.rebuild, which the benchmark's generator also runs).
    from bro.training.itemsums import rebuild

    rebuild(op.get_bind())


def downgrade():
    op.drop_table('quiz_item_tallies')
    op.drop_table('quiz_item_sums')
    op.drop_table('quiz_module_sums')
    op.drop_table('quiz_first_attempts')
