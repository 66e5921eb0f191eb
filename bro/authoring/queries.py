"""What the curricula pages read: standards and courses with their versions."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from bro.extensions import db
from bro.models.curricula import (
    Course, CourseModule, CourseVersion, Standard, StandardStep, StandardVersion,
)


def standards_with_versions() -> list[Standard]:
    return list(db.session.execute(
        select(Standard).order_by(Standard.key)
        .options(selectinload(Standard.versions).joinedload(StandardVersion.imported_by),
                 selectinload(Standard.current_version))
    ).scalars())


def courses_with_versions() -> list[Course]:
    return list(db.session.execute(
        select(Course).order_by(Course.key)
        .options(selectinload(Course.versions).joinedload(CourseVersion.imported_by),
                 selectinload(Course.current_version).joinedload(CourseVersion.standard))
    ).scalars())


def step_counts() -> dict[int, int]:
    """Standard version id -> number of steps."""
    return dict(db.session.execute(
        select(StandardStep.standard_version_id, func.count(StandardStep.id))
        .group_by(StandardStep.standard_version_id)).all())


def module_counts() -> dict[int, int]:
    """Course version id -> number of modules."""
    return dict(db.session.execute(
        select(CourseModule.course_version_id, func.count(CourseModule.id))
        .group_by(CourseModule.course_version_id)).all())


def standard_version(key: str, number: int) -> StandardVersion | None:
    return db.session.execute(
        select(StandardVersion).join(StandardVersion.standard)
        .where(Standard.key == key, StandardVersion.number == number)
        .options(joinedload(StandardVersion.standard).selectinload(Standard.versions),
                 joinedload(StandardVersion.imported_by), selectinload(StandardVersion.steps))
    ).unique().scalar_one_or_none()


def course_version(key: str, number: int) -> CourseVersion | None:
    return db.session.execute(
        select(CourseVersion).join(CourseVersion.course)
        .where(Course.key == key, CourseVersion.number == number)
        .options(joinedload(CourseVersion.course).selectinload(Course.versions),
                 joinedload(CourseVersion.imported_by),
                 joinedload(CourseVersion.standard),
                 joinedload(CourseVersion.standard_version).selectinload(StandardVersion.steps),
                 selectinload(CourseVersion.modules))
    ).unique().scalar_one_or_none()


def standard_by_key(key: str) -> Standard | None:
    return db.session.execute(
        select(Standard).where(Standard.key == key).options(selectinload(Standard.versions))
    ).scalar_one_or_none()


def course_by_key(key: str) -> Course | None:
    return db.session.execute(
        select(Course).where(Course.key == key).options(selectinload(Course.versions))
    ).scalar_one_or_none()


def curricula_in_force() -> dict:
    """Figures of the versions in force: standards, courses, modules, quiz questions, last import."""
    standards, steps, critical = db.session.execute(
        select(func.count(func.distinct(Standard.id)), func.count(StandardStep.id),
               func.count(StandardStep.id).filter(StandardStep.critical.is_(True)))
        .select_from(Standard)
        .outerjoin(StandardStep, StandardStep.standard_version_id == Standard.current_version_id)
        .where(Standard.current_version_id.is_not(None))
    ).one()
    module_rows = db.session.execute(
        select(CourseModule.course_version_id, CourseModule.required, CourseModule.quiz)
        .join(Course, Course.current_version_id == CourseModule.course_version_id)
    ).all()
    courses = db.session.execute(
        select(func.count(Course.id)).where(Course.current_version_id.is_not(None))).scalar_one()
    last_import: datetime | None = max(
        (value for value in (
            db.session.execute(select(func.max(StandardVersion.imported_at))).scalar_one(),
            db.session.execute(select(func.max(CourseVersion.imported_at))).scalar_one(),
        ) if value is not None),
        default=None,
    )
    return {
        "standards": standards,
        "steps": steps,
        "critical_steps": critical,
        "courses": courses,
        "modules": len(module_rows),
        "required_modules": sum(1 for row in module_rows if row.required),
        # Questions live in the module's quiz document (JSON): counted here, not in SQL, to stay portable.
        "questions": sum(len((row.quiz or {}).get("questions", [])) for row in module_rows),
        "last_import": last_import,
    }
