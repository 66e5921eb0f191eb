"""audit lifecycle: an append-only event log per audit (who, when, why); status follows the latest event

Existing audits get their history written as events (recorded, corrections, acknowledgement, disputes and their
resolutions, in the order they happened), and each audit's status is set to the one its latest event leads to.
Order values outside Numeric(12, 2) or not finite (stored by SQLite before the form refused them) are cleared.

Revision ID: 0007_audit_lifecycle
Revises: 0003_one_open_row
Create Date: 2026-12-02 04:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0007_audit_lifecycle'
down_revision = '0003_one_open_row'
branch_labels = None
depends_on = None

# The revision in force at a moment: the highest revision created at or before it.
_REVISION_AT = ("COALESCE((SELECT MAX(r.number) FROM audit_revisions r WHERE r.audit_id = {audit} "
                "AND r.created_at <= {moment}), 1)")

_HISTORY = f"""
SELECT a.id AS audit_id, 0 AS tie, 'recorded' AS kind, a.auditor_id AS actor_id, a.created_at AS at,
       CAST(NULL AS TEXT) AS reason, 1 AS revision_number, CAST(NULL AS INTEGER) AS dispute_id
FROM audits a
UNION ALL
SELECT r.audit_id, 1, 'corrected', r.created_by_id, r.created_at, r.reason, r.number, CAST(NULL AS INTEGER)
FROM audit_revisions r WHERE r.kind = 'correction'
UNION ALL
SELECT a.id, 2, 'acknowledged', a.staff_id, a.acknowledged_at, CAST(NULL AS TEXT),
       {_REVISION_AT.format(audit='a.id', moment='a.acknowledged_at')}, CAST(NULL AS INTEGER)
FROM audits a WHERE a.acknowledged_at IS NOT NULL
UNION ALL
SELECT d.audit_id, 3, 'disputed', d.raised_by_id, d.raised_at, d.reason,
       {_REVISION_AT.format(audit='d.audit_id', moment='d.raised_at')}, d.id
FROM disputes d
UNION ALL
SELECT d.audit_id, 4, CASE WHEN d.resolution = 'upheld' THEN 'dispute_upheld' ELSE 'dispute_rejected' END,
       d.resolved_by_id, d.resolved_at, d.resolution_reason,
       COALESCE((SELECT r.number FROM audit_revisions r WHERE r.id = d.revision_id),
                {_REVISION_AT.format(audit='d.audit_id', moment='d.resolved_at')}), d.id
FROM disputes d WHERE d.resolution IS NOT NULL AND d.resolved_by_id IS NOT NULL
"""


def upgrade():
    op.create_table('audit_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('audit_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('revision_number', sa.Integer(), nullable=False),
    sa.Column('dispute_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_audit_events_actor_id_users')),
    sa.ForeignKeyConstraint(['audit_id'], ['audits.id'], name=op.f('fk_audit_events_audit_id_audits')),
    sa.ForeignKeyConstraint(['dispute_id'], ['disputes.id'], name=op.f('fk_audit_events_dispute_id_disputes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events')),
    sa.UniqueConstraint('audit_id', 'number', name=op.f('uq_audit_events_audit_id_number'))
    )

    # The history of every existing audit, numbered in the order it happened.
    op.execute(f"""
        INSERT INTO audit_events (audit_id, number, kind, actor_id, at, reason, revision_number, dispute_id)
        SELECT audit_id, ROW_NUMBER() OVER (PARTITION BY audit_id ORDER BY at, tie, dispute_id),
               kind, actor_id, at, reason, revision_number, dispute_id
        FROM ({_HISTORY}) AS history
        ORDER BY audit_id, at, tie
    """)
    # The status is the one the latest event leads to (an old correction after an answer reopens the answer).
    op.execute("""
        UPDATE audits SET status = (
            SELECT CASE e.kind WHEN 'corrected' THEN 'recorded' ELSE e.kind END
            FROM audit_events e WHERE e.audit_id = audits.id
            AND e.number = (SELECT MAX(l.number) FROM audit_events l WHERE l.audit_id = audits.id))
        WHERE EXISTS (SELECT 1 FROM audit_events e WHERE e.audit_id = audits.id)
    """)
    op.execute("UPDATE audits SET acknowledged_at = NULL WHERE status <> 'acknowledged'")
    # Not finite or beyond Numeric(12, 2): SQLite kept such values before the form refused them.
    op.execute("UPDATE audits SET order_value = NULL WHERE order_value IS NOT NULL AND "
               "(order_value <> order_value OR order_value < 0 OR order_value > 9999999999.99)")


def downgrade():
    op.execute("UPDATE audits SET status = 'recorded' WHERE status = 'reopened'")
    op.drop_table('audit_events')
