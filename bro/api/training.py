"""/api/v1/assignments and /api/v1/certificates: read, for the people you may see (yourself; supervisors
their teams' members; admins everyone) — the rule of the learning pages (bro.access)."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_login import current_user
from flask_smorest import Blueprint
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from bro.access import can_see_staff
from bro.api.auth import api_access
from bro.api.cursor import Keyset, paginate_keyset
from bro.api.people import people_visible_to
from bro.api.problems import ApiProblem
from bro.api.schemas import AssignmentPage, CertificatePage, PeopleListArgs
from bro.extensions import db
from bro.models.curricula import CourseVersion
from bro.models.people import Role, User
from bro.models.training import Assignment, Certificate

bp = Blueprint("api_training", __name__, url_prefix="/api/v1", description="Assignments and certificates")
ALL = (Role.staff, Role.supervisor, Role.trainer)


def _people_query(model, args):
    query = select(model).join(User, User.id == model.user_id).order_by(model.id)
    clause = people_visible_to(current_user)
    if clause is not None:
        query = query.where(clause)
    if args.get("user"):
        person = db.session.get(User, args["user"])
        if person is None or not can_see_staff(current_user, person):
            raise ApiProblem(404, _("No user you may see has this id."), field="user")
        query = query.where(model.user_id == person.id)
    return query


@bp.route("/assignments")
@api_access(*ALL, scope="read")
@bp.arguments(PeopleListArgs, location="query")
@bp.response(200, AssignmentPage)
def list_assignments(args):
    """Courses and modules people must complete (retraining, recertification or by hand), by id."""
    return paginate_keyset(db.session, _people_query(Assignment, args),
                           Keyset((Assignment.id,), ("int",), lambda a: (a.id,)), args)


@bp.route("/certificates")
@api_access(*ALL, scope="read")
@bp.arguments(PeopleListArgs, location="query")
@bp.response(200, CertificatePage)
def list_certificates(args):
    """Certificates earned, with the first day each is no longer valid, by id."""
    query = _people_query(Certificate, args).options(
        joinedload(Certificate.course_version).load_only(CourseVersion.id, CourseVersion.number))
    return paginate_keyset(db.session, query, Keyset((Certificate.id,), ("int",), lambda c: (c.id,)), args)
