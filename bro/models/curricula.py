"""Imported curricula, versioned by content.

A Standard or Course is the stable identity (its YAML id, `key`); every import
with changed content adds a StandardVersion / CourseVersion. The newest version
is the one in force. Audits point at a StandardVersion and quiz attempts at a
CourseModule of one CourseVersion, so re-importing never rewrites history.

Text fields hold the localized mapping `{lang: text}`; `document` keeps the
whole checked document (`bro.curricula` `to_dict()`), from which
`bro.curricula.document_from_dict` rebuilds the dataclasses.
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bro import clock
from bro.models.base import Base

if TYPE_CHECKING:
    from bro.models.people import User


class Standard(Base):
    __tablename__ = "standards"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    relationship_kind: Mapped[str] = mapped_column("relationship", String(8))  # of the newest version
    current_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("standard_versions.id", use_alter=True, name="fk_standards_current_version_id",
                   ondelete="SET NULL"))  # lets SQLite drop the tables of this cycle
    # Retired: hidden from new audits, history kept; restoring clears it.
    retired_at: Mapped[datetime | None] = mapped_column(DateTime)
    retired_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    versions: Mapped[list[StandardVersion]] = relationship(
        back_populates="standard", foreign_keys="StandardVersion.standard_id", order_by="StandardVersion.number")
    current_version: Mapped[StandardVersion | None] = relationship(foreign_keys=[current_version_id],
                                                                   post_update=True)


class StandardVersion(Base):
    __tablename__ = "standard_versions"
    __table_args__ = (UniqueConstraint("standard_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    standard_id: Mapped[int] = mapped_column(ForeignKey("standards.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(5))
    title: Mapped[dict] = mapped_column(JSON)
    relationship_kind: Mapped[str] = mapped_column("relationship", String(8))
    pass_score: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    document: Mapped[dict] = mapped_column(JSON)
    source_file: Mapped[str | None] = mapped_column(String(500))
    source_text: Mapped[str | None] = mapped_column(Text)  # the exact YAML file imported (None before 0010)
    restored_from: Mapped[int | None] = mapped_column(Integer)  # made current again: the number of the copied version
    imported_at: Mapped[datetime] = mapped_column(DateTime, default=clock.utcnow)
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    standard: Mapped[Standard] = relationship(back_populates="versions", foreign_keys=[standard_id])
    imported_by: Mapped[User | None] = relationship(foreign_keys=[imported_by_id])
    steps: Mapped[list[StandardStep]] = relationship(
        back_populates="standard_version", order_by="StandardStep.position", cascade="all, delete-orphan")


class StandardStep(Base):
    __tablename__ = "standard_steps"
    __table_args__ = (UniqueConstraint("standard_version_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    standard_version_id: Mapped[int] = mapped_column(ForeignKey("standard_versions.id"))
    key: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[dict] = mapped_column(JSON)
    guidance: Mapped[dict | None] = mapped_column(JSON)
    weight: Mapped[Decimal] = mapped_column(Numeric(8, 3))
    critical: Mapped[bool] = mapped_column(Boolean, default=False)

    standard_version: Mapped[StandardVersion] = relationship(back_populates="steps")


class Course(Base):
    __tablename__ = "courses"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    current_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("course_versions.id", use_alter=True, name="fk_courses_current_version_id",
                   ondelete="SET NULL"))
    # Retired: hidden from new assignments (and automatic retraining), history kept; restoring clears it.
    retired_at: Mapped[datetime | None] = mapped_column(DateTime)
    retired_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    versions: Mapped[list[CourseVersion]] = relationship(
        back_populates="course", foreign_keys="CourseVersion.course_id", order_by="CourseVersion.number")
    current_version: Mapped[CourseVersion | None] = relationship(foreign_keys=[current_version_id],
                                                                 post_update=True)


class CourseVersion(Base):
    __tablename__ = "course_versions"
    __table_args__ = (UniqueConstraint("course_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(5))
    title: Mapped[dict] = mapped_column(JSON)
    summary: Mapped[dict | None] = mapped_column(JSON)
    # The standard (identity) whose steps the modules teach; the version is the one in force at import.
    standard_id: Mapped[int | None] = mapped_column(ForeignKey("standards.id"), index=True)
    standard_version_id: Mapped[int | None] = mapped_column(ForeignKey("standard_versions.id"))
    certification_title: Mapped[dict | None] = mapped_column(JSON)
    certification_valid_days: Mapped[int | None] = mapped_column(Integer)
    document: Mapped[dict] = mapped_column(JSON)
    source_file: Mapped[str | None] = mapped_column(String(500))
    source_text: Mapped[str | None] = mapped_column(Text)  # the exact YAML file imported (None before 0010)
    restored_from: Mapped[int | None] = mapped_column(Integer)  # made current again: the number of the copied version
    imported_at: Mapped[datetime] = mapped_column(DateTime, default=clock.utcnow)
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    course: Mapped[Course] = relationship(back_populates="versions", foreign_keys=[course_id])
    imported_by: Mapped[User | None] = relationship(foreign_keys=[imported_by_id])
    standard: Mapped[Standard | None] = relationship(foreign_keys=[standard_id])
    standard_version: Mapped[StandardVersion | None] = relationship(foreign_keys=[standard_version_id])
    modules: Mapped[list[CourseModule]] = relationship(
        back_populates="course_version", order_by="CourseModule.position", cascade="all, delete-orphan")


class CourseModule(Base):
    """One module of one course version. `lessons` and `quiz` keep the document's dicts."""

    __tablename__ = "course_modules"
    __table_args__ = (UniqueConstraint("course_version_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_version_id: Mapped[int] = mapped_column(ForeignKey("course_versions.id"))
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    key: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[dict] = mapped_column(JSON)
    required: Mapped[bool] = mapped_column(Boolean, default=True)
    lessons: Mapped[list] = mapped_column(JSON)
    quiz: Mapped[dict | None] = mapped_column(JSON)

    course_version: Mapped[CourseVersion] = relationship(back_populates="modules")
    teaches: Mapped[list[ModuleStep]] = relationship(cascade="all, delete-orphan", lazy="selectin")

    @property
    def step_keys(self) -> list[str]:
        return [row.step_key for row in self.teaches]


class ModuleStep(Base):
    """A module teaches a step of its course's standard (by step key: keys are stable across versions)."""

    __tablename__ = "module_steps"
    __table_args__ = (Index("ix_module_steps_standard_step", "standard_id", "step_key"),)

    module_id: Mapped[int] = mapped_column(ForeignKey("course_modules.id"), primary_key=True)
    step_key: Mapped[str] = mapped_column(String(80), primary_key=True)
    standard_id: Mapped[int] = mapped_column(ForeignKey("standards.id"))
