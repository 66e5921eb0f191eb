"""disputes per step: each disputed step with its reason and decision; existing disputes become disputes of
every rated step

Revision ID: 0012_dispute_steps
Revises: 0011_interactions
Create Date: 2026-12-02 04:50:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0012_dispute_steps'
down_revision = '0011_interactions'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('dispute_steps',
    sa.Column('dispute_id', sa.Integer(), nullable=False),
    sa.Column('step_key', sa.String(length=80), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('rating_before', sa.String(length=8), nullable=False),
    sa.Column('decision', sa.String(length=10), nullable=True),
    sa.Column('rating_after', sa.String(length=8), nullable=True),
    sa.ForeignKeyConstraint(['dispute_id'], ['disputes.id'], name=op.f('fk_dispute_steps_dispute_id_disputes')),
    sa.PrimaryKeyConstraint('dispute_id', 'step_key', name=op.f('pk_dispute_steps'))
    )
    # Every existing dispute disputed the whole audit: one row per step rated (not n/a) in the revision it
    # disputed (the latest revision made before it was raised); decisions from the revision it created, if any.
    bind = op.get_bind()
    disputes = bind.execute(sa.text(
        "SELECT id, audit_id, raised_at, resolution, revision_id FROM disputes")).all()
    for dispute_id, audit_id, raised_at, resolution, revision_id in disputes:
        before = bind.execute(sa.text(
            "SELECT id FROM audit_revisions WHERE audit_id = :audit AND created_at <= :raised "
            "ORDER BY number DESC LIMIT 1"), {"audit": audit_id, "raised": raised_at}).scalar()
        if before is None:
            continue
        rows = bind.execute(sa.text("SELECT step_key, rating FROM audit_ratings WHERE revision_id = :r"),
                            {"r": before}).all()
        after = {}
        if revision_id is not None:
            after = dict(bind.execute(sa.text("SELECT step_key, rating FROM audit_ratings WHERE revision_id = :r"),
                                      {"r": revision_id}).all())
        for position, (step_key, rating) in enumerate(sorted(rows)):
            if rating == "na":
                continue
            new = after.get(step_key, rating) if resolution == "upheld" else rating
            decision = None if resolution is None else ("upheld" if new != rating else "rejected")
            bind.execute(sa.text(
                "INSERT INTO dispute_steps (dispute_id, step_key, position, reason, rating_before, decision, "
                "rating_after) VALUES (:d, :k, :p, NULL, :b, :dec, :a)"),
                {"d": dispute_id, "k": step_key, "p": position, "b": rating, "dec": decision,
                 "a": new if resolution is not None else None})


def downgrade():
    op.drop_table('dispute_steps')
