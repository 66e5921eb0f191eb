"""interaction transcripts in one column: the messages of an interaction are stored as JSON text on the
interaction, not as one row each; the audit index leaves out interactions never audited

Revision ID: interaction_transcripts
Revises: dashboards_data_versions
Create Date: 2026-12-02 12:10:00

Existing messages are moved, in batches of interactions, into ``interactions.transcript``: a JSON list of
[speaker, sent_at (ISO 8601, UTC) or null, text] in message order, the form bro.models.interactions writes.
The rows are grouped in Python, so SQLite and PostgreSQL give the same text. Downgrade moves them back.
"""
import json
from datetime import datetime

import sqlalchemy as sa
from alembic import op


revision = 'interaction_transcripts'
down_revision = 'dashboards_data_versions'
branch_labels = None
depends_on = None

BATCH = 1000  # interactions per read and write

# The two tables as this migration knows them (not the models of today): the table of messages is created from
# this definition again on downgrade.
tables = sa.MetaData()
interactions = sa.Table('interactions', tables, sa.Column('id', sa.Integer, primary_key=True),
                        sa.Column('transcript', sa.Text))
messages = sa.Table(
    'interaction_messages', tables,
    sa.Column('interaction_id', sa.Integer, sa.ForeignKey(
        'interactions.id', ondelete='CASCADE', name='fk_interaction_messages_interaction_id_interactions'),
        nullable=False),
    sa.Column('position', sa.Integer, nullable=False),
    sa.Column('speaker', sa.String(10), nullable=False),
    sa.Column('sent_at', sa.DateTime, nullable=True),
    sa.Column('text', sa.Text, nullable=False),
    sa.PrimaryKeyConstraint('interaction_id', 'position', name='pk_interaction_messages'))


def _batches(ids: list[int]):
    for start in range(0, len(ids), BATCH):
        yield ids[start:start + BATCH]


def _transcript(rows) -> str:
    return json.dumps([[speaker, sent_at.isoformat() if sent_at else None, text] for speaker, sent_at, text in rows],
                      ensure_ascii=False, separators=(",", ":"))


def _audit_index(only_audited: bool) -> None:
    """ix_interactions_audit again: of the audited interactions only, or (as before) of all."""
    where = {'sqlite_where': sa.text('audit_id IS NOT NULL'),
             'postgresql_where': sa.text('audit_id IS NOT NULL')} if only_audited else {}
    with op.batch_alter_table('interactions', schema=None) as batch_op:
        batch_op.drop_index('ix_interactions_audit')
        batch_op.create_index('ix_interactions_audit', ['audit_id'], unique=False, **where)


def upgrade():
    with op.batch_alter_table('interactions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('transcript', sa.Text(), nullable=True))
    connection = op.get_bind()
    ids = connection.execute(sa.select(messages.c.interaction_id).distinct()
                             .order_by(messages.c.interaction_id)).scalars().all()
    for part in _batches(ids):
        grouped: dict[int, list] = {interaction_id: [] for interaction_id in part}
        for interaction_id, speaker, sent_at, text in connection.execute(
                sa.select(messages.c.interaction_id, messages.c.speaker, messages.c.sent_at, messages.c.text)
                .where(messages.c.interaction_id.in_(part))
                .order_by(messages.c.interaction_id, messages.c.position)):
            grouped[interaction_id].append((speaker, sent_at, text))
        connection.execute(interactions.update().where(interactions.c.id == sa.bindparam('interaction_id'))
                           .values(transcript=sa.bindparam('stored')),
                           [{'interaction_id': key, 'stored': _transcript(rows)} for key, rows in grouped.items()])
    op.drop_table('interaction_messages')
    _audit_index(only_audited=True)


def downgrade():
    _audit_index(only_audited=False)
    connection = op.get_bind()
    messages.create(connection)
    ids = connection.execute(sa.select(interactions.c.id).where(interactions.c.transcript.is_not(None))
                             .order_by(interactions.c.id)).scalars().all()
    for part in _batches(ids):
        rows = []
        for interaction_id, stored in connection.execute(
                sa.select(interactions.c.id, interactions.c.transcript).where(interactions.c.id.in_(part))):
            rows.extend({'interaction_id': interaction_id, 'position': position, 'speaker': speaker,
                         'sent_at': datetime.fromisoformat(sent_at) if sent_at else None, 'text': text}
                        for position, (speaker, sent_at, text) in enumerate(json.loads(stored), start=1))
        if rows:
            connection.execute(messages.insert(), rows)
    with op.batch_alter_table('interactions', schema=None) as batch_op:
        batch_op.drop_column('transcript')
