"""/api/v1/standards and /api/v1/courses: what the curricula hold, read-only (trainers import YAML)."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import defer, joinedload, selectinload

from bro.api.blueprint import ApiBlueprint
from bro.api.cursor import PageArgs, by_id, paginate_keyset
from bro.api.problems import ApiProblem
from bro.api.schemas import CoursePage, CourseSchema, StandardPage, StandardSchema, StandardVersionSchema
from bro.extensions import db
from bro.models.curricula import Course, CourseVersion, Standard, StandardVersion
from bro.models.people import Role

bp = ApiBlueprint("api_curricula", __name__, "Standards and courses")
ALL = (Role.staff, Role.supervisor, Role.trainer)

_STANDARD = (joinedload(Standard.current_version).options(defer(StandardVersion.document),
                                                          defer(StandardVersion.source_text),
                                                          selectinload(StandardVersion.steps)),)
_COURSE = (joinedload(Course.current_version).options(defer(CourseVersion.document),
                                                      defer(CourseVersion.source_text),
                                                      selectinload(CourseVersion.modules)),)


@bp.endpoint("/standards", *ALL, query=PageArgs, answers=StandardPage)
def list_standards(args):
    """Service standards with the version in force and its steps."""
    query = select(Standard).options(*_STANDARD).order_by(Standard.id)
    return paginate_keyset(db.session, query, by_id(Standard), args)


def _standard(standard_id: int) -> Standard:
    standard = db.session.get(Standard, standard_id, options=_STANDARD)
    if standard is None:
        raise ApiProblem(404, _("No standard has this id."), field="standard_id")
    return standard


@bp.endpoint("/standards/<int:standard_id>", *ALL, answers=StandardSchema)
def get_standard(standard_id: int):
    return _standard(standard_id)


@bp.endpoint("/standards/<int:standard_id>/versions", *ALL, answers=StandardVersionSchema(many=True))
def standard_versions(standard_id: int):
    """Every version of the standard, oldest first (audits point at the version they were scored against)."""
    _standard(standard_id)
    return db.session.execute(
        select(StandardVersion).where(StandardVersion.standard_id == standard_id)
        .options(defer(StandardVersion.document), defer(StandardVersion.source_text),
                 selectinload(StandardVersion.steps)).order_by(StandardVersion.number)).scalars().all()


@bp.endpoint("/courses", *ALL, query=PageArgs, answers=CoursePage)
def list_courses(args):
    """Courses with the version in force and its modules."""
    query = select(Course).options(*_COURSE).order_by(Course.id)
    return paginate_keyset(db.session, query, by_id(Course), args)


@bp.endpoint("/courses/<int:course_id>", *ALL, answers=CourseSchema)
def get_course(course_id: int):
    course = db.session.get(Course, course_id, options=_COURSE)
    if course is None:
        raise ApiProblem(404, _("No course has this id."), field="course_id")
    return course
