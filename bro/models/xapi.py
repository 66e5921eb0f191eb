"""xAPI statements about learning, stored once per event and sent to a learning record store from an outbox."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bro import clock
from bro.models.base import Base


class XapiStatement(Base):
    __tablename__ = "xapi_statements"
    __table_args__ = (Index("ix_xapi_statements_unsent", "sent_at", "next_attempt_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # the statement's UUID
    # The event it tells (e.g. "attempt:42:passed"): unique, so deriving statements again adds nothing.
    key: Mapped[str] = mapped_column(String(120), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    verb: Mapped[str] = mapped_column(String(20))
    statement: Mapped[dict] = mapped_column(JSON)
    stored_at: Mapped[datetime] = mapped_column(DateTime, default=clock.utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    send_attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
