"""audits by standard version and day: the first day audited against each version (the control charts' phases)

Revision ID: audits_version_interacted
Revises: dashboards_data_versions
"""
from alembic import op

revision = 'audits_version_interacted'
down_revision = 'dashboards_data_versions'
branch_labels = depends_on = None

INDEX = 'ix_audits_standard_version_interacted'


def upgrade():
    # bro.improve.queries.version_starts reads MIN(interacted_on) per standard version on every dashboard miss:
    # without this index a scan of every audit (linear in the history; bench scale comparison, issue 16).
    op.create_index(INDEX, 'audits', ['standard_version_id', 'interacted_on'], unique=False)


def downgrade():
    op.drop_index(INDEX, table_name='audits')
