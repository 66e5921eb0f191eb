"""learning without dead ends: attempt grants, lesson re-reads, curriculum source text, restored and retired curricula

Revision ID: 0010_learning
Revises: 0008_sessions_logins
Create Date: 2026-12-02 04:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0010_learning'
down_revision = '0008_sessions_logins'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'attempt_grants',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('course_id', sa.Integer(), nullable=False),
        sa.Column('module_key', sa.String(length=80), nullable=False),
        sa.Column('extra_attempts', sa.Integer(), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('granted_by_id', sa.Integer(), nullable=False),
        sa.Column('granted_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_attempt_grants_course_id_courses')),
        sa.ForeignKeyConstraint(['granted_by_id'], ['users.id'], name=op.f('fk_attempt_grants_granted_by_id_users')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_attempt_grants_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_attempt_grants')),
    )
    with op.batch_alter_table('attempt_grants', schema=None) as batch_op:
        batch_op.create_index('ix_attempt_grants_user_module', ['user_id', 'course_id', 'module_key'], unique=False)
    with op.batch_alter_table('lesson_reads', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_read_at', sa.DateTime(), nullable=True))
    for table in ('standard_versions', 'course_versions'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('source_text', sa.Text(), nullable=True))
            batch_op.add_column(sa.Column('restored_from', sa.Integer(), nullable=True))
    for table in ('standards', 'courses'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('retired_at', sa.DateTime(), nullable=True))
            batch_op.add_column(sa.Column('retired_by_id', sa.Integer(), nullable=True))
            batch_op.create_foreign_key(op.f(f'fk_{table}_retired_by_id_users'), 'users', ['retired_by_id'], ['id'])


def downgrade():
    for table in ('courses', 'standards'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(f'fk_{table}_retired_by_id_users'), type_='foreignkey')
            batch_op.drop_column('retired_by_id')
            batch_op.drop_column('retired_at')
    for table in ('course_versions', 'standard_versions'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('restored_from')
            batch_op.drop_column('source_text')
    with op.batch_alter_table('lesson_reads', schema=None) as batch_op:
        batch_op.drop_column('last_read_at')
    with op.batch_alter_table('attempt_grants', schema=None) as batch_op:
        batch_op.drop_index('ix_attempt_grants_user_module')
    op.drop_table('attempt_grants')
