"""Dashboard phases start where each standard version was first audited: index audits by version and day,
so that first day is one index seek per version rather than a scan of the standard's audits.

Revision ID: dashboards_version_starts
Revises: interaction_transcripts
Create Date: 2026-12-02 12:20:00
"""
from alembic import op

revision, down_revision = 'dashboards_version_starts', 'interaction_transcripts'
branch_labels = depends_on = None
INDEX = 'ix_audits_version_interacted'


def upgrade():
    op.create_index(INDEX, 'audits', ['standard_version_id', 'interacted_on'], unique=False)


def downgrade():
    op.drop_index(INDEX, table_name='audits')
