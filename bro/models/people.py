"""People: users, their roles, teams, supervision, and the login attempt log."""
from __future__ import annotations

import enum
import threading
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, Column, DateTime, Enum, ForeignKey, Index, Integer, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from bro import clock
from bro.models.base import Base


# scrypt takes 32 MiB per hash: hashing one password at a time keeps a worker's memory flat when
# many people log in at once (they wait a few milliseconds each instead).
_ONE_HASH_AT_A_TIME = threading.BoundedSemaphore(1)


class Role(str, enum.Enum):
    staff = "staff"
    supervisor = "supervisor"
    trainer = "trainer"
    admin = "admin"


team_supervisors = Table(
    "team_supervisors",
    Base.metadata,
    Column("team_id", ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Team(Base):
    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.utcnow)

    members: Mapped[list[User]] = relationship(back_populates="team", foreign_keys="User.team_id")
    supervisors: Mapped[list[User]] = relationship(
        secondary=team_supervisors, back_populates="supervised_teams", order_by="User.name"
    )

    def __repr__(self) -> str:
        return f"<Team {self.name}>"


class UserRole(Base):
    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[Role] = mapped_column(Enum(Role, name="role", native_enum=False, length=20), primary_key=True)


class User(UserMixin, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    language: Mapped[str] = mapped_column(String(5), default="en")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.utcnow)

    team: Mapped[Team | None] = relationship(back_populates="members", foreign_keys=[team_id])
    role_rows: Mapped[list[UserRole]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by=UserRole.role
    )
    supervised_teams: Mapped[list[Team]] = relationship(
        secondary=team_supervisors, back_populates="supervisors", lazy="selectin", order_by=Team.name
    )

    # Flask-Login reads `is_active`; a deactivated user cannot log in and is logged out.
    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return self.active

    @property
    def roles(self) -> set[Role]:
        return {row.role for row in self.role_rows}

    @roles.setter
    def roles(self, roles: set[Role] | list[Role]) -> None:
        wanted = {Role(r) for r in roles}
        self.role_rows = [row for row in self.role_rows if row.role in wanted]
        for role in sorted(wanted - {row.role for row in self.role_rows}, key=lambda r: r.value):
            self.role_rows.append(UserRole(role=role))

    def has_role(self, *roles: Role | str) -> bool:
        return bool(self.roles & {Role(r) for r in roles})

    @property
    def is_admin(self) -> bool:
        return Role.admin in self.roles

    def set_password(self, password: str, method: str = "scrypt") -> None:
        with _ONE_HASH_AT_A_TIME:
            self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        with _ONE_HASH_AT_A_TIME:
            return check_password_hash(self.password_hash, password)

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class LoginAttempt(Base):
    """Every login attempt, so failures can be rate-limited per account and per address."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_email_at", "email", "at"),
        Index("ix_login_attempts_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    address: Mapped[str] = mapped_column(String(64))
    succeeded: Mapped[bool] = mapped_column(Boolean)
    at: Mapped[datetime] = mapped_column(DateTime, default=clock.utcnow)
