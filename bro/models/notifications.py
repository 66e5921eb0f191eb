"""Notifications: what a user should know or do, in the app (a bell) and by email (each, or a daily digest)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bro import clock
from bro.models.base import Base

EMAIL_CHOICES = ("each", "digest", "off")


class Notification(Base):
    __tablename__ = "notifications"
    __table_args__ = (
        # One notification per event and person: collecting twice (or on two servers) adds nothing.
        UniqueConstraint("user_id", "kind", "key"),
        Index("ix_notifications_user_read", "user_id", "read_at"),
        Index("ix_notifications_emailed", "emailed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(40))  # bro.notifications.kinds.KINDS
    key: Mapped[str] = mapped_column(String(120))  # the event: e.g. the audit id
    params: Mapped[dict] = mapped_column(JSON)
    url: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.utcnow)
    read_at: Mapped[datetime | None] = mapped_column(DateTime)
    emailed_at: Mapped[datetime | None] = mapped_column(DateTime)  # sent alone or in a digest (or email off)


class NotificationSetting(Base):
    """A user's email choice; without a row, each notification is mailed on its own."""

    __tablename__ = "notification_settings"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    email: Mapped[str] = mapped_column(String(8), default="each")  # EMAIL_CHOICES
    last_digest_at: Mapped[datetime | None] = mapped_column(DateTime)
