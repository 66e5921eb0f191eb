"""audits by standard version and day: the first day audited against each version (the control charts' phases)

Revision ID: audits_version_interacted
Revises: dashboards_data_versions
Create Date: 2026-12-02 13:10:00

"""
from alembic import op


revision = 'audits_version_interacted'
down_revision = 'dashboards_data_versions'
branch_labels = None
depends_on = None


def upgrade():
    # bro.improve.queries.version_starts reads MIN(interacted_on) per standard version on every dashboard miss:
    # without this index a scan of every audit (linear in the history, measured in bench issue 16).
    with op.batch_alter_table('audits', schema=None) as batch_op:
        batch_op.create_index('ix_audits_standard_version_interacted', ['standard_version_id', 'interacted_on'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('audits', schema=None) as batch_op:
        batch_op.drop_index('ix_audits_standard_version_interacted')
