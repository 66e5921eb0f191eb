"""People: users, their roles, teams, supervision, and the login attempt log."""
from __future__ import annotations

import enum
import secrets
import threading
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, Column, DateTime, Enum, ForeignKey, Index, Integer, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from bro import clock
from bro.models.base import Base


# scrypt takes 8 MiB per hash (PASSWORD_HASH_METHOD): hashing one password at a time keeps a worker's memory flat
# when many people log in at once (they wait a few milliseconds each instead).
_ONE_HASH_AT_A_TIME = threading.BoundedSemaphore(1)
_DUMMY_HASHES: dict[str, str] = {}


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


#: scrypt with N = 2^13, r = 8, p = 10: 8 MiB per hash (128 * N * r bytes), the smallest of OWASP's equivalents of
#: its minimum (N = 2^17, r = 8, p = 1), with the same work per guess as 2^14 / 8 / 5; the memory a hash adds on
#: top of a worker's pages must fit its 150 MB (issue 16). README "Password hashing".
PASSWORD_HASH_METHOD = "scrypt:8192:8:10"


def check_password_of_nobody(password: str, method: str = PASSWORD_HASH_METHOD) -> bool:
    """Spend the time a real check takes when the email is unknown, so the answer's timing tells nothing.

    The dummy hash is made once per method with the same parameters as real ones; the check always fails.
    """
    with _ONE_HASH_AT_A_TIME:
        check_password_hash(_dummy_hash(method), password)
    return False


def _dummy_hash(method: str) -> str:
    if method not in _DUMMY_HASHES:
        _DUMMY_HASHES[method] = generate_password_hash(secrets.token_urlsafe(16), method=method)
    return _DUMMY_HASHES[method]


def hash_parameters(password_hash: str) -> str:
    """The method and cost a stored hash was made with ("scrypt:8192:8:10"), as Werkzeug writes it."""
    return (password_hash or "").split("$", 1)[0]


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
    # Flask-Login's alternative id: both the session and the remember-me cookie carry it, so rotating it
    # (logout, "log out everywhere", a new password, deactivation) makes every old cookie worthless.
    session_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_session_token)
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

    def get_id(self) -> str:
        return self.session_token

    def rotate_session_token(self) -> None:
        self.session_token = new_session_token()

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

    def set_password(self, password: str, method: str = PASSWORD_HASH_METHOD) -> None:
        with _ONE_HASH_AT_A_TIME:
            self.password_hash = generate_password_hash(password, method=method)

    def set_password_and_end_sessions(self, password: str, method: str = PASSWORD_HASH_METHOD) -> None:
        self.set_password(password, method=method)
        self.rotate_session_token()

    def password_needs_rehash(self, method: str = PASSWORD_HASH_METHOD) -> bool:
        """The stored hash was made with other parameters than ``method`` (an older cost): rehash at login."""
        return hash_parameters(self.password_hash) != hash_parameters(_dummy_hash(method))

    def check_password(self, password: str) -> bool:
        with _ONE_HASH_AT_A_TIME:
            return check_password_hash(self.password_hash, password)

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class LoginOutcome(str, enum.Enum):
    success = "success"
    failure = "failure"            # a wrong password or an unknown email: counts towards the locks
    locked = "locked"              # refused unchecked: the account was locked (does not extend the lock)
    slowed = "slowed"              # refused unchecked: the address was slowed down (does not count)
    unlocked = "unlocked"          # an admin unlocked the account (or its password was reset)


class LoginAttempt(Base):
    """Every login attempt, so failures can lock an account and slow an address down."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_email_at", "email", "at"),
        Index("ix_login_attempts_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    address: Mapped[str] = mapped_column(String(64))
    outcome: Mapped[LoginOutcome] = mapped_column(
        Enum(LoginOutcome, name="login_outcome", native_enum=False, length=10))
    at: Mapped[datetime] = mapped_column(DateTime, default=clock.utcnow)

    @property
    def succeeded(self) -> bool:
        return self.outcome is LoginOutcome.success


class PasswordResetLink(Base):
    """A one-time link an admin issues; only a hash of its secret is kept."""

    __tablename__ = "password_reset_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    used_at: Mapped[datetime | None] = mapped_column(DateTime)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
