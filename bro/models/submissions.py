"""One-time form submissions: the first POST carrying a token records what it made; repeats find it."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from bro import clock
from bro.models.base import Base


class FormSubmission(Base):
    __tablename__ = "form_submissions"

    # The primary key is the token: the database, not a read before the write, decides which of two
    # simultaneous submissions is the first.
    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    result_url: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.utcnow, index=True)
