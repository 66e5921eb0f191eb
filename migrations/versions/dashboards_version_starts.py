"""dashboard version starts: index audits by standard version and day (the first day of each version is a seek)

Revision ID: dashboards_version_starts
Revises: dashboards_data_versions
Create Date: 2026-12-02 12:20:00

"""
from alembic import op


revision = 'dashboards_version_starts'
down_revision = 'dashboards_data_versions'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('audits', schema=None) as batch_op:
        batch_op.create_index('ix_audits_version_interacted', ['standard_version_id', 'interacted_on'], unique=False)


def downgrade():
    with op.batch_alter_table('audits', schema=None) as batch_op:
        batch_op.drop_index('ix_audits_version_interacted')
